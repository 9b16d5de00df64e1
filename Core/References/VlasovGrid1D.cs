using System.Globalization;
using System.Numerics;
using MeanField.Core.Chemistry;
using MeanField.Core.Dynamics;
using MeanField.Core.Kernels;

namespace MeanField.Core.References;

/// <summary>
/// The Vlasov equation (V) in d = 1 on a grid of the (x, v) plane: Strang splitting of the free
/// transport in x and the acceleration in v, each step a semi-Lagrangian update with cubic splines.
/// The x grid is the chemical field's periodic grid (the density in x feeds the same chemical solver
/// as the particles, as the weighted cloud of the nodes); v is a bounded interval of cells.
/// </summary>
/// <remarks>
/// <para>f[i, j] is the value at node x_i of the average over velocity cell j. One step of size dt:</para>
/// <list type="number">
/// <item>x-advection by dt/2: each velocity row is shifted by v_j dt / 2 with a periodic cubic spline
/// (mass exact: the shifted spline keeps the sum of its values);</item>
/// <item>the chemical field advances by dt with the source chi * n, n(x) = int f dv frozen (n does not
/// change while only v moves): <c>phi' = E phi + dt phi1 (chi * n)</c>;</item>
/// <item>v-acceleration by dt: the force is <c>a(x, v) = A(x) - B(x) v</c> with
/// <c>B = beta (psi * n)</c> fixed and <c>A = beta (psi * m) + eta d_x phi + F</c>; A is frozen at its
/// midpoint value (momentum m predicted half a step, the chemical gradient averaged over the step),
/// so the characteristics are exact exponentials and the step is second order. The update is
/// conservative: the primitive in v at each cell edge is the primitive at the edge's foot (a clamped
/// cubic spline of the old primitive), so the mass in each column is kept to round-off;</item>
/// <item>x-advection by dt/2.</item>
/// </list>
/// <para>Mass that the characteristics would carry out of the velocity interval is kept in the edge
/// cells and counted in <see cref="BoundaryFlux"/>: a run whose flux is not negligible needs a wider
/// interval. Negative values (splines are not positivity preserving) are reported by
/// <see cref="MinimumValue"/>, not clipped.</para>
/// </remarks>
public sealed class VlasovGrid1D
{
    private readonly double[] _f;
    private readonly double[] _row;
    private readonly double[] _rowScratch;
    private readonly double[] _rowResult;
    private readonly double[] _primitive;
    private readonly double[] _second;
    private readonly double[] _splineScratch;
    private readonly double[] _density;
    private readonly double[] _momentum;
    private readonly double[] _nodes;
    private readonly double[] _nodeMasses;
    private readonly double[] _profileSum;
    private readonly double[] _gradientStart;
    private readonly double[] _gradientEnd;
    private readonly double[] _forcing;
    private readonly double[,] _psi;
    private readonly Complex[] _source;
    private readonly Complex[] _predicted;

    /// <param name="model">The model (d = 1); its grid is the x grid, its step the time step.</param>
    /// <param name="initial">f_in(x, v), evaluated at Gauss points to form the velocity-cell averages.</param>
    /// <param name="velocityMin">Lower end of the velocity interval.</param>
    /// <param name="velocityMax">Upper end.</param>
    /// <param name="velocityCells">Cells across the velocity interval.</param>
    public VlasovGrid1D(HybridModel model, Func<double, double, double> initial, double velocityMin, double velocityMax, int velocityCells)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(initial);
        if (model.Dimension != 1) throw new ArgumentException($"the grid solver is for d = 1, the model has d = {model.Dimension}", nameof(model));
        if (!(velocityMax > velocityMin) || !double.IsFinite(velocityMin) || !double.IsFinite(velocityMax))
            throw new ArgumentOutOfRangeException(nameof(velocityMax), velocityMax, $"the velocity interval [{velocityMin}, {velocityMax}] must be finite and non-empty");
        if (velocityCells < 8) throw new ArgumentOutOfRangeException(nameof(velocityCells), velocityCells, "at least 8 velocity cells");
        if (model.Alignment is not (IRadialAlignmentKernel or NoAlignmentKernel))
            throw new ArgumentException($"the grid solver needs a Cucker-Smale-type alignment (force linear in v), not {model.Alignment.Description}", nameof(model));
        Model = model;
        Grid = model.Grid;
        VelocityMin = velocityMin;
        VelocityCells = velocityCells;
        VelocitySpacing = (velocityMax - velocityMin) / velocityCells;
        int nx = Grid.Points, nv = velocityCells;
        _f = new double[nx * nv];
        _row = new double[nx];
        _rowScratch = new double[nx];
        _rowResult = new double[nx];
        _primitive = new double[nv + 1];
        _second = new double[nv + 1];
        _splineScratch = new double[nv + 1];
        _density = new double[nx];
        _momentum = new double[nx];
        _nodes = new double[nx];
        _nodeMasses = new double[nx];
        _profileSum = new double[nx];
        _gradientStart = new double[nx];
        _gradientEnd = new double[nx];
        _source = new Complex[nx];
        _predicted = new Complex[nx];
        for (int i = 0; i < nx; i++) _nodes[i] = Grid.NodeCoordinate(0, i);

        // psi(|x_i - x_k|) between nodes at their true (not periodic) distance: the density stays
        // well inside the box, as the particle solver checks for the cells.
        _psi = new double[nx, nx];
        if (model.Alignment is IRadialAlignmentKernel radial)
        {
            for (int i = 0; i < nx; i++)
            for (int k = 0; k < nx; k++)
            {
                double y = _nodes[k] - _nodes[i];
                _psi[i, k] = radial.Beta * radial.ProfileOfSquaredDistance(y * y);
            }
        }

        _forcing = model.ExternalForce.OnLine(_nodes);

        // Velocity-cell averages of f_in by four-point Gauss-Legendre.
        var rule = new MathNet.Numerics.Integration.GaussLegendreRule(-1, 1, 4);
        for (int i = 0; i < nx; i++)
        for (int j = 0; j < nv; j++)
        {
            double sum = 0;
            for (int g = 0; g < rule.Order; g++)
            {
                double v = VelocityMin + (j + 0.5 * (rule.Abscissas[g] + 1)) * VelocitySpacing;
                sum += 0.5 * rule.Weights[g] * initial(_nodes[i], v);
            }

            if (!double.IsFinite(sum) || sum < 0)
                throw new ArgumentException($"the initial density is {sum.ToString("G6", CultureInfo.InvariantCulture)} near (x, v) = ({_nodes[i].ToString("G6", CultureInfo.InvariantCulture)}, {Velocity(j).ToString("G6", CultureInfo.InvariantCulture)}): it must be finite and >= 0", nameof(initial));
            _f[i * nv + j] = sum;
        }

        Field = new ChemicalField(Grid, model.Diffusion, model.Decay, model.Source, model.Step, maxThreads: 1);
        if (model.InitialField is not null) Field.SetNodalValues(model.InitialField);
        InitialMass = Mass;
        UpdateMoments();
    }

    public HybridModel Model { get; }

    /// <summary>The x grid (the chemical field's).</summary>
    public PeriodicGrid Grid { get; }

    public double VelocityMin { get; }

    public double VelocitySpacing { get; }

    public int VelocityCells { get; }

    /// <summary>The centre of velocity cell j.</summary>
    public double Velocity(int j) => VelocityMin + (j + 0.5) * VelocitySpacing;

    /// <summary>f, row-major: <c>[i * VelocityCells + j]</c> for node x_i and velocity cell j.</summary>
    public ReadOnlySpan<double> Values => _f;

    public ChemicalField Field { get; }

    public int StepIndex { get; private set; }

    public double Time => StepIndex * Model.Step;

    /// <summary>n(x_i) = int f(x_i, v) dv.</summary>
    public ReadOnlySpan<double> SpatialDensity => _density;

    /// <summary>m(x_i) = int v f(x_i, v) dv (midpoint in each velocity cell).</summary>
    public ReadOnlySpan<double> MomentumDensity => _momentum;

    /// <summary>The total mass int int f (trapezoidal in x, exact for the cell averages in v).</summary>
    public double Mass
    {
        get
        {
            double sum = 0;
            foreach (double value in _f) sum += value;
            return sum * Grid.Spacing * VelocitySpacing;
        }
    }

    public double InitialMass { get; }

    /// <summary>The total momentum int int v f.</summary>
    public double Momentum
    {
        get
        {
            double sum = 0;
            foreach (double value in _momentum) sum += value;
            return sum * Grid.Spacing;
        }
    }

    /// <summary>The most negative value of f (0 if none is negative).</summary>
    public double MinimumValue => Math.Min(0, _f.Min());

    /// <summary>Mass the characteristics carried to the ends of the velocity interval, kept in the edge cells (summed over steps).</summary>
    public double BoundaryFlux { get; private set; }

    /// <summary>
    /// M cells drawn i.i.d. from the grid density: a (node, velocity cell) with probability proportional
    /// to max(f, 0) h dv, then uniform in [x_i - h/2, x_i + h/2) x (the velocity cell). The piecewise
    /// constant density moves mass by at most half a cell, so the sampling bias in W2^2 is O(h^2 + dv^2)
    /// at worst. Uses xoshiro256** from <paramref name="seed"/>: the same seed gives the same cells.
    /// </summary>
    public Particles.ParticleState Sample(int count, int seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one cell");
        var cumulative = new double[_f.Length];
        double total = 0;
        for (int k = 0; k < _f.Length; k++)
        {
            total += Math.Max(_f[k], 0);
            cumulative[k] = total;
        }

        var rng = new MathNet.Numerics.Random.Xoshiro256StarStar(seed, threadSafe: false);
        var state = new Particles.ParticleState(1, count);
        int nv = VelocityCells;
        for (int s = 0; s < count; s++)
        {
            double u = rng.NextDouble() * total;
            int k = Array.BinarySearch(cumulative, u);
            if (k < 0) k = ~k;
            k = Math.Min(k, _f.Length - 1);
            int i = k / nv, j = k % nv;
            state.Positions[s] = _nodes[i] + (rng.NextDouble() - 0.5) * Grid.Spacing;
            state.Velocities[s] = VelocityMin + (j + rng.NextDouble()) * VelocitySpacing;
        }

        return state;
    }

    /// <summary>
    /// The grid density as a probability cloud in phase space: a point (x_i, v_j) of mass proportional to
    /// f h dv per node and velocity cell, leaving out cells below <paramref name="relativeThreshold"/> of the largest
    /// (they carry no mass that matters; the cloud stays small for exact transport).
    /// </summary>
    public Transport.PointCloud ToCloud(double relativeThreshold = 1e-10) =>
        CloudOf(_f, VelocityCells, Grid.Spacing, VelocitySpacing, relativeThreshold);

    /// <summary>
    /// The grid density prolonged to twice the resolution in x and v, as a probability cloud on the
    /// nodes and velocity cells of the finer grid: even nodes keep their values, odd nodes take the
    /// four-point (-1, 9, 9, -1)/16 interpolation of their neighbours; each velocity cell splits into two
    /// with the centred slope, keeping its mass. Compared with the finer run's <see cref="ToCloud"/>,
    /// both clouds sit on the same lattice, so W2 measures the difference of the densities, not of the lattices.
    /// </summary>
    public Transport.PointCloud ToRefinedCloud(double relativeThreshold = 1e-10)
    {
        int nx = Grid.Points, nv = VelocityCells;
        var column = new double[nv];
        var refined = new double[2 * nx * 2 * nv];
        for (int fine = 0; fine < 2 * nx; fine++)
        {
            int i = fine / 2;
            for (int j = 0; j < nv; j++)
            {
                column[j] = fine % 2 == 0
                    ? _f[i * nv + j]
                    : (-_f[((i - 1 + nx) % nx) * nv + j] + 9 * _f[i * nv + j] + 9 * _f[((i + 1) % nx) * nv + j] - _f[((i + 2) % nx) * nv + j]) / 16;
            }

            for (int j = 0; j < nv; j++)
            {
                double below = j > 0 ? column[j - 1] : 0, above = j < nv - 1 ? column[j + 1] : 0;
                double quarter = 0.125 * (above - below);
                refined[fine * 2 * nv + 2 * j] = column[j] - quarter;
                refined[fine * 2 * nv + 2 * j + 1] = column[j] + quarter;
            }
        }

        return CloudOf(refined, 2 * nv, Grid.Spacing / 2, VelocitySpacing / 2, relativeThreshold);
    }

    /// <summary>
    /// Row-major values on nodes x = origin + i h and velocity cells centred at vMin + (j + 1/2) dv as a
    /// probability cloud, cells below the threshold left out and the rest normalised to mass 1 (the
    /// threshold and the prolongation move the total by round-off-sized amounts; transport needs equal masses).
    /// </summary>
    private Transport.PointCloud CloudOf(double[] values, int cells, double h, double dv, double relativeThreshold)
    {
        double peak = values.Max();
        var coordinates = new List<double>();
        var weights = new List<double>();
        for (int k = 0; k < values.Length; k++)
        {
            if (values[k] <= relativeThreshold * peak) continue;
            coordinates.Add(Grid.Origin[0] + k / cells * h);
            coordinates.Add(VelocityMin + (k % cells + 0.5) * dv);
            weights.Add(values[k]);
        }

        double total = weights.Sum();
        return new Transport.PointCloud(2, coordinates.ToArray(), weights.Select(w => w / total).ToArray());
    }

    /// <summary>Takes one Strang step.</summary>
    public void Step()
    {
        double dt = Model.Step;
        AdvectX(dt / 2);
        UpdateMoments();
        AccelerateAndReact(dt);
        AdvectX(dt / 2);
        StepIndex++;
        UpdateMoments();
        for (int k = 0; k < _f.Length; k++)
        {
            if (!double.IsFinite(_f[k]))
            {
                throw new SimulationFailureException(
                    $"numerical blow-up at t = {Time.ToString("G6", CultureInfo.InvariantCulture)} (step {StepIndex}): the grid density is not finite at x = {_nodes[k / VelocityCells].ToString("G6", CultureInfo.InvariantCulture)}, v = {Velocity(k % VelocityCells).ToString("G6", CultureInfo.InvariantCulture)}; reduce time.step",
                    Time, StepIndex, k);
            }
        }
    }

    /// <summary>Steps until t = <paramref name="time"/> (to the nearest step).</summary>
    public void AdvanceTo(double time)
    {
        int target = (int)Math.Round(time / Model.Step);
        while (StepIndex < target) Step();
    }

    /// <summary>Free transport by tau: row j shifted by v_j tau (periodic cubic spline).</summary>
    private void AdvectX(double tau)
    {
        int nx = Grid.Points, nv = VelocityCells;
        for (int j = 0; j < nv; j++)
        {
            for (int i = 0; i < nx; i++) _row[i] = _f[i * nv + j];
            CubicSpline.PeriodicShift(_row, Velocity(j) * tau / Grid.Spacing, _rowScratch, _rowResult);
            for (int i = 0; i < nx; i++) _f[i * nv + j] = _rowResult[i];
        }
    }

    private void UpdateMoments()
    {
        int nx = Grid.Points, nv = VelocityCells;
        for (int i = 0; i < nx; i++)
        {
            double n = 0, m = 0;
            for (int j = 0; j < nv; j++)
            {
                double value = _f[i * nv + j];
                n += value;
                m += Velocity(j) * value;
            }

            _density[i] = n * VelocitySpacing;
            _momentum[i] = m * VelocitySpacing;
        }
    }

    /// <summary>(psi * g)(x_i) by the trapezoidal rule over the nodes (beta included).</summary>
    private void Convolve(ReadOnlySpan<double> g, Span<double> result)
    {
        int nx = Grid.Points;
        double h = Grid.Spacing;
        for (int i = 0; i < nx; i++)
        {
            double sum = 0;
            for (int k = 0; k < nx; k++) sum += _psi[i, k] * g[k];
            result[i] = sum * h;
        }
    }

    private void AccelerateAndReact(double dt)
    {
        int nx = Grid.Points, nv = VelocityCells;
        double h = Grid.Spacing;

        // The chemical field over the whole step, its source frozen at the split's n.
        Field.UpdateGradient();
        Field.Gradient[0].CopyTo(_gradientStart, 0);
        for (int i = 0; i < nx; i++) _nodeMasses[i] = _density[i] * h;
        Field.Deposit(_nodes, nx, _source, _nodeMasses);
        Field.Predict(_source, _predicted);
        Field.UpdateGradient(_predicted);
        Field.Gradient[0].CopyTo(_gradientEnd, 0);
        Field.Correct(_predicted, _source, _source);
        Field.UpdateGradient();

        // B = beta psi * n is constant over the split; A at the midpoint from m predicted half a step.
        Span<double> b = _profileSum;
        Convolve(_density, b);
        Span<double> psiM = _rowScratch;
        Convolve(_momentum, psiM);
        double eta = Model.Eta;
        for (int i = 0; i < nx; i++)
        {
            double force = psiM[i] + eta * _gradientStart[i] + _forcing[i];
            _row[i] = _momentum[i] + 0.5 * dt * (_density[i] * force - b[i] * _momentum[i]);
        }

        Convolve(_row, psiM);
        double flux = 0;
        for (int i = 0; i < nx; i++)
        {
            double aMid = psiM[i] + eta * 0.5 * (_gradientStart[i] + _gradientEnd[i]) + _forcing[i];
            double growth = Math.Exp(b[i] * dt);
            double drift = aMid * dt * ExponentialIntegrator.Phi1(-b[i] * dt);
            flux += RemapColumn(i * nv, growth, drift);
        }

        BoundaryFlux += flux;
    }

    /// <summary>
    /// The conservative remap of one column under v -> v e^(-B dt) + drift: the new primitive at each edge
    /// is the old one at the edge's foot <c>(v - drift) e^(B dt)</c>. Returns the mass held at the ends.
    /// </summary>
    private double RemapColumn(int offset, double growth, double drift)
    {
        int nv = VelocityCells;
        double dv = VelocitySpacing;
        var p = _primitive;
        p[0] = 0;
        for (int j = 0; j < nv; j++) p[j + 1] = p[j] + _f[offset + j] * dv;
        double total = p[nv];
        if (total == 0) return 0;
        CubicSpline.ClampedSecondDerivatives(p, dv, _second, _splineScratch);
        double previous = 0, held = 0;
        for (int j = 1; j <= nv; j++)
        {
            double edge = VelocityMin + j * dv;
            double foot = (edge - drift) * growth;
            double value = j == nv ? total : CubicSpline.EvaluateClamped(p, _second, dv, foot - VelocityMin);
            if (j == nv) held += total - CubicSpline.EvaluateClamped(p, _second, dv, foot - VelocityMin);
            if (j == 1) held += CubicSpline.EvaluateClamped(p, _second, dv, (VelocityMin - drift) * growth - VelocityMin);
            _f[offset + j - 1] = (value - previous) / dv;
            previous = value;
        }

        return Math.Abs(held);
    }
}
