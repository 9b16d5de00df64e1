using MeanField.Core.Particles;

namespace MeanField.Core.Dynamics;

/// <summary>Observables of the state at one output time.</summary>
/// <param name="Time">t.</param>
/// <param name="MeanVelocity">(1/N) sum_i v_i.</param>
/// <param name="VelocitySpread">sqrt((1/N) sum_i |v_i - mean v|^2): zero means a flock.</param>
/// <param name="MaxSpeed">max_i |v_i|.</param>
/// <param name="PositionRadius">max_i |x_i|, the support radius in x about the origin.</param>
/// <param name="VelocityRadius">max_i |v_i - mean v|, the support radius in v about the mean.</param>
/// <param name="FieldMass">int phi dx.</param>
/// <param name="MaxFieldGradient">max over grid nodes of |grad phi|.</param>
public sealed record Summary(
    double Time,
    double[] MeanVelocity,
    double VelocitySpread,
    double MaxSpeed,
    double PositionRadius,
    double VelocityRadius,
    double FieldMass,
    double MaxFieldGradient);

/// <summary>Computes <see cref="Summary"/> rows.</summary>
public static class Diagnostics
{
    public static Summary Summarize(double time, ParticleState state, double fieldMass, double maxFieldGradient)
    {
        int d = state.Dimension, n = state.Count;
        var mean = new double[d];
        for (int a = 0; a < d; a++)
        {
            double s = 0;
            foreach (double v in state.V(a)) s += v;
            mean[a] = s / n;
        }

        double spread = 0, maxSpeed2 = 0, xRadius2 = 0, vRadius2 = 0;
        for (int i = 0; i < n; i++)
        {
            double dv2 = 0, v2 = 0, x2 = 0;
            for (int a = 0; a < d; a++)
            {
                double v = state.Velocities[a * n + i];
                double x = state.Positions[a * n + i];
                dv2 += (v - mean[a]) * (v - mean[a]);
                v2 += v * v;
                x2 += x * x;
            }

            spread += dv2;
            maxSpeed2 = Math.Max(maxSpeed2, v2);
            xRadius2 = Math.Max(xRadius2, x2);
            vRadius2 = Math.Max(vRadius2, dv2);
        }

        return new Summary(time, mean, Math.Sqrt(spread / n), Math.Sqrt(maxSpeed2), Math.Sqrt(xRadius2), Math.Sqrt(vRadius2), fieldMass, maxFieldGradient);
    }
}
