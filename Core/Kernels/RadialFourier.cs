using MathNet.Numerics.Integration;

namespace MeanField.Core.Kernels;

/// <summary>
/// The Fourier transform <c>chi^(k) = int chi(x) e^{-i k.x} dx</c> of a radial, compactly supported
/// profile on R^d, a function of |k| alone: <c>2 int_0^r chi(s) cos(ks) ds</c> (d = 1),
/// <c>2 pi int_0^r chi(s) J0(ks) s ds</c> (d = 2), <c>4 pi int_0^r chi(s) sinc(ks) s^2 ds</c> (d = 3),
/// by Gauss-Legendre quadrature on 8 panels of 32 nodes (the integrand is smooth on [0, r]).
/// </summary>
public static class RadialFourier
{
    private const int Panels = 8, NodesPerPanel = 32;

    /// <summary>The 32-node rule on [-1, 1], once (the rule's properties copy its arrays on every read).</summary>
    private static readonly double[] Abscissas = new GaussLegendreRule(-1, 1, NodesPerPanel).Abscissas;

    private static readonly double[] Weights = new GaussLegendreRule(-1, 1, NodesPerPanel).Weights;

    /// <summary>chi^ at one |k|.</summary>
    public static double Transform(ISourceProfile chi, int dimension, double k)
    {
        Span<double> one = stackalloc double[1];
        Transforms(chi, dimension, [k], one);
        return one[0];
    }

    /// <summary>chi^ at each of <paramref name="wavenumbers"/> (|k|), into <paramref name="transforms"/>; chi is sampled once for all of them.</summary>
    public static void Transforms(ISourceProfile chi, int dimension, ReadOnlySpan<double> wavenumbers, Span<double> transforms)
    {
        ArgumentNullException.ThrowIfNull(chi);
        if (dimension is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be 1, 2 or 3");
        if (transforms.Length != wavenumbers.Length)
            throw new ArgumentException($"transforms has length {transforms.Length}, expected {wavenumbers.Length}", nameof(transforms));
        double r = chi.SupportRadius;
        const int count = Panels * NodesPerPanel;
        Span<double> s = stackalloc double[count];
        Span<double> q = stackalloc double[count];
        double surface = dimension switch { 1 => 2, 2 => 2 * Math.PI, _ => 4 * Math.PI };
        double half = r / Panels / 2;
        for (int p = 0; p < Panels; p++)
        {
            double centre = r * (p + 0.5) / Panels;
            for (int i = 0; i < NodesPerPanel; i++)
            {
                double x = centre + half * Abscissas[i];
                s[p * NodesPerPanel + i] = x;
                q[p * NodesPerPanel + i] = surface * half * Weights[i] * chi.ValueOfSquaredDistance(x * x) * Math.Pow(x, dimension - 1);
            }
        }

        for (int j = 0; j < wavenumbers.Length; j++)
        {
            double k = wavenumbers[j], sum = 0;
            for (int i = 0; i < count; i++)
            {
                double ks = k * s[i];
                sum += q[i] * dimension switch
                {
                    1 => Math.Cos(ks),
                    2 => BesselJ0(ks),
                    _ => ks == 0 ? 1 : Math.Sin(ks) / ks,
                };
            }

            transforms[j] = sum;
        }
    }

    /// <summary>
    /// J0(x) for x &gt;= 0 by Miller's backward recurrence (<c>J_{n-1} = (2n / x) J_n - J_{n+1}</c> from
    /// far above x, normalised by <c>J_0 + 2 sum J_{2m} = 1</c>): accurate to round-off for every x, and
    /// allocation-free, where a general Bessel routine allocates per call.
    /// </summary>
    internal static double BesselJ0(double x)
    {
        x = Math.Abs(x);
        if (x < 1e-8) return 1 - x * x / 4;
        // Start far enough above x that the neglected tail is below round-off; an even start.
        int start = 2 * ((int)(x + 30 + 6 * Math.Sqrt(x)) / 2);
        double above = 0, current = 1e-30, even = current;
        double twoOverX = 2 / x;
        for (int n = start; n > 0; n--)
        {
            double below = n * twoOverX * current - above;
            above = current;
            current = below;
            // current is J_{n-1} up to scale: add the even orders above 0 to the normalisation.
            if (((n - 1) & 1) == 0 && n - 1 > 0) even += current;
            if (Math.Abs(current) > 1e250)
            {
                current *= 1e-250;
                above *= 1e-250;
                even *= 1e-250;
            }
        }

        return current / (current + 2 * even);
    }
}
