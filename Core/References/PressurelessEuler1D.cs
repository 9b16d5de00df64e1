using System.Globalization;
using System.Numerics;
using MeanField.Core.Chemistry;
using MeanField.Core.Dynamics;
using MeanField.Core.Kernels;
using MeanField.Core.Scenarios;

namespace MeanField.Core.References;

/// <summary>
/// The monokinetic limit (E) in d = 1 by finite volumes: density mu and momentum q = mu u in cells
/// over the chemical field's periodic box, with the kinetic flux of pressureless gas dynamics
/// (Bouchut's: every face passes the mass carried by the upwind side's velocity,
/// <c>F = mu_L u_L^+ (1, u_L) + mu_R u_R^- (1, u_R)</c>), MC-limited linear reconstruction of mu and u,
/// and Heun's method (SSP-RK2) in time with the chemical field by ETD-RK2, as for the particles.
/// </summary>
/// <remarks>
/// The reconstruction keeps each face value between the neighbouring cell values, so mu stays >= 0
/// when <c>max |u| dt / dx &lt;= 1/2</c>; the step checks that condition and fails if it does not hold.
/// The alignment <c>int psi(|y - x|) (u(y) - u(x)) mu(y) dy</c> is the midpoint sum over the occupied
/// cells; the chemical source is the weighted cloud of the cell centres with masses mu_i dx.
/// Velocities in empty cells (mu = 0) are taken as 0: no mass moves there.
/// </remarks>
public sealed class PressurelessEuler1D
{
    private readonly double[] _centres;
    private readonly double[] _psi;
    private readonly double[] _forcing;
    private readonly double[] _mu, _q, _muStar, _qStar;
    private readonly double[] _dMu, _dQ, _dMuStar, _dQStar;
    private readonly double[] _u, _slopeMu, _slopeU, _fluxMu, _fluxQ;
    private readonly double[] _gradient;
    private readonly double[] _masses;
    private readonly Complex[] _source, _predictedSource, _predicted;

    /// <param name="model">The model (d = 1): kernels, chemical grid, time step.</param>
    /// <param name="data">Monokinetic initial data: mu_in and u_in.</param>
    /// <param name="cells">Finite-volume cells across the periodic box.</param>
    public PressurelessEuler1D(HybridModel model, MonokineticSpec data, int cells)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (model.Dimension != 1) throw new ArgumentException($"the Euler solver is for d = 1, the model has d = {model.Dimension}", nameof(model));
        if (cells < 16) throw new ArgumentOutOfRangeException(nameof(cells), cells, "at least 16 cells");
        if (model.Alignment is not (IRadialAlignmentKernel or NoAlignmentKernel))
            throw new ArgumentException($"the Euler solver needs a Cucker-Smale-type alignment, not {model.Alignment.Description}", nameof(model));
        Model = model;
        Cells = cells;
        Origin = model.Grid.Origin[0];
        Spacing = model.Grid.Box / cells;
        _centres = new double[cells];
        for (int i = 0; i < cells; i++) _centres[i] = Origin + (i + 0.5) * Spacing;
        _mu = new double[cells]; _q = new double[cells]; _muStar = new double[cells]; _qStar = new double[cells];
        _dMu = new double[cells]; _dQ = new double[cells]; _dMuStar = new double[cells]; _dQStar = new double[cells];
        _u = new double[cells]; _slopeMu = new double[cells]; _slopeU = new double[cells];
        _fluxMu = new double[cells]; _fluxQ = new double[cells];
        _gradient = new double[cells];
        _masses = new double[cells];
        int g = model.Grid.NodeCount;
        _source = new Complex[g]; _predictedSource = new Complex[g]; _predicted = new Complex[g];

        // psi(|x_k - x_i|) by offset |i - k| (the profile depends on the distance only).
        _psi = new double[cells];
        if (model.Alignment is IRadialAlignmentKernel radial)
        {
            for (int k = 0; k < cells; k++) _psi[k] = radial.Beta * radial.ProfileOfSquaredDistance(k * Spacing * (k * Spacing));
        }

        _forcing = model.ExternalForce.OnLine(_centres);

        // Cell averages of mu_in and mu_in u_in by eight-point Gauss-Legendre, normalised to mass 1.
        var rule = new MathNet.Numerics.Integration.GaussLegendreRule(-1, 1, 8);
        Span<double> y = stackalloc double[1];
        Span<double> u = stackalloc double[1];
        double total = 0;
        for (int i = 0; i < cells; i++)
        {
            double m = 0, p = 0;
            for (int k = 0; k < rule.Order; k++)
            {
                y[0] = _centres[i] + 0.5 * Spacing * rule.Abscissas[k];
                double density = data.UnnormalisedDensity(y);
                data.Velocity.Evaluate(y, u);
                m += 0.5 * rule.Weights[k] * density;
                p += 0.5 * rule.Weights[k] * density * u[0];
            }

            _mu[i] = m;
            _q[i] = p;
            total += m * Spacing;
        }

        for (int i = 0; i < cells; i++)
        {
            _mu[i] /= total;
            _q[i] /= total;
        }

        Field = new ChemicalField(model.Grid, model.Diffusion, model.Decay, model.Source, model.Step, maxThreads: 1);
        if (model.InitialField is not null) Field.SetNodalValues(model.InitialField);
        Field.UpdateGradient();
    }

    public HybridModel Model { get; }

    public int Cells { get; }

    /// <summary>Left end of the periodic box.</summary>
    public double Origin { get; }

    /// <summary>Cell width dx.</summary>
    public double Spacing { get; }

    /// <summary>The centre of cell i.</summary>
    public double Centre(int i) => _centres[i];

    /// <summary>Cell averages of mu.</summary>
    public ReadOnlySpan<double> Density => _mu;

    /// <summary>Cell averages of q = mu u.</summary>
    public ReadOnlySpan<double> Momentum => _q;

    /// <summary>u = q / mu in each cell (0 where the cell is empty).</summary>
    public double Velocity(int i) => _mu[i] > 0 ? _q[i] / _mu[i] : 0;

    public ChemicalField Field { get; }

    public int StepIndex { get; private set; }

    public double Time => StepIndex * Model.Step;

    public double Mass => _mu.Sum() * Spacing;

    /// <summary>The smallest density reached (kept >= 0 by the scheme).</summary>
    public double MinimumDensity => _mu.Min();

    /// <summary>One step of Heun's method (SSP-RK2) with ETD-RK2 for the field.</summary>
    public void Step()
    {
        double dt = Model.Step;
        int n = Cells;
        CheckCourant(_mu, _q, dt);
        Deposit(_mu, _source);
        Rates(_mu, _q, _dMu, _dQ);
        for (int i = 0; i < n; i++)
        {
            _muStar[i] = _mu[i] + dt * _dMu[i];
            _qStar[i] = _q[i] + dt * _dQ[i];
        }

        Field.Predict(_source, _predicted);
        Field.UpdateGradient(_predicted);
        CheckCourant(_muStar, _qStar, dt);
        Deposit(_muStar, _predictedSource);
        Rates(_muStar, _qStar, _dMuStar, _dQStar);
        for (int i = 0; i < n; i++)
        {
            _mu[i] = 0.5 * (_mu[i] + _muStar[i] + dt * _dMuStar[i]);
            _q[i] = 0.5 * (_q[i] + _qStar[i] + dt * _dQStar[i]);
            if (!double.IsFinite(_mu[i]) || !double.IsFinite(_q[i]))
            {
                throw new SimulationFailureException(
                    $"numerical blow-up at t = {Fmt(Time + dt)} (step {StepIndex + 1}): cell {i} (x = {Fmt(_centres[i])}) has a non-finite density or momentum",
                    Time + dt, StepIndex + 1, i);
            }
        }

        Field.Correct(_predicted, _source, _predictedSource);
        Field.UpdateGradient();
        StepIndex++;
    }

    /// <summary>Steps until t = <paramref name="time"/> (to the nearest step).</summary>
    public void AdvanceTo(double time)
    {
        int target = (int)Math.Round(time / Model.Step);
        while (StepIndex < target) Step();
    }

    private void CheckCourant(double[] mu, double[] q, double dt)
    {
        double fastest = 0;
        int where = 0;
        for (int i = 0; i < Cells; i++)
        {
            double speed = mu[i] > 0 ? Math.Abs(q[i] / mu[i]) : 0;
            if (speed > fastest)
            {
                fastest = speed;
                where = i;
            }
        }

        if (fastest * dt > 0.5 * Spacing)
        {
            throw new SimulationFailureException(
                $"the Courant number {Fmt(fastest * dt / Spacing)} exceeds 1/2 at t = {Fmt(Time)} (step {StepIndex}) in cell {where} (x = {Fmt(_centres[where])}, u = {Fmt(fastest)}): reduce time.step or use fewer cells",
                Time, StepIndex, where);
        }
    }

    private void Deposit(double[] mu, Complex[] sourceHat)
    {
        for (int i = 0; i < Cells; i++) _masses[i] = mu[i] * Spacing;
        Field.Deposit(_centres, Cells, sourceHat, _masses);
    }

    /// <summary>d mu/dt and d q/dt of the semi-discrete scheme, with the field's gradient grid as it stands.</summary>
    private void Rates(double[] mu, double[] q, double[] dMu, double[] dQ)
    {
        int n = Cells;
        double dx = Spacing;
        for (int i = 0; i < n; i++) _u[i] = mu[i] > 0 ? q[i] / mu[i] : 0;
        for (int i = 0; i < n; i++)
        {
            int l = (i - 1 + n) % n, r = (i + 1) % n;
            _slopeMu[i] = MonotonisedCentral(mu[l], mu[i], mu[r]);
            _slopeU[i] = MonotonisedCentral(_u[l], _u[i], _u[r]);
        }

        // Face i + 1/2 between cells i and i + 1.
        for (int i = 0; i < n; i++)
        {
            int r = (i + 1) % n;
            double muL = mu[i] + 0.5 * _slopeMu[i], uL = _u[i] + 0.5 * _slopeU[i];
            double muR = mu[r] - 0.5 * _slopeMu[r], uR = _u[r] - 0.5 * _slopeU[r];
            double left = muL * Math.Max(uL, 0), right = muR * Math.Min(uR, 0);
            _fluxMu[i] = left + right;
            _fluxQ[i] = left * uL + right * uR;
        }

        Field.InterpolateGradient(_centres, n, _gradient);
        double eta = Model.Eta;
        for (int i = 0; i < n; i++)
        {
            int l = (i - 1 + n) % n;
            dMu[i] = -(_fluxMu[i] - _fluxMu[l]) / dx;
            double alignment = 0;
            if (mu[i] > 0)
            {
                for (int k = 0; k < n; k++)
                {
                    if (mu[k] > 0) alignment += _psi[Math.Abs(k - i)] * (_u[k] - _u[i]) * mu[k];
                }
            }

            dQ[i] = -(_fluxQ[i] - _fluxQ[l]) / dx + mu[i] * (alignment * dx + eta * _gradient[i] + _forcing[i]);
        }
    }

    /// <summary>The monotonised-central slope: minmod((r - l)/2, 2 (c - l), 2 (r - c)).</summary>
    private static double MonotonisedCentral(double l, double c, double r)
    {
        double a = 0.5 * (r - l), b = 2 * (c - l), d = 2 * (r - c);
        if (a > 0 && b > 0 && d > 0) return Math.Min(a, Math.Min(b, d));
        if (a < 0 && b < 0 && d < 0) return Math.Max(a, Math.Max(b, d));
        return 0;
    }

    private static string Fmt(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
