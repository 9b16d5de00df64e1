using System.Diagnostics;
using System.Globalization;
using MeanField.Core.Alignment;
using MeanField.Core.Chemistry;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Core.Dynamics;

/// <summary>The memory a run of (P) needs, by part, in bytes (<see cref="RunBudget.Memory"/>).</summary>
/// <param name="Cells">The initial state, the simulation's two states, three force buffers and the deposit's per-cell arrays.</param>
/// <param name="Grid">The chemical field and the simulation's sources on the grid's nodes.</param>
/// <param name="FftBox">The mesh alignment's zero-padded box (none for the direct sum).</param>
/// <param name="Outputs">The snapshots (and gradient grids) held in memory until the run ends.</param>
public sealed record MemoryEstimate(long Cells, long Grid, long FftBox, long Outputs)
{
    public long Total => Cells + Grid + FftBox + Outputs;

    /// <summary>"4.2 GB (cells 4.1 GB, grid 2.6 MB, FFT box 0 B, outputs 0 B)".</summary>
    public override string ToString() =>
        $"{Bytes(Total)} (cells {Bytes(Cells)}, grid {Bytes(Grid)}, FFT box {Bytes(FftBox)}, outputs {Bytes(Outputs)})";

    /// <summary>A byte count in decimal units (B, kB, MB, GB, TB), three significant figures.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        double value = bytes;
        int u = 0;
        while (Math.Abs(value) >= 1000 && u < units.Length - 1)
        {
            value /= 1000;
            u++;
        }

        return u == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:G3} {units[u]}");
    }
}

/// <summary>What a run keeps in memory at its output times until it ends.</summary>
/// <param name="States">Snapshots of the cells (the solver contract's solution holds one per output time; <c>simulate</c> streams them to disk and holds none).</param>
/// <param name="Gradients">Gradient grids of the chemical field (the solver protocol's gradient.csv).</param>
public sealed record HeldOutputs(int States, int Gradients)
{
    public static readonly HeldOutputs None = new(0, 0);
}

/// <summary>
/// What a run of (P) will cost, estimated before it starts: its memory from the arrays the
/// simulation allocates (each class states its own: <see cref="HybridSimulation.BytesPerCell"/>,
/// <see cref="ChemicalField.BytesFor"/>, <see cref="MeshAlignment.WorkspaceBytes"/>), the memory the
/// machine has available, and the direct sum's time from its pair rate measured on this machine.
/// </summary>
/// <remarks>
/// The memory estimate counts the run's arrays, not the runtime's own (tens of MB) nor the FFT's
/// per-thread lines; the mesh box is sized from the cells' extent at the start and grows if they
/// spread. The direct sum evaluates all N^2 pairs twice per step (Heun's predictor and corrector).
/// </remarks>
public static class RunBudget
{
    /// <summary>A direct sum estimated to take longer than this (one hour) gets a warning naming the mesh method.</summary>
    public const double DirectSumWarningSeconds = 3600;

    /// <summary>Cells sampled to measure the direct sum's pair rate and the mesh box's extent.</summary>
    public const int SampleCells = 2048;

    /// <summary>The memory of a run of <paramref name="particles"/> cells of <paramref name="scenario"/> whose cells span <paramref name="cellExtent"/> at the start.</summary>
    public static MemoryEstimate Memory(Scenario scenario, int particles, double cellExtent, HeldOutputs held)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(held);
        ArgumentOutOfRangeException.ThrowIfNegative(particles);
        int d = scenario.Dimension;
        long nodes = (long)Math.Pow(scenario.Domain.Grid, d);
        long stateBytes = 2L * d * sizeof(double);
        long cells = particles * (HybridSimulation.BytesPerCell(d) + stateBytes);
        long grid = ChemicalField.BytesFor(d, nodes) + nodes * HybridSimulation.BytesPerNode
            + (scenario.Chemotaxis.InitialField is GaussianFieldSpec ? nodes * sizeof(double) : 0);
        long box = scenario.Alignment.Method == AlignmentMethod.Mesh
            ? MeshAlignment.WorkspaceBytes(d, MeshAlignment.BoxPointsFor(cellExtent, scenario.Alignment.MeshSpacing))
            : 0;
        long outputs = held.States * particles * stateBytes + held.Gradients * d * nodes * sizeof(double);
        return new MemoryEstimate(cells, grid, box, outputs);
    }

    /// <summary>
    /// The memory this process can use: the machine's available memory (MemAvailable of /proc/meminfo
    /// on Linux), and no more than the runtime's limit (a container's, or the physical memory).
    /// </summary>
    public static long AvailableMemory()
    {
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kib))
                    return Math.Min(limit, kib * 1024);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return limit;
    }

    /// <summary>The cells' extent along their widest axis (max - min of a position component).</summary>
    public static double Extent(ParticleState cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        double extent = 0;
        for (int a = 0; a < cells.Dimension; a++)
        {
            var (lo, hi) = cells.PositionRange(a);
            extent = Math.Max(extent, hi - lo);
        }

        return extent;
    }

    /// <summary>The direct sum's pairs per second on this machine: evaluations on <paramref name="sample"/> timed for at least 50 ms.</summary>
    public static double MeasurePairsPerSecond(IAlignmentKernel kernel, ParticleState sample, int maxThreads)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(sample);
        var alignment = new double[sample.Dimension * sample.Count];
        DirectAlignment.Compute(kernel, sample, alignment, maxThreads);
        int evaluations = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            DirectAlignment.Compute(kernel, sample, alignment, maxThreads);
            evaluations++;
        }
        while (clock.Elapsed.TotalSeconds < 0.05);
        return (double)sample.Count * sample.Count * evaluations / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The direct sum's time over the whole run: two evaluations of N^2 pairs per step.</summary>
    public static double DirectSumSeconds(Scenario scenario, int particles, double pairsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return 2.0 * scenario.StepCount * particles * (double)particles / pairsPerSecond;
    }
}
