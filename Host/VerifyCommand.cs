using MeanField.Core.Files;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using MeanField.Core.Scenarios;
using MeanField.Core.Solvers;
using MeanField.Reports.Output;
using MeanField.Reports.Verification;
using MeanField.Verification;
using Spectre.Console;

namespace MeanField.Host;

/// <summary>
/// <c>meanfield verify [--suite quick|full] [--check NAME]... [--scenario FILE] [--out DIR] [--seed N]
/// [--baseline results.json] [--junit FILE] [--solver own|own:mesh|assembly:PATH:TYPE | --solver-command CMD]
/// [--max-replicas N] [--check-seconds S] [--plan FILE [--run-unit K --work DIR | --merge DIR]]</c>:
/// runs the theorem checks on the solver under test and writes the report folder; with <c>--plan</c>,
/// splits them into work units run and merged apart (<see cref="VerifyUnits"/>).
/// Exit code 0 all hold, 1 a check violated, errored or regressed, 2 bad input, 3 inconclusive only.
/// </summary>
internal static class VerifyCommand
{
    /// <summary>The root seed when none is given: the same numbers on every machine.</summary>
    public const int DefaultSeed = 20261123;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var suite = new Option<string>("--suite") { HelpName = "quick|full|large", Description = "quick (minutes, for CI), full (publication sizes, 40 minutes on 2 cores) or large (N to 10^5 in d = 2 and 3 against 10^7-cell references: for a cluster, with --plan).", DefaultValueFactory = _ => "quick" };
        suite.AcceptOnlyFromAmong("quick", "full", "large");
        var check = new Option<string[]>("--check") { HelpName = "NAME", Description = "Run only this check (repeatable): a name from the table of checks in the README, or from a report's summary.", AllowMultipleArgumentsPerToken = false };
        var scenario = new Option<FileInfo?>("--scenario") { HelpName = "FILE", Description = "Scenario YAML whose model replaces the default in its own dimension." };
        var outDir = new Option<DirectoryInfo>("--out") { HelpName = "DIR", Description = "Report folder (replaced when the run completes).", DefaultValueFactory = _ => new DirectoryInfo("verification-report") };
        var seed = WholeNumberOptions.Create("--seed", "Root seed; every replica's seed derives from it.", DefaultSeed);
        var baseline = new Option<FileInfo?>("--baseline") { HelpName = "FILE", Description = "A stored results.json: a worse verdict or slope fails the run." };
        var junit = new Option<FileInfo?>("--junit") { HelpName = "FILE", Description = "Also write a JUnit XML file, one test case per check." };
        var quiet = CommonOptions.Quiet();
        var solver = new Option<string?>("--solver") { HelpName = "own|own:mesh|assembly:PATH.dll:TYPE", Description = "The solver under test: own (default), own:mesh, or assembly:PATH.dll:Namespace.Type (a type implementing MeanField.Core.Solvers.IParticleSolver)." };
        var solverCommand = new Option<string?>("--solver-command") { HelpName = "CMD", Description = "The solver under test as an external program speaking protocol 1 (docs/solver-protocol.md), e.g. \"python3 my_solver.py\"." };
        var solverTimeout = new Option<double>("--solver-timeout") { HelpName = "S", Description = "Seconds one run of --solver-command may take before it is killed.", DefaultValueFactory = _ => 600 };
        var solverJobs = WholeNumberOptions.Create("--solver-jobs", "Runs of --solver-command at once (default: one per core).", Environment.ProcessorCount);
        var solverOrder = new Option<string?>("--solver-order") { HelpName = "P|adaptive", Description = "The order in dt the solver under test declares, from 1 to 8 (the convergence checks size their time ladders to it and hold it to it; without it they are informational), or adaptive: it controls its own steps, and is judged on its answer with no order." };
        var power = new Option<bool>("--power") { Description = "Measure the suite's power: run it on the own solver and on each built-in mutant (a plausible bug), and write the detection matrix." };
        var allowDifferent = new Option<bool>("--allow-different-solvers") { Description = "Compare with a --baseline made by another solver." };
        var maxReplicas = WholeNumberOptions.Optional("--max-replicas", "Replicas per rung a rate check may draw at most (it stops earlier when decided); below a check's first look, a fixed design at that look. Default: the suite's, four times the first look.");
        var plan = new Option<FileInfo?>("--plan") { HelpName = "FILE", Description = "With the suite options: write the plan of the first wave of independent work units (whole checks, shared references, batches of replicas, each with estimated seconds) to FILE and run nothing; with --run-unit or --merge: the plan they follow." };
        var batchReplicas = WholeNumberOptions.Create("--batch-replicas", "With --plan: replicas of one rung per work unit at most.", 4);
        var runUnit = WholeNumberOptions.Optional("--run-unit", "Run work unit K of --plan's wave and write its result into --work.", "K");
        var work = new Option<DirectoryInfo?>("--work") { HelpName = "DIR", Description = "The folder the units of a sharded run share (one result file per unit, and the reference runs)." };
        var merge = new Option<DirectoryInfo?>("--merge") { HelpName = "DIR", Description = "Build the report at --out from the units' results in DIR (with --plan); missing units are named and nothing is written. If a sequential check needs another look, write the next wave's plan into DIR instead and exit 4." };
        var checkSeconds = new Option<double?>("--check-seconds") { HelpName = "S", Description = "Seconds a check may run: no further look starts that is estimated to end beyond them (the report says when this stopped a check). Default: the suite's (quick 120, full 900)." };
        var command = new Command("verify", "Check by measurement that the solver under test reproduces the paper's rates, and write a report.")
        {
            suite, check, scenario, outDir, seed, baseline, junit, quiet, solver, solverCommand, solverTimeout, solverJobs, solverOrder, allowDifferent, power, maxReplicas, checkSeconds,
            plan, batchReplicas, runUnit, work, merge,
        };
        command.SetAction(parse => Run(
            new Request(
                parse.GetValue(suite)!, parse.GetValue(check) ?? [], parse.GetValue(scenario), parse.GetRequiredValue(outDir),
                parse.GetValue(seed), parse.GetValue(baseline), parse.GetValue(junit), parse.GetValue(quiet),
                new SolverRequest(parse.GetValue(solver), parse.GetValue(solverCommand), parse.GetValue(solverTimeout), parse.GetValue(solverJobs), parse.GetValue(solverOrder)),
                parse.GetValue(allowDifferent),
                parse.GetValue(power),
                parse.GetValue(maxReplicas),
                parse.GetValue(checkSeconds),
                new UnitOptions(parse.GetValue(plan), parse.GetValue(runUnit), parse.GetValue(work), parse.GetValue(merge), parse.GetValue(batchReplicas))),
            output,
            error));
        return command;
    }

    /// <summary>What the command line asked for.</summary>
    internal sealed record Request(
        string Suite, string[] Checks, FileInfo? Scenario, DirectoryInfo Out, int Seed, FileInfo? Baseline, FileInfo? JUnit, bool Quiet,
        SolverRequest Solver, bool AllowDifferentSolvers, bool Power, int? MaxReplicas, double? CheckSeconds, UnitOptions Units);

    /// <summary>A request made ready: the suite with its budget, the solver under test (the caller disposes it), and the baseline's checks.</summary>
    internal sealed record Prepared(Suite Suite, IParticleSolver Solver, int Seed, string ScenarioText, string Source, StoredRun? Stored, Model Model)
    {
        /// <summary>The baseline's check summaries, when <c>--baseline</c> gave one.</summary>
        public IReadOnlyList<CheckSummary>? Before => Stored?.Checks;
    }

    /// <summary>The suite, the solver and the baseline a request names, checked; null after writing why to <paramref name="error"/> (bad input).</summary>
    internal static Prepared? Prepare(Request request, TextWriter error)
    {
        var (suiteName, checks, scenarioFile, outDir, seed, baselineFile, junitFile, _, solverOptions, allowDifferent, powerRun, maxReplicas, checkSeconds, _) = request;
        // Refuse before working: an output that cannot be written would be found only after every check ran.
        if (!OutputChecks.Writable("verify", "--out", outDir.FullName, error)) return null;
        if (junitFile is not null && !OutputChecks.Writable("verify", "--junit", junitFile.FullName, error)) return null;

        if (maxReplicas is < 1)
        {
            error.WriteLine($"meanfield verify: --max-replicas {maxReplicas} must be at least 1");
            return null;
        }

        if (checkSeconds is { } cs && !(cs > 0 && double.IsFinite(cs)))
        {
            error.WriteLine($"meanfield verify: --check-seconds {cs.ToString(CultureInfo.InvariantCulture)} must be a positive number of seconds");
            return null;
        }
        if (powerRun && (solverOptions.Solver is not null || solverOptions.Command is not null || baselineFile is not null))
        {
            error.WriteLine("meanfield verify: --power runs the own solver and its mutants: it takes no --solver, --solver-command or --baseline");
            return null;
        }

        IParticleSolver solver;
        try
        {
            solver = solverOptions.Build(ToolVersion());
        }
        catch (Exception e) when (e is ArgumentException or SolverFailureException)
        {
            error.WriteLine($"meanfield verify: {e.Message}");
            return null;
        }

        var model = SuiteModule.defaultModel;
        string scenarioText = "embedded defaults", source = "the embedded defaults";
        if (scenarioFile is not null)
        {
            try
            {
                var s = ScenarioReader.Load(scenarioFile.FullName);
                model = SuiteModule.withScenario(s, scenarioFile.Name);
                scenarioText = File.ReadAllText(scenarioFile.FullName);
                source = scenarioFile.FullName;
            }
            catch (ScenarioException e)
            {
                error.WriteLine($"meanfield verify: {e.Message}");
                (solver as IDisposable)?.Dispose();
                return null;
            }
        }

        if (!VerificationFacade.TrySuite(suiteName, model, checks, maxReplicas, checkSeconds, out var suite, out var unknown))
        {
            error.WriteLine($"meanfield verify: {unknown}");
            (solver as IDisposable)?.Dispose();
            return null;
        }

        StoredRun? before = null;
        if (baselineFile is not null)
        {
            try
            {
                using var stream = baselineFile.OpenRead();
                var stored = VerificationJson.ReadRun(stream);
                if (stored.Solver != solver.Identity.Name && !allowDifferent)
                {
                    error.WriteLine($"meanfield verify: baseline '{baselineFile.FullName}' was made by the solver '{stored.Solver}', this run's is '{solver.Identity.Name}': pass --allow-different-solvers to compare them");
                    (solver as IDisposable)?.Dispose();
                    return null;
                }

                before = stored;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                error.WriteLine($"meanfield verify: baseline '{baselineFile.FullName}': {e.Message}");
                (solver as IDisposable)?.Dispose();
                return null;
            }
        }

        return new Prepared(suite, solver, seed, scenarioText, source, before, model);
    }

    private static int Run(Request request, TextWriter output, TextWriter error)
    {
        if (request.Units.Mode != UnitMode.None) return VerifyUnits.Run(request, output, error);
        if (Prepare(request, error) is not { } prepared) return ExitCodes.BadInput;
        var (suite, solver, seed, scenarioText, source, _, _) = prepared;
        using var disposable = solver as IDisposable;
        var (_, _, _, outDir, _, _, _, quiet, _, _, powerRun, _, _, _) = request;
        if (solver.Identity.Capabilities is not null) PrintApplicability(suite, solver.Identity, error);
        // Without the live display (logs, CI), one line per check as it finishes: a long run shows where it is.
        Action<CheckResult> finished = c =>
        {
            if (quiet) error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verify: {c.Id} done in {c.Seconds:F1} s: {Summary(c)}"));
        };
        RunResult Execute(Action<ProgressStep> progress) =>
            SuiteModule.run(suite, VerificationFacade.Settings(solver, seed, scenarioText, progress, finished));
        if (powerRun) return RunPower(suite, VerificationFacade.Settings(solver, seed, scenarioText, _ => { }, finished), Info(source), outDir, output);
        var run = quiet ? Execute(_ => { }) : WithProgress(error, suite, Execute);
        return Report(run, prepared, request, output);
    }

    /// <summary>Which checks the solver's declared capabilities select, and why the others are left out.</summary>
    private static void PrintApplicability(Suite suite, SolverIdentity solver, TextWriter error)
    {
        var rows = VerificationFacade.Applicability(suite, solver);
        var left = rows.Where(r => r.Value is not null).ToList();
        error.WriteLine($"verify: the solver declares its capabilities: {rows.Count - left.Count} of {rows.Count} checks apply");
        foreach (var (id, reason) in left) error.WriteLine($"verify: {id}: not applicable: {reason}");
    }

    /// <summary>The machine, the tool and the scenario's source, as every output records them.</summary>
    internal static RunInfo Info(string source) =>
        new(ToolVersion(), Commit(), RuntimeInformation.FrameworkDescription,
            $"{RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores", source);

    /// <summary>Writes a run's report folder (and JUnit file), prints a line per check, and gives the exit code.</summary>
    internal static int Report(RunResult run, Prepared prepared, Request request, TextWriter output)
    {
        var (_, _, _, outDir, _, baselineFile, junitFile, _, _, _, _, _, _, _) = request;
        var before = prepared.Before;
        var info = Info(prepared.Source);
        var comparison = before is null
            ? null
            : VerificationFacade.Compare(before, run.Checks).ToList();

        using (var folder = new AtomicDirectory(outDir.FullName))
        {
            Exporters.WriteAll(VerificationExporters.All(comparison, baselineFile?.Name), run, info, folder);
            folder.Commit();
        }

        if (junitFile is not null)
        {
            Exporters.WriteSingle(JUnitExporter.Instance, run, info, junitFile.FullName);
        }

        foreach (var c in run.Checks) output.WriteLine($"{c.Id}: {Summary(c)}");

        int regressions = comparison?.Count(r => r.Regressed) ?? 0;
        foreach (var r in comparison?.Where(r => r.Regressed) ?? []) output.WriteLine($"{r.Id}: regression: {r.Reason}");
        output.WriteLine($"verify: {run.Checks.Length} checks, suite {run.Suite}, seed {run.Seed}, solver {run.Solver.Name}: wrote {outDir.FullName}");
        int worst = run.Checks.Select(c => c.Verdict.Severity).DefaultIfEmpty(0).Max();
        if (worst >= 2 || regressions > 0) return ExitCodes.Violated;
        return worst == 1 ? ExitCodes.Inconclusive : ExitCodes.Success;
    }

    /// <summary>
    /// <c>--power</c>: the suite on the own solver and every mutant; the detection matrix into the report
    /// folder and a line per solver on the console. Exit 0 when every mutant is caught and the own solver is clean.
    /// </summary>
    private static int RunPower(Suite suite, RunSettings settings, RunInfo info, DirectoryInfo outDir, TextWriter output)
    {
        var power = MeanField.Verification.Power.run(suite, MutantModule.all, settings);
        using (var folder = new AtomicDirectory(outDir.FullName))
        {
            Exporters.WriteAll(PowerExporters.All, power, info, folder);
            folder.Commit();
        }

        string Verdicts(RunResult run) => string.Join(", ", run.Checks.Select(c => $"{c.Id} {c.Verdict.Name}"));
        output.WriteLine($"own (correct): {(power.FalseAlarm ? "FALSE ALARM" : "clean")}: {Verdicts(power.Own)}");
        foreach (var r in power.Rows) output.WriteLine($"{r.Mutant.Id}: {(r.Caught ? "caught" : "NOT CAUGHT")}: {Verdicts(r.Run)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verify --power: {power.Rows.Count(r => r.Caught)} of {power.Rows.Length} mutants caught, own solver {(power.FalseAlarm ? "not clean" : "clean")}, {power.Seconds:F0} s: wrote {outDir.FullName}"));
        return power.FalseAlarm || power.Rows.Any(r => !r.Caught) ? ExitCodes.Violated : ExitCodes.Success;
    }

    /// <summary>A check's verdict, what it measured and the theory, on one line.</summary>
    private static string Summary(CheckResult c) =>
        $"{VerificationMarkdown.VerdictText(c.Verdict)}, {(c.Rate is null ? "" : "slope ")}{VerificationMarkdown.Measured(c)}, theory {VerificationMarkdown.Theory(c)}";

    private static RunResult WithProgress(TextWriter error, Suite suite, Func<Action<ProgressStep>, RunResult> run)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        RunResult? result = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = suite.Entries.ToDictionary(e => e.Item1.Id, e => ctx.AddTask(e.Item1.Id, autoStart: false, maxValue: Math.Max(1, e.Item2.Xs.Length * e.Item2.Replicas)));
                result = run(step =>
                {
                    var task = tasks[step.Check];
                    if (!task.IsStarted) task.StartTask();
                    task.Description = $"{step.Check} rung {step.Rung + 1}/{step.Rungs}";
                    task.MaxValue = Math.Max(1, step.Total);
                    task.Value = step.Done;
                });
                foreach (var t in tasks.Values) t.Value = t.MaxValue;
            });
        return result!;
    }

    internal static string ToolVersion() =>
        typeof(VerifyCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The git commit of the working directory, when git and a repository are there.</summary>
    /// <summary>
    /// The toolkit's commit: the source revision the build embedded (after '+' in the informational
    /// version), so an installed tool run inside another repository still names its own; else the
    /// working directory's <c>git rev-parse HEAD</c>.
    /// </summary>
    private static string Commit()
    {
        string version = ToolVersion();
        int plus = version.IndexOf('+');
        if (plus >= 0 && plus < version.Length - 1) return version[(plus + 1)..];
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (git is null) return "unknown";
            string sha = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && sha.Length > 0 ? sha : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
