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
    private readonly double[] _stencilValues;
    private readonly int _stencilSpan;
    private readonly double[][] _axisOffset2;
    private readonly int[][] _axisFlat;
    private readonly Complex[] _scratch;
    private readonly double _sourceMass;
    private readonly SpectralTransform _fft;

    /// <summary>Per mode, the wavenumber along each axis (Nyquist zeroed, as differentiation wants it).</summary>
    private readonly double[][] _derivativeWavenumber;

    public ChemicalField(PeriodicGrid grid, double diffusion, double decay, ISourceProfile source, double step)
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
        _fft = new SpectralTransform(grid);
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
            for (int a = 0; a < grid.Dimension; a++) _derivativeWavenumber[a][k] = grid.Wavenumber(index[a], zeroNyquist: true);
            double lambda = Decay + Diffusion * WavenumberSquared(k, index);
            double z = -lambda * step;
            _decayFactor[k] = Math.Exp(z);
            _phi1Weight[k] = step * ExponentialIntegrator.Phi1(z);
            _phi2Weight[k] = step * ExponentialIntegrator.Phi2(z);
        }

        _stencilSpan = 2 * (int)Math.Ceiling(source.SupportRadius / grid.Spacing) + 2;
        _stencilValues = new double[(int)Math.Pow(_stencilSpan, grid.Dimension)];
        _axisOffset2 = [new double[_stencilSpan], new double[_stencilSpan], new double[_stencilSpan]];
        _axisFlat = [new int[_stencilSpan], new int[_stencilSpan], new int[_stencilSpan]];
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

    /// <summary>|k|^2 of flat mode index k.</summary>
    public double WavenumberSquared(int k, Span<int> index)
    {
        Grid.Unflatten(k, index);
        double s = 0;
        for (int a = 0; a < Grid.Dimension; a++)
        {
            double ka = Grid.Wavenumber(index[a]);
            s += ka * ka;
        }

        return s;
    }

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
    /// (component-major, N = positions.Length / d), written into <paramref name="sourceHat"/>.
    /// </summary>
    public void Deposit(ReadOnlySpan<double> positions, int count, Complex[] sourceHat)
    {
        Array.Clear(_nodal);
        int d = Grid.Dimension, span = _stencilSpan;
        double h = Grid.Spacing, radius = Source.SupportRadius;

        // Per axis, the squared offsets of the stencil's nodes and their flat-index contributions;
        // absent axes (d < 3) are a single node at offset 0, so one triple loop serves every d.
        Span<int> sizes = stackalloc int[3];
        for (int j = 0; j < count; j++)
        {
            for (int a = 0; a < 3; a++)
            {
                if (a >= d)
                {
                    sizes[a] = 1;
                    _axisOffset2[a][0] = 0;
                    _axisFlat[a][0] = 0;
                    continue;
                }

                double x = positions[a * count + j];
                int first = (int)Math.Floor((x - Grid.Origin[a] - radius) / h);
                sizes[a] = span;
                for (int m = 0; m < span; m++)
                {
                    double y = Grid.Origin[a] + (first + m) * h - x;
                    _axisOffset2[a][m] = y * y;
                    _axisFlat[a][m] = Grid.Wrap(first + m) * Grid.Strides[a];
                }
            }

            // Exact chi at the stencil's nodes, then the grid mass of this cell.
            double mass = 0;
            int c = 0;
            for (int m0 = 0; m0 < sizes[0]; m0++)
            {
                for (int m1 = 0; m1 < sizes[1]; m1++)
                {
                    double r01 = _axisOffset2[0][m0] + _axisOffset2[1][m1];
                    for (int m2 = 0; m2 < sizes[2]; m2++, c++)
                    {
                        double value = Source.ValueOfSquaredDistance(r01 + _axisOffset2[2][m2]);
                        _stencilValues[c] = value;
                        mass += value;
                    }
                }
            }

            if (mass == 0) continue;
            double scale = _sourceMass / (mass * Grid.CellVolume) / count;
            c = 0;
            for (int m0 = 0; m0 < sizes[0]; m0++)
            {
                for (int m1 = 0; m1 < sizes[1]; m1++)
                {
                    int f01 = _axisFlat[0][m0] + _axisFlat[1][m1];
                    for (int m2 = 0; m2 < sizes[2]; m2++, c++)
                    {
                        _nodal[f01 + _axisFlat[2][m2]] += scale * _stencilValues[c];
                    }
                }
            }
        }

        for (int k = 0; k < _nodal.Length; k++) sourceHat[k] = _nodal[k];
        _fft.Forward(sourceHat);
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
    public void InterpolateGradient(ReadOnlySpan<double> positions, int count, Span<double> gradient)
    {
        Span<double> point = stackalloc double[Grid.Dimension];
        Span<double> g = stackalloc double[Grid.Dimension];
        for (int j = 0; j < count; j++)
        {
            for (int a = 0; a < Grid.Dimension; a++) point[a] = positions[a * count + j];
            Interpolate(Gradient, point, g);
            for (int a = 0; a < Grid.Dimension; a++) gradient[a * count + j] = g[a];
        }
    }

    /// <summary>Six-point tensor Lagrange interpolation of several nodal fields at one point.</summary>
    public void Interpolate(double[][] fields, ReadOnlySpan<double> point, Span<double> values)
    {
        int d = Grid.Dimension;
        const int w = LagrangeStencil.Width;
        Span<double> weights = stackalloc double[3 * w];
        Span<int> start = stackalloc int[3];
        for (int a = 0; a < d; a++)
        {
            double s = (point[a] - Grid.Origin[a]) / Grid.Spacing;
            double floor = Math.Floor(s);
            start[a] = (int)floor + LagrangeStencil.FirstOffset;
            LagrangeStencil.Weights(s - floor, weights.Slice(a * w, w));
        }

        for (int f = 0; f < fields.Length; f++) values[f] = 0;
        int nodes = d == 1 ? w : d == 2 ? w * w : w * w * w;
        for (int c = 0; c < nodes; c++)
        {
            double weight = 1;
            int flat = 0;
            for (int a = 0, rest = c; a < d; a++, rest /= w)
            {
                int m = rest % w;
                weight *= weights[a * w + m];
                flat += Grid.Wrap(start[a] + m) * Grid.Strides[a];
            }

            for (int f = 0; f < fields.Length; f++) values[f] += weight * fields[f][flat];
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
