using MeanField.Core.Scenarios;

namespace MeanField.Core.References;

/// <summary>The initial law rho_in of a d = 1 scenario as a density on the (x, v) plane, for the grid solver.</summary>
public static class InitialDensity
{
    /// <summary>
    /// f_in(x, v) for d = 1 data that has a density: uniform, Gaussian (each factor truncated at its
    /// cutoff and renormalised) and two clusters. Monokinetic data is a measure in v (no density):
    /// refused, naming the key.
    /// </summary>
    public static Func<double, double, double> OneDimensional(InitialDataSpec spec) => spec switch
    {
        UniformDataSpec { VelocityRadius: 0 } or TwoClustersSpec { VelocityRadius: 0 } =>
            throw new ScenarioException("initial.velocity_radius", "0", "a point mass in v has no density for the grid solver: use monokinetic data with --method lagrangian or euler"),
        GaussianDataSpec { VelocityStd: 0 } =>
            throw new ScenarioException("initial.velocity_std", "0", "a point mass in v has no density for the grid solver: use monokinetic data with --method lagrangian or euler"),
        UniformDataSpec u => (x, v) =>
            Box(x, u.Center[0], u.Radius) * Box(v, u.VelocityCenter[0], u.VelocityRadius),
        GaussianDataSpec g => (x, v) =>
            TruncatedNormal(x, g.Center[0], g.Std, g.Cutoff) * TruncatedNormal(v, g.VelocityCenter[0], g.VelocityStd, g.Cutoff),
        TwoClustersSpec t => (x, v) =>
            0.5 * Box(x, t.Separation / 2, t.Radius) * Box(v, t.Drift, t.VelocityRadius)
            + 0.5 * Box(x, -t.Separation / 2, t.Radius) * Box(v, -t.Drift, t.VelocityRadius),
        MonokineticSpec => throw new ScenarioException("initial.kind", "monokinetic", "has no density in v: use --method lagrangian or euler for monokinetic data"),
        _ => throw new ScenarioException("initial.kind", spec.GetType().Name, "has no density for the grid solver"),
    };

    /// <summary>An interval of velocities that holds supp f_in in v with room for the dynamics: the support widened by half its width and 0.5 on each side.</summary>
    public static (double Min, double Max) VelocityInterval(InitialDataSpec spec)
    {
        (double lo, double hi) = spec switch
        {
            UniformDataSpec u => (u.VelocityCenter[0] - u.VelocityRadius, u.VelocityCenter[0] + u.VelocityRadius),
            GaussianDataSpec g => (g.VelocityCenter[0] - g.Cutoff * g.VelocityStd, g.VelocityCenter[0] + g.Cutoff * g.VelocityStd),
            TwoClustersSpec t => (-Math.Abs(t.Drift) - t.VelocityRadius, Math.Abs(t.Drift) + t.VelocityRadius),
            _ => throw new ScenarioException("initial.kind", spec.GetType().Name, "has no velocity density"),
        };
        double margin = 0.5 * (hi - lo) + 0.5;
        return (lo - margin, hi + margin);
    }

    private static double Box(double x, double center, double radius) =>
        Math.Abs(x - center) <= radius ? 0.5 / radius : 0;

    private static double TruncatedNormal(double x, double mean, double std, double cutoff)
    {
        double z = (x - mean) / std;
        if (Math.Abs(z) > cutoff) return 0;
        double inside = MathNet.Numerics.SpecialFunctions.Erf(cutoff / Math.Sqrt(2));
        return Math.Exp(-0.5 * z * z) / (std * Math.Sqrt(2 * Math.PI) * inside);
    }
}
