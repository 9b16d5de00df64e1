using BenchmarkDotNet.Attributes;
using MeanField.Core.Alignment;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Benchmarks;

/// <summary>One evaluation of the direct O(N^2) Cucker-Smale sum in d = 2 (N^2 pair interactions).</summary>
public class DirectAlignmentBenchmarks
{
    private ParticleState _state = null!;
    private double[] _result = null!;
    private CuckerSmaleKernel _kernel = null!;

    [Params(1000, 4000, 16000)]
    public int N { get; set; }

    [Params(0.5, 0.3)]
    public double Sigma { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var spec = new UniformDataSpec(PositionShape.Ball, [0.0, 0.0], 2.0, [0.0, 0.0], 1.0);
        _state = InitialData.Sample(spec, 2, N, 1);
        _result = new double[2 * N];
        _kernel = new CuckerSmaleKernel(1.0, 1.0, Sigma);
    }

    [Benchmark]
    public void Alignment() => DirectAlignment.Compute(_kernel, _state, _result);
}
