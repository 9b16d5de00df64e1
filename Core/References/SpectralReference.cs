using System.Numerics;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Core.References;

/// <summary>
/// A second discretisation of (P) for a fixed set of cells, written apart from
/// <see cref="Dynamics.HybridSimulation"/>'s numerics, to measure a solver's trajectories against: the
/// field as a truncated Fourier series on the periodic box,
/// <c>phi(t, x) = sum_k a_k(t) e^{i k.(x - o)}</c> with <c>|k_a| &lt;= 2 pi K / L</c>, whose source
/// coefficients come from the exact Fourier transform of chi (radial quadrature, no sampling at nodes):
/// <c>da_k/dt = -(D |k|^2 + kappa) a_k + chi^(k) / L^d sum_j m_j e^{-i k.(x_j - o)}</c>; grad phi at a
/// cell evaluated from the series (no interpolation); the alignment summed pair by pair through
/// <see cref="IAlignmentKernel.Evaluate"/>; and the whole system advanced by the fourth-order
/// integrating-factor Runge-Kutta method (Lawson), exact on the modes' linear part.
/// </summary>
/// <remarks>
/// The cost is O(N (2K + 1)^d) per evaluation: a reference for a few hundred cells, not for clouds.
/// Its own error is estimated by refining K and the step together (<see cref="Difference"/>).
/// </remarks>
public sealed class SpectralReference
{
    private readonly int _d, _n, _perAxis, _modeCount;
    private readonly double _box;
    private readonly double[] _origin;
    private readonly double[] _masses;
    private readonly double[][] _wavenumber; // per axis, per mode index 0 .. 2K
    private readonly double[] _rate;         // D |k|^2 + kappa per mode
    private readonly Complex[] _sourceWeight; // chi^(k) / L^d per mode
    private readonly IAlignmentKernel _alignment;
    private readonly IExternalForce _force;
    private readonly double _eta;
    private double[] _x, _v;
    private Complex[] _a;

    /// <param name="scenario">The model (kernels, field constants, box); its grid and step are not used.</param>
    /// <param name="initial">The cells at t = 0.</param>
    /// <param name="modes">K: the modes -K .. K along each axis.</param>
    /// <param name="step">The Runge-Kutta step.</param>
    public SpectralReference(Scenario scenario, ParticleState initial, int modes, double step)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(initial);
        if (modes < 1) throw new ArgumentOutOfRangeException(nameof(modes), modes, "at least one mode per axis");
        if (!(step > 0)) throw new ArgumentOutOfRangeException(nameof(step), step, "the step must be positive");
        _d = scenario.Dimension;
        _n = initial.Count;
        K = modes;
        Step = step;
        _perAxis = 2 * modes + 1;
        _modeCount = (int)Math.Pow(_perAxis, _d);
        _box = scenario.Domain.Box;
        _origin = scenario.Domain.Center.Select(c => c - _box / 2).ToArray();
        _masses = Enumerable.Range(0, _n).Select(initial.Mass).ToArray();
        _alignment = scenario.Alignment.Build();
        _force = scenario.ExternalForce.Build();
        var source = scenario.Chemotaxis.Source.Build();
        _eta = scenario.Chemotaxis.Eta;
        _wavenumber = new double[_d][];
        for (int a = 0; a < _d; a++) _wavenumber[a] = Enumerable.Range(-modes, _perAxis).Select(m => 2 * Math.PI * m / _box).ToArray();
        _rate = new double[_modeCount];
        _sourceWeight = new Complex[_modeCount];
        _a = new Complex[_modeCount];
        var transform = new Dictionary<int, double>();
        var gaussian = scenario.Chemotaxis.InitialField as GaussianFieldSpec;
        Span<int> index = stackalloc int[_d];
        double volume = Math.Pow(_box, _d);
        for (int k = 0; k < _modeCount; k++)
        {
            Unflatten(k, index);
            int m2 = 0;
            double k2 = 0;
            for (int a = 0; a < _d; a++)
            {
                int m = index[a] - modes;
                m2 += m * m;
                k2 += _wavenumber[a][index[a]] * _wavenumber[a][index[a]];
            }

            _rate[k] = scenario.Chemotaxis.Diffusion * k2 + scenario.Chemotaxis.Decay;
            if (!transform.TryGetValue(m2, out double hat)) transform[m2] = hat = RadialFourier.Transform(source, _d, Math.Sqrt(k2));
            _sourceWeight[k] = hat / volume;
            if (gaussian is not null)
            {
                // The periodised Gaussian's coefficient: (A (2 pi w^2)^{d/2} / L^d) e^{-w^2 |k|^2 / 2} e^{-i k.(c - o)}.
                double phase = 0;
                for (int a = 0; a < _d; a++) phase -= _wavenumber[a][index[a]] * (gaussian.Center[a] - _origin[a]);
                double magnitude = gaussian.Amplitude * Math.Pow(2 * Math.PI * gaussian.Width * gaussian.Width, _d / 2.0) / volume * Math.Exp(-gaussian.Width * gaussian.Width * k2 / 2);
                _a[k] = Complex.FromPolarCoordinates(magnitude, phase);
            }
        }

        _x = (double[])initial.Positions.Clone();
        _v = (double[])initial.Velocities.Clone();
    }

    /// <summary>K: the modes -K .. K along each axis.</summary>
    public int K { get; }

    public double Step { get; }

    public int StepIndex { get; private set; }

    public double Time => StepIndex * Step;

    /// <summary>The cells at <see cref="Time"/>.</summary>
    public ParticleState State
    {
        get
        {
            var s = new ParticleState(_d, _n);
            _x.CopyTo(s.Positions, 0);
            _v.CopyTo(s.Velocities, 0);
            return s;
        }
    }

    /// <summary>Advances to <paramref name="time"/>, a whole number of steps.</summary>
    public void AdvanceTo(double time)
    {
        int target = (int)Math.Round(time / Step);
        if (Math.Abs(target * Step - time) > 1e-9 * Math.Max(1, time)) throw new ArgumentException($"t = {time} is not a whole number of steps of {Step}", nameof(time));
        while (StepIndex < target) TakeStep();
    }

    /// <summary>The largest |x - x'| and |v - v'| over the cells (per cell, the Euclidean norm): the trajectory error the convergence checks measure.</summary>
    public static double Difference(ParticleState first, ParticleState second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        int n = first.Count, d = first.Dimension;
        double largest = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = 0, dv = 0;
            for (int a = 0; a < d; a++)
            {
                double ex = first.Positions[a * n + i] - second.Positions[a * n + i];
                double ev = first.Velocities[a * n + i] - second.Velocities[a * n + i];
                dx += ex * ex;
                dv += ev * ev;
            }

            largest = Math.Max(largest, Math.Sqrt(Math.Max(dx, dv)));
        }

        return largest;
    }

    private void Unflatten(int flat, Span<int> index)
    {
        for (int a = _d - 1; a >= 0; a--)
        {
            index[a] = flat % _perAxis;
            flat /= _perAxis;
        }
    }

    /// <summary>The buffers of one right-hand-side evaluation: dx/dt (= v), dv/dt, the source coefficients.</summary>
    private sealed class Stage(int cells, int modes)
    {
        public readonly double[] X = new double[cells];
        public readonly double[] V = new double[cells];
        public readonly Complex[] A = new Complex[modes];
        public readonly double[] Dx = new double[cells];
        public readonly double[] Dv = new double[cells];
        public readonly Complex[] Da = new Complex[modes];
    }

    /// <summary>Rows of modes (runs along the last axis) are split into this many blocks, a fixed number, so the bits do not depend on the thread count.</summary>
    private const int RowBlocks = 16;

    private Stage[]? _stages;
    private Complex[]? _powers;       // per axis, per cell, per mode index: e^{i k (x - o)}
    private double[][]? _blockGradient; // per row block: its share of grad phi at the cells (component-major)
    private double[]? _half, _full, _gradient;

    /// <summary>One Lawson RK4 step: u' = E(h) u + h/6 (E(h) k1 + 2 E(h/2) (k2 + k3) + k4) with E the modes' exact decay. The buffers are made on the first step and reused.</summary>
    private void TakeStep()
    {
        double h = Step;
        int len = _x.Length;
        if (_stages is null)
        {
            _stages = Enumerable.Range(0, 4).Select(_ => new Stage(len, _modeCount)).ToArray();
            _powers = new Complex[_d * _n * _perAxis];
            _blockGradient = Enumerable.Range(0, RowBlocks).Select(_ => new double[len]).ToArray();
            _half = new double[_modeCount];
            _full = new double[_modeCount];
            _gradient = new double[len];
            for (int k = 0; k < _modeCount; k++)
            {
                _half[k] = Math.Exp(-_rate[k] * h / 2);
                _full[k] = _half[k] * _half[k];
            }
        }

        var half = _half!;
        var full = _full!;
        var (s1, s2, s3, s4) = (_stages[0], _stages[1], _stages[2], _stages[3]);
        _x.CopyTo(s1.X, 0);
        _v.CopyTo(s1.V, 0);
        _a.CopyTo(s1.A, 0);
        Evaluate(s1);
        for (int q = 0; q < len; q++)
        {
            s2.X[q] = _x[q] + h / 2 * s1.Dx[q];
            s2.V[q] = _v[q] + h / 2 * s1.Dv[q];
        }

        for (int k = 0; k < _modeCount; k++) s2.A[k] = half[k] * (_a[k] + h / 2 * s1.Da[k]);
        Evaluate(s2);
        for (int q = 0; q < len; q++)
        {
            s3.X[q] = _x[q] + h / 2 * s2.Dx[q];
            s3.V[q] = _v[q] + h / 2 * s2.Dv[q];
        }

        for (int k = 0; k < _modeCount; k++) s3.A[k] = half[k] * _a[k] + h / 2 * s2.Da[k];
        Evaluate(s3);
        for (int q = 0; q < len; q++)
        {
            s4.X[q] = _x[q] + h * s3.Dx[q];
            s4.V[q] = _v[q] + h * s3.Dv[q];
        }

        for (int k = 0; k < _modeCount; k++) s4.A[k] = full[k] * _a[k] + h * half[k] * s3.Da[k];
        Evaluate(s4);
        for (int q = 0; q < len; q++)
        {
            _x[q] += h / 6 * (s1.Dx[q] + 2 * s2.Dx[q] + 2 * s3.Dx[q] + s4.Dx[q]);
            _v[q] += h / 6 * (s1.Dv[q] + 2 * s2.Dv[q] + 2 * s3.Dv[q] + s4.Dv[q]);
        }

        for (int k = 0; k < _modeCount; k++)
            _a[k] = full[k] * _a[k] + h / 6 * (full[k] * s1.Da[k] + 2 * half[k] * (s2.Da[k] + s3.Da[k]) + s4.Da[k]);
        StepIndex++;
    }

    /// <summary>The right-hand side without the modes' linear part, into the stage's buffers: (v, alignment + eta grad phi + F, source coefficients).</summary>
    private void Evaluate(Stage stage)
    {
        int n = _n, d = _d;
        var (x, v, a) = (stage.X, stage.V, stage.A);
        var dv = stage.Dv;
        var source = stage.Da;
        var gradient = _gradient!;
        var powers = _powers!;
        Array.Clear(dv);
        Array.Clear(source);
        // With eta = 0 the field does not act on the cells: its modes are left to their linear decay.
        if (_eta != 0) FieldAtCells(x, a, source, gradient, powers);
        else Array.Clear(gradient);

        for (int k = 0; k < _modeCount; k++) source[k] *= _sourceWeight[k];

        Span<double> y = stackalloc double[d];
        Span<double> w = stackalloc double[d];
        Span<double> g = stackalloc double[d];
        Span<double> xi = stackalloc double[d];
        Span<double> f = stackalloc double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                for (int c = 0; c < d; c++)
                {
                    y[c] = x[c * n + j] - x[c * n + i];
                    w[c] = v[c * n + j] - v[c * n + i];
                }

                _alignment.Evaluate(y, w, g);
                for (int c = 0; c < d; c++) dv[c * n + i] += _masses[j] * g[c];
            }

            for (int c = 0; c < d; c++)
            {
                xi[c] = x[c * n + i];
                dv[c * n + i] += _eta * gradient[c * n + i];
            }

            f.Clear();
            _force.Add(xi, f);
            for (int c = 0; c < d; c++) dv[c * n + i] += f[c];
        }

        v.CopyTo(stage.Dx, 0);
    }

    /// <summary>The source coefficients of the cells at <paramref name="x"/> into <paramref name="source"/> (before chi^), and grad phi at the cells from the modes <paramref name="a"/> into <paramref name="gradient"/>.</summary>
    /// <remarks>
    /// The modes are visited row by row, a row being the 2K + 1 modes along the last axis with the others
    /// fixed, and every cell visits a row while it is in cache: a cell's mode is its row's prefix product
    /// times its power along the last axis. The source coefficients of a row belong to that row alone; the
    /// gradient's shares are summed per block of rows, and the blocks added in order.
    /// </remarks>
    private void FieldAtCells(double[] x, Complex[] a, Complex[] source, double[] gradient, Complex[] powers)
    {
        int n = _n, d = _d, per = _perAxis, last = d - 1;
        for (int c = 0; c < d; c++)
        {
            for (int i = 0; i < n; i++)
            {
                var unit = Complex.FromPolarCoordinates(1, 2 * Math.PI * (x[c * n + i] - _origin[c]) / _box);
                int at = (c * n + i) * per;
                powers[at + K] = Complex.One;
                for (int m = 1; m <= K; m++)
                {
                    powers[at + K + m] = powers[at + K + m - 1] * unit;
                    powers[at + K - m] = Complex.Conjugate(powers[at + K + m]);
                }
            }
        }

        int rows = _modeCount / per;
        var lastWavenumber = _wavenumber[last];
        Parallel.For(0, RowBlocks, b =>
        {
            var share = _blockGradient![b];
            Array.Clear(share);
            Span<int> index = stackalloc int[3];
            for (int row = b * rows / RowBlocks; row < (b + 1) * rows / RowBlocks; row++)
            {
                Unflatten(row * per, index);
                int offset = row * per;
                for (int i = 0; i < n; i++)
                {
                    // The row's prefix: the product of the cell's powers along the axes before the last.
                    Complex w = Complex.One;
                    for (int c = 0; c < last; c++) w *= powers[(c * n + i) * per + index[c]];
                    int at = (last * n + i) * per;
                    double mass = _masses[i], along = 0, across = 0;
                    for (int m = 0; m < per; m++)
                    {
                        var p = powers[at + m];
                        double er = w.Real * p.Real - w.Imaginary * p.Imaginary;
                        double ei = w.Real * p.Imaginary + w.Imaginary * p.Real;
                        source[offset + m] += new Complex(mass * er, -mass * ei);
                        var am = a[offset + m];
                        double imaginary = am.Real * ei + am.Imaginary * er; // Im(a_k e_k)
                        across += imaginary;
                        along += lastWavenumber[m] * imaginary;
                    }

                    // grad phi = Re(sum_k i k a_k e^{ik.x}) = -sum_k k Im(a_k e_k).
                    share[last * n + i] -= along;
                    for (int c = 0; c < last; c++) share[c * n + i] -= _wavenumber[c][index[c]] * across;
                }
            }
        });
        Array.Clear(gradient);
        foreach (var share in _blockGradient!)
        {
            for (int q = 0; q < gradient.Length; q++) gradient[q] += share[q];
        }

    }
}
