using System.CommandLine;
using System.Reflection;
using MeanField.Core.Dynamics;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;
using MeanField.Core.Solvers;
using MeanField.Reports.Output;
using MeanField.Reports.Simulation;
using MeanField.Reports.Snapshots;

namespace MeanField.Host;

/// <summary>
/// <c>meanfield simulate [scenario.yaml] --out DIR</c>: runs (P) and writes snapshots (CSV, VTK, as
/// <c>--format</c> and <c>--snapshots</c> say), the summary (CSV and JSON), the scenario as run, and SVG
/// pictures, all or nothing.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var scenarioArg = new Argument<FileInfo?>("scenario") { Description = "Scenario YAML; the embedded default when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var outOption = new Option<DirectoryInfo>("--out") { HelpName = "DIR", Description = "Output folder (replaced when the run succeeds).", DefaultValueFactory = _ => new DirectoryInfo("simulation-output") };
        var quietOption = CommonOptions.Quiet();
        var threadsOption = WholeNumberOptions.Create("--threads", "Worker threads (-1: all cores); the bits do not depend on it.", -1);
        var initialOption = new Option<FileInfo?>("--initial") { HelpName = "FILE", Description = "Start from these cells (CSV: i,x1..xd,v1..vd[,m]) instead of sampling the scenario's initial law; N is their number." };
        var snapshots = new SnapshotOptions();
        var command = new Command("simulate", "Run the particle system (P) and write its trajectory and summary.")
        {
            scenarioArg, outOption, quietOption, threadsOption, initialOption,
        };
        foreach (var o in snapshots.All) command.Options.Add(o);
        command.SetAction(parse => Run(
            parse.GetValue(scenarioArg),
            parse.GetRequiredValue(outOption),
            new Settings(parse.GetValue(quietOption), parse.GetValue(threadsOption), snapshots.FormatsOf(parse), parse.GetValue(snapshots.Snapshots)),
            parse.GetValue(initialOption),
            output,
            error));
        return command;
    }

    /// <summary>How the run is shown and what it writes.</summary>
    private sealed record Settings(bool Quiet, int Threads, SnapshotFormats Formats, SnapshotSelection Snapshots);

    private static int Run(FileInfo? scenarioFile, DirectoryInfo outDir, Settings settings, FileInfo? initialFile, TextWriter output, TextWriter error)
    {
        int threads = settings.Threads;
        Scenario scenario;
        ParticleState? given = null;
        try
        {
            scenario = scenarioFile is null ? ScenarioReader.Default() : ScenarioReader.Load(scenarioFile.FullName);
            if (initialFile is not null)
            {
                given = CellsCsv.ReadInitial(initialFile.FullName, scenario.Dimension);
                scenario = scenario with { Particles = given.Count };
            }
        }
        catch (Exception e) when (e is ScenarioException or IOException)
        {
            error.WriteLine($"meanfield simulate: {e.Message}");
            return ExitCodes.BadInput;
        }

        if (threads == 0 || threads < -1)
        {
            error.WriteLine($"meanfield simulate: option '--threads' = {threads}: must be -1 (all cores) or >= 1");
            return ExitCodes.BadInput;
        }

        if (!OutputChecks.Writable("simulate", "--out", outDir.FullName, error)) return ExitCodes.BadInput;
        if (!RunBudgetGate.Admit(new RunBudgetGate.Run("simulate", scenario, scenario.Particles, given, HeldOutputs.None, threads), error)) return ExitCodes.BadInput;

        string source = scenarioFile?.FullName ?? "embedded default";
        try
        {
            using var folder = new AtomicDirectory(outDir.FullName);
            var summaries = ConsoleProgress.Run(
                error, settings.Quiet, $"simulate N = {scenario.Particles}", scenario.StepCount, p => Simulate(scenario, given, folder, settings, step => p(step)));
            WriteOutputs(scenario, source, folder, summaries);
            folder.Commit();
            output.WriteLine($"simulate: {scenario.Particles} cells in d = {scenario.Dimension}, t = 0 .. {scenario.Time.Horizon:G6}, seed {scenario.Seed}: wrote {outDir.FullName}");
            return ExitCodes.Success;
        }
        catch (SimulationFailureException e)
        {
            error.WriteLine($"meanfield simulate: {e.Message}");
            return ExitCodes.RunFailed;
        }
    }

    private sealed record Result(List<Summary> Rows, double[] Field, HybridSimulation Simulation);

    private static Result Simulate(Scenario scenario, ParticleState? given, AtomicDirectory folder, Settings settings, Action<int> progress)
    {
        var model = HybridModel.FromScenario(scenario);
        var initial = given ?? InitialData.Sample(scenario.Initial, scenario.Dimension, scenario.Particles, scenario.Seed);
        var sim = new HybridSimulation(model, initial, settings.Threads);
        var rows = new List<Summary>();
        using var snapshots = new SnapshotSeries(folder.Staging, "particles.csv", scenario.Dimension, settings.Formats, settings.Snapshots);
        int lastOutput = scenario.StepCount - scenario.StepCount % scenario.StepsPerOutput;

        void Record()
        {
            rows.Add(Diagnostics.Summarize(sim.Time, sim.State, sim.Field.Mass, sim.Field.MaxGradientNorm()));
            snapshots.Record(sim.Time, sim.StepIndex == lastOutput, sim.State, sim.Field);
        }

        Record();
        for (int step = 1; step <= scenario.StepCount; step++)
        {
            sim.Step();
            if (step % scenario.StepsPerOutput == 0) Record();
            progress(step);
        }

        snapshots.Finish();

        var field = new double[model.Grid.NodeCount];
        sim.Field.GetNodalValues(field);
        return new Result(rows, field, sim);
    }

    private static void WriteOutputs(Scenario scenario, string source, AtomicDirectory folder, Result result)
    {
        var model = result.Simulation.Model;
        double xDiameter = 2 * result.Rows.Max(r => r.PositionRadius);
        double vDiameter = 2 * result.Rows.Max(r => r.MaxSpeed);
        var constants = new[]
        {
            model.Alignment.Lipschitz(xDiameter, vDiameter),
            model.Source.Lipschitz,
            model.Source.GradientLipschitz,
            model.ExternalForce.Supremum,
            model.ExternalForce.Lipschitz,
        };
        var info = new RunInfo(
            scenario.Seed,
            source,
            Assembly.GetExecutingAssembly().GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            scenario.Dimension,
            scenario.Particles,
            scenario.Domain.Box,
            scenario.Domain.Grid,
            scenario.Time.Step,
            constants);

        using (var w = new StreamWriter(folder.PathOf("summary.csv")))
        {
            SimulationCsv.WriteSummary(w, result.Rows);
        }

        using (var s = File.Create(folder.PathOf("summary.json")))
        {
            SimulationJson.WriteSummary(s, info, result.Rows);
        }

        File.WriteAllText(folder.PathOf("scenario.yaml"), ScenarioWriter.Write(scenario));
        double tEnd = result.Rows[^1].Time;
        Svg.Write(SimulationPlots.FinalState(tEnd, result.Simulation.State, model.Grid, result.Field), folder.PathOf("final-state.svg"));
        Svg.Write(SimulationPlots.VelocitySpread(result.Rows), folder.PathOf("velocity-spread.svg"));
    }
}
