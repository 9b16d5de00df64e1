namespace MeanField.Core.Chemistry;

/// <summary>
/// The periodic box <c>origin + [0, L)^d</c> with n nodes per dimension, spacing h = L / n. Nodes are
/// stored row-major (the last coordinate varies fastest): node (i0, i1, i2) is at
/// <c>(i0 n + i1) n + i2</c>. Mode m of a dimension has wavenumber <c>2 pi m' / L</c> with m' the
/// signed index in (-n/2, n/2].
/// </summary>
public sealed class PeriodicGrid
{
    public PeriodicGrid(int dimension, int points, double box, ReadOnlySpan<double> center)
    {
        if (dimension is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be 1, 2 or 3");
        if (points < 8 || points % 2 != 0) throw new ArgumentOutOfRangeException(nameof(points), points, "grid points must be even and >= 8");
        if (!(box > 0) || !double.IsFinite(box)) throw new ArgumentOutOfRangeException(nameof(box), box, "box must be finite and > 0");
        if (center.Length != dimension) throw new ArgumentException($"center has {center.Length} components, expected {dimension}", nameof(center));
        Dimension = dimension;
        Points = points;
        Box = box;
        Spacing = box / points;
        Origin = new double[dimension];
        for (int a = 0; a < dimension; a++) Origin[a] = center[a] - box / 2;
        NodeCount = 1;
        for (int a = 0; a < dimension; a++) NodeCount *= points;
        Shape = Enumerable.Repeat(points, dimension).ToArray();
        Strides = new int[dimension];
        for (int a = dimension - 1, s = 1; a >= 0; a--, s *= points) Strides[a] = s;
    }

    public int Dimension { get; }

    /// <summary>Nodes per dimension n.</summary>
    public int Points { get; }

    /// <summary>Side length L.</summary>
    public double Box { get; }

    /// <summary>Node spacing h = L / n.</summary>
    public double Spacing { get; }

    /// <summary>The corner of the box; node (0, ..., 0) sits here.</summary>
    public double[] Origin { get; }

    public int NodeCount { get; }

    /// <summary>n repeated d times (the FFT's dimensions).</summary>
    public int[] Shape { get; }

    /// <summary>Flat-index stride of each coordinate.</summary>
    public int[] Strides { get; }

    /// <summary>Volume of one cell, h^d: the quadrature weight of a node.</summary>
    public double CellVolume => Math.Pow(Spacing, Dimension);

    /// <summary>The signed wavenumber 2 pi m' / L of index m along one dimension (0 for the Nyquist mode when asked).</summary>
    public double Wavenumber(int m, bool zeroNyquist = false)
    {
        if (zeroNyquist && m == Points / 2) return 0;
        int signed = m <= Points / 2 ? m : m - Points;
        return 2 * Math.PI * signed / Box;
    }

    /// <summary>Coordinate a of the node with index i along that dimension.</summary>
    public double NodeCoordinate(int a, int i) => Origin[a] + i * Spacing;

    /// <summary>Index along each dimension of a flat node index.</summary>
    public void Unflatten(int flat, Span<int> index)
    {
        for (int a = 0; a < Dimension; a++)
        {
            index[a] = flat / Strides[a] % Points;
        }
    }

    /// <summary>Wraps an index into [0, n).</summary>
    public int Wrap(int i)
    {
        int r = i % Points;
        return r < 0 ? r + Points : r;
    }
}
