using System.Globalization;
using MeanField.Core.Dynamics;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;
using MeanField.Core.Transport;

namespace MeanField.Core.References;

/// <summary>
/// (V) as a cloud of M cells of (P) from the initial law (the mesh alignment where the kernel allows it).
/// Its error is the sampling error: W2^2 between two disjoint halves of a subsample, each of n cells,
/// whose expectation is about 2 E W2^2(mu_n, rho) (exactly 1/(3(n + 1)) against 1/(6n) for the uniform
/// law on an interval); the M-cell cloud's own error is smaller by the sampling rate from n to M.
/// </summary>
public sealed class ParticleSolution : IReferenceSolution
{
    /// <summary>Cells per half of the subsample, at most.</summary>
    public const int MaxHalf = 2000;

    public ParticleSolution(Scenario scenario, int count, int seed)
    {
        var model = HybridModel.FromScenario(scenario);
        if (scenario.Alignment.SupportsMesh) model = model.WithMeshAlignment(model.MeshSpacing);
        Simulation = new HybridSimulation(model, InitialData.Sample(scenario.Initial, scenario.Dimension, count, seed));
        Count = count;
    }

    /// <summary>The cloud's simulation, for its state and field.</summary>
    public HybridSimulation Simulation { get; }

    /// <summary>M, the cells of the cloud.</summary>
    public int Count { get; }

    /// <summary>n, the cells of each half of the subsample the error is estimated from.</summary>
    public int Half => HalfOf(Count);

    public double Time => Simulation.Time;

    public string Resolution =>
        $"M = {Count} cells, mesh alignment h = {Simulation.Model.MeshSpacing.ToString("R", CultureInfo.InvariantCulture)}";

    public bool AdvanceTo(double time) => AdvanceTo(time, null);

    /// <summary>As <see cref="AdvanceTo(double)"/>, calling <paramref name="reached"/> with the time after each step.</summary>
    public bool AdvanceTo(double time, Action<double>? reached)
    {
        int target = (int)Math.Round(time / Simulation.Model.Step);
        while (Simulation.StepIndex < target)
        {
            Simulation.Step();
            reached?.Invoke(Simulation.Time);
        }

        return true;
    }

    public ErrorEstimate EstimateError()
    {
        var (n, halves) = SamplingError(PointCloud.PhaseSpace(Simulation.State));
        return new ErrorEstimate(
            $"W2^2 between two disjoint {n}-cell subsamples at t = {Time.ToString("G6", CultureInfo.InvariantCulture)}",
            halves,
            $"about 2 E W2^2(mu_{n}, rho); the M-cell cloud's own error is smaller by the sampling rate from {n} to {Count}");
    }

    private static int HalfOf(int count) => Math.Min(count / 2, MaxHalf);

    /// <summary>
    /// n = min(M / 2, <see cref="MaxHalf"/>) and the squared W2 distance between the cloud's first n points
    /// and its next n (the cells are i.i.d. in their order, so these are independent samples).
    /// </summary>
    public static (int Half, double Cost) SamplingError(PointCloud cloud)
    {
        int n = HalfOf(cloud.Count), dim = cloud.Dimension;
        var first = new PointCloud(dim, cloud.Coordinates.AsSpan(0, n * dim).ToArray());
        var second = new PointCloud(dim, cloud.Coordinates.AsSpan(n * dim, n * dim).ToArray());
        return (n, Wasserstein.Compute(first, second).Cost);
    }
}
