using System.Runtime.CompilerServices;

namespace MeanField.Core.Transport;

/// <summary>The ground cost |x - y|^p with the Euclidean norm, computed on the fly.</summary>
internal static class GroundCost
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double p)
    {
        double s = 0;
        for (int a = 0; a < x.Length; a++)
        {
            double d = x[a] - y[a];
            s += d * d;
        }

        return p == 2 ? s : p == 1 ? Math.Sqrt(s) : Math.Pow(s, p / 2);
    }

    public static void CheckExponent(double p)
    {
        if (!(p >= 1) || !double.IsFinite(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "the exponent p must be finite and >= 1");
    }

    public static void CheckCompatible(PointCloud a, PointCloud b)
    {
        if (a.Dimension != b.Dimension)
            throw new ArgumentException($"the clouds live in different dimensions ({a.Dimension} and {b.Dimension})");
        if (Math.Abs(a.Mass - b.Mass) > 1e-9 * Math.Max(a.Mass, b.Mass))
            throw new ArgumentException($"the clouds carry different masses ({a.Mass:R} and {b.Mass:R}): transport needs equal mass");
    }
}
