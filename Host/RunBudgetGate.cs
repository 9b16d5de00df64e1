using MeanField.Core.Dynamics;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Host;

/// <summary>
/// Before a run of (P) starts: refuses one whose estimated memory exceeds what the machine has
/// available (with the estimate, exit code 2), and warns when the direct alignment sum is estimated
/// to take more than an hour (naming <c>alignment.method: mesh</c>). The estimates are
/// <see cref="RunBudget"/>'s.
/// </summary>
internal static class RunBudgetGate
{
    /// <summary>A run about to start.</summary>
    /// <param name="Command">The command's name, for messages (<c>simulate</c>).</param>
    /// <param name="Scenario">The scenario as it will run (its alignment method the one the run uses).</param>
    /// <param name="Particles">N.</param>
    /// <param name="Cells">The initial cells when they are given; else a small sample of the initial law is drawn.</param>
    /// <param name="Held">What the run keeps in memory at its output times.</param>
    /// <param name="Threads">The run's threads, for the pair rate.</param>
    public sealed record Run(string Command, Scenario Scenario, int Particles, ParticleState? Cells, HeldOutputs Held, int Threads);

    /// <summary>No plausible machine sums pairs faster than this: below it, the rate is not worth measuring.</summary>
    private const double FastestPairsPerSecond = 1e11;

    /// <summary>Whether the run may start; when not, the reason is written to <paramref name="error"/>.</summary>
    public static bool Admit(Run run, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(run);
        var scenario = run.Scenario;
        var sample = run.Cells ?? InitialData.Sample(scenario.Initial, scenario.Dimension, Math.Min(RunBudget.SampleCells, run.Particles), scenario.Seed);
        var memory = RunBudget.Memory(scenario, run.Particles, RunBudget.Extent(sample), run.Held);
        long available = RunBudget.AvailableMemory();
        if (memory.Total > available)
        {
            error.WriteLine(
                $"meanfield {run.Command}: the run needs an estimated {memory}, more than the {MemoryEstimate.Bytes(available)} of memory available here; " +
                $"{Remedy(run, memory)}, or a machine with more memory");
            return false;
        }

        if (scenario.Alignment.Method == AlignmentMethod.Direct
            && RunBudget.DirectSumSeconds(scenario, run.Particles, FastestPairsPerSecond) > RunBudget.DirectSumWarningSeconds)
        {
            var kernel = scenario.Alignment.Build();
            if (kernel is not NoAlignmentKernel)
            {
                double rate = RunBudget.MeasurePairsPerSecond(kernel, sample, run.Threads);
                double seconds = RunBudget.DirectSumSeconds(scenario, run.Particles, rate);
                if (seconds > RunBudget.DirectSumWarningSeconds)
                {
                    error.WriteLine(
                        $"meanfield {run.Command}: warning: the direct alignment sum over {run.Particles} cells is estimated to take {Duration(seconds)} " +
                        $"(2 N^2 pairs in each of {scenario.StepCount} steps at the {rate:E2} pairs/s measured here); " +
                        "alignment.method: mesh in the scenario computes it in O(N + G log G)");
                }
            }
        }

        return true;
    }

    /// <summary>What shrinks the largest part of the estimate.</summary>
    private static string Remedy(Run run, MemoryEstimate memory)
    {
        var scenario = run.Scenario;
        long largest = new[] { memory.Cells, memory.Grid, memory.FftBox, memory.Outputs }.Max();
        if (largest == memory.FftBox)
            return FormattableString.Invariant($"the mesh alignment's FFT box is the largest part: a larger alignment.mesh_spacing (now {scenario.Alignment.MeshSpacing:G4}) or less spread initial cells shrink it");
        if (largest == memory.Grid)
            return $"the chemical grid is the largest part: a coarser domain.grid (now {scenario.Domain.Grid}) shrinks it";
        if (largest == memory.Outputs)
            return FormattableString.Invariant($"the cells held at every output time are the largest part: a longer time.output_interval (now {scenario.Time.OutputInterval:G4}) shrinks it");
        return $"the cells are the largest part: fewer particles (now {run.Particles}) shrink it";
    }

    private static string Duration(double seconds) =>
        seconds switch
        {
            < 2 * 3600 => FormattableString.Invariant($"{seconds / 60:F0} minutes"),
            < 2 * 86400 => FormattableString.Invariant($"{seconds / 3600:F1} hours"),
            _ => FormattableString.Invariant($"{seconds / 86400:F1} days"),
        };
}
