using BenchmarkDotNet.Attributes;
using MeanField.Core.Alignment;
using MeanField.Core.Dynamics;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Benchmarks;

/// <summary>
/// The mesh alignment alone, and one full step of the default model (alignment twice, chemical field,
/// Heun) with M = 10^6 cells through the mesh path, in d = 1 and d = 2. Targets: a full step in under
/// 0.5 s (d = 1) and 2 s (d = 2) on a 2-core machine.
/// </summary>
public class MeshAlignmentBenchmarks
{
    private HybridSimulation _simulation = null!;
    private MeshAlignment _mesh = null!;
    private ParticleState _cells = null!;
    private double[] _alignment = null!;

    [Params(1, 2)]
    public int Dimension { get; set; }

    [Params(1_000_000)]
    public int Cells { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = ScenarioReader.DefaultText()
            .Replace("dimension: 2", $"dimension: {Dimension}")
            .Replace("  sigma: 0.5", "  sigma: 0.5\n  method: mesh\n  mesh_spacing: 0.05")
            .Replace("center: [0.0, 0.0]", Dimension == 1 ? "center: [0.0]" : "center: [0.0, 0.0]")
            .Replace("velocity_center: [0.0, 0.0]", Dimension == 1 ? "velocity_center: [0.0]" : "velocity_center: [0.0, 0.0]");
        var scenario = ScenarioReader.Parse(text);
        _cells = InitialData.Sample(scenario.Initial, Dimension, Cells, scenario.Seed);
        _simulation = new HybridSimulation(HybridModel.FromScenario(scenario), _cells);
        _mesh = new MeshAlignment((IRadialAlignmentKernel)scenario.Alignment.Build(), Dimension, 0.05);
        _alignment = new double[Dimension * Cells];
        _mesh.Compute(_cells, _alignment);
    }

    [Benchmark]
    public void MeshAlignment() => _mesh.Compute(_cells, _alignment);

    [Benchmark]
    public void FullStep() => _simulation.Step();
}
