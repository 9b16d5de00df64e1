using System.Numerics;
using MeanField.Core.Kernels;

namespace MeanField.Core.Chemistry;

/// <summary>
/// The chemical field phi on a periodic grid, held by its Fourier coefficients, for
/// <c>d phi/dt = D Lap phi - kappa phi + f</c>. Each mode k evolves with the exact factor
/// <c>exp(-(D |k|^2 + kappa) dt)</c>, so no step size is unstable; the source f is met through the
/// exponential-integrator weights phi1 and phi2 (ETD-RK2, Cox and Matthews 2002).
/// </summary>
/// <remarks>
/// The source <c>f(x) = (1/N) sum_j chi(x - x_j)</c> is sampled exactly at the nodes inside each
/// cell's support and rescaled per cell so that its grid mass equals the exact mass of chi: the field
/// mass then obeys its closed form to round-off. grad phi is obtained by spectral differentiation on
/// the grid (the Nyquist mode dropped) and six-point Lagrange interpolation to the cells.
/// </remarks>
public sealed class ChemicalField
{
    private readonly double[] _decayFactor;
    private readonly double[] _phi1Weight;
    private readonly double[] _phi2Weight;
    private readonly double[] _nodal;
    private readonly int _stencilSpan;
    private readonly ThreadLocal<double[]> _stencilOffsets;
    private readonly ThreadLocal<int[]> _stencilFlats;
    private readonly ThreadLocal<double[]> _stencilValues;
    private readonly ThreadLocal<int[]> _stencilNodes;
    private readonly int _slabs;
    private readonly int _maxThreads;
    private readonly ParallelOptions _options;
    private readonly Action<int> _normaliseBlock;
    private readonly Action<int> _depositSlab;
    private double[] _cellScale = [];
    private int[] _cellFirstRow = [];
    private double[]? _depositPositions;
    private double[]? _depositMasses;
    private int _depositCount;
    private readonly Complex[] _scratch;
    private readonly double _sourceMass;
    private readonly SpectralTransform _fft;

    /// <summary>Per mode, the wavenumber along each axis (Nyquist zeroed, as differentiation wants it).</summary>
    private readonly double[][] _derivativeWavenumber;

    /// <param name="maxThreads">Upper bound on worker threads (-1: the runtime's choice); results do not depend on it.</param>
    public ChemicalField(PeriodicGrid grid, double diffusion, double decay, ISourceProfile source, double step, int maxThreads = -1)
        : this(grid, diffusion, decay, source, step, maxThreads, blockDeposit: grid is not null && grid.NodeCount <= MaxNodesForBlocks)
    {
    }

    /// <param name="blockDeposit">Deposit through private block grids (true) or slabs (false); tests compare the two.</param>
    internal ChemicalField(PeriodicGrid grid, double diffusion, double decay, ISourceProfile source, double step, int maxThreads, bool blockDeposit)
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

        _stencilSpan = 2 * (int)Math.Ceiling(source.SupportRadius / grid.Spacing) + 2;
        int span = _stencilSpan;
        _stencilOffsets = new ThreadLocal<double[]>(() => new double[3 * span]);
        _stencilFlats = new ThreadLocal<int[]>(() => new int[3 * span]);
        int stencilNodes = (int)Math.Pow(span, grid.Dimension);
        _stencilValues = new ThreadLocal<double[]>(() => new double[stencilNodes]);
        _stencilNodes = new ThreadLocal<int[]>(() => new int[stencilNodes]);
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
        _normaliseBlock = NormaliseBlock;
        _depositSlab = DepositSlab;
        _sourceMass = source.Mass(grid.Dimension);
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
    /// The Fourier coefficients of <c>f(x) = (1/N) sum_j chi(x - x_j)</c> for the given positions
    /// (component-major, N = <paramref name="count"/>), written into <paramref name="sourceHat"/>; with
    /// <paramref name="masses"/>, <c>f(x) = sum_j m_j chi(x - x_j)</c> (a weighted cloud).
    /// </summary>
    /// <remarks>
    /// Grids up to <see cref="MaxNodesForBlocks"/> nodes: the cells are split into a fixed number of
    /// contiguous blocks, each depositing into a private grid (every cell's stencil values computed
    /// once: their sum is its normalisation), and the grids are added in block order. Larger grids: two
    /// passes, each cell's grid mass, then slabs of the first axis, each adding the cells that reach it
    /// in cell order. Either way every node sums its contributions in an order fixed by the cells alone,
    /// so the bits do not depend on the number of threads.
    /// </remarks>
    public void Deposit(double[] positions, int count, Complex[] sourceHat, double[]? masses = null)
    {
        DepositNodal(positions, count, masses);
        TransformNodal(sourceHat);
    }

    /// <summary>The source sum at the nodes (the first phase of <see cref="Deposit"/>), left in the nodal grid.</summary>
    internal void DepositNodal(double[] positions, int count, double[]? masses)
    {
        if (masses is not null && masses.Length != count)
            throw new ArgumentException($"masses has length {masses.Length}, expected {count}", nameof(masses));
        if (_cellScale.Length != count)
        {
            _cellScale = new double[count];
            _cellFirstRow = new int[count];
        }

        _depositPositions = positions;
        _depositMasses = masses;
        _depositCount = count;
        int blocks = (count + DepositBlock - 1) / DepositBlock;
        if (_blockGrids is not null)
        {
            DepositInBlocks();
        }
        else if (_maxThreads == 1)
        {
            for (int b = 0; b < blocks; b++) _normaliseBlock(b);
            for (int slab = 0; slab < _slabs; slab++) _depositSlab(slab);
        }
        else
        {
            Parallel.For(0, blocks, _options, _normaliseBlock);
            Parallel.For(0, _slabs, _options, _depositSlab);
        }

        _depositPositions = null;
        _depositMasses = null;
    }

    /// <summary>The nodal source sum's Fourier coefficients (the second phase of <see cref="Deposit"/>).</summary>
    internal void TransformNodal(Complex[] sourceHat)
    {
        for (int k = 0; k < _nodal.Length; k++) sourceHat[k] = _nodal[k];
        _fft.Forward(sourceHat);
    }

    private const int DepositBlock = 256;

    /// <summary>Cells are deposited in this many blocks with private grids, whatever the thread count.</summary>
    private const int DepositGrids = 4;

    /// <summary>
    /// The bytes a field on <paramref name="nodes"/> nodes in d dimensions allocates: its coefficients and
    /// scratch (complex), nodal values, gradient and derivative wavenumbers (d each), the three ETD
    /// weights, and the block deposit's private grids where it has them; the FFT's per-thread lines are
    /// one grid line each and left out. For estimates before a run (<see cref="Dynamics.RunBudget"/>).
    /// </summary>
    public static long BytesFor(int dimension, long nodes) =>
        nodes * (16 + 16 + 8 + 16L * dimension + 24 + (nodes <= MaxNodesForBlocks ? 8L * DepositGrids : 0));

    /// <summary>The bytes the deposit keeps per cell (its normalisation and first row).</summary>
    public const int BytesPerCell = sizeof(double) + sizeof(int);

    /// <summary>Largest grid deposited through private block grids (2^20 nodes: 8 MB per block).</summary>
    private const int MaxNodesForBlocks = 1 << 20;

    /// <summary>Private grids of the block deposit (null for grids above <see cref="MaxNodesForBlocks"/>).</summary>
    private readonly double[][]? _blockGrids;

    private void DepositInBlocks()
    {
        var grids = _blockGrids!;
        int count = _depositCount;
        Parallel.For(0, grids.Length, _options, b => DepositBlockGrid(grids[b], (int)((long)count * b / grids.Length), (int)((long)count * (b + 1) / grids.Length)));
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

    /// <summary>Cells [start, end) into one private grid: each cell's in-support stencil values once, normalised by their sum.</summary>
    private void DepositBlockGrid(double[] target, int start, int end)
    {
        Array.Clear(target);
        var offset2 = _stencilOffsets.Value!;
        var flat = _stencilFlats.Value!;
        var values = _stencilValues.Value!;
        var nodes = _stencilNodes.Value!;
        Span<int> sizes = stackalloc int[3];
        int span = _stencilSpan;
        double support2 = Source.SupportRadius * Source.SupportRadius;
        for (int j = start; j < end; j++)
        {
            Stencil(j, sizes, offset2, flat);
            int used = 0;
            double mass = 0;
            for (int m0 = 0; m0 < sizes[0]; m0++)
            {
                for (int m1 = 0; m1 < sizes[1]; m1++)
                {
                    double r01 = offset2[m0] + offset2[span + m1];
                    if (r01 >= support2) continue;
                    int f01 = flat[m0] + flat[span + m1];
                    for (int m2 = 0; m2 < sizes[2]; m2++)
                    {
                        double value = Source.ValueOfSquaredDistance(r01 + offset2[2 * span + m2]);
                        if (value == 0) continue;
                        values[used] = value;
                        nodes[used++] = f01 + flat[2 * span + m2];
                        mass += value;
                    }
                }
            }

            if (mass <= 0) continue;
            double share = _sourceMass / (mass * Grid.CellVolume);
            double scale = _depositMasses is null ? share / _depositCount : share * _depositMasses[j];
            for (int k = 0; k < used; k++) target[nodes[k]] += scale * values[k];
        }
    }

    /// <summary>
    /// The stencil of cell j along each axis: squared offsets of its nodes and their flat-index
    /// contributions. Absent axes (d &lt; 3) are one node at offset 0, so one triple loop serves every d.
    /// </summary>
    /// <returns>The (unwrapped) index of the stencil's first node along the first axis.</returns>
    private int Stencil(int j, Span<int> sizes, double[] offset2, int[] flat)
    {
        int firstRow = 0;
        int d = Grid.Dimension, span = _stencilSpan, count = _depositCount;
        double h = Grid.Spacing, radius = Source.SupportRadius;
        var positions = _depositPositions!;
        for (int a = 0; a < 3; a++)
        {
            int o = a * span;
            if (a >= d)
            {
                sizes[a] = 1;
                offset2[o] = 0;
                flat[o] = 0;
                continue;
            }

            double x = positions[a * count + j];
            int first = (int)Math.Floor((x - Grid.Origin[a] - radius) / h);
            sizes[a] = span;
            if (a == 0) firstRow = first;
            for (int m = 0; m < span; m++)
            {
                double y = Grid.Origin[a] + (first + m) * h - x;
                offset2[o + m] = y * y;
                flat[o + m] = Grid.Wrap(first + m) * Grid.Strides[a];
            }
        }

        return firstRow;
    }

    /// <summary>Pass 1: each cell's factor, so that its grid mass is the exact mass of chi (divided by N).</summary>
    private void NormaliseBlock(int block)
    {
        var offset2 = _stencilOffsets.Value!;
        var flat = _stencilFlats.Value!;
        Span<int> sizes = stackalloc int[3];
        int span = _stencilSpan;
        double support2 = Source.SupportRadius * Source.SupportRadius;
        for (int j = block * DepositBlock; j < Math.Min(_depositCount, (block + 1) * DepositBlock); j++)
        {
            int firstRow = Stencil(j, sizes, offset2, flat);
            double mass = 0;
            for (int m0 = 0; m0 < sizes[0]; m0++)
            {
                for (int m1 = 0; m1 < sizes[1]; m1++)
                {
                    double r01 = offset2[m0] + offset2[span + m1];
                    if (r01 >= support2) continue;
                    for (int m2 = 0; m2 < sizes[2]; m2++) mass += Source.ValueOfSquaredDistance(r01 + offset2[2 * span + m2]);
                }
            }

            double share = _sourceMass / (mass * Grid.CellVolume);
            _cellScale[j] = mass <= 0 ? 0 : _depositMasses is null ? share / _depositCount : share * _depositMasses[j];
            _cellFirstRow[j] = firstRow;
        }
    }

    /// <summary>Whether a stencil whose first row is <paramref name="first"/> touches rows [start, end) (periodically).</summary>
    private bool Reaches(int first, int start, int end)
    {
        int offset = Grid.Wrap(start - first);
        return offset < _stencilSpan || Grid.Wrap(first - start) < end - start;
    }

    /// <summary>Pass 2: the nodes whose first index lies in one slab, from every cell that reaches them, in cell order.</summary>
    private void DepositSlab(int slab)
    {
        int n = Grid.Points, span = _stencilSpan;
        int rowStart = slab * n / _slabs, rowEnd = (slab + 1) * n / _slabs;
        int rowStride = Grid.Strides[0];
        Array.Clear(_nodal, rowStart * rowStride, (rowEnd - rowStart) * rowStride);
        var offset2 = _stencilOffsets.Value!;
        var flat = _stencilFlats.Value!;
        Span<int> sizes = stackalloc int[3];
        double support2 = Source.SupportRadius * Source.SupportRadius;
        for (int j = 0; j < _depositCount; j++)
        {
            double scale = _cellScale[j];
            if (scale == 0 || !Reaches(_cellFirstRow[j], rowStart, rowEnd)) continue;
            int firstRow = Stencil(j, sizes, offset2, flat);
            for (int m0 = 0; m0 < sizes[0]; m0++)
            {
                int row = Grid.Wrap(firstRow + m0);
                if (row < rowStart || row >= rowEnd) continue;
                for (int m1 = 0; m1 < sizes[1]; m1++)
                {
                    double r01 = offset2[m0] + offset2[span + m1];
                    if (r01 >= support2) continue;
                    int f01 = flat[m0] + flat[span + m1];
                    for (int m2 = 0; m2 < sizes[2]; m2++)
                    {
                        _nodal[f01 + flat[2 * span + m2]] += scale * Source.ValueOfSquaredDistance(r01 + offset2[2 * span + m2]);
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
    }

    /// <summary>
    /// grad phi at the given positions by six-point Lagrange interpolation of <see cref="Gradient"/>,
    /// component-major into <paramref name="gradient"/>.
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
        Span<double> point = stackalloc double[Grid.Dimension];
        Span<double> g = stackalloc double[Grid.Dimension];
        Span<double> weights = stackalloc double[LagrangeStencil.Nodes(Grid.Dimension)];
        Span<int> offsets = stackalloc int[3 * LagrangeStencil.Width];
        for (int j = start; j < end; j++)
        {
            for (int a = 0; a < Grid.Dimension; a++) point[a] = positions[a * count + j];
            Interpolate(Gradient, point, g, weights, offsets);
            for (int a = 0; a < Grid.Dimension; a++) gradient[a * count + j] = g[a];
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
        Interpolate(fields, point, values, stackalloc double[LagrangeStencil.Nodes(Grid.Dimension)], stackalloc int[3 * LagrangeStencil.Width]);

    /// <summary>As the public overload, with the stencil's weights and offsets in the caller's scratch (a loop over cells allocates them once).</summary>
    private void Interpolate(double[][] fields, ReadOnlySpan<double> point, Span<double> values, Span<double> weights, Span<int> offsets)
    {
        int d = Grid.Dimension;
        const int w = LagrangeStencil.Width;
        Span<double> units = stackalloc double[3];
        Span<int> start = stackalloc int[3];
        for (int a = 0; a < d; a++) units[a] = (point[a] - Grid.Origin[a]) / Grid.Spacing;
        LagrangeStencil.Tensor(units[..d], start, weights);

        // Each axis's six wrapped node offsets once; the nodes are then visited with axis 0 fastest, the
        // order of the weights, so every value sums its terms in the same order whatever the dimension.
        for (int a = 0; a < d; a++)
        {
            for (int m = 0; m < w; m++) offsets[a * w + m] = Grid.Wrap(start[a] + m) * Grid.Strides[a];
        }

        for (int f = 0; f < fields.Length; f++) values[f] = 0;
        int rows = d == 1 ? 1 : d == 2 ? w : w * w;
        for (int r = 0, c = 0; r < rows; r++)
        {
            int row = d == 1 ? 0 : d == 2 ? offsets[w + r] : offsets[w + r % w] + offsets[2 * w + r / w];
            for (int m = 0; m < w; m++, c++)
            {
                int flat = offsets[m] + row;
                for (int f = 0; f < fields.Length; f++) values[f] += weights[c] * fields[f][flat];
            }
        }
    }

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
