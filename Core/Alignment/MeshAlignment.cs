using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MeanField.Core.Chemistry;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;

namespace MeanField.Core.Alignment;

/// <summary>
/// The Cucker-Smale alignment <c>A_i = beta/N sum_j psi(|x_j - x_i|) (v_j - v_i)</c> by a particle-mesh
/// method in O(N + G log G): <c>A_i = beta ((psi * m)(x_i) - v_i (psi * n)(x_i))</c> with
/// <c>n = (1/N) sum_j delta_{x_j}</c> and <c>m = (1/N) sum_j v_j delta_{x_j}</c>, the two convolutions
/// computed on a zero-padded grid by FFT. A workspace: it owns its grids and reuses them while the
/// cells' extent allows.
/// </summary>
/// <remarks>
/// <para>Deposit and gather both use the six-point Lagrange stencil (<see cref="LagrangeStencil"/>): the
/// deposit is the adjoint of interpolation, so <c>sum_g W(g - x_j) f(g) = f(x_j) + O(h^6)</c> for smooth
/// f, and the gather interpolates a smooth grid function: the error against direct summation is
/// O(h^6) for a smooth profile psi, and is measured in the tests.</para>
/// <para>The grid covers the cells' bounding box with the stencil's margin; the FFT box is a power of
/// two at least twice as wide in every direction, so the circular convolution equals the linear one.
/// psi is real, so two real densities share one complex transform (real and imaginary parts).</para>
/// <para>The deposit splits the cells into a fixed number of contiguous blocks, each into its own grid,
/// and adds the grids in block order; the gather is parallel over cells, each summed in a fixed order.
/// Neither depends on the thread count, so the result has the same bits on any machine.</para>
/// </remarks>
public sealed class MeshAlignment
{
    private readonly IRadialAlignmentKernel _kernel;
    private readonly int _dimension;
    private readonly int _maxThreads;
    private readonly ParallelOptions _options;
    private int _points;
    private int _occupied;
    private SpectralTransform? _transform;
    private double[] _kernelHat = [];
    private Complex[][] _fields = [];
    private Complex[][][] _partial = [];
    private int[] _levelOffsets = [];
    private readonly double[] _origin;
    private readonly bool _vectors;

    public MeshAlignment(IRadialAlignmentKernel kernel, int dimension, double spacing, int maxThreads = -1)
        : this(kernel, dimension, spacing, maxThreads, vectors: Vector256.IsHardwareAccelerated)
    {
    }

    /// <param name="vectors">Deposit and gather d = 2 and 3 with 256-bit vectors (the same bits as the scalar loops; tests compare the two).</param>
    internal MeshAlignment(IRadialAlignmentKernel kernel, int dimension, double spacing, int maxThreads, bool vectors)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (dimension is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "d must be 1, 2 or 3");
        if (!(spacing > 0) || !double.IsFinite(spacing)) throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "the mesh spacing must be finite and > 0");
        _kernel = kernel;
        _dimension = dimension;
        Spacing = spacing;
        _maxThreads = maxThreads;
        _origin = new double[dimension];
        _options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads };
        _vectors = vectors;
    }

    /// <summary>The grid spacing h.</summary>
    public double Spacing { get; }

    /// <summary>Points per direction of the current FFT box (0 before the first call).</summary>
    public int BoxPoints => _points;

    /// <summary>Writes A (component-major, length d N) for the cells in <paramref name="state"/>.</summary>
    public void Compute(ParticleState state, double[] alignment)
    {
        ArgumentNullException.ThrowIfNull(state);
        int d = _dimension, n = state.Count;
        if (state.Dimension != d) throw new ArgumentException($"the state has dimension {state.Dimension}, the mesh {d}", nameof(state));
        if (alignment.Length != d * n) throw new ArgumentException($"alignment has length {alignment.Length}, expected d N = {d * n}", nameof(alignment));
        if (n == 0) return;

        DepositMoments(state);
        Convolve();
        Gather(state, _origin, alignment);
    }

    /// <summary>The box about the cells, and their density and momentum deposited on it (the first of <see cref="Compute"/>'s three phases).</summary>
    internal void DepositMoments(ParticleState state)
    {
        var origin = _origin;
        double extent = 0;
        for (int a = 0; a < _dimension; a++)
        {
            var (lo, hi) = state.PositionRange(a);
            // Three nodes of margin below (the stencil reaches i0 - 2) and above (i0 + 3).
            origin[a] = lo - 3 * Spacing;
            extent = Math.Max(extent, hi - lo);
        }

        EnsureBox(BoxPointsFor(extent, Spacing));
        // Every stencil lies within the first ceil(extent / h) + 7 nodes of each axis (its margin is one
        // more): the box's other nodes are the zero padding, at least half of it.
        _occupied = Math.Min(_points, (int)Math.Ceiling(extent / Spacing) + 8);
        Deposit(state, origin);
    }

    /// <summary>
    /// The deposited moments convolved with psi by FFT (the second phase): the moments are zero beyond the
    /// occupied nodes, and only the occupied nodes are read back, so the transforms skip the lines of the
    /// padding (the same bits as full transforms).
    /// </summary>
    internal void Convolve()
    {
        foreach (var field in _fields)
        {
            _transform!.ForwardPadded(field, _occupied);
            for (int k = 0; k < field.Length; k++) field[k] *= _kernelHat[k];
            _transform.InverseCropped(field, _occupied);
        }
    }

    /// <summary>The alignment at the cells, read from the convolved moments (the third phase).</summary>
    internal void GatherAlignment(ParticleState state, double[] alignment) => Gather(state, _origin, alignment);

    /// <summary>
    /// Points per direction of the FFT box for cells spanning <paramref name="extent"/> along their widest
    /// axis: the extent in spacings plus the stencil's margin (8 nodes), doubled so the circular
    /// convolution is the linear one, rounded up to a power of two (16 at least).
    /// </summary>
    public static int BoxPointsFor(double extent, double spacing)
    {
        long minimum = 2 * ((long)Math.Ceiling(extent / spacing) + 8);
        int points = 16;
        while (points < minimum && points < 1 << 30) points *= 2;
        return points;
    }

    /// <summary>
    /// The bytes the workspace allocates for a box of <paramref name="points"/>^d nodes: the (d + 2)/2
    /// complex fields, the deposit blocks' private copies (boxes up to 2^20 nodes), psi's transform, and
    /// the set-up's squared distances, profile and complex psi (garbage after, but part of the peak).
    /// </summary>
    public static long WorkspaceBytes(int dimension, int points)
    {
        double nodes = Math.Pow(points, dimension);
        int fields = (dimension + 2) / 2, blocks = nodes <= MaxNodesForBlocks ? DepositBlocks : 1;
        // In floating point: a box of cells spread far enough overflows a long, and is simply too large.
        return (long)Math.Min(nodes * (16.0 * fields * blocks + 8 + 8 + 8 + 16), long.MaxValue);
    }

    /// <summary>Allocates the FFT box (<paramref name="points"/> per direction, from <see cref="BoxPointsFor"/>) and psi's transform on it.</summary>
    private void EnsureBox(int points)
    {
        if (_points >= points) return;
        long nodes = (long)Math.Pow(points, _dimension);
        if (nodes > 1L << 27)
            throw new InvalidOperationException($"the cells spread so far that an FFT box of {points}^{_dimension} nodes (twice their extent in mesh spacings of {Spacing}) is too large; use a larger alignment.mesh_spacing");
        _points = points;
        var grid = new PeriodicGrid(_dimension, points, points * Spacing, new double[_dimension]);
        _transform = new SpectralTransform(grid, _maxThreads);
        _fields = new Complex[(_dimension + 2) / 2][];
        for (int f = 0; f < _fields.Length; f++) _fields[f] = new Complex[nodes];
        // Private grids for the deposit blocks while they are small; one grid (a serial deposit) beyond.
        int blocks = nodes <= MaxNodesForBlocks ? DepositBlocks : 1;
        _partial = new Complex[blocks][][];
        for (int b = 0; b < blocks; b++)
        {
            _partial[b] = new Complex[_fields.Length][];
            for (int f = 0; f < _fields.Length; f++) _partial[b][f] = b == 0 ? _fields[f] : new Complex[nodes];
        }

        // psi at every offset of the box, offsets k >= points/2 standing for k - points (negative),
        // asked for in one batch.
        var squared = new double[nodes];
        for (int flat = 0; flat < nodes; flat++)
        {
            double r2 = 0;
            for (int a = 0, rest = flat; a < _dimension; a++)
            {
                int k = rest / grid.Strides[a] % points;
                int offset = k < points / 2 ? k : k - points;
                r2 += offset * Spacing * (offset * Spacing);
            }

            squared[flat] = r2;
        }

        var profile = new double[nodes];
        _kernel.ProfileOfSquaredDistances(squared, profile);
        var psi = new Complex[nodes];
        for (int flat = 0; flat < nodes; flat++) psi[flat] = profile[flat];

        _transform.Forward(psi);
        _kernelHat = new double[nodes];
        // psi on the box is real and even (index k and -k mod the box), so its transform is real up to round-off.
        for (int k = 0; k < nodes; k++) _kernelHat[k] = psi[k].Real;

        // The stencil as three levels, the last axis (contiguous) innermost and absent axes (d < 3) as
        // outer levels of one node: per level, the flat offset of its m-th node.
        const int width = LagrangeStencil.Width;
        _levelOffsets = new int[3 * width];
        for (int a = 0; a < _dimension; a++)
            for (int m = 0; m < width; m++) _levelOffsets[(a + 3 - _dimension) * width + m] = m * grid.Strides[a];
    }

    /// <summary>
    /// The cell's stencil: per level (axis a at level a + 3 - d) its six Lagrange weights into
    /// <paramref name="weights"/>, absent axes the single weight 1; returns the flat index of its first node.
    /// </summary>
    private int Stencil(ParticleState state, int i, double[] origin, Span<double> weights)
    {
        const int width = LagrangeStencil.Width;
        int d = _dimension, n = state.Count, baseIndex = 0, stride = 1;
        for (int level = 0; level < 3 - d; level++) weights[level * width] = 1;
        // The box is not periodic for the cells (its margin holds every stencil): no wrap.
        for (int a = d - 1; a >= 0; a--)
        {
            double u = (state.Positions[a * n + i] - origin[a]) / Spacing;
            double floor = Math.Floor(u);
            LagrangeStencil.Weights(u - floor, weights.Slice((a + 3 - d) * width, width));
            baseIndex += ((int)floor + LagrangeStencil.FirstOffset) * stride;
            stride *= _points;
        }

        return baseIndex;
    }

    /// <summary>Cells are deposited in this many blocks, whatever the thread count (so the sums are reproducible).</summary>
    private const int DepositBlocks = 4;

    /// <summary>Largest box for private block grids (2^20 nodes: 16 MB per field pair).</summary>
    private const long MaxNodesForBlocks = 1L << 20;

    /// <summary>n (real part of the first field), then m_1, m_2, m_3 in the remaining real and imaginary parts, each with mass 1/N per cell.</summary>
    private void Deposit(ParticleState state, double[] origin)
    {
        int blocks = _partial.Length, n = state.Count;
        if (blocks == 1 && _maxThreads != 1)
        {
            DepositInSlabs(state, origin);
            return;
        }

        Parallel.For(0, blocks, _options, b =>
        {
            foreach (var field in _partial[b]) Array.Clear(field);
            DepositBlock(state, origin, _partial[b], (int)((long)n * b / blocks), (int)((long)n * (b + 1) / blocks));
        });
        if (blocks == 1) return;
        // Block 0 deposited straight into the fields; the others are added in block order.
        int nodes = _fields[0].Length, chunks = Math.Max(1, nodes / 4096);
        Parallel.For(0, chunks, _options, c =>
        {
            int start = (int)((long)nodes * c / chunks), end = (int)((long)nodes * (c + 1) / chunks);
            for (int f = 0; f < _fields.Length; f++)
            {
                var target = _fields[f];
                for (int b = 1; b < blocks; b++)
                {
                    var source = _partial[b][f];
                    for (int k = start; k < end; k++) target[k] += source[k];
                }
            }
        });
    }

    /// <summary>Slabs of the first axis deposited in parallel into a box too large for private grids.</summary>
    private const int DepositSlabs = 16;

    /// <summary>
    /// The deposit of a box too large for private grids, in parallel without them: each slab of the first
    /// axis (a contiguous part of the box) takes, in cell order, the part of every cell's stencil that falls
    /// in it. Every node thus sums the same terms in the same order as one thread depositing every cell,
    /// whatever the number of threads or slabs.
    /// </summary>
    private void DepositInSlabs(ParticleState state, double[] origin)
    {
        // Only the occupied nodes are cleared and deposited: the transform takes the rest as zero.
        // Each slab computes the stencil of every cell that reaches it, so slabs of fewer than about twice
        // the stencil's rows repeat that work for most cells.
        int rows = _occupied, slabs = Math.Clamp(rows / (2 * LagrangeStencil.Width), 1, DepositSlabs);
        Parallel.For(0, slabs, _options, slab =>
        {
            (int Lo, int Hi) slabRows = ((int)((long)rows * slab / slabs), (int)((long)rows * (slab + 1) / slabs));
            foreach (var field in _fields) ClearOccupied(field, slabRows);
            DepositCells(state, origin, _fields, (0, state.Count), slabRows);
        });
    }

    /// <summary>The occupied nodes whose first-axis index lies in <paramref name="rows"/> set to zero, a row of the last axis at a time.</summary>
    private void ClearOccupied(Complex[] field, (int Lo, int Hi) rows)
    {
        int points = _points, occupied = _occupied;
        for (int row = rows.Lo; row < rows.Hi; row++)
        {
            switch (_dimension)
            {
                case 1:
                    field[row] = default;
                    break;
                case 2:
                    field.AsSpan(row * points, occupied).Clear();
                    break;
                default:
                    for (int middle = 0; middle < occupied; middle++) field.AsSpan((row * points + middle) * points, occupied).Clear();
                    break;
            }
        }
    }

    /// <summary>Cells [start, end) into the block's fields, every node of their stencils.</summary>
    private void DepositBlock(ParticleState state, double[] origin, Complex[][] fields, int start, int end) =>
        DepositCells(state, origin, fields, (start, end), (0, _points));

    /// <summary>
    /// The cells' part of the moments on the nodes whose first-axis index lies in <paramref name="rows"/>,
    /// cell after cell: field f holds density 2f in its real part and density 2f + 1 in its imaginary part
    /// (densities: n, m_1, .., m_d; a missing last one stays zero).
    /// </summary>
    private void DepositCells(ParticleState state, double[] origin, Complex[][] fields, (int Start, int End) cells, (int Lo, int Hi) rows)
    {
        const int width = LagrangeStencil.Width;
        int d = _dimension, n = state.Count, outer = 3 - d;
        var masses = state.Masses;
        Span<double> weights = stackalloc double[3 * width];
        Span<int> lo = stackalloc int[3];
        Span<int> hi = stackalloc int[3];
        for (int i = cells.Start; i < cells.End; i++)
        {
            // The stencil's first node along the first axis, as Stencil finds it, before any weight.
            int node0 = (int)Math.Floor((state.Positions[i] - origin[0]) / Spacing) + LagrangeStencil.FirstOffset;
            if (node0 + width <= rows.Lo || node0 >= rows.Hi) continue;
            double share = masses is null ? 1.0 / n : masses[i];
            int first = Stencil(state, i, origin, weights);
            for (int level = 0; level < 3; level++)
            {
                lo[level] = 0;
                hi[level] = level < outer ? 1 : width;
            }

            // The first axis (level 3 - d) keeps the nodes in the rows.
            lo[outer] = Math.Max(0, rows.Lo - node0);
            hi[outer] = Math.Min(width, rows.Hi - node0);
            if (fields.Length == 2)
            {
                // d = 2 and 3: both fields in one pass over the stencil, each node still summing the cells
                // in their order (the same bits), the weights computed once for both.
                double re0 = share, im0 = share * state.Velocities[i];
                double re1 = share * state.Velocities[n + i], im1 = d == 3 ? share * state.Velocities[2 * n + i] : 0;
                if (_vectors)
                {
                    // The slabs cut the first axis only, so the contiguous axis (level 2) is whole.
                    DepositTwo(fields, first, weights, (lo[0], hi[0]), (lo[1], hi[1]), Vector256.Create(re0, im0, re0, im0), Vector256.Create(re1, im1, re1, im1));
                    continue;
                }

                for (int m0 = lo[0]; m0 < hi[0]; m0++)
                {
                    double w0 = weights[m0];
                    for (int m1 = lo[1]; m1 < hi[1]; m1++)
                    {
                        double w01 = w0 * weights[width + m1];
                        int offset = first + _levelOffsets[m0] + _levelOffsets[width + m1];
                        var row0 = fields[0].AsSpan(offset, width);
                        var row1 = fields[1].AsSpan(offset, width);
                        for (int m2 = lo[2]; m2 < hi[2]; m2++)
                        {
                            double weight = w01 * weights[2 * width + m2];
                            ref var c0 = ref row0[m2];
                            c0 = new Complex(c0.Real + weight * re0, c0.Imaginary + weight * im0);
                            ref var c1 = ref row1[m2];
                            c1 = new Complex(c1.Real + weight * re1, c1.Imaginary + weight * im1);
                        }
                    }
                }

                continue;
            }

            for (int f = 0; f < fields.Length; f++)
            {
                int q = 2 * f;
                double re = q == 0 ? share : share * state.Velocities[(q - 1) * n + i];
                double im = q + 1 <= d ? share * state.Velocities[q * n + i] : 0;
                var field = fields[f];
                for (int m0 = lo[0]; m0 < hi[0]; m0++)
                {
                    double w0 = weights[m0];
                    for (int m1 = lo[1]; m1 < hi[1]; m1++)
                    {
                        double w01 = w0 * weights[width + m1];
                        var row = field.AsSpan(first + _levelOffsets[m0] + _levelOffsets[width + m1], width);
                        for (int m2 = lo[2]; m2 < hi[2]; m2++)
                        {
                            double weight = w01 * weights[2 * width + m2];
                            ref var c = ref row[m2];
                            c = new Complex(c.Real + weight * re, c.Imaginary + weight * im);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// One cell's two complex values (each twice over: re, im, re, im) added over its stencil, levels 0 and
    /// 1 within the given ranges and the contiguous level 2 whole, two nodes per 256-bit vector. Each node
    /// adds <c>(w01 w2) value</c> as the scalar loop does, so the bits are the same.
    /// </summary>
    private void DepositTwo(Complex[][] fields, int first, ReadOnlySpan<double> weights, (int Lo, int Hi) level0, (int Lo, int Hi) level1, Vector256<double> valueA, Vector256<double> valueB)
    {
        const int width = LagrangeStencil.Width;
        // Level 2's weights in node pairs, each weight twice (for re and im).
        ref double inner = ref MemoryMarshal.GetReference(weights.Slice(2 * width, width));
        var pair0 = Vector256.Create(inner, inner, Unsafe.Add(ref inner, 1), Unsafe.Add(ref inner, 1));
        var pair1 = Vector256.Create(Unsafe.Add(ref inner, 2), Unsafe.Add(ref inner, 2), Unsafe.Add(ref inner, 3), Unsafe.Add(ref inner, 3));
        var pair2 = Vector256.Create(Unsafe.Add(ref inner, 4), Unsafe.Add(ref inner, 4), Unsafe.Add(ref inner, 5), Unsafe.Add(ref inner, 5));
        Complex[] fieldA = fields[0], fieldB = fields[1];
        for (int m0 = level0.Lo; m0 < level0.Hi; m0++)
        {
            double w0 = weights[m0];
            for (int m1 = level1.Lo; m1 < level1.Hi; m1++)
            {
                var w01 = Vector256.Create(w0 * weights[width + m1]);
                int offset = first + _levelOffsets[m0] + _levelOffsets[width + m1];
                ref double rowA = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<Complex, double>(fieldA.AsSpan(offset, width)));
                ref double rowB = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<Complex, double>(fieldB.AsSpan(offset, width)));
                var weight = w01 * pair0;
                (Vector256.LoadUnsafe(ref rowA) + weight * valueA).StoreUnsafe(ref rowA);
                (Vector256.LoadUnsafe(ref rowB) + weight * valueB).StoreUnsafe(ref rowB);
                weight = w01 * pair1;
                (Vector256.LoadUnsafe(ref rowA, 4) + weight * valueA).StoreUnsafe(ref rowA, 4);
                (Vector256.LoadUnsafe(ref rowB, 4) + weight * valueB).StoreUnsafe(ref rowB, 4);
                weight = w01 * pair2;
                (Vector256.LoadUnsafe(ref rowA, 8) + weight * valueA).StoreUnsafe(ref rowA, 8);
                (Vector256.LoadUnsafe(ref rowB, 8) + weight * valueB).StoreUnsafe(ref rowB, 8);
            }
        }
    }

    /// <summary>
    /// The convolved moments at each cell, the tensor sum taken level by level with the last (contiguous)
    /// axis innermost, then <c>A = beta ((psi * m) - v (psi * n))</c>.
    /// </summary>
    private void Gather(ParticleState state, double[] origin, double[] alignment)
    {
        const int width = LagrangeStencil.Width;
        int d = _dimension, n = state.Count;
        double beta = _kernel.Beta;
        int blocks = Math.Max(1, Math.Min(4 * Environment.ProcessorCount, n / 256));
        Parallel.For(0, blocks, _options, b =>
        {
            Span<double> weights = stackalloc double[3 * width];
            Span<double> values = stackalloc double[d + 2];
            int start = (int)((long)n * b / blocks), end = (int)((long)n * (b + 1) / blocks);
            for (int i = start; i < end; i++)
            {
                int first = Stencil(state, i, origin, weights);
                values.Clear();
                if (_fields.Length == 2 && _vectors) GatherTwoVectors(first, weights, values);
                else if (_fields.Length == 2) GatherTwo(first, weights, values);
                else GatherEach(first, weights, values);

                for (int a = 0; a < d; a++) alignment[a * n + i] = beta * (values[a + 1] - state.Velocities[a * n + i] * values[0]);
            }
        });
    }

    /// <summary>The gather of each field in turn (d = 1: one field).</summary>
    private void GatherEach(int first, ReadOnlySpan<double> weights, Span<double> values)
    {
        const int width = LagrangeStencil.Width;
        int d = _dimension, size0 = d > 2 ? width : 1, size1 = d > 1 ? width : 1;
        var inner = weights.Slice(2 * width, width);
        for (int f = 0; f < _fields.Length; f++)
        {
            var field = _fields[f];
            double re = 0, im = 0;
            for (int m0 = 0; m0 < size0; m0++)
            {
                double re1 = 0, im1 = 0;
                for (int m1 = 0; m1 < size1; m1++)
                {
                    var row = new ReadOnlySpan<Complex>(field, first + _levelOffsets[m0] + _levelOffsets[width + m1], width);
                    double re2 = 0, im2 = 0;
                    for (int m2 = 0; m2 < width; m2++)
                    {
                        re2 += inner[m2] * row[m2].Real;
                        im2 += inner[m2] * row[m2].Imaginary;
                    }

                    re1 += weights[width + m1] * re2;
                    im1 += weights[width + m1] * im2;
                }

                re += weights[m0] * re1;
                im += weights[m0] * im1;
            }

            values[2 * f] = re;
            if (2 * f + 1 <= d) values[2 * f + 1] = im;
        }
    }

    /// <summary>
    /// The gather of two fields (d = 2 and 3) side by side, each summed in the same order as alone (the
    /// same bits): four independent chains of additions instead of two, which overlap.
    /// </summary>
    private void GatherTwo(int start, ReadOnlySpan<double> weights, Span<double> values)
    {
        const int width = LagrangeStencil.Width;
        int size0 = _dimension > 2 ? width : 1, size1 = _dimension > 1 ? width : 1;
        Complex[] fieldA = _fields[0], fieldB = _fields[1];
        var inner = weights.Slice(2 * width, width);
        double re = 0, im = 0, reB = 0, imB = 0;
        for (int m0 = 0; m0 < size0; m0++)
        {
            double re1 = 0, im1 = 0, reB1 = 0, imB1 = 0;
            for (int m1 = 0; m1 < size1; m1++)
            {
                int offset = start + _levelOffsets[m0] + _levelOffsets[width + m1];
                var rowA = new ReadOnlySpan<Complex>(fieldA, offset, width);
                var rowB = new ReadOnlySpan<Complex>(fieldB, offset, width);
                double re2 = 0, im2 = 0, reB2 = 0, imB2 = 0;
                for (int m2 = 0; m2 < width; m2++)
                {
                    double w2 = inner[m2];
                    re2 += w2 * rowA[m2].Real;
                    im2 += w2 * rowA[m2].Imaginary;
                    reB2 += w2 * rowB[m2].Real;
                    imB2 += w2 * rowB[m2].Imaginary;
                }

                double w1 = weights[width + m1];
                re1 += w1 * re2;
                im1 += w1 * im2;
                reB1 += w1 * reB2;
                imB1 += w1 * imB2;
            }

            double w0 = weights[m0];
            re += w0 * re1;
            im += w0 * im1;
            reB += w0 * reB1;
            imB += w0 * imB1;
        }

        // Densities n, m_1 (field A), m_2, m_3 (field B): B's imaginary part is m_3, present only in d = 3.
        values[0] = re;
        values[1] = im;
        values[2] = reB;
        if (_dimension == 3) values[3] = imB;
    }

    /// <summary>
    /// <see cref="GatherTwo"/> with its four sums as the lanes of one 256-bit vector (A's re and im, then
    /// B's): each lane sums its terms in the same order, so the bits are the same.
    /// </summary>
    private void GatherTwoVectors(int start, ReadOnlySpan<double> weights, Span<double> values)
    {
        const int width = LagrangeStencil.Width;
        int size0 = _dimension > 2 ? width : 1, size1 = _dimension > 1 ? width : 1;
        Complex[] fieldA = _fields[0], fieldB = _fields[1];
        // Level 2's six weights broadcast once for the cell.
        Vector256<double> w0 = Vector256.Create(weights[2 * width]), w1 = Vector256.Create(weights[2 * width + 1]), w2 = Vector256.Create(weights[2 * width + 2]);
        Vector256<double> w3 = Vector256.Create(weights[2 * width + 3]), w4 = Vector256.Create(weights[2 * width + 4]), w5 = Vector256.Create(weights[2 * width + 5]);
        var sum = Vector256<double>.Zero;
        for (int m0 = 0; m0 < size0; m0++)
        {
            var sum1 = Vector256<double>.Zero;
            for (int m1 = 0; m1 < size1; m1++)
            {
                int offset = start + _levelOffsets[m0] + _levelOffsets[width + m1];
                ref double rowA = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<Complex, double>(fieldA.AsSpan(offset, width)));
                ref double rowB = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<Complex, double>(fieldB.AsSpan(offset, width)));
                // From zero, as the scalar sums start (0 + -0 is +0).
                var sum2 = Vector256<double>.Zero + w0 * Node(ref rowA, ref rowB, 0);
                sum2 += w1 * Node(ref rowA, ref rowB, 2);
                sum2 += w2 * Node(ref rowA, ref rowB, 4);
                sum2 += w3 * Node(ref rowA, ref rowB, 6);
                sum2 += w4 * Node(ref rowA, ref rowB, 8);
                sum2 += w5 * Node(ref rowA, ref rowB, 10);
                sum1 += Vector256.Create(weights[width + m1]) * sum2;
            }

            sum += Vector256.Create(weights[m0]) * sum1;
        }

        values[0] = sum[0];
        values[1] = sum[1];
        values[2] = sum[2];
        if (_dimension == 3) values[3] = sum[3];
    }

    /// <summary>A node's value in both fields (A's re and im, B's re and im) at double index <paramref name="at"/> of their rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Node(ref double rowA, ref double rowB, nuint at) =>
        Vector256.Create(Vector128.LoadUnsafe(ref rowA, at), Vector128.LoadUnsafe(ref rowB, at));
}
