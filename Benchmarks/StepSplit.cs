using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;
using MeanField.Core.Alignment;
using MeanField.Core.Chemistry;
using MeanField.Core.Dynamics;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Benchmarks;

/// <summary>
/// <c>step-split [CELLS,...] [DIMENSIONS,...] [BOX:POINTS]</c>: a step of (P) at scale, whole and split into its phases,
/// beside the machine's limit. The model is the embedded default with the mesh alignment (h = 0.05): in
/// d = 2 on a box of 16 with 128 nodes per axis, in d = 3 on a box of 8 with 64. Heun evaluates the
/// forces twice per step; each evaluation deposits the source (a B-spline point deposit, 6^d nodes per
/// cell) and transforms it, updates grad phi (inverse FFTs) and reads it at the cells, and deposits the
/// alignment's 1 + d moments, convolves them by FFT and reads 1 + d values back. Each phase is timed
/// alone (the least of three runs), the whole step over three steps after one. The limit is the
/// multiply-adds a step must do with a six-point tensor stencil (deposit 1 + d + 1 quantities, gather
/// 1 + d + d, twice) over the rate of a measured scatter kernel (tensor weights and one quantity added
/// along rows of six contiguous nodes as vectors, cells sorted by node), on one core and on every core;
/// the scalar kernel's rate is printed beside it.
/// </summary>
internal static class StepSplit
{
    public const string Command = "step-split";

    public static int Run(string[] args)
    {
        var cells = args.Length > 0 ? args[0].Split(',').Select(c => (int)double.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [100_000, 1_000_000];
        var dimensions = args.Length > 1 ? args[1].Split(',').Select(int.Parse).ToArray() : [2, 3];
        // BOX:POINTS for the chemical grid instead of the defaults (16:128 in d = 2, 8:64 in d = 3).
        (double Box, int Points)? domain = args.Length > 2 && args[2].Split(':') is [var box, var points]
            ? (double.Parse(box, CultureInfo.InvariantCulture), int.Parse(points, CultureInfo.InvariantCulture))
            : null;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}");
        Console.WriteLine("| d | cells | grid | field deposit | field FFT | field gather | alignment deposit | alignment FFT | alignment gather | update | phases x 2 | step | limit (all cores) | step / limit |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var rates = new Dictionary<int, (double One, double All, double ScalarOne, double ScalarAll)>();
        int cores = Environment.ProcessorCount;
        foreach (int d in dimensions)
        {
            rates[d] = (ScatterRate(d, 1, vectors: true), ScatterRate(d, cores, vectors: true), ScatterRate(d, 1, vectors: false), ScatterRate(d, cores, vectors: false));
            foreach (int n in cells) Row(d, n, rates[d].All, domain);
        }

        foreach (var (d, rate) in rates)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scatter kernel, d = {d} ({Nodes(d)} nodes per cell): {rate.One:E3} multiply-adds/s on one core, {rate.All:E3} on {cores} (rows as 256- and 128-bit vectors: the limit); scalar rows {rate.ScalarOne:E3} and {rate.ScalarAll:E3}"));
        }

        return 0;
    }

    private static int Nodes(int d) => LagrangeStencil.Nodes(d);

    /// <summary>Multiply-adds of a step per cell: deposit 1 + d (alignment) + 1 (source) and gather 1 + d + d, each over the stencil, twice.</summary>
    private static double MultiplyAddsPerCell(int d) => 2.0 * Nodes(d) * ((1 + d) + 1 + (1 + d) + d);

    private static Scenario Model(int d, int n, (double Box, int Points)? domain)
    {
        var scenario = ScenarioReader.Default();
        if (d != scenario.Dimension)
            scenario = scenario.InDimension(d, new UniformDataSpec(PositionShape.Ball, new double[d], 1.0, new double[d], 0.5));
        var (box, points) = domain ?? (d == 2 ? (16.0, 128) : (8.0, 64));
        scenario = scenario.WithDomain(box, points);
        return scenario with { Particles = n, Alignment = scenario.Alignment with { Method = AlignmentMethod.Mesh } };
    }

    private static void Row(int d, int n, double rate, (double Box, int Points)? domain)
    {
        var scenario = Model(d, n, domain);
        var model = HybridModel.FromScenario(scenario);
        var state = InitialData.Sample(scenario.Initial, d, n, scenario.Seed);
        var simulation = new HybridSimulation(model, state.Clone());
        var field = simulation.Field;
        var mesh = new MeshAlignment((IRadialAlignmentKernel)model.Alignment, d, model.MeshSpacing);
        var hat = new Complex[model.Grid.NodeCount];
        var gradient = new double[d * n];
        var alignment = new double[d * n];
        var x = state.Positions;
        var v = state.Velocities;
        var xp = new double[d * n];
        var vp = new double[d * n];

        double fieldDeposit = Least(() => field.DepositNodal(x, n, state.Masses));
        double fieldFft = Least(() =>
        {
            field.TransformNodal(hat);
            field.UpdateGradient();
        });
        double fieldGather = Least(() => field.InterpolateGradient(x, n, gradient));
        double alignmentDeposit = Least(() => mesh.DepositMoments(state));
        double alignmentFft = Least(mesh.Convolve);
        double alignmentGather = Least(() => mesh.GatherAlignment(state, alignment));
        // Heun's two updates of every coordinate: the predictor and the corrector.
        double update = Least(() =>
        {
            for (int k = 0; k < xp.Length; k++)
            {
                xp[k] = x[k] + 0.01 * v[k];
                vp[k] = v[k] + 0.01 * alignment[k];
            }

            for (int k = 0; k < xp.Length; k++)
            {
                xp[k] += 0.005 * (v[k] + vp[k]);
                vp[k] += 0.005 * (alignment[k] + gradient[k]);
            }
        });
        double phases = 2 * (fieldDeposit + fieldFft + fieldGather + alignmentDeposit + alignmentFft + alignmentGather) + update;
        simulation.Step();
        var clock = Stopwatch.StartNew();
        const int steps = 3;
        for (int s = 0; s < steps; s++) simulation.Step();
        double step = clock.Elapsed.TotalSeconds / steps;
        double limit = MultiplyAddsPerCell(d) * n / rate;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {d} | {n:E0} | {model.Grid.Points}^{d} | {Ms(fieldDeposit)} | {Ms(fieldFft)} | {Ms(fieldGather)} | {Ms(alignmentDeposit)} | {Ms(alignmentFft)} | {Ms(alignmentGather)} | {Ms(update)} | {phases:F3} s | {step:F3} s | {limit:F3} s | {step / limit:F1} |"));
    }

    private static string Ms(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e3:F0} ms");

    /// <summary>The least of <paramref name="runs"/> timed runs of <paramref name="phase"/> after one untimed.</summary>
    private static double Least(Action phase, int runs = 3)
    {
        phase();
        double best = double.PositiveInfinity;
        for (int r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            phase();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    /// <summary>
    /// Multiply-adds per second of the scatter kernel: 10^6 cells uniform in a cube of 32 nodes per axis,
    /// sorted by their node, each adding one quantity over its Width^d tensor stencil into a private grid
    /// per thread: the axes' weights once per cell, then rows of six contiguous nodes (the fastest form of
    /// the deposit; a gather reads the same nodes), with <paramref name="vectors"/> four and two at a time.
    /// </summary>
    private static double ScatterRate(int d, int threads, bool vectors)
    {
        const int cells = 1_000_000, points = 64;
        var rng = new Random(7);
        var positions = new double[cells * d];
        for (int i = 0; i < positions.Length; i++) positions[i] = 3 + rng.NextDouble() * 32;
        var order = Enumerable.Range(0, cells).OrderBy(i => Flat(positions, i, d, points)).ToArray();
        var sorted = new double[cells * d];
        for (int i = 0; i < cells; i++)
            for (int a = 0; a < d; a++) sorted[i * d + a] = positions[order[i] * d + a];
        int nodes = Nodes(d), size = (int)Math.Pow(points, d);

        var grids = Enumerable.Range(0, threads).Select(_ => new double[size]).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        const int w = LagrangeStencil.Width;
        void Scatter() => Parallel.For(0, threads, options, t =>
        {
            var grid = grids[t];
            Span<double> axes = stackalloc double[3 * w];
            for (int i = (int)((long)cells * t / threads), end = (int)((long)cells * (t + 1) / threads); i < end; i++)
            {
                // Separable: the axes' weights once, then rows of six contiguous nodes.
                int flat = 0, stride = 1;
                for (int a = 0; a < d; a++, stride *= points)
                {
                    double u = sorted[i * d + a], floor = Math.Floor(u);
                    LagrangeStencil.Weights(u - floor, axes.Slice(a * w, w));
                    flat += ((int)floor + LagrangeStencil.FirstOffset) * stride;
                }

                var first4 = Vector256.Create((ReadOnlySpan<double>)axes[..4]);
                var last2 = Vector128.Create((ReadOnlySpan<double>)axes.Slice(4, 2));
                for (int m = 0; m < (d == 2 ? 1 : w); m++)
                {
                    for (int j = 0; j < w; j++)
                    {
                        double weight = d == 2 ? axes[w + j] : axes[2 * w + m] * axes[w + j];
                        var row = grid.AsSpan(flat + m * points * points + j * points, w);
                        if (vectors)
                        {
                            (Vector256.Create((ReadOnlySpan<double>)row) + Vector256.Create(weight) * first4).CopyTo(row);
                            (Vector128.Create((ReadOnlySpan<double>)row[4..]) + Vector128.Create(weight) * last2).CopyTo(row[4..]);
                        }
                        else
                        {
                            for (int k = 0; k < w; k++) row[k] += weight * axes[k];
                        }
                    }
                }
            }
        });
        // The kernel's rate varies by up to 2x between processes here: the best of many runs is the limit.
        return (double)cells * nodes / Least(Scatter, 9);
    }

    private static int Flat(double[] positions, int i, int d, int points)
    {
        int flat = 0, stride = 1;
        for (int a = 0; a < d; a++, stride *= points) flat += (int)positions[i * d + a] * stride;
        return flat;
    }
}
