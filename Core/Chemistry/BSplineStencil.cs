using System.Runtime.CompilerServices;

namespace MeanField.Core.Chemistry;

/// <summary>
/// The quintic B-spline M6 (order 6, support [-3, 3], C^4) as a deposit kernel on a uniform grid: a
/// point at fractional offset t in [0, 1) from node i0 spreads over nodes i0-2 .. i0+3 (the nodes of
/// <see cref="LagrangeStencil"/>) with weights <c>M6(i - i0 - t)</c>, which sum to 1.
/// </summary>
/// <remarks>
/// Deposited with spacing h, a unit mass at x has the grid transform
/// <c>sum_m M6^(k + 2 pi m / h) e^{-i (k + 2 pi m / h) x}</c> with <c>M6^(k) = sinc(k h / 2)^6</c> per
/// axis: dividing by <see cref="FourierFactor"/> leaves <c>e^{-i k x}</c> up to the aliases, whose weight
/// is about <c>2 (k h / 2 pi)^6</c>. Lagrange interpolation's adjoint errs by about
/// <c>(k h)^6 / 200</c> at the same k, and is only Lipschitz in x.
/// </remarks>
public static class BSplineStencil
{
    /// <summary>Stencil width.</summary>
    public const int Width = 6;

    /// <summary>Offset of the first stencil node from the node at or below the point.</summary>
    public const int FirstOffset = -2;

    /// <summary>Writes the six weights for fractional offset t (the uniform quintic B-spline basis).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Weights(double t, Span<double> w)
    {
        double t2 = t * t, t3 = t2 * t, t4 = t3 * t, t5 = t4 * t, s = 1 - t;
        double s2 = s * s;
        const double c = 1.0 / 120;
        w[0] = c * s2 * s2 * s;
        w[1] = c * (26 - 50 * t + 20 * t2 + 20 * t3 - 20 * t4 + 5 * t5);
        w[2] = c * (66 - 60 * t2 + 30 * t4 - 10 * t5);
        w[3] = c * (26 + 50 * t + 20 * t2 - 20 * t3 - 20 * t4 + 10 * t5);
        w[4] = c * (1 + 5 * t + 10 * t2 + 10 * t3 + 5 * t4 - 5 * t5);
        w[5] = c * t5;
    }

    /// <summary>M6's Fourier transform along one axis at wavenumber k times spacing h: <c>sinc(k h / 2)^6</c>.</summary>
    public static double FourierFactor(double kh)
    {
        double half = kh / 2;
        double sinc = half == 0 ? 1 : Math.Sin(half) / half;
        double s2 = sinc * sinc;
        return s2 * s2 * s2;
    }
}
