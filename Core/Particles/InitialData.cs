using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using MeanField.Core.Scenarios;

namespace MeanField.Core.Particles;

/// <summary>
/// Draws N i.i.d. cells from rho_in. The generator is xoshiro256** seeded from the scenario seed
/// and the draws are sequential, so the same seed gives the same bits on any machine.
/// </summary>
public static class InitialData
{
    public static ParticleState Sample(InitialDataSpec spec, int dimension, int count, int seed)
    {
        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        var state = new ParticleState(dimension, count);
        Span<double> x = stackalloc double[dimension];
        Span<double> v = stackalloc double[dimension];
        for (int i = 0; i < count; i++)
        {
            Draw(spec, rng, i, x, v);
            for (int a = 0; a < dimension; a++)
            {
                state.Positions[a * count + i] = x[a];
                state.Velocities[a * count + i] = v[a];
            }
        }

        return state;
    }

    private static void Draw(InitialDataSpec spec, System.Random rng, int i, Span<double> x, Span<double> v)
    {
        switch (spec)
        {
            case UniformDataSpec u:
                if (u.Shape == PositionShape.Ball) UniformBall(rng, u.Center, u.Radius, x);
                else UniformCube(rng, u.Center, u.Radius, x);
                UniformBall(rng, u.VelocityCenter, u.VelocityRadius, v);
                break;
            case GaussianDataSpec g:
                TruncatedGaussian(rng, g.Center, g.Std, g.Cutoff, x);
                TruncatedGaussian(rng, g.VelocityCenter, g.VelocityStd, g.Cutoff, v);
                break;
            case TwoClustersSpec t:
            {
                // Alternate clusters so each holds exactly half (one more in the first when N is odd).
                double sign = i % 2 == 0 ? 1.0 : -1.0;
                Span<double> c = stackalloc double[x.Length];
                c.Clear();
                c[0] = sign * t.Separation / 2;
                UniformBall(rng, c, t.Radius, x);
                c[0] = sign * t.Drift;
                UniformBall(rng, c, t.VelocityRadius, v);
                break;
            }

            case MonokineticSpec m:
                // The bump by rejection from the uniform ball (acceptance (1 - s)^4 <= 1).
                do UniformBall(rng, m.Center, m.Radius, x);
                while (m.Profile == DensityProfile.Bump && rng.NextDouble() >= m.UnnormalisedDensity(x));
                m.Velocity.Evaluate(x, v);
                break;
            default:
                throw new NotSupportedException($"no sampler for {spec.GetType().Name}");
        }
    }

    /// <summary>Uniform in a ball: a Gaussian direction and radius r U^(1/d).</summary>
    private static void UniformBall(System.Random rng, ReadOnlySpan<double> center, double radius, Span<double> x)
    {
        int d = x.Length;
        double norm2;
        do
        {
            norm2 = 0;
            for (int a = 0; a < d; a++)
            {
                x[a] = Normal.Sample(rng, 0, 1);
                norm2 += x[a] * x[a];
            }
        }
        while (norm2 == 0);

        double r = radius * Math.Pow(rng.NextDouble(), 1.0 / d) / Math.Sqrt(norm2);
        for (int a = 0; a < d; a++) x[a] = center[a] + r * x[a];
    }

    private static void UniformCube(System.Random rng, ReadOnlySpan<double> center, double halfWidth, Span<double> x)
    {
        for (int a = 0; a < x.Length; a++) x[a] = center[a] + halfWidth * (2 * rng.NextDouble() - 1);
    }

    /// <summary>A Gaussian conditioned on lying within <paramref name="cutoff"/> standard deviations (rejection).</summary>
    private static void TruncatedGaussian(System.Random rng, ReadOnlySpan<double> center, double std, double cutoff, Span<double> x)
    {
        double norm2;
        do
        {
            norm2 = 0;
            for (int a = 0; a < x.Length; a++)
            {
                x[a] = Normal.Sample(rng, 0, 1);
                norm2 += x[a] * x[a];
            }
        }
        while (norm2 > cutoff * cutoff);

        for (int a = 0; a < x.Length; a++) x[a] = center[a] + std * x[a];
    }
}
