using MeanField.Core.Particles;

namespace MeanField.Core.Dynamics;

/// <summary>
/// The a-priori bounds of the paper on solutions of (P), as functions of the model's constants and
/// the initial data, and their measurement along a trajectory.
/// </summary>
/// <remarks>
/// Notation: L = Lip(gamma) (on the support the run visits), Lip(chi) = sup |grad chi|,
/// Lip(grad chi), F = sup |F_ext|, eta the chemotactic sensitivity, V0 = max_i |v_i(0)|,
/// G0 = sup |grad phi_in|, R0 = max_i |z_i(0)| in phase space.
/// <para>Proposition 7.2 as printed, <c>|v_i(t)| &lt;= V0 e^(2 gamma0 t)</c> with
/// gamma0 = Lip(gamma) + Lip(grad chi), leaves out the forcing by the chemical field and F_ext (it
/// fails for V0 = 0 as soon as the field pulls). The corrected form used here follows from
/// <c>d V/dt &lt;= 2 L V + eta (G0 + Lip(chi) t) + F</c> (alignment: |gamma(y, w)| &lt;= L |w| since
/// gamma(y, 0) = 0; the field: the heat semigroup does not increase sup |grad phi| and each cell adds
/// at most Lip(chi)), so <c>V(t) &lt;= e^(2 L t) (V0 + (eta G0 + F) t + eta Lip(chi) t^2 / 2)</c>, and the
/// drift <c>||x_i(t)| - |x_i(0)|| &lt;= int_0^t V</c>.</para>
/// <para>Theorem 7.3 states <c>|d z_i(t) / d z_j^in| &lt;= e^((gamma1 + gamma2 T) t)</c> with
/// gamma1 = Lip(gamma), gamma2 = Lip(grad chi); its proof carries eta with the second constant,
/// <c>e^((Lip(gamma) + eta Lip(grad chi) T) t)</c>. Both are computed.</para>
/// <para>Theorems 8.1 and 9.1: the support stays in the ball of radius
/// <c>R^t = e^((L + F + eta Lip(chi)) t) (R0 + L + F + eta Lip(chi))</c>.</para>
/// </remarks>
public static class APrioriBounds
{
    /// <summary>Proposition 7.2 as printed: V0 e^(2 gamma0 t).</summary>
    public static double PrintedVelocity(double v0, double lipGamma, double lipGradChi, double t) =>
        v0 * Math.Exp(2 * (lipGamma + lipGradChi) * t);

    /// <summary>Proposition 7.2 as printed: V0 (e^(2 gamma0 t) - 1) / (2 gamma0).</summary>
    public static double PrintedDrift(double v0, double lipGamma, double lipGradChi, double t)
    {
        double g = 2 * (lipGamma + lipGradChi);
        return g == 0 ? v0 * t : v0 * ExpM1(g * t) / g;
    }

    /// <summary>Proposition 7.2 with the forcing: e^(2 L t) (V0 + (eta G0 + F) t + eta Lip(chi) t^2 / 2).</summary>
    public static double CorrectedVelocity(double v0, double lipGamma, double eta, double lipChi, double g0, double forceSup, double t) =>
        Math.Exp(2 * lipGamma * t) * (v0 + (eta * g0 + forceSup) * t + 0.5 * eta * lipChi * t * t);

    /// <summary>The drift bound int_0^t of <see cref="CorrectedVelocity"/> (composite Simpson on 256 intervals: the integrand is smooth).</summary>
    public static double CorrectedDrift(double v0, double lipGamma, double eta, double lipChi, double g0, double forceSup, double t)
    {
        const int intervals = 256;
        if (t <= 0) return 0;
        double h = t / intervals, sum = 0;
        for (int k = 0; k <= intervals; k++)
        {
            double weight = k == 0 || k == intervals ? 1 : k % 2 == 1 ? 4 : 2;
            sum += weight * CorrectedVelocity(v0, lipGamma, eta, lipChi, g0, forceSup, k * h);
        }

        return sum * h / 3;
    }

    /// <summary>Theorems 8.1 and 9.1: R^t = e^((L + F + eta Lip(chi)) t) (R0 + L + F + eta Lip(chi)).</summary>
    public static double SupportRadius(double r0, double lipGamma, double forceSup, double eta, double lipChi, double t)
    {
        double c = lipGamma + forceSup + eta * lipChi;
        return Math.Exp(c * t) * (r0 + c);
    }

    /// <summary>Theorem 7.3: e^((gamma1 + gamma2 T) t), with gamma2 = eta Lip(grad chi) as in its proof, or Lip(grad chi) as printed.</summary>
    public static double FlowDerivative(double lipGamma, double gamma2, double horizon, double t) =>
        Math.Exp((lipGamma + gamma2 * horizon) * t);

    /// <summary>The finite-difference step of the flow derivative, 2^-20: a power of two, so x + epsilon - x is exact for |x| &lt; 2^32.</summary>
    public const double FlowStep = 1.0 / (1 << 20);

    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 : Math.Exp(x) - 1;

    /// <summary>
    /// Runs (P) from <paramref name="start"/> for <paramref name="steps"/> steps and measures, every
    /// <paramref name="every"/> steps: max_i |v_i|, max_i ||x_i| - |x_i(0)||, max_i |z_i| in phase space,
    /// and the flow derivative max_i |z_i(t) - z'_i(t)| / epsilon over runs with particle
    /// <paramref name="perturbed"/>'s initial phase-space coordinates moved by epsilon, one coordinate at a
    /// time (a lower estimate of the operator norm of dz_i(t)/dz_j^in). One thread per run: the bits do
    /// not depend on the machine.
    /// </summary>
    public static APrioriTrace Trace(HybridModel model, ParticleState start, int steps, int every, int perturbed = 0, double epsilon = FlowStep)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(start);
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "sample every >= 1 steps");
        var runs = new[] { start }.Concat(Shifted(start, perturbed, epsilon)).Select(s => new HybridSimulation(model, s, 1)).ToArray();
        var times = new List<double>();
        var snapshots = runs.Select(_ => new List<ParticleState>()).ToArray();
        void Sample()
        {
            times.Add(runs[0].Time);
            for (int r = 0; r < runs.Length; r++) snapshots[r].Add(runs[r].State.Clone());
        }

        Sample();
        for (int step = 1; step <= steps; step++)
        {
            foreach (var run in runs) run.Step();
            if (step % every == 0 || step == steps) Sample();
        }

        return Measure(times, snapshots[0], snapshots[1..], InitialGradient(model), epsilon);
    }

    /// <summary>
    /// The 2d starts of the flow derivative: <paramref name="start"/> with particle
    /// <paramref name="perturbed"/>'s coordinate c moved by epsilon (positions for c &lt; d, then velocities).
    /// </summary>
    public static ParticleState[] Shifted(ParticleState start, int perturbed = 0, double epsilon = FlowStep)
    {
        ArgumentNullException.ThrowIfNull(start);
        int n = start.Count, d = start.Dimension;
        var shifted = new ParticleState[2 * d];
        for (int c = 0; c < 2 * d; c++)
        {
            var moved = start.Clone();
            var target = c < d ? moved.Positions : moved.Velocities;
            target[(c % d) * n + perturbed] += epsilon;
            shifted[c] = moved;
        }

        return shifted;
    }

    /// <summary>G0 = sup |grad phi_in| over the grid nodes (0 for phi_in = 0).</summary>
    public static double InitialGradient(HybridModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var field = new Chemistry.ChemicalField(model.Grid, model.Diffusion, model.Decay, model.Source, model.Step, maxThreads: 1);
        if (model.InitialField is not null) field.SetNodalValues(model.InitialField);
        field.UpdateGradient();
        return field.MaxGradientNorm();
    }

    /// <summary>
    /// The a-priori quantities of a trajectory given as snapshots: <paramref name="main"/>[k] the cells at
    /// <paramref name="times"/>[k] (the first at t = 0), <paramref name="shifted"/>[c][k] the run from the
    /// c-th start of <see cref="Shifted"/> at the same times; any solver's output can be measured.
    /// </summary>
    public static APrioriTrace Measure(IReadOnlyList<double> times, IReadOnlyList<ParticleState> main, IReadOnlyList<IReadOnlyList<ParticleState>> shifted, double initialGradient, double epsilon = FlowStep)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(shifted);
        if (main.Count != times.Count || shifted.Any(s => s.Count != times.Count))
            throw new ArgumentException($"{times.Count} times, but {main.Count} snapshots of the run and [{string.Join(", ", shifted.Select(s => s.Count))}] of the shifted runs");
        int n = main[0].Count, d = main[0].Dimension;
        var initialRadius = new double[n];
        for (int i = 0; i < n; i++) initialRadius[i] = Norm(main[0].Positions, i, n, d);
        int samples = times.Count;
        double[] speed = new double[samples], drift = new double[samples], radius = new double[samples], derivative = new double[samples];
        double positionExtent = 0, velocityExtent = 0;
        for (int k = 0; k < samples; k++)
        {
            var s = main[k];
            double v = 0, x = 0, r = 0, z = 0;
            for (int i = 0; i < n; i++)
            {
                double vi = Norm(s.Velocities, i, n, d), xi = Norm(s.Positions, i, n, d);
                v = Math.Max(v, vi);
                x = Math.Max(x, Math.Abs(xi - initialRadius[i]));
                r = Math.Max(r, Math.Sqrt(vi * vi + xi * xi));
                positionExtent = Math.Max(positionExtent, xi);
            }

            velocityExtent = Math.Max(velocityExtent, v);
            foreach (var other in shifted)
            {
                var o = other[k];
                for (int i = 0; i < n; i++)
                {
                    double gap = 0;
                    for (int a = 0; a < d; a++)
                    {
                        double dx = o.Positions[a * n + i] - s.Positions[a * n + i];
                        double dv = o.Velocities[a * n + i] - s.Velocities[a * n + i];
                        gap += dx * dx + dv * dv;
                    }

                    z = Math.Max(z, Math.Sqrt(gap) / epsilon);
                }
            }

            speed[k] = v;
            drift[k] = x;
            radius[k] = r;
            derivative[k] = z;
        }

        return new APrioriTrace(times.ToArray(), speed, drift, radius, derivative, initialGradient, 2 * positionExtent, 2 * velocityExtent);
    }

    private static double Norm(double[] data, int i, int n, int d)
    {
        double s = 0;
        for (int a = 0; a < d; a++) s += data[a * n + i] * data[a * n + i];
        return Math.Sqrt(s);
    }
}

/// <summary>A trajectory's a-priori quantities at the sampled times (see <see cref="APrioriBounds.Trace"/>).</summary>
/// <param name="InitialGradient">G0 = sup |grad phi_in| on the grid.</param>
/// <param name="PositionDiameter">2 max_{i,t} |x_i(t)|: the diameter of the ball the run visits in x (for Lip(gamma)).</param>
/// <param name="VelocityDiameter">2 max_{i,t} |v_i(t)|.</param>
public sealed record APrioriTrace(
    double[] Times,
    double[] MaxSpeed,
    double[] MaxDrift,
    double[] PhaseSpaceRadius,
    double[] FlowDerivative,
    double InitialGradient,
    double PositionDiameter,
    double VelocityDiameter);
