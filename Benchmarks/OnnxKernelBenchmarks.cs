using BenchmarkDotNet.Attributes;
using MeanField.Core.Alignment;
using MeanField.Core.Kernels;
using MeanField.Core.Kernels.Onnx;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Benchmarks;

/// <summary>
/// The cost of a kernel given as an ONNX model against the analytic one: the Cucker-Smale profile
/// (R = 1, sigma = 1/2) both ways, the direct sum at N = 4000 and the mesh alignment at N = 10^5 (whose
/// profile is tabulated once per box: <c>MeshSetup</c> times a fresh mesh's first call).
/// </summary>
public class OnnxKernelBenchmarks
{
    private IRadialAlignmentKernel _kernel = null!;
    private ParticleState _direct = null!, _mesh = null!;
    private double[] _directOut = null!, _meshOut = null!;
    private MeshAlignment _meshAlignment = null!;
    private string _folder = "";

    [Params("analytic", "onnx-float64", "onnx-float32")]
    public string Kernel { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        if (Kernel == "analytic")
        {
            _kernel = new CuckerSmaleKernel(1.0, 1.0, 0.5);
        }
        else
        {
            _folder = Directory.CreateTempSubdirectory("meanfield-bench-").FullName;
            string path = Path.Combine(_folder, "psi.onnx");
            File.WriteAllBytes(path, OnnxGraphWriter.CuckerSmaleProfile(1.0, 0.5, Kernel == "onnx-float32"));
            _kernel = new OnnxProfileKernel(OnnxFunction.Load(path), 1.0, 32.0);
        }

        var law = new UniformDataSpec(PositionShape.Ball, [0.0, 0.0], 1.0, [0.0, 0.0], 0.5);
        _direct = InitialData.Sample(law, 2, 4000, 1);
        _mesh = InitialData.Sample(law, 2, 100_000, 2);
        _directOut = new double[2 * _direct.Count];
        _meshOut = new double[2 * _mesh.Count];
        _meshAlignment = new MeshAlignment(_kernel, 2, 0.05);
        _meshAlignment.Compute(_mesh, _meshOut);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (_kernel as IDisposable)?.Dispose();
        if (_folder.Length > 0) Directory.Delete(_folder, true);
    }

    [Benchmark]
    public void DirectN4000() => DirectAlignment.Compute(_kernel, _direct, _directOut);

    [Benchmark]
    public void MeshN100000() => _meshAlignment.Compute(_mesh, _meshOut);

    [Benchmark]
    public void MeshSetup() => new MeshAlignment(_kernel, 2, 0.05).Compute(_mesh, _meshOut);
}
