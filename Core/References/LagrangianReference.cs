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

    private double UpdateJacobians()
    {
        Labels.RelativeJacobians(Simulation.State.Positions, _jacobians);
        double min = double.PositiveInfinity;
        foreach (double j in _jacobians) min = Math.Min(min, j);
        return min;
    }
}
