using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MeanField.Core.Kernels;

namespace MeanField.Core.Chemistry;

/// <summary>
/// The chemical field phi on a periodic grid, held by its Fourier coefficients, for
/// <c>d phi/dt = D Lap phi - kappa phi + f</c>. Each mode k evolves with the exact factor
/// <c>exp(-(D |k|^2 + kappa) dt)</c>, so no step size is unstable; the source f is met through the
/// exponential-integrator weights phi1 and phi2 (ETD-RK2, Cox and Matthews 2002).
/// </summary>
/// <remarks>
/// The source <c>f = (1/N) sum_j chi(. - x_j)</c> is a convolution, <c>chi * mu_N</c>: each cell is
/// deposited as a point mass with the quintic B-spline (<see cref="BSplineStencil"/>, six nodes per
/// axis), and the deposit's transform is multiplied by chi's exact Fourier transform over the
/// B-spline's (<see cref="SourceMultiplier"/>). The cost per cell is the stencil's 6^d nodes, whatever
/// chi's support; the zero mode is exact, so the field mass obeys its closed form to round-off; the
/// modes err by the B-spline's aliases, about <c>2 (k h / 2 pi)^6</c> relative. grad phi is obtained by
/// spectral differentiation on the grid (the Nyquist mode dropped) and six-point Lagrange interpolation
/// to the cells.
/// </remarks>
public sealed class ChemicalField
{
    private readonly double[] _decayFactor;
    private readonly double[] _phi1Weight;
    private readonly double[] _phi2Weight;
    private readonly double[] _sourceMultiplier;
    private readonly double[] _nodal;
    private readonly int _slabs;
    private readonly int _maxThreads;
    private readonly ParallelOptions _options;
    private readonly Action<int> _depositSlab;
    private double[]? _depositPositions;
    private double[]? _depositMasses;
    private int _depositCount;
    private readonly Complex[] _scratch;
    private readonly SpectralTransform _fft;

    /// <summary>Per mode, the wavenumber along each axis (Nyquist zeroed, as differentiation wants it).</summary>
    private readonly double[][] _derivativeWavenumber;
    private readonly bool _vectors;

    /// <summary>
    /// grad phi node by node (d = 2: its two components; d = 3: its three and a zero), so a gather reads a
    /// node's components as one vector; written with <see cref="Gradient"/> (null in d = 1 or without vectors).
    /// </summary>
    private readonly double[]? _packedGradient;

    /// <param name="maxThreads">Upper bound on worker threads (-1: the runtime's choice); results do not depend on it.</param>
    public ChemicalField(PeriodicGrid grid, double diffusion, double decay, ISourceProfile source, double step, int maxThreads = -1)
        : this(grid, diffusion, decay, source, step, maxThreads, blockDeposit: grid is not null && grid.NodeCount <= MaxNodesForBlocks, Vector256.IsHardwareAccelerated)
    {
    }

    /// <param name="blockDeposit">Deposit through private block grids (true) or slabs (false); tests compare the two.</param>
    /// <param name="vectors">Deposit and gather d = 2 and 3 with 128- and 256-bit vectors (the same bits as the scalar loops; tests compare the two).</param>
    internal ChemicalField(PeriodicGrid grid, double diffusion, double decay, ISourceProfile source, double step, int maxThreads, bool blockDeposit, bool vectors)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(source);
        if (!(diffusion >= 0) || !double.IsFinite(diffusion)) throw new ArgumentOutOfRangeException(nameof(diffusion), diffusion, "diffusion must be finite and >= 0");
        if (!(decay >= 0) || !double.IsFinite(decay)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "decay must be finite and >= 0");
        if (!(step > 0) || !double.IsFinite(step)) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be finite and > 0");
        Grid = grid;
        Diffusion = diffusion;
        Decay = decay;
        Source = source;
        Step = step;
        int g = grid.NodeCount;
        Coefficients = new Complex[g];
        _fft = new SpectralTransform(grid, maxThreads);
        _scratch = new Complex[g];
        _nodal = new double[g];
        Gradient = new double[grid.Dimension][];
        for (int a = 0; a < grid.Dimension; a++) Gradient[a] = new double[g];
        _vectors = vectors;
        if (vectors && grid.Dimension > 1) _packedGradient = new double[PackedWidth(grid.Dimension) * g];

        _decayFactor = new double[g];
        _phi1Weight = new double[g];
        _phi2Weight = new double[g];
        _derivativeWavenumber = new double[grid.Dimension][];
        for (int a = 0; a < grid.Dimension; a++) _derivativeWavenumber[a] = new double[g];
        Span<int> index = stackalloc int[grid.Dimension];
        for (int k = 0; k < g; k++)
        {
            grid.Unflatten(k, index);
            double k2 = 0;
            for (int a = 0; a < grid.Dimension; a++)
            {
                _derivativeWavenumber[a][k] = grid.Wavenumber(index[a], zeroNyquist: true);
                double ka = grid.Wavenumber(index[a]);
                k2 += ka * ka;
            }

            double lambda = Decay + Diffusion * k2;
            double z = -lambda * step;
            _decayFactor[k] = Math.Exp(z);
            _phi1Weight[k] = step * ExponentialIntegrator.Phi1(z);
            _phi2Weight[k] = step * ExponentialIntegrator.Phi2(z);
        }

        _sourceMultiplier = SourceMultiplier(grid, source, maxThreads);
        if (blockDeposit)
        {
            _blockGrids = new double[DepositGrids][];
            for (int b = 0; b < DepositGrids; b++) _blockGrids[b] = new double[grid.NodeCount];
        }
        // Every slab scans all cells for those reaching it, so fewer slabs cost less; two per processor
        // balance the load. Each node sums its cells in cell order whatever the slabs, so the bits do not
        // depend on this choice.
        _slabs = Math.Min(grid.Points, 2 * Environment.ProcessorCount);
        _maxThreads = maxThreads;
        _options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads };
        _depositSlab = DepositSlab;
    }

    public PeriodicGrid Grid { get; }

    public double Diffusion { get; }

    public double Decay { get; }

    public ISourceProfile Source { get; }

    /// <summary>The time step the exponential weights were built for.</summary>
    public double Step { get; }

    /// <summary>Fourier coefficients of phi (unnormalised: the zero mode is the sum of nodal values).</summary>
    public Complex[] Coefficients { get; }

    /// <summary>grad phi at the nodes, one array per component, as of the last <see cref="UpdateGradient"/>.</summary>
    public double[][] Gradient { get; }

    /// <summary>Sets phi from nodal values.</summary>
    public void SetNodalValues(ReadOnlySpan<double> values)
    {
        for (int k = 0; k < values.Length; k++) Coefficients[k] = values[k];
        _fft.Forward(Coefficients);
    }

    /// <summary>Writes phi at the nodes into <paramref name="values"/>.</summary>
    public void GetNodalValues(Span<double> values)
    {
        Coefficients.CopyTo(_scratch, 0);
        _fft.Inverse(_scratch);
        for (int k = 0; k < values.Length; k++) values[k] = _scratch[k].Real;
    }

    /// <summary>The total mass <c>int phi dx</c> (exact for the trigonometric interpolant).</summary>
    public double Mass => Coefficients[0].Real * Grid.CellVolume;

    /// <summary>
    /// Per mode of <paramref name="grid"/>, what turns the transform of the B-spline point deposit
    /// (unit mass per cell) into the source's coefficients in the field's convention (the zero mode is
    /// the sum of nodal values): <c>chi^(|k|) / (h^d prod_a sinc(k_a h / 2)^6)</c>. chi's transform
    /// (<see cref="RadialFourier"/>) is computed once per distinct |k|; the zero mode takes chi's mass in
    /// closed form, so the field's mass is exact.
    /// </summary>
    public static double[] SourceMultiplier(PeriodicGrid grid, ISourceProfile source, int maxThreads = -1)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(source);
        int d = grid.Dimension, n = grid.Points;
        double h = grid.Spacing, unit = 2 * Math.PI / grid.Box;
        // |k|^2 is (2 pi / L)^2 times a whole number m2: chi^ once per distinct m2 (the axes' squares
        // summed in non-decreasing order reach them all), computed in parallel chunks.
        var distinct = new SortedSet<int>();
        int half = n / 2;
        for (int i = 0; i <= half; i++)
            for (int j = d > 1 ? i : 0; j <= (d > 1 ? half : 0); j++)
                for (int l = d > 2 ? j : 0; l <= (d > 2 ? half : 0); l++)
                    distinct.Add(i * i + j * j + l * l);
        var squares = distinct.ToArray();
        var magnitudes = squares.Select(m2 => unit * Math.Sqrt(m2)).ToArray();
        var transforms = new double[magnitudes.Length];
        int chunks = Math.Max(1, Math.Min(4 * Environment.ProcessorCount, magnitudes.Length / 64));
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
        {
            int start = magnitudes.Length * c / chunks, end = magnitudes.Length * (c + 1) / chunks;
            RadialFourier.Transforms(source, d, magnitudes.AsSpan(start, end - start), transforms.AsSpan(start, end - start));
        });
        var chiHat = new Dictionary<int, double>(squares.Length);
        for (int i = 0; i < squares.Length; i++) chiHat[squares[i]] = transforms[i];
        chiHat[0] = source.Mass(d);

        Span<int> index = stackalloc int[d];
        var axis = new double[n];
        for (int i = 0; i < n; i++) axis[i] = BSplineStencil.FourierFactor(grid.Wavenumber(i) * h);
        var multiplier = new double[grid.NodeCount];
        double cell = grid.CellVolume;
        for (int k = 0; k < multiplier.Length; k++)
        {
            grid.Unflatten(k, index);
            double spline = 1;
            for (int a = 0; a < d; a++) spline *= axis[index[a]];
            multiplier[k] = chiHat[SquaredIndex(grid, index)] / (cell * spline);
        }

        return multiplier;
    }

    private static int SquaredIndex(PeriodicGrid grid, ReadOnlySpan<int> index)
    {
        int m2 = 0, n = grid.Points;
        foreach (int i in index)
        {
            int m = i <= n / 2 ? i : i - n;
            m2 += m * m;
        }

        return m2;
    }

    /// <summary>
    /// The Fourier coefficients of <c>f(x) = (1/N) sum_j chi(x - x_j)</c> for the given positions
    /// (component-major, N = <paramref name="count"/>), written into <paramref name="sourceHat"/>; with
    /// <paramref name="masses"/>, <c>f(x) = sum_j m_j chi(x - x_j)</c> (a weighted cloud).
    /// </summary>
    /// <remarks>
    /// Grids up to <see cref="MaxNodesForBlocks"/> nodes: the cells are split into a fixed number of
    /// contiguous blocks, each depositing into a private grid, and the grids are added in block order.
    /// Larger grids: slabs of the first axis, each adding the cells that reach it in cell order. Either
    /// way every node sums its contributions in an order fixed by the cells alone, so the bits do not
    /// depend on the number of threads.
    /// </remarks>
    public void Deposit(double[] positions, int count, Complex[] sourceHat, double[]? masses = null)
    {
        DepositNodal(positions, count, masses);
        TransformNodal(sourceHat);
    }

    /// <summary>The cells' B-spline point deposit at the nodes (the first phase of <see cref="Deposit"/>), left in the nodal grid.</summary>
    internal void DepositNodal(double[] positions, int count, double[]? masses)
    {
        if (masses is not null && masses.Length != count)
            throw new ArgumentException($"masses has length {masses.Length}, expected {count}", nameof(masses));
        _depositPositions = positions;
        _depositMasses = masses;
        _depositCount = count;
        if (_blockGrids is not null)
        {
            DepositInBlocks();
        }
        else if (_maxThreads == 1)
        {
            for (int slab = 0; slab < _slabs; slab++) _depositSlab(slab);
        }
        else
        {
            Parallel.For(0, _slabs, _options, _depositSlab);
        }

        _depositPositions = null;
        _depositMasses = null;
    }

    /// <summary>The deposit's Fourier coefficients times <see cref="SourceMultiplier"/>: the source's (the second phase of <see cref="Deposit"/>).</summary>
    internal void TransformNodal(Complex[] sourceHat)
    {
        for (int k = 0; k < _nodal.Length; k++) sourceHat[k] = _nodal[k];
        _fft.Forward(sourceHat);
        for (int k = 0; k < _nodal.Length; k++) sourceHat[k] *= _sourceMultiplier[k];
    }

    /// <summary>Cells are deposited in this many blocks with private grids, whatever the thread count.</summary>
    private const int DepositGrids = 4;

    /// <summary>
    /// The bytes a field on <paramref name="nodes"/> nodes in d dimensions allocates: its coefficients and
    /// scratch (complex), nodal values, gradient and derivative wavenumbers (d each), the three ETD
    /// weights and the source multiplier, and the block deposit's private grids where it has them; the
    /// FFT's per-thread lines are one grid line each and left out. For estimates before a run
    /// (<see cref="Dynamics.RunBudget"/>).
    /// </summary>
    public static long BytesFor(int dimension, long nodes) =>
        nodes * (16 + 16 + 8 + 16L * dimension + 8L * PackedWidth(dimension) + 32 + (nodes <= MaxNodesForBlocks ? 8L * DepositGrids : 0));

    /// <summary>Doubles per node of the packed gradient: 2 in d = 2, 4 in d = 3 (three and a zero), none in d = 1.</summary>
    private static int PackedWidth(int dimension) => dimension switch { 2 => 2, 3 => 4, _ => 0 };

    /// <summary>Largest grid deposited through private block grids (2^20 nodes: 8 MB per block).</summary>
    private const int MaxNodesForBlocks = 1 << 20;

    /// <summary>Private grids of the block deposit (null for grids above <see cref="MaxNodesForBlocks"/>).</summary>
    private readonly double[][]? _blockGrids;

    private void DepositInBlocks()
    {
        var grids = _blockGrids!;
        int count = _depositCount, points = Grid.Points;
        Parallel.For(0, grids.Length, _options, b =>
        {
            Array.Clear(grids[b]);
            DepositCells(grids[b], ((int)((long)count * b / grids.Length), (int)((long)count * (b + 1) / grids.Length)), (0, points));
        });
        int nodes = _nodal.Length, chunks = Math.Max(1, Math.Min(4 * Environment.ProcessorCount, nodes / 4096));
        Parallel.For(0, chunks, _options, c =>
        {
            int start = (int)((long)nodes * c / chunks), end = (int)((long)nodes * (c + 1) / chunks);
            for (int k = start; k < end; k++)
            {
                double sum = grids[0][k];
                for (int b = 1; b < grids.Length; b++) sum += grids[b][k];
                _nodal[k] = sum;
            }
        });
    }

    /// <summary>One slab of the first axis: its nodes, from every cell that reaches them, in cell order.</summary>
    private void DepositSlab(int slab)
    {
        int n = Grid.Points, rowStart = slab * n / _slabs, rowEnd = (slab + 1) * n / _slabs;
        Array.Clear(_nodal, rowStart * Grid.Strides[0], (rowEnd - rowStart) * Grid.Strides[0]);
        DepositCells(_nodal, (0, _depositCount), (rowStart, rowEnd));
    }

    /// <summary>
    /// Cells [start, end) into <paramref name="target"/>, on the nodes whose first index lies in
    /// <paramref name="rows"/>: each cell's mass times the product of its B-spline weights, taken in three
    /// levels with the last axis (contiguous but for the wrap) innermost; absent axes (d &lt; 3) are outer
    /// levels of one node of weight 1, so one triple loop serves every d.
    /// </summary>
    private void DepositCells(double[] target, (int Start, int End) cells, (int Lo, int Hi) rows)
    {
        const int w = BSplineStencil.Width;
        int d = Grid.Dimension, count = _depositCount, n = Grid.Points, outer = 3 - d;
        var positions = _depositPositions!;
        var masses = _depositMasses;
        double h = Grid.Spacing, uniform = 1.0 / count;
        Span<double> weights = stackalloc double[3 * w];
        Span<int> offsets = stackalloc int[3 * w];
        Span<bool> inRows = stackalloc bool[w];
        for (int level = 0; level < outer; level++)
        {
            weights[level * w] = 1;
            offsets[level * w] = 0;
        }

        int size0 = d > 2 ? w : 1, size1 = d > 1 ? w : 1;
        bool allRows = rows.Lo == 0 && rows.Hi == n;
        for (int j = cells.Start; j < cells.End; j++)
        {
            double u0 = (positions[j] - Grid.Origin[0]) / h;
            int row0 = (int)Math.Floor(u0) + BSplineStencil.FirstOffset;
            // A cell none of whose six rows (wrapped) lies in the slab adds nothing to it.
            if (!allRows && Grid.Wrap(rows.Lo - row0) >= w && Grid.Wrap(row0 - rows.Lo) >= rows.Hi - rows.Lo) continue;
            for (int a = 0; a < d; a++)
            {
                int level = a + outer;
                double u = a == 0 ? u0 : (positions[a * count + j] - Grid.Origin[a]) / h;
                double floor = Math.Floor(u);
                int first = (int)floor + BSplineStencil.FirstOffset;
                BSplineStencil.Weights(u - floor, weights.Slice(level * w, w));
                WrappedOffsets(first, Grid.Strides[a], offsets.Slice(level * w, w));
            }

            for (int m = 0; m < w; m++) inRows[m] = allRows || (Grid.Wrap(row0 + m) is var row && row >= rows.Lo && row < rows.Hi);

            double share = masses is null ? uniform : masses[j];
            // The last axis's six nodes in a row of the grid (not wrapped): vectors where the machine has them.
            bool contiguous = _vectors && outer < 2 && offsets[2 * w + w - 1] == offsets[2 * w] + w - 1;
            var inner4 = contiguous ? Vector256.Create((ReadOnlySpan<double>)weights.Slice(2 * w, 4)) : default;
            var inner2 = contiguous ? Vector128.Create((ReadOnlySpan<double>)weights.Slice(2 * w + 4, 2)) : default;
            for (int m0 = 0; m0 < size0; m0++)
            {
                if (outer == 0 && !inRows[m0]) continue;
                double w0 = share * weights[m0];
                for (int m1 = 0; m1 < size1; m1++)
                {
                    if (outer == 1 && !inRows[m1]) continue;
                    double w01 = w0 * weights[w + m1];
                    int o01 = offsets[m0] + offsets[w + m1];
                    if (contiguous)
                    {
                        // Each node adds w01 w2 as below (the same bits), four and two at a time.
                        var row = target.AsSpan(o01 + offsets[2 * w], w);
                        ref double node = ref MemoryMarshal.GetReference(row);
                        (Vector256.LoadUnsafe(ref node) + Vector256.Create(w01) * inner4).StoreUnsafe(ref node);
                        (Vector128.LoadUnsafe(ref node, 4) + Vector128.Create(w01) * inner2).StoreUnsafe(ref node, 4);
                        continue;
                    }

                    for (int m2 = 0; m2 < w; m2++)
                    {
                        if (outer == 2 && !inRows[m2]) continue;
                        target[o01 + offsets[2 * w + m2]] += w01 * weights[2 * w + m2];
                    }
                }
            }
        }
    }

    /// <summary>
    /// The ETD-RK2 predictor: <c>phi* = E phi_n + dt phi1 f_n</c>, written into <paramref name="predicted"/>.
    /// </summary>
    public void Predict(Complex[] sourceHat, Complex[] predicted)
    {
        for (int k = 0; k < Coefficients.Length; k++)
        {
            predicted[k] = _decayFactor[k] * Coefficients[k] + _phi1Weight[k] * sourceHat[k];
        }
    }

    /// <summary>
    /// The ETD-RK2 corrector: <c>phi_{n+1} = phi* + dt phi2 (f* - f_n)</c>, stored as the new field.
    /// </summary>
    public void Correct(Complex[] predicted, Complex[] sourceHat, Complex[] predictedSourceHat)
    {
        for (int k = 0; k < Coefficients.Length; k++)
        {
            Coefficients[k] = predicted[k] + _phi2Weight[k] * (predictedSourceHat[k] - sourceHat[k]);
        }
    }

    /// <summary>Recomputes <see cref="Gradient"/> from <paramref name="coefficients"/> (by default the field's own).</summary>
    /// <remarks>
    /// Each derivative is real, so two of them share one inverse transform: the inverse of
    /// <c>i k_a phi + i (i k_b phi)</c> is <c>d_a phi + i d_b phi</c>.
    /// </remarks>
    public void UpdateGradient(Complex[]? coefficients = null)
    {
        var phiHat = coefficients ?? Coefficients;
        int d = Grid.Dimension;
        for (int a = 0; a < d; a += 2)
        {
            var ka = _derivativeWavenumber[a];
            if (a + 1 < d)
            {
                var kb = _derivativeWavenumber[a + 1];
                for (int k = 0; k < phiHat.Length; k++)
                {
                    var c = phiHat[k];
                    _scratch[k] = new Complex(-ka[k] * c.Imaginary - kb[k] * c.Real, ka[k] * c.Real - kb[k] * c.Imaginary);
                }
            }
            else
            {
                for (int k = 0; k < phiHat.Length; k++)
                {
                    var c = phiHat[k];
                    _scratch[k] = new Complex(-ka[k] * c.Imaginary, ka[k] * c.Real);
                }
            }

            _fft.Inverse(_scratch);
            var first = Gradient[a];
            for (int k = 0; k < first.Length; k++) first[k] = _scratch[k].Real;
            if (a + 1 < d)
            {
                var second = Gradient[a + 1];
                for (int k = 0; k < second.Length; k++) second[k] = _scratch[k].Imaginary;
            }
        }

        if (_packedGradient is { } packed)
        {
            int width = PackedWidth(d);
            for (int a = 0; a < d; a++)
            {
                var component = Gradient[a];
                for (int k = 0; k < component.Length; k++) packed[k * width + a] = component[k];
            }
        }
    }

    /// <summary>
    /// grad phi at the given positions by six-point Lagrange interpolation of <see cref="Gradient"/> as
    /// the last <see cref="UpdateGradient"/> left it (in d = 2 and 3 it reads the copy that call packs
    /// node by node), component-major into <paramref name="gradient"/>.
    /// </summary>
    public void InterpolateGradient(ReadOnlySpan<double> positions, int count, Span<double> gradient) =>
        InterpolateGradient(positions, count, gradient, 0, count);

    /// <summary>As the span overload; large clouds are split into blocks interpolated in parallel (cells are independent, so the bits are the same).</summary>
    public void InterpolateGradient(double[] positions, int count, double[] gradient)
    {
        if (count < ParallelInterpolationCount || _maxThreads == 1)
        {
            InterpolateGradient(positions, count, gradient, 0, count);
            return;
        }

        int blocks = 4 * Environment.ProcessorCount;
        Parallel.For(0, blocks, _options, b =>
            InterpolateGradient(positions, count, gradient, (int)((long)count * b / blocks), (int)((long)count * (b + 1) / blocks)));
    }

    /// <summary>Below this many cells the gradient is interpolated on the calling thread.</summary>
    private const int ParallelInterpolationCount = 20_000;

    private void InterpolateGradient(ReadOnlySpan<double> positions, int count, Span<double> gradient, int start, int end)
    {
        int d = Grid.Dimension;
        Span<double> point = stackalloc double[d];
        Span<double> g = stackalloc double[d];
        Span<double> weights = stackalloc double[3 * LagrangeStencil.Width];
        Span<int> offsets = stackalloc int[3 * LagrangeStencil.Width];
        if (_packedGradient is { } packed)
        {
            for (int j = start; j < end; j++)
            {
                for (int a = 0; a < d; a++) point[a] = positions[a * count + j];
                Stencil(point, weights, offsets);
                if (d == 3) InterpolatePacked3(packed, weights, offsets, g);
                else InterpolatePacked2(packed, weights, offsets, g);
                for (int a = 0; a < d; a++) gradient[a * count + j] = g[a];
            }

            return;
        }

        if (d == 3)
        {
            // The three components summed side by side, each in the same order as alone (the same bits),
            // so that their additions, each waiting on the one before, overlap: 1.5x at 10^6 cells. The
            // same for two components in d = 2 was slower, so d = 1 and 2 keep the general loop.
            for (int j = start; j < end; j++)
            {
                for (int a = 0; a < 3; a++) point[a] = positions[a * count + j];
                Stencil(point, weights, offsets);
                InterpolateThree(Gradient[0], Gradient[1], Gradient[2], weights, offsets, g);
                for (int a = 0; a < 3; a++) gradient[a * count + j] = g[a];
            }

            return;
        }

        for (int j = start; j < end; j++)
        {
            for (int a = 0; a < d; a++) point[a] = positions[a * count + j];
            Interpolate(Gradient, point, g, weights, offsets);
            for (int a = 0; a < d; a++) gradient[a * count + j] = g[a];
        }
    }

    /// <summary>Each axis's six Lagrange weights at the point and its six wrapped node offsets (flat, times the axis's stride).</summary>
    private void Stencil(ReadOnlySpan<double> point, Span<double> weights, Span<int> offsets)
    {
        const int w = LagrangeStencil.Width;
        for (int a = 0; a < Grid.Dimension; a++)
        {
            double u = (point[a] - Grid.Origin[a]) / Grid.Spacing;
            double floor = Math.Floor(u);
            int first = (int)floor + LagrangeStencil.FirstOffset;
            LagrangeStencil.Weights(u - floor, weights.Slice(a * w, w));
            WrappedOffsets(first, Grid.Strides[a], offsets.Slice(a * w, w));
        }
    }

    /// <summary>The flat offsets (times <paramref name="stride"/>) of six nodes from <paramref name="first"/>, wrapped: one division for the six.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WrappedOffsets(int first, int stride, Span<int> offsets)
    {
        int n = Grid.Points, node = Grid.Wrap(first);
        for (int m = 0; m < offsets.Length; m++, node++)
        {
            if (node == n) node = 0;
            offsets[m] = node * stride;
        }
    }

    /// <summary>
    /// grad phi at the cells by multilinear interpolation (second order): the defect
    /// <see cref="Dynamics.StepperDefects.LinearGradientInterpolation"/>, not a method to use.
    /// </summary>
    public void InterpolateGradientMultilinear(double[] positions, int count, double[] gradient)
    {
        int d = Grid.Dimension;
        Span<int> low = stackalloc int[3];
        Span<double> frac = stackalloc double[3];
        for (int j = 0; j < count; j++)
        {
            for (int a = 0; a < d; a++)
            {
                double s = (positions[a * count + j] - Grid.Origin[a]) / Grid.Spacing;
                double floor = Math.Floor(s);
                low[a] = (int)floor;
                frac[a] = s - floor;
            }

            for (int f = 0; f < d; f++) gradient[f * count + j] = 0;
            for (int corner = 0; corner < 1 << d; corner++)
            {
                double weight = 1;
                int flat = 0;
                for (int a = 0; a < d; a++)
                {
                    int bit = (corner >> a) & 1;
                    weight *= bit == 1 ? frac[a] : 1 - frac[a];
                    flat += Grid.Wrap(low[a] + bit) * Grid.Strides[a];
                }

                for (int f = 0; f < d; f++) gradient[f * count + j] += weight * Gradient[f][flat];
            }
        }
    }

    /// <summary>Six-point tensor Lagrange interpolation of several nodal fields at one point.</summary>
    public void Interpolate(double[][] fields, ReadOnlySpan<double> point, Span<double> values) =>
        Interpolate(fields, point, values, stackalloc double[3 * LagrangeStencil.Width], stackalloc int[3 * LagrangeStencil.Width]);

    /// <summary>
    /// As the public overload, with each axis's six weights and wrapped node offsets in the caller's
    /// scratch (a loop over cells allocates them once). The tensor sum is taken axis by axis, the last
    /// (contiguous) axis innermost: <c>sum_0 w0 (sum_1 w1 (sum_2 w2 f))</c>, 6^d + 6^(d-1) + .. terms
    /// instead of 6^d products of d weights.
    /// </summary>
    private void Interpolate(double[][] fields, ReadOnlySpan<double> point, Span<double> values, Span<double> weights, Span<int> offsets)
    {
        int d = Grid.Dimension;
        const int w = LagrangeStencil.Width;
        Stencil(point, weights, offsets);
        for (int f = 0; f < fields.Length; f++)
        {
            var field = fields[f];
            double sum = 0;
            switch (d)
            {
                case 1:
                    for (int m0 = 0; m0 < w; m0++) sum += weights[m0] * field[offsets[m0]];
                    break;
                case 2:
                    for (int m0 = 0; m0 < w; m0++)
                    {
                        int o0 = offsets[m0];
                        double s1 = 0;
                        for (int m1 = 0; m1 < w; m1++) s1 += weights[w + m1] * field[o0 + offsets[w + m1]];
                        sum += weights[m0] * s1;
                    }

                    break;
                default:
                    for (int m0 = 0; m0 < w; m0++)
                    {
                        double s1 = 0;
                        for (int m1 = 0; m1 < w; m1++)
                        {
                            int o01 = offsets[m0] + offsets[w + m1];
                            double s2 = 0;
                            for (int m2 = 0; m2 < w; m2++) s2 += weights[2 * w + m2] * field[o01 + offsets[2 * w + m2]];
                            s1 += weights[w + m1] * s2;
                        }

                        sum += weights[m0] * s1;
                    }

                    break;
            }

            values[f] = sum;
        }
    }

    /// <summary>Three fields in d = 3 at a stencil from <see cref="Stencil"/>, each summed as the general loop sums it.</summary>
    private static void InterpolateThree(double[] f0, double[] f1, double[] f2, ReadOnlySpan<double> weights, ReadOnlySpan<int> offsets, Span<double> values)
    {
        const int w = LagrangeStencil.Width;
        double sum0 = 0, sum1 = 0, sum2 = 0;
        for (int m0 = 0; m0 < w; m0++)
        {
            double a1 = 0, b1 = 0, c1 = 0;
            for (int m1 = 0; m1 < w; m1++)
            {
                int o01 = offsets[m0] + offsets[w + m1];
                double a2 = 0, b2 = 0, c2 = 0;
                for (int m2 = 0; m2 < w; m2++)
                {
                    double weight = weights[2 * w + m2];
                    int k = o01 + offsets[2 * w + m2];
                    a2 += weight * f0[k];
                    b2 += weight * f1[k];
                    c2 += weight * f2[k];
                }

                double w1 = weights[w + m1];
                a1 += w1 * a2;
                b1 += w1 * b2;
                c1 += w1 * c2;
            }

            double w0 = weights[m0];
            sum0 += w0 * a1;
            sum1 += w0 * b1;
            sum2 += w0 * c1;
        }

        values[0] = sum0;
        values[1] = sum1;
        values[2] = sum2;
    }

    /// <summary>
    /// grad phi in d = 2 from the packed gradient: the two components as the lanes of a 128-bit vector,
    /// each summed as the general loop sums it (the same bits); the contiguous axis's six weights are
    /// broadcast once, and its six nodes read as one row where they do not wrap.
    /// </summary>
    private static void InterpolatePacked2(double[] packed, ReadOnlySpan<double> weights, ReadOnlySpan<int> offsets, Span<double> values)
    {
        const int w = LagrangeStencil.Width;
        var innerOffsets = offsets.Slice(w, w);
        bool contiguous = innerOffsets[w - 1] == innerOffsets[0] + w - 1;
        Vector128<double> w0 = Vector128.Create(weights[w]), w1 = Vector128.Create(weights[w + 1]), w2 = Vector128.Create(weights[w + 2]);
        Vector128<double> w3 = Vector128.Create(weights[w + 3]), w4 = Vector128.Create(weights[w + 4]), w5 = Vector128.Create(weights[w + 5]);
        var sum = Vector128<double>.Zero;
        for (int m0 = 0; m0 < w; m0++)
        {
            int o0 = offsets[m0];
            Vector128<double> sum1;
            if (contiguous)
            {
                ref double row = ref MemoryMarshal.GetReference(packed.AsSpan(2 * (o0 + innerOffsets[0]), 2 * w));
                // From zero, as the scalar sums start (0 + -0 is +0).
                sum1 = Vector128<double>.Zero + w0 * Vector128.LoadUnsafe(ref row);
                sum1 += w1 * Vector128.LoadUnsafe(ref row, 2);
                sum1 += w2 * Vector128.LoadUnsafe(ref row, 4);
                sum1 += w3 * Vector128.LoadUnsafe(ref row, 6);
                sum1 += w4 * Vector128.LoadUnsafe(ref row, 8);
                sum1 += w5 * Vector128.LoadUnsafe(ref row, 10);
            }
            else
            {
                sum1 = Vector128<double>.Zero + w0 * Node2(packed, o0 + innerOffsets[0]);
                sum1 += w1 * Node2(packed, o0 + innerOffsets[1]);
                sum1 += w2 * Node2(packed, o0 + innerOffsets[2]);
                sum1 += w3 * Node2(packed, o0 + innerOffsets[3]);
                sum1 += w4 * Node2(packed, o0 + innerOffsets[4]);
                sum1 += w5 * Node2(packed, o0 + innerOffsets[5]);
            }

            sum += Vector128.Create(weights[m0]) * sum1;
        }

        values[0] = sum[0];
        values[1] = sum[1];
    }

    /// <summary>
    /// grad phi in d = 3 from the packed gradient: the three components (and a zero) as the lanes of a
    /// 256-bit vector, each summed as <see cref="InterpolateThree"/> sums it (the same bits); the
    /// contiguous axis's six weights are broadcast once, and its six nodes read as one row where they do
    /// not wrap.
    /// </summary>
    private static void InterpolatePacked3(double[] packed, ReadOnlySpan<double> weights, ReadOnlySpan<int> offsets, Span<double> values)
    {
        const int w = LagrangeStencil.Width;
        var innerOffsets = offsets.Slice(2 * w, w);
        bool contiguous = innerOffsets[w - 1] == innerOffsets[0] + w - 1;
        Vector256<double> w0 = Vector256.Create(weights[2 * w]), w1 = Vector256.Create(weights[2 * w + 1]), w2 = Vector256.Create(weights[2 * w + 2]);
        Vector256<double> w3 = Vector256.Create(weights[2 * w + 3]), w4 = Vector256.Create(weights[2 * w + 4]), w5 = Vector256.Create(weights[2 * w + 5]);
        var sum = Vector256<double>.Zero;
        for (int m0 = 0; m0 < w; m0++)
        {
            var sum1 = Vector256<double>.Zero;
            for (int m1 = 0; m1 < w; m1++)
            {
                int o01 = offsets[m0] + offsets[w + m1];
                Vector256<double> sum2;
                if (contiguous)
                {
                    ref double row = ref MemoryMarshal.GetReference(packed.AsSpan(4 * (o01 + innerOffsets[0]), 4 * w));
                    // From zero, as the scalar sums start (0 + -0 is +0).
                    sum2 = Vector256<double>.Zero + w0 * Vector256.LoadUnsafe(ref row);
                    sum2 += w1 * Vector256.LoadUnsafe(ref row, 4);
                    sum2 += w2 * Vector256.LoadUnsafe(ref row, 8);
                    sum2 += w3 * Vector256.LoadUnsafe(ref row, 12);
                    sum2 += w4 * Vector256.LoadUnsafe(ref row, 16);
                    sum2 += w5 * Vector256.LoadUnsafe(ref row, 20);
                }
                else
                {
                    sum2 = Vector256<double>.Zero + w0 * Node4(packed, o01 + innerOffsets[0]);
                    sum2 += w1 * Node4(packed, o01 + innerOffsets[1]);
                    sum2 += w2 * Node4(packed, o01 + innerOffsets[2]);
                    sum2 += w3 * Node4(packed, o01 + innerOffsets[3]);
                    sum2 += w4 * Node4(packed, o01 + innerOffsets[4]);
                    sum2 += w5 * Node4(packed, o01 + innerOffsets[5]);
                }

                sum1 += Vector256.Create(weights[w + m1]) * sum2;
            }

            sum += Vector256.Create(weights[m0]) * sum1;
        }

        values[0] = sum[0];
        values[1] = sum[1];
        values[2] = sum[2];
    }

    /// <summary>Node <paramref name="node"/>'s two components in the packed gradient (d = 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Node2(double[] packed, int node) => Vector128.Create((ReadOnlySpan<double>)packed.AsSpan(2 * node, 2));

    /// <summary>Node <paramref name="node"/>'s three components and zero in the packed gradient (d = 3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Node4(double[] packed, int node) => Vector256.Create((ReadOnlySpan<double>)packed.AsSpan(4 * node, 4));

    /// <summary>max over nodes of |grad phi| as of the last <see cref="UpdateGradient"/>.</summary>
    public double MaxGradientNorm()
    {
        double max = 0;
        for (int k = 0; k < Grid.NodeCount; k++)
        {
            double s = 0;
            for (int a = 0; a < Grid.Dimension; a++) s += Gradient[a][k] * Gradient[a][k];
            max = Math.Max(max, s);
        }

        return Math.Sqrt(max);
    }
}
