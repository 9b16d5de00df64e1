using System.Globalization;
using MeanField.Core.Dynamics;
using MeanField.Core.Scenarios;

namespace MeanField.Core.References;

/// <summary>
/// (E) by characteristics (<see cref="LagrangianReference"/>) on <c>cells</c> label cells of Gauss-Legendre
/// nodes. Its error is the change in the second moments of x and v against the run on half the label
/// cells: the quadrature converges at order 2p for smooth data, so that change bounds the coarse run's
/// error, and with it the fine run's.
/// </summary>
public sealed class LagrangianSolution : IReferenceSolution
{
    public LagrangianSolution(Scenario scenario, int cells)
    {
        var data = scenario.Initial as MonokineticSpec
            ?? throw new ArgumentException("the Lagrangian reference needs monokinetic data", nameof(scenario));
        Solver = new LagrangianReference(HybridModel.FromScenario(scenario), LabelQuadrature.Create(data, scenario.Dimension, cells));
    }

    /// <summary>The characteristics, for the labels and the crossing time.</summary>
    public LagrangianReference Solver { get; }

    public double Time => Solver.Time;

    public string Resolution
    {
        get
        {
            var labels = Solver.Labels;
            var model = Solver.Simulation.Model;
            string angles = labels.Dimension == 2 ? $" x {labels.Angles} angles" : "";
            return $"{labels.Cells} label cells x {labels.Order} Gauss-Legendre nodes{angles} = {labels.Labels} labels, dt = {model.Step.ToString("G6", CultureInfo.InvariantCulture)}";
        }
    }

    public bool AdvanceTo(double time) => Solver.AdvanceTo(time);

    public ErrorEstimate EstimateError()
    {
        var labels = Solver.Labels;
        var coarse = new LagrangianReference(Solver.Simulation.Model, LabelQuadrature.Create(labels.Data, labels.Dimension, labels.Cells / 2));
        coarse.AdvanceTo(Solver.Time);
        var (fineX, fineV) = SecondMoments(Solver);
        var (coarseX, coarseV) = SecondMoments(coarse);
        return new ErrorEstimate(
            "max of |change| in int |x|^2 and int |v|^2",
            Math.Max(Math.Abs(coarseX - fineX), Math.Abs(coarseV - fineV)),
            $"against the run with {labels.Cells / 2} label cells (the quadrature converges at order 2 x {Solver.Labels.Order} for smooth data: the difference bounds the coarse run's error)");
    }

    /// <summary>
    /// A bound of W2^2 between this solution and the one on half the label cells, in d = 1: the same labels
    /// y ~ mu_in pushed through both interpolated flow maps couple the two solutions, so E |Phi(y) - Phi'(y)|^2
    /// over <paramref name="samples"/> labels (drawn from <paramref name="seed"/>) bounds it.
    /// </summary>
    public ErrorEstimate EstimateTransportError(int samples, int seed)
    {
        var labels = Solver.Labels;
        var coarse = new LagrangianReference(Solver.Simulation.Model, LabelQuadrature.Create(labels.Data, 1, labels.Cells / 2));
        coarse.AdvanceTo(Solver.Time);
        var points = Particles.InitialData.Sample(labels.Data, 1, samples, seed).Positions;
        double sum = 0;
        foreach (double y in points)
        {
            var (x1, v1) = Solver.Map(y);
            var (x2, v2) = coarse.Map(y);
            sum += Math.Pow(x1 - x2, 2) + Math.Pow(v1 - v2, 2);
        }

        return new ErrorEstimate(
            "W2^2 to the solution on half the label cells",
            sum / points.Length,
            $"E |Phi(y) - Phi'(y)|^2 over {samples} labels y ~ mu_in, Phi and Phi' the interpolated flow maps on {labels.Cells} and {labels.Cells / 2} label cells: a bound of W2^2 between the two solutions");
    }

    /// <summary>int |x|^2 and int |v|^2 over the labels' masses.</summary>
    public static (double Position, double Velocity) SecondMoments(LagrangianReference reference)
    {
        var labels = reference.Labels;
        var state = reference.Simulation.State;
        return (Moment(state.Positions, labels), Moment(state.Velocities, labels));
    }

    private static double Moment(double[] values, LabelQuadrature labels)
    {
        int n = labels.Labels, d = labels.Dimension;
        double sum = 0;
        for (int j = 0; j < n; j++)
        {
            for (int a = 0; a < d; a++) sum += labels.Masses[j] * values[a * n + j] * values[a * n + j];
        }

        return sum;
    }
}
