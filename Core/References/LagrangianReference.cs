using MeanField.Core.Dynamics;

namespace MeanField.Core.References;

/// <summary>
/// The monokinetic limit (E) by its characteristics: the labels of a <see cref="LabelQuadrature"/>,
/// each carrying mass mu_in(y) dy and velocity u_in(y), move under the Vlasov field of the weighted
/// cloud they form, so that mu(t) = sum_j m_j delta_(x_j(t)) and u(t, x_j(t)) = v_j(t). This is the
/// particle system (P) on a weighted deterministic cloud, advanced by <see cref="HybridSimulation"/>.
/// </summary>
/// <remarks>
/// The solution of (E) is smooth while the flow y -> x(t, y) stays invertible: the Jacobian
/// det(dx/dy) stays positive. After every step the smallest Jacobian over the labels is checked; once
/// it reaches 0 (<see cref="CrossingThreshold"/>) the characteristics have crossed, the time of crossing is interpolated linearly in
/// the Jacobian between the last two steps (exact when it is linear in t, as for free transport) and
/// the solver refuses to go further: beyond it the Lagrangian cloud no longer represents (E).
/// </remarks>
public sealed class LagrangianReference
{
    private readonly double[] _jacobians;

    public LagrangianReference(HybridModel model, LabelQuadrature labels, int maxThreads = -1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(labels);
        if (model.Dimension != labels.Dimension)
            throw new ArgumentException($"the labels are in dimension {labels.Dimension}, the model in {model.Dimension}", nameof(labels));
        Labels = labels;
        Simulation = new HybridSimulation(model, labels.ToState(), maxThreads);
        _jacobians = new double[labels.Labels];
        MinJacobian = UpdateJacobians();
    }

    public LabelQuadrature Labels { get; }

    /// <summary>The weighted cloud and its chemical field.</summary>
    public HybridSimulation Simulation { get; }

    public double Time => Simulation.Time;

    /// <summary>
    /// A Jacobian at or below this counts as a crossing. Not 0: at a focus (free transport of
    /// u_in = -x in d = 2 has det = (1 - t)^2) the Jacobian touches 0 without changing sign, and a
    /// step landing on it sees round-off.
    /// </summary>
    public const double CrossingThreshold = 1e-9;

    /// <summary>The smallest det(dx/dy) over the labels now.</summary>
    public double MinJacobian { get; private set; }

    /// <summary>When characteristics first crossed (null while the flow is invertible).</summary>
    public double? CrossingTime { get; private set; }

    /// <summary>det(dx/dy) at every label now.</summary>
    public ReadOnlySpan<double> Jacobians => _jacobians;

    /// <summary>
    /// Takes one step. Returns false (and sets <see cref="CrossingTime"/>) when the characteristics
    /// crossed during it; the state is then past the crossing and further steps are refused.
    /// </summary>
    public bool Step()
    {
        if (CrossingTime is not null)
            throw new InvalidOperationException($"the characteristics crossed at t = {CrossingTime:G6}: the monokinetic solution ends there");
        double before = MinJacobian, t0 = Time;
        Simulation.Step();
        MinJacobian = UpdateJacobians();
        if (MinJacobian > CrossingThreshold) return true;
        CrossingTime = t0 + Simulation.Model.Step * before / (before - MinJacobian);
        return false;
    }

    /// <summary>Steps until <paramref name="time"/> (to within half a step) or a crossing; true if the time was reached.</summary>
    public bool AdvanceTo(double time)
    {
        int target = (int)Math.Round(time / Simulation.Model.Step);
        while (Simulation.StepIndex < target)
        {
            if (!Step()) return false;
        }

        return true;
    }

    /// <summary>mu(t, x_j(t)) = mu_in(y_j) / det(dx/dy) at every label.</summary>
    public void Densities(Span<double> density)
    {
        for (int j = 0; j < _jacobians.Length; j++) density[j] = Labels.Density[j] / _jacobians[j];
    }

    /// <summary>
    /// mu(t, x) and u(t, x) in d = 1 by cubic Lagrange interpolation over the four labels nearest x (the
    /// labels stay ordered in x while the flow is invertible); beyond the outermost labels the end
    /// polynomials extrapolate.
    /// </summary>
    public (double Density, double Velocity) At(double x)
    {
        if (Labels.Dimension != 1) throw new InvalidOperationException("interpolation between labels is for d = 1");
        if (CrossingTime is not null) throw new InvalidOperationException($"the characteristics crossed at t = {CrossingTime:G6}: u(t, x) is not single-valued");
        int n = Labels.Labels;
        var positions = Simulation.State.Positions;
        var velocities = Simulation.State.Velocities;
        int lo = 0, hi = n - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (positions[mid] <= x) lo = mid;
            else hi = mid;
        }

        int first = Math.Clamp(lo - 1, 0, n - 4);
        double density = 0, velocity = 0;
        for (int a = first; a < first + 4; a++)
        {
            double w = 1;
            for (int b = first; b < first + 4; b++) if (b != a) w *= (x - positions[b]) / (positions[a] - positions[b]);
            density += w * Labels.Density[a] / _jacobians[a];
            velocity += w * velocities[a];
        }

        return (density, velocity);
    }

    /// <summary>
    /// The flow map in d = 1: (x(t, y), v(t, y)) for any label y in supp mu_in, by Lagrange interpolation
    /// of the positions and velocities of the Gauss-Legendre nodes of y's cell (order p in the cell width).
    /// </summary>
    public (double Position, double Velocity) Map(double y)
    {
        if (Labels.Dimension != 1) throw new InvalidOperationException("the interpolated flow map is for d = 1");
        int p = Labels.Order, cells = Labels.Cells;
        double start = Labels.Data.Center[0] - Labels.Data.Radius, width = 2 * Labels.Data.Radius / cells;
        int cell = Math.Clamp((int)Math.Floor((y - start) / width), 0, cells - 1);
        int first = cell * p;
        var nodes = Labels.Initial;
        var positions = Simulation.State.Positions;
        var velocities = Simulation.State.Velocities;
        double x = 0, v = 0;
        for (int a = first; a < first + p; a++)
        {
            double w = 1;
            for (int b = first; b < first + p; b++) if (b != a) w *= (y - nodes[b]) / (nodes[a] - nodes[b]);
            x += w * positions[a];
            v += w * velocities[a];
        }

        return (x, v);
    }

    /// <summary>
    /// The cells drawn from rho^t in d = 1: labels y drawn from mu_in (as the particle system's initial
    /// data is drawn, with <paramref name="seed"/>) and pushed through the interpolated flow map.
    /// </summary>
    public Particles.ParticleState Sample(int count, int seed)
    {
        var labels = Particles.InitialData.Sample(Labels.Data, 1, count, seed);
        for (int i = 0; i < count; i++)
        {
            var (x, v) = Map(labels.Positions[i]);
            labels.Positions[i] = x;
            labels.Velocities[i] = v;
        }

        return labels;
    }

    private double UpdateJacobians()
    {
        Labels.RelativeJacobians(Simulation.State.Positions, _jacobians);
        double min = double.PositiveInfinity;
        foreach (double j in _jacobians) min = Math.Min(min, j);
        return min;
    }
}
