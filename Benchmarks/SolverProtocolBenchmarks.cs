using BenchmarkDotNet.Attributes;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;
using MeanField.Core.Solvers;

namespace MeanField.Benchmarks;

/// <summary>
/// The cost of the external-solver protocol: the same run of the own solver (default scenario, d = 2,
/// 5 steps to t = 0.05, one output time) in-process and as <c>meanfield solve</c> through
/// <see cref="ExternalProcessSolver"/> (process start, scenario.yaml, initial.csv, particles.csv).
/// The difference of the two is the overhead per run.
/// </summary>
public class SolverProtocolBenchmarks
{
    private SolverProblem _problem = null!;
    private OwnSolver _own = null!;
    private ExternalProcessSolver _external = null!;

    [Params(125, 4000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var scenario = ScenarioReader.Default();
        _problem = SolverProblem.Create(scenario, InitialData.Sample(scenario.Initial, 2, N, 1), 0.05);
        _own = new OwnSolver();
        string dll = Path.Combine(AppContext.BaseDirectory, "meanfield.dll");
        _external = ExternalProcessSolver.Create($"dotnet \"{dll}\" solve", TimeSpan.FromMinutes(5), 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _external.Dispose();

    [Benchmark(Baseline = true)]
    public ParticleState InProcess() => _own.Solve(_problem).Final;

    [Benchmark]
    public ParticleState ThroughProtocol() => _external.Solve(_problem).Final;
}
