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
            var asRun = scenario.Alignment.SupportsMesh
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
                ReferenceJson.WriteSummary(stream, new ReferenceRun(
                    method, source, scenario.Seed, summary.Seed, ToolVersion(), summary.Resolution, summary.Error, summary.Times, summary.Diagnostics, clock.Elapsed.TotalSeconds));
            }

            folder.Commit();
            output.WriteLine($"reference --method {method}: {summary.Resolution}; {summary.Error.Quantity} ~ {summary.Error.Value.ToString("G3", CultureInfo.InvariantCulture)}; wrote {outDir.FullName}");
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
        ErrorEstimate Error,
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
        var reference = new ParticleSolution(scenario, run.Count, run.Seed);
        var sim = reference.Simulation;
        var times = new List<double>();
        var outputs = OutputTimes(scenario).ToList();
        using (var snapshots = new SnapshotSeries(folder.Staging, "cloud.csv", scenario.Dimension, run.Formats, run.Snapshots))
        {
            foreach (double t in outputs)
            {
                reference.AdvanceTo(t, reached);
                snapshots.Record(sim.Time, times.Count == outputs.Count - 1, sim.State, sim.Field);
                times.Add(sim.Time);
            }

            snapshots.Finish();
        }

        var error = reference.EstimateError();
        var field = new double[sim.Model.Grid.NodeCount];
        sim.Field.GetNodalValues(field);
        Svg.Write(SimulationPlots.FinalState(sim.Time, sim.State, sim.Model.Grid, field), folder.PathOf("reference.svg"));
        return new ReferenceSummary(reference.Resolution, error, times, [("cells", run.Count), ("subsample", reference.Half)], run.Seed);
    }

    private static ReferenceSummary Grid(Scenario scenario, int velocityCells, AtomicDirectory folder, Action<double> reached)
    {
        var reference = new GridSolution(scenario, velocityCells);
        var solver = reference.Solver;
        var times = new List<double>();
        using (var grid = new StreamWriter(folder.PathOf("grid.csv")))
        using (var moments = new StreamWriter(folder.PathOf("moments.csv")))
        {
            grid.Write(ReferenceCsv.GridHeader);
            moments.Write(ReferenceCsv.MomentsHeader);
            foreach (double t in OutputTimes(scenario))
            {
                reference.AdvanceTo(t);
                ReferenceCsv.WriteGrid(grid, solver);
                ReferenceCsv.WriteMoments(moments, solver);
                times.Add(solver.Time);
                reached(solver.Time);
            }
        }

        var error = reference.EstimateError();
        var cells = InitialData.Sample(scenario.Initial, 1, scenario.Particles, scenario.Seed);
        var particles = new HybridSimulation(solver.Model, cells);
        while (particles.StepIndex < solver.StepIndex) particles.Step();
        Svg.Write(ReferencePlots.PhaseSpace(solver, particles.State), folder.PathOf("reference.svg"));
        return new ReferenceSummary(
            reference.Resolution,
            error,
            times,
            [("mass_change", solver.Mass - solver.InitialMass), ("minimum_value", solver.MinimumValue), ("boundary_flux", solver.BoundaryFlux), ("momentum", solver.Momentum)]);
    }

    private static ReferenceSummary Lagrangian(Scenario scenario, int cells, AtomicDirectory folder, Action<double> reached)
    {
        var solution = new LagrangianSolution(scenario, cells);
        var reference = solution.Solver;
        var times = new List<double>();
        using (var w = new StreamWriter(folder.PathOf("labels.csv")))
        {
            w.Write(ReferenceCsv.LabelsHeader(scenario.Dimension));
            foreach (double t in OutputTimes(scenario))
            {
                if (!solution.AdvanceTo(t)) break;
                ReferenceCsv.WriteLabels(w, reference);
                times.Add(reference.Time);
                reached(reference.Time);
            }
        }

        var error = solution.EstimateError();
        var model = reference.Simulation.Model;
        if (scenario.Dimension == 1 && reference.CrossingTime is null)
        {
            var euler = new PressurelessEuler1D(model, (MonokineticSpec)scenario.Initial, 800);
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
        return new ReferenceSummary(solution.Resolution, error, times, diagnostics);
    }

    private static ReferenceSummary Euler(Scenario scenario, int cells, AtomicDirectory folder, Action<double> reached)
    {
        var reference = new EulerSolution(scenario, cells);
        var euler = reference.Solver;
        var lagrangian = new LagrangianReference(euler.Model, LabelQuadrature.Create((MonokineticSpec)scenario.Initial, 1, 64));
        var times = new List<double>();
        using (var w = new StreamWriter(folder.PathOf("euler.csv")))
        {
            w.Write(ReferenceCsv.EulerHeader);
            foreach (double t in OutputTimes(scenario))
            {
                reference.AdvanceTo(t);
                lagrangian.AdvanceTo(t);
                ReferenceCsv.WriteEuler(w, euler);
                times.Add(euler.Time);
                reached(euler.Time);
            }
        }

        var error = reference.EstimateError();
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

        return new ReferenceSummary(reference.Resolution, error, times, diagnostics);
    }

    private static string ToolVersion() =>
        Assembly.GetExecutingAssembly().GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static string Fmt(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
