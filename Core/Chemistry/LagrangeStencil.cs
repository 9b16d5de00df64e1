using System.Runtime.CompilerServices;

namespace MeanField.Core.Chemistry;

/// <summary>
/// Six-point Lagrange interpolation on a uniform grid, order 6 (error O(h^6) for smooth data). For a
/// point at fractional offset t in [0, 1) from node i0 the stencil is nodes i0-2 .. i0+3.
/// </summary>
public static class LagrangeStencil
{
    /// <summary>Stencil width.</summary>
    public const int Width = 6;

    /// <summary>Offset of the first stencil node from the node at or below the point.</summary>
    public const int FirstOffset = -2;

    /// <summary>Interpolation order: the error falls as h^Order.</summary>
    public const int Order = 6;

    /// <summary>Writes the six weights for fractional offset t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Weights(double t, Span<double> w)
    {
        // Node offsets o = -2..3; w_k = prod_{m != k} (t - o_m) / (o_k - o_m).
        double a = t + 2, b = t + 1, c = t, d = t - 1, e = t - 2, f = t - 3;
        w[0] = b * c * d * e * f / -120.0;
        w[1] = a * c * d * e * f / 24.0;
        w[2] = a * b * d * e * f / -12.0;
        w[3] = a * b * c * e * f / 12.0;
        w[4] = a * b * c * d * f / -24.0;
        w[5] = a * b * c * d * e / 120.0;
    }

    /// <summary>Width^d: the nodes of the tensor stencil in d dimensions.</summary>
    public static int Nodes(int dimension) => dimension switch
    {
        1 => Width,
        2 => Width * Width,
        3 => Width * Width * Width,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "the stencil is for d = 1, 2 or 3"),
    };
}
