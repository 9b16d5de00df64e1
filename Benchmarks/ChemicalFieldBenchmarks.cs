using System.Numerics;
using BenchmarkDotNet.Attributes;
using MeanField.Core.Chemistry;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Benchmarks;

/// <summary>
/// The chemical field's share of one coupled step, as the stepper does it: two source depositions
/// (with their forward FFTs), predictor and corrector, two gradient updates (d inverse FFTs each) and
/// two interpolations of grad phi to N = 2000 cells.
/// </summary>
public class ChemicalFieldBenchmarks
{
    private ChemicalField _field = null!;
    private ParticleState _cells = null!;
    private Complex[] _source = null!, _predictedSource = null!, _predicted = null!;
    private double[] _gradient = null!;

    /// <summary>"256^2" or "64^3".</summary>
    [Params("256^2", "64^3")]
    public string Grid { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        int d = Grid == "256^2" ? 2 : 3;
        int n = d == 2 ? 256 : 64;
        var grid = new PeriodicGrid(d, n, 16.0, new double[d]);
        _field = new ChemicalField(grid, 0.1, 0.5, new PolynomialBump(0.5, 1.0), 0.01);
        var center = new double[d];
        _cells = InitialData.Sample(new UniformDataSpec(PositionShape.Ball, center, 2.0, center, 0.5), d, 2000, 1);
        _source = new Complex[grid.NodeCount];
        _predictedSource = new Complex[grid.NodeCount];
        _predicted = new Complex[grid.NodeCount];
        _gradient = new double[d * 2000];
    }

    [Benchmark]
    public void FieldStep()
    {
        _field.Deposit(_cells.Positions, _cells.Count, _source);
        _field.UpdateGradient();
        _field.InterpolateGradient(_cells.Positions, _cells.Count, _gradient);
        _field.Predict(_source, _predicted);
        _field.Deposit(_cells.Positions, _cells.Count, _predictedSource);
        _field.UpdateGradient(_predicted);
        _field.InterpolateGradient(_cells.Positions, _cells.Count, _gradient);
        _field.Correct(_predicted, _source, _predictedSource);
    }
}
