using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using MeanField.Core.Dynamics;
using MeanField.Core.Particles;
using MeanField.Core.References;
using MeanField.Core.Scenarios;
using MeanField.Core.Transport;
using MeanField.Reports.Output;
using MeanField.Reports.References;
using MeanField.Reports.Simulation;
using MeanField.Reports.Snapshots;

namespace MeanField.Host;

/// <summary>
/// <c>meanfield reference [scenario.yaml] --method particles|grid|lagrangian|euler --out DIR</c>: a
/// solution of the limit equations at the scenario's output times, with its resolution, an estimate
/// of its own error (a second run at half the resolution) and an SVG, all or nothing.
/// </summary>
internal static class ReferenceCommand
{
    private static readonly string[] Methods = ["particles", "grid", "lagrangian", "euler"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var scenarioArg = new Argument<FileInfo?>("scenario")
        {
            Description = "Scenario YAML; when omitted, the embedded vlasov-d1 (particles, grid) or monokinetic-d1 (lagrangian, euler).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var method = new Option<string>("--method") { HelpName = "particles|grid|lagrangian|euler", Description = "particles (large-M cloud), grid (d = 1 Vlasov), lagrangian or euler (monokinetic limit).", DefaultValueFactory = _ => "grid" };
        method.AcceptOnlyFromAmong(Methods);
        var outDir = new Option<DirectoryInfo>("--out") { HelpName = "DIR", Description = "Output folder (replaced when the run succeeds).", DefaultValueFactory = _ => new DirectoryInfo("reference-output") };
        var resolution = WholeNumberOptions.Optional(
            "--resolution",
            "particles: M (default 100000); grid: velocity cells (default: the x grid's points); lagrangian: label cells (default 64); euler: finite-volume cells (default 800).",
            "R");
        var quiet = CommonOptions.Quiet();
        var seed = WholeNumberOptions.Optional("--seed", "particles: the reference's seed (default: the scenario's seed + 1, a stream apart from the N-cell runs).");
        var snapshots = new SnapshotOptions();
        var command = new Command("reference", "Solve the mean-field limit (V) or its monokinetic limit (E) and write the reference with its error estimate.")
        {
            scenarioArg, method, outDir, resolution, seed, quiet,
        };
        foreach (var o in snapshots.All) command.Options.Add(o);
        command.SetAction(parse => Run(
            parse.GetValue(scenarioArg),
            new Request(
                parse.GetRequiredValue(method),
                parse.GetValue(resolution),
                parse.GetValue(seed),
                parse.GetValue(quiet),
                snapshots.FormatsOf(parse),
                parse.GetValue(snapshots.Snapshots),
                snapshots.Given(parse)),
            parse.GetRequiredValue(outDir),
            output,
            error));
        return command;
    }

    /// <summary>What the command line asked for; the snapshot options apply to <c>--method particles</c>.</summary>
    private sealed record Request(string Method, int? Resolution, int? Seed, bool Quiet, SnapshotFormats Formats, SnapshotSelection Snapshots, bool SnapshotsGiven);

    private static int Run(FileInfo? file, Request request, DirectoryInfo outDir, TextWriter output, TextWriter error)
    {
        var (method, resolution, seed, quiet, _, _, _) = request;
        if (request.SnapshotsGiven && method != "particles")
        {
            error.WriteLine($"meanfield reference: --format and --snapshots apply to --method particles (cell snapshots), not --method {method}");
            return ExitCodes.BadInput;
        }

        Scenario scenario;
        string source;
        try
        {
            string embedded = method is "lagrangian" or "euler" ? "monokinetic-d1" : "vlasov-d1";
            scenario = file is null ? ScenarioReader.Embedded(embedded) : ScenarioReader.Load(file.FullName);
            source = file?.FullName ?? $"embedded {embedded}";
            Validate(scenario, method, resolution);
        }
        catch (ScenarioException e)
        {
            error.WriteLine($"meanfield reference: {e.Message}");
            return ExitCodes.BadInput;
        }

        if (!OutputChecks.Writable("reference", "--out", outDir.FullName, error)) return ExitCodes.BadInput;
        if (method == "particles")
        {
            // The particle reference runs the mesh alignment whenever the kernel allows it (as Particles does).
            var asRun = scenario.Alignment.Build() is Core.Kernels.IRadialAlignmentKernel
                ? scenario with { Alignment = scenario.Alignment with { Method = AlignmentMethod.Mesh } }
                : scenario;
            int count = resolution ?? DefaultParticleResolution;
            var budget = new RunBudgetGate.Run("reference", asRun with { Particles = count, Seed = seed ?? scenario.Seed + 1 }, count, null, HeldOutputs.None, -1);
            if (!RunBudgetGate.Admit(budget, error)) return ExitCodes.BadInput;
        }

        try
        {
            var clock = Stopwatch.StartNew();
            using var folder = new AtomicDirectory(outDir.FullName);
            var summary = ConsoleProgress.Run(error, quiet, $"reference --method {method}, t = 0 .. {Fmt(scenario.Time.Horizon)}", scenario.Time.Horizon, reached => method switch
            {
                "particles" => Particles(scenario, new ParticleRun(resolution ?? DefaultParticleResolution, seed ?? scenario.Seed + 1, request.Formats, request.Snapshots), folder, reached),
                "grid" => Grid(scenario, resolution ?? scenario.Domain.Grid, folder, reached),
                "lagrangian" => Lagrangian(scenario, resolution ?? 64, folder, reached),
                _ => Euler(scenario, resolution ?? 800, folder, reached),
            });
            File.WriteAllText(folder.PathOf("scenario.yaml"), ScenarioWriter.Write(scenario));
            using (var stream = File.Create(folder.PathOf("summary.json")))
            {
                WriteSummary(stream, method, source, scenario, summary, clock.Elapsed.TotalSeconds);
            }

            folder.Commit();
            output.WriteLine($"reference --method {method}: {summary.Resolution}; {summary.ErrorName} ~ {summary.ErrorEstimate.ToString("G3", CultureInfo.InvariantCulture)}; wrote {outDir.FullName}");
            return ExitCodes.Success;
        }
        catch (SimulationFailureException e)
        {
            error.WriteLine($"meanfield reference: {e.Message}");
            return ExitCodes.RunFailed;
        }
    }

    private static void Validate(Scenario scenario, string method, int? resolution)
    {
        if (resolution is < 1) throw new ScenarioException("--resolution", resolution.Value.ToString(CultureInfo.InvariantCulture), "must be >= 1");
        switch (method)
        {
            case "grid" or "euler" when scenario.Dimension != 1:
                throw new ScenarioException("dimension", scenario.Dimension.ToString(CultureInfo.InvariantCulture), $"--method {method} solves d = 1 only");
            case "lagrangian" when scenario.Dimension > 2:
                throw new ScenarioException("dimension", scenario.Dimension.ToString(CultureInfo.InvariantCulture), "--method lagrangian solves d = 1 and 2");
            case "lagrangian" or "euler" when scenario.Initial is not MonokineticSpec:
                throw new ScenarioException("initial.kind", InitialKind(scenario.Initial), $"--method {method} needs monokinetic data");
            case "grid":
                InitialDensity.OneDimensional(scenario.Initial);
                if (resolution is < 8) throw new ScenarioException("--resolution", resolution.Value.ToString(CultureInfo.InvariantCulture), "the grid solver needs at least 8 velocity cells");
                break;
            case "euler" when resolution is < 32:
                throw new ScenarioException("--resolution", resolution.Value.ToString(CultureInfo.InvariantCulture), "the Euler solver needs at least 32 cells (it is also run at half the resolution)");
            case "lagrangian" when resolution is < 2:
                throw new ScenarioException("--resolution", resolution.Value.ToString(CultureInfo.InvariantCulture), "the Lagrangian solver needs at least 2 label cells (it is also run at half)");
        }
    }

    private static string InitialKind(InitialDataSpec spec) => spec switch
    {
        UniformDataSpec => "uniform",
        GaussianDataSpec => "gaussian",
        TwoClustersSpec => "two_clusters",
        _ => spec.GetType().Name,
    };

    /// <summary>What a reference run reports besides its files.</summary>
    private sealed record ReferenceSummary(
        string Resolution,
        string ErrorName,
        double ErrorEstimate,
        string ErrorMethod,
        IReadOnlyList<double> Times,
        IReadOnlyList<(string Name, double Value)> Diagnostics,
        int? Seed = null);

    private static IEnumerable<double> OutputTimes(Scenario scenario) =>
        Enumerable.Range(0, scenario.StepCount / scenario.StepsPerOutput + 1).Select(k => k * scenario.StepsPerOutput * scenario.Time.Step);

    /// <summary>M of the particle reference when <c>--resolution</c> is not given.</summary>
    private const int DefaultParticleResolution = 100_000;

    /// <summary>The particle reference's size, seed and snapshots.</summary>
    private sealed record ParticleRun(int Count, int Seed, SnapshotFormats Formats, SnapshotSelection Snapshots);

    private static ReferenceSummary Particles(Scenario scenario, ParticleRun run, AtomicDirectory folder, Action<double> reached)
    {
        int count = run.Count;
        var model = HybridModel.FromScenario(scenario);
        if (model.Alignment is Core.Kernels.IRadialAlignmentKernel) model = model.WithMeshAlignment(model.MeshSpacing);
        var sim = new HybridSimulation(model, InitialData.Sample(scenario.Initial, scenario.Dimension, count, run.Seed));
        var times = new List<double>();
        var outputs = OutputTimes(scenario).ToList();
        using (var snapshots = new SnapshotSeries(folder.Staging, "cloud.csv", scenario.Dimension, run.Formats, run.Snapshots))
        {
            foreach (double t in outputs)
            {
                while (sim.StepIndex < (int)Math.Round(t / model.Step))
                {
                    sim.Step();
                    reached(sim.Time);
                }

                snapshots.Record(sim.Time, times.Count == outputs.Count - 1, sim.State, sim.Field);
                times.Add(sim.Time);
            }

            snapshots.Finish();
        }

        // Sampling error: W2^2 between two disjoint halves of a subsample, each of n cells, is about
        // 2 E W2^2(mu_n, rho); the reference's own error at M is smaller by the rate from n to M.
        int n = Math.Min(count / 2, 2000);
        var cloud = PointCloud.PhaseSpace(sim.State);
        int dim = cloud.Dimension;
        var first = new PointCloud(dim, cloud.Coordinates.AsSpan(0, n * dim).ToArray());
        var second = new PointCloud(dim, cloud.Coordinates.AsSpan(n * dim, n * dim).ToArray());
        double halves = Wasserstein.Compute(first, second).Cost;
        var field = new double[model.Grid.NodeCount];
        sim.Field.GetNodalValues(field);
        Svg.Write(SimulationPlots.FinalState(sim.Time, sim.State, model.Grid, field), folder.PathOf("reference.svg"));
        return new ReferenceSummary(
            $"M = {count} cells, mesh alignment h = {model.MeshSpacing.ToString("R", CultureInfo.InvariantCulture)}",
            $"W2^2 between two disjoint {n}-cell subsamples at t = {sim.Time.ToString("G6", CultureInfo.InvariantCulture)}",
            halves,
            $"about 2 E W2^2(mu_{n}, rho); the M-cell cloud's own error is smaller by the sampling rate from {n} to {count}",
            times,
            [("cells", count), ("subsample", n)],
            run.Seed);
    }

    private static ReferenceSummary Grid(Scenario scenario, int velocityCells, AtomicDirectory folder, Action<double> reached)
    {
        var model = HybridModel.FromScenario(scenario);
        var density = InitialDensity.OneDimensional(scenario.Initial);
        var (vMin, vMax) = InitialDensity.VelocityInterval(scenario.Initial);
        var solver = new VlasovGrid1D(model, density, vMin, vMax, velocityCells);
        var times = new List<double>();
        using (var grid = new StreamWriter(folder.PathOf("grid.csv")))
        using (var moments = new StreamWriter(folder.PathOf("moments.csv")))
        {
            grid.Write(ReferenceCsv.GridHeader);
            moments.Write(ReferenceCsv.MomentsHeader);
            foreach (double t in OutputTimes(scenario))
            {
                solver.AdvanceTo(t);
                ReferenceCsv.WriteGrid(grid, solver);
                ReferenceCsv.WriteMoments(moments, solver);
                times.Add(solver.Time);
                reached(solver.Time);
            }
        }

        // The same run at half the resolution in x, v and t; the solver is second order, so the
        // difference of the densities in x over (2^2 - 1) estimates the fine run's error.
        var coarseModel = HybridModel.FromScenario(scenario.WithResolution(scenario.Domain.Grid / 2, 2 * scenario.Time.Step));
        var coarse = new VlasovGrid1D(coarseModel, density, vMin, vMax, velocityCells / 2);
        coarse.AdvanceTo(solver.Time);
        double difference = 0;
        for (int i = 0; i < coarse.Grid.Points; i++) difference = Math.Max(difference, Math.Abs(coarse.SpatialDensity[i] - solver.SpatialDensity[2 * i]));

        var cells = InitialData.Sample(scenario.Initial, 1, scenario.Particles, scenario.Seed);
        var particles = new HybridSimulation(model, cells);
        while (particles.StepIndex < solver.StepIndex) particles.Step();
        Svg.Write(ReferencePlots.PhaseSpace(solver, particles.State), folder.PathOf("reference.svg"));
        return new ReferenceSummary(
            $"{model.Grid.Points} x {velocityCells} grid on [{Fmt(model.Grid.Origin[0])}, {Fmt(model.Grid.Origin[0] + model.Grid.Box)}) x [{Fmt(vMin)}, {Fmt(vMax)}], dt = {Fmt(model.Step)}",
            "max_x |n - n_ref| of the density in x",
            difference / 3,
            "Richardson: the run at half the resolution (x, v and t), difference / (2^2 - 1)",
            times,
            [("mass_change", solver.Mass - solver.InitialMass), ("minimum_value", solver.MinimumValue), ("boundary_flux", solver.BoundaryFlux), ("momentum", solver.Momentum)]);
    }

    private static ReferenceSummary Lagrangian(Scenario scenario, int cells, AtomicDirectory folder, Action<double> reached)
    {
        var model = HybridModel.FromScenario(scenario);
        var data = (MonokineticSpec)scenario.Initial;
        var reference = new LagrangianReference(model, LabelQuadrature.Create(data, scenario.Dimension, cells));
        var times = new List<double>();
        using (var w = new StreamWriter(folder.PathOf("labels.csv")))
        {
            w.Write(ReferenceCsv.LabelsHeader(scenario.Dimension));
            foreach (double t in OutputTimes(scenario))
            {
                if (!reference.AdvanceTo(t)) break;
                ReferenceCsv.WriteLabels(w, reference);
                times.Add(reference.Time);
                reached(reference.Time);
            }
        }

        // Half the label cells: the difference of the second moments in x and v.
        var coarse = new LagrangianReference(model, LabelQuadrature.Create(data, scenario.Dimension, cells / 2));
        coarse.AdvanceTo(times[^1]);
        double difference = Math.Max(
            Math.Abs(SecondMoment(coarse.Simulation.State.Positions, coarse.Labels) - SecondMoment(reference.Simulation.State.Positions, reference.Labels)),
            Math.Abs(SecondMoment(coarse.Simulation.State.Velocities, coarse.Labels) - SecondMoment(reference.Simulation.State.Velocities, reference.Labels)));
        if (scenario.Dimension == 1 && reference.CrossingTime is null)
        {
            var euler = new PressurelessEuler1D(model, data, 800);
            euler.AdvanceTo(reference.Time);
            Svg.Write(ReferencePlots.MonokineticProfiles(reference, euler), folder.PathOf("reference.svg"));
        }
        else
        {
            var field = new double[model.Grid.NodeCount];
            reference.Simulation.Field.GetNodalValues(field);
            Svg.Write(SimulationPlots.FinalState(reference.Time, reference.Simulation.State, model.Grid, field), folder.PathOf("reference.svg"));
        }

        var diagnostics = new List<(string, double)> { ("labels", reference.Labels.Labels), ("gauss_order", reference.Labels.Order), ("min_jacobian", reference.MinJacobian) };
        if (reference.CrossingTime is { } crossing) diagnostics.Add(("crossing_time", crossing));
        return new ReferenceSummary(
            $"{cells} label cells x {reference.Labels.Order} Gauss-Legendre nodes{(scenario.Dimension == 2 ? $" x {reference.Labels.Angles} angles" : "")} = {reference.Labels.Labels} labels, dt = {Fmt(model.Step)}",
            "max of |change| in int |x|^2 and int |v|^2",
            difference,
            $"against the run with {cells / 2} label cells (the quadrature converges at order 2 x {reference.Labels.Order} for smooth data: the difference bounds the coarse run's error)",
            times,
            diagnostics);
    }

    private static ReferenceSummary Euler(Scenario scenario, int cells, AtomicDirectory folder, Action<double> reached)
    {
        var model = HybridModel.FromScenario(scenario);
        var data = (MonokineticSpec)scenario.Initial;
        var euler = new PressurelessEuler1D(model, data, cells);
        var lagrangian = new LagrangianReference(model, LabelQuadrature.Create(data, 1, 64));
        var times = new List<double>();
        using (var w = new StreamWriter(folder.PathOf("euler.csv")))
        {
            w.Write(ReferenceCsv.EulerHeader);
            foreach (double t in OutputTimes(scenario))
            {
                euler.AdvanceTo(t);
                lagrangian.AdvanceTo(t);
                ReferenceCsv.WriteEuler(w, euler);
                times.Add(euler.Time);
                reached(euler.Time);
            }
        }

        var coarse = new PressurelessEuler1D(model, data, cells / 2);
        coarse.AdvanceTo(euler.Time);
        double difference = 0;
        for (int i = 0; i < coarse.Cells; i++) difference += Math.Abs(coarse.Density[i] - 0.5 * (euler.Density[2 * i] + euler.Density[2 * i + 1])) * coarse.Spacing;

        var diagnostics = new List<(string, double)> { ("mass_change", euler.Mass - 1), ("minimum_density", euler.MinimumDensity) };
        if (lagrangian.CrossingTime is null)
        {
            var gap = MonokineticComparison.Compare(lagrangian, euler);
            diagnostics.Add(("lagrangian_density_l1", gap.DensityL1));
            diagnostics.Add(("lagrangian_velocity_max", gap.VelocityMax));
            Svg.Write(ReferencePlots.MonokineticProfiles(lagrangian, euler), folder.PathOf("reference.svg"));
        }
        else
        {
            diagnostics.Add(("crossing_time", lagrangian.CrossingTime.Value));
        }

        return new ReferenceSummary(
            $"{cells} cells of width {Fmt(euler.Spacing)}, dt = {Fmt(model.Step)}",
            "L1 error of the density",
            difference / 3,
            $"Richardson: the run with {cells / 2} cells, difference / (2^2 - 1)",
            times,
            diagnostics);
    }

    private static double SecondMoment(double[] values, LabelQuadrature labels)
    {
        int n = labels.Labels, d = labels.Dimension;
        double sum = 0;
        for (int j = 0; j < n; j++)
        {
            for (int a = 0; a < d; a++) sum += labels.Masses[j] * values[a * n + j] * values[a * n + j];
        }

        return sum;
    }

    private static void WriteSummary(Stream stream, string method, string source, Scenario scenario, ReferenceSummary summary, double seconds)
    {
        using var w = new Utf8JsonWriter(stream, Json.Options);
        w.WriteStartObject();
        w.WriteString("command", "reference");
        w.WriteString("method", method);
        w.WriteString("scenario", source);
        w.WriteNumber("scenario_seed", scenario.Seed);
        if (summary.Seed is { } seed) w.WriteNumber("reference_seed", seed);
        w.WriteString("version", Assembly.GetExecutingAssembly().GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
        w.WriteString("resolution", summary.Resolution);
        w.WriteStartObject("error_estimate");
        w.WriteString("quantity", summary.ErrorName);
        w.WriteNumberOrNull("value", summary.ErrorEstimate);
        w.WriteString("method", summary.ErrorMethod);
        w.WriteEndObject();
        w.WriteStartArray("times");
        foreach (double t in summary.Times) w.WriteNumberValue(t);
        w.WriteEndArray();
        w.WriteStartObject("diagnostics");
        foreach (var (name, value) in summary.Diagnostics) w.WriteNumberOrNull(name, value);
        w.WriteEndObject();
        w.WriteNumber("wall_seconds", seconds);
        w.WriteEndObject();
    }

    private static string Fmt(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
