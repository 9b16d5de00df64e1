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

    /// <summary>
    /// The tensor stencil in d = <c>position.Length</c> (at most 3) dimensions at a point given in grid
    /// units (its coordinates over the spacing, from the grid's origin): per axis, the index of the
    /// stencil's first node into <paramref name="first"/>; the Width^d weights, products of the axes'
    /// weights with axis 0 varying fastest, into <paramref name="weights"/>. The deposit and the gather
    /// of every grid method use it, so both spread and read a cell with the same weights.
    /// </summary>
    public static void Tensor(ReadOnlySpan<double> position, Span<int> first, Span<double> weights)
    {
        int d = position.Length;
        Span<double> axes = stackalloc double[3 * Width];
        for (int a = 0; a < d; a++)
        {
            double floor = Math.Floor(position[a]);
            first[a] = (int)floor + FirstOffset;
            Weights(position[a] - floor, axes.Slice(a * Width, Width));
        }

        // Products taken axis 0 first, node index s running with axis 0 fastest.
        var x = axes[..Width];
        switch (d)
        {
            case 1:
                x.CopyTo(weights);
                break;
            case 2:
                for (int j = 0, s = 0; j < Width; j++)
                {
                    double y = axes[Width + j];
                    for (int i = 0; i < Width; i++, s++) weights[s] = x[i] * y;
                }

                break;
            default:
                for (int k = 0, s = 0; k < Width; k++)
                {
                    double z = axes[2 * Width + k];
                    for (int j = 0; j < Width; j++)
                    {
                        double y = axes[Width + j];
                        for (int i = 0; i < Width; i++, s++) weights[s] = x[i] * y * z;
                    }
                }

                break;
        }
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
