using BenchmarkDotNet.Attributes;
using MeanField.Core.Transport;

namespace MeanField.Benchmarks;

/// <summary>
/// Exact W2 between two uniform clouds of n points in [0, 1]^D, by the candidate-network solver and
/// by the dense Hungarian solver it replaced. The side-by-side comparison with SciPy and POT, with
/// peak memory and n up to 20000, is <c>ci/bench-transport.sh</c>.
/// </summary>
public class TransportBenchmarks
{
    private PointCloud _a = null!, _b = null!;

    [Params(1000, 4000)]
    public int N { get; set; }

    [Params(2, 4, 6)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = new PointCloud(D, Enumerable.Range(0, N * D).Select(_ => rng.NextDouble()).ToArray());
        _b = new PointCloud(D, Enumerable.Range(0, N * D).Select(_ => rng.NextDouble()).ToArray());
    }

    [Benchmark(Baseline = true)]
    public double DenseHungarian() => AssignmentTransport.Solve(_a, _b, 2.0).Cost;

    [Benchmark]
    public double CandidateNetwork() => ExactTransport.Solve(_a, _b, 2.0).Cost;
}
