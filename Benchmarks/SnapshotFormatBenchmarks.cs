using BenchmarkDotNet.Attributes;
using MeanField.Core.Dynamics;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;
using MeanField.Reports.Snapshots;

namespace MeanField.Benchmarks;

/// <summary>
/// Writing one particle snapshot of N = 10^6 cells (default scenario's initial data, d = 2) in each
/// format <c>--format</c> offers, side by side: particles.csv's rows (the baseline), the same columns
/// as Parquet, and the cells' VTK PolyData (.vtp). Each benchmark writes a fresh file into a temporary
/// folder; the sizes are printed at the end.
/// </summary>
public class SnapshotFormatBenchmarks
{
    private ParticleState _cells = null!;
    private HybridSimulation _simulation = null!;
    private string _folder = "";

    [Params(1_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var scenario = ScenarioReader.Default();
        _cells = InitialData.Sample(scenario.Initial, 2, N, 1);
        _simulation = new HybridSimulation(HybridModel.FromScenario(scenario), _cells, maxThreads: 1);
        _folder = Directory.CreateTempSubdirectory("meanfield-snapshot-bench-").FullName;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var file in new DirectoryInfo(_folder).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.Name))
        {
            Console.WriteLine($"snapshot of {N} cells: {file.Name} {file.Length / 1e6:F1} MB");
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public void Csv() => Write(SnapshotFormats.Csv);

    [Benchmark]
    public void Parquet() => Write(SnapshotFormats.Parquet);

    [Benchmark]
    public void VtkCells()
    {
        string path = Path.Combine(_folder, "cells.vtp");
        using var w = new StreamWriter(path);
        VtkXml.WritePolyData(w, _cells);
    }

    private void Write(SnapshotFormats format)
    {
        string folder = Path.Combine(_folder, format.ToString().ToLowerInvariant());
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        using var series = new SnapshotSeries(folder, "particles.csv", 2, format, SnapshotSelection.All);
        series.Record(0.0, isLast: true, _cells, _simulation.Field);
        series.Finish();
    }
}
