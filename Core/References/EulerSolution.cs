using System.Globalization;
using MeanField.Core.Dynamics;
using MeanField.Core.Scenarios;

namespace MeanField.Core.References;

/// <summary>
/// (E) in d = 1 by finite volumes (<see cref="PressurelessEuler1D"/>) on <c>cells</c> cells at the
/// scenario's step. Its error is Richardson's on the density: the run on half the cells, second order,
/// gives the L1 error as the difference (the fine run averaged in pairs) over 2^2 - 1.
/// </summary>
public sealed class EulerSolution : IReferenceSolution
{
    private readonly MonokineticSpec _data;

    public EulerSolution(Scenario scenario, int cells)
    {
        _data = scenario.Initial as MonokineticSpec
            ?? throw new ArgumentException("the Euler reference needs monokinetic data", nameof(scenario));
        Solver = new PressurelessEuler1D(HybridModel.FromScenario(scenario), _data, cells);
    }

    /// <summary>The finite-volume solver, for its density, velocity and diagnostics.</summary>
    public PressurelessEuler1D Solver { get; }

    public double Time => Solver.Time;

    public string Resolution =>
        $"{Solver.Cells} cells of width {Solver.Spacing.ToString("G6", CultureInfo.InvariantCulture)}, dt = {Solver.Model.Step.ToString("G6", CultureInfo.InvariantCulture)}";

    public bool AdvanceTo(double time)
    {
        Solver.AdvanceTo(time);
        return true;
    }

    public ErrorEstimate EstimateError()
    {
        var coarse = new PressurelessEuler1D(Solver.Model, _data, Solver.Cells / 2);
        coarse.AdvanceTo(Solver.Time);
        var fine = Solver.Density;
        double difference = 0;
        for (int i = 0; i < coarse.Cells; i++) difference += Math.Abs(coarse.Density[i] - 0.5 * (fine[2 * i] + fine[2 * i + 1])) * coarse.Spacing;
        return new ErrorEstimate(
            "L1 error of the density",
            difference / 3,
            $"Richardson: the run with {Solver.Cells / 2} cells, difference / (2^2 - 1)");
    }
}
