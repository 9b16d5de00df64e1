using BenchmarkDotNet.Attributes;
using MeanField.Core.Transport;

namespace MeanField.Benchmarks;

/// <summary>Exact W2 between two uniform clouds of n points in [0, 1]^D by the assignment solver.</summary>
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

    [Benchmark]
    public double ExactW2() => AssignmentTransport.Solve(_a, _b, 2.0).Cost;
}
