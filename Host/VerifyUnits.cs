using MeanField.Core.Files;
using System.Globalization;
using System.Text.Json;
using MeanField.Reports.Output;
using MeanField.Verification;

namespace MeanField.Host;

/// <summary>How <c>verify</c> takes part in a sharded run.</summary>
internal enum UnitMode
{
    /// <summary>An ordinary run: the whole suite in this process.</summary>
    None,

    /// <summary><c>--plan FILE</c> with the suite options: write the plan, run nothing.</summary>
    Plan,

    /// <summary><c>--run-unit K --plan FILE --work DIR</c>: run one unit into the shared folder.</summary>
    RunUnit,

    /// <summary><c>--merge DIR --plan FILE --out REPORT</c>: the report from the units' results.</summary>
    Merge,
}

/// <summary>The sharding options of <c>verify</c>.</summary>
internal sealed record UnitOptions(FileInfo? Plan, int? RunUnit, DirectoryInfo? Work, DirectoryInfo? Merge, int BatchReplicas = 4)
{
    public UnitMode Mode => RunUnit is not null ? UnitMode.RunUnit : Merge is not null ? UnitMode.Merge : Plan is not null ? UnitMode.Plan : UnitMode.None;
}

/// <summary>
/// A verification run split into independent work units (<see cref="WorkUnits"/>): <c>--plan</c> writes
/// the first wave with its estimated costs, <c>--run-unit</c> runs one unit of the plan's wave into a
/// shared folder (its result written under a temporary name, then renamed), <c>--merge</c> builds the
/// report, which is the single-process run's but for the wall-clock seconds, or, when a sequential check
/// needs another look, writes the next wave's plan and exits 4. The plan holds the suite's options and the
/// configuration hash; a unit or a merge whose suite (scenario file, tool, options) does not give that
/// hash refuses to run, as does one whose earlier results or reference files do not match.
/// </summary>
internal static class VerifyUnits
{
    public static int Run(VerifyCommand.Request request, TextWriter output, TextWriter error)
    {
        // Refuse before working: the file or folder each mode writes into must take a new file.
        var units = request.Units;
        var (option, target) = units.Mode switch
        {
            UnitMode.Plan => ("--plan", units.Plan?.FullName),
            UnitMode.RunUnit => ("--work", units.Work is { } work ? Path.Combine(work.FullName, "unit") : null),
            UnitMode.Merge => ("--merge", units.Merge is { } merge ? Path.Combine(merge.FullName, "plan") : null),
            _ => ("", null),
        };
        if (target is not null && !OutputChecks.Writable("verify", option, target, error)) return ExitCodes.BadInput;
        return Dispatch(request, output, error);
    }

    private static int Dispatch(VerifyCommand.Request request, TextWriter output, TextWriter error) =>
        request.Units.Mode switch
        {
            UnitMode.Plan => WritePlan(request, output, error),
            UnitMode.RunUnit => RunUnit(request, output, error),
            UnitMode.Merge => Merge(request, output, error),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Units.Mode, "not a sharded run"),
        };

    private static int WritePlan(VerifyCommand.Request request, TextWriter output, TextWriter error)
    {
        if (VerifyCommand.Prepare(request, error) is not { } prepared) return ExitCodes.BadInput;
        using var disposable = prepared.Solver as IDisposable;
        var costs = prepared.Stored is { } stored && request.Baseline is { } baseline
            ? UnitCosts.FromStored(stored.Costs, stored.Suite, baseline.Name, prepared.Suite, prepared.Model)
            : UnitCosts.FromBudgets(prepared.Suite);
        var units = VerificationFacade.Plan(prepared.Suite, request.Units.BatchReplicas, u => costs.Estimate(u).Seconds);
        var plan = PlanFile.create(Header(prepared, Options(request), request.Units.BatchReplicas), 0, [.. units.Select(u => PlanFile.planned(u, costs.Estimate(u).Source))], [], costs.Rungs());
        var path = request.Units.Plan!.FullName;
        AtomicFile.Write(path, stream => PlanFile.write(stream, plan));
        Describe(plan, path, output);
        return ExitCodes.Success;
    }

    private static PlanHeader Header(VerifyCommand.Prepared prepared, SuiteOptions options, int batch) =>
        new(VerifyCommand.ToolVersion(), Hash(prepared), options, batch, [.. WorkUnits.derived(prepared.Suite)]);

    private static void Describe(Plan plan, string path, TextWriter output)
    {
        var kinds = string.Join(", ", plan.Units.GroupBy(u => u.Kind).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {g.Key}")));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"verify --plan: wave {plan.Wave}: {plan.Units.Length} units ({kinds}; {plan.Derived.Length} derived checks at the merge), estimated {plan.EstimatedSeconds:F0} s in all, the longest {plan.CriticalPathSeconds:F0} s: wrote {path}"));
        foreach (var w in plan.Simulated)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  on {w.Workers} workers: {w.Seconds:F0} s ({w.SpeedUp:F1}x)"));
    }

    private static int RunUnit(VerifyCommand.Request request, TextWriter output, TextWriter error)
    {
        var (plan, work) = (ReadPlan(request, error), request.Units.Work);
        if (plan is null) return ExitCodes.BadInput;
        if (work is null)
        {
            error.WriteLine("meanfield verify: --run-unit needs --work DIR, the folder the units share");
            return ExitCodes.BadInput;
        }

        int k = request.Units.RunUnit!.Value;
        if (plan.Units.FirstOrDefault(u => u.Index == k) is not { } unit)
        {
            error.WriteLine($"meanfield verify: --run-unit {k}: the plan's wave {plan.Wave} has units 0 to {plan.Units.Length - 1}");
            return ExitCodes.BadInput;
        }

        if (!VerificationFacade.TryWorkUnit(unit, out var planned, out var refusal))
        {
            error.WriteLine($"meanfield verify: {refusal}");
            return ExitCodes.BadInput;
        }

        if (ReadResults(plan, plan.EarlierUnits, work, "--run-unit", error) is not { } earlier) return ExitCodes.BadInput;
        if (Follow(plan, request, error) is not { } prepared) return ExitCodes.BadInput;
        using var disposable = prepared.Solver as IDisposable;
        var inputs = VerificationFacade.Inputs(plan.ConfigurationHash, References(work), earlier);
        UnitResult result;
        try
        {
            result = WorkUnits.run(prepared.Suite, Settings(prepared), inputs, planned);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"meanfield verify: --run-unit {k}: {e.Message}");
            return ExitCodes.BadInput;
        }

        Directory.CreateDirectory(work.FullName);
        string path = Path.Combine(work.FullName, unit.FileName);
        AtomicFile.Write(path, stream => WorkUnits.writeResult(stream, result));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verify --run-unit {k} (wave {plan.Wave}): {unit.Check} {unit.Kind}: {result.Ended} in {result.Seconds:F1} s: wrote {path}"));
        return ExitCodes.Success;
    }

    private static int Merge(VerifyCommand.Request request, TextWriter output, TextWriter error)
    {
        if (ReadPlan(request, error) is not { } plan) return ExitCodes.BadInput;
        var folder = request.Units.Merge!;
        if (ReadResults(plan, [.. plan.EarlierUnits, .. plan.Units], folder, "--merge", error) is not { } results) return ExitCodes.BadInput;
        if (Follow(plan, request, error) is not { } prepared) return ExitCodes.BadInput;
        using var disposable = prepared.Solver as IDisposable;
        MergeOutcome outcome;
        try
        {
            outcome = VerificationFacade.Merge(prepared.Suite, Settings(prepared), References(folder), results);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"meanfield verify: --merge: {e.Message}");
            return ExitCodes.BadInput;
        }

        Measured(results, output);
        switch (outcome)
        {
            case MergeOutcome.Complete complete:
                return VerifyCommand.Report(complete.Item, prepared, request with { Units = request.Units with { Merge = null, Plan = null } }, output);
            case MergeOutcome.NextWave next:
                var costs = UnitCosts.FromReplicas(VerificationFacade.Known(results), plan.RungCosts ?? [], prepared.Suite);
                int wave = plan.Wave + 1;
                var units = VerificationFacade.Wave(wave, plan.BatchReplicas, u => costs.Estimate(u).Seconds, next.Item);
                var nextPlan = PlanFile.create(Header(prepared, plan.Options, plan.BatchReplicas), wave, [.. units.Select(u => PlanFile.planned(u, costs.Estimate(u).Source))], [.. plan.EarlierUnits, .. plan.Units], costs.Rungs());
                string path = Path.Combine(folder.FullName, string.Create(CultureInfo.InvariantCulture, $"plan-wave-{wave:D2}.json"));
                AtomicFile.Write(path, stream => PlanFile.write(stream, nextPlan));
                var checks = string.Join(", ", units.Select(u => u.Check).Distinct());
                output.WriteLine($"verify --merge: {checks}: undecided at their look, another wave is needed (nothing else written)");
                Describe(nextPlan, path, output);
                return ExitCodes.NextWave;
            default:
                throw new InvalidOperationException($"no handling of the merge outcome {outcome}");
        }
    }

    /// <summary>The units' measured costs, wave by wave: the sum, the longest (each wave's critical path) and the simulated wall times.</summary>
    private static void Measured(List<UnitResult> results, TextWriter output)
    {
        foreach (var wave in results.GroupBy(r => r.Unit.Wave).OrderBy(g => g.Key))
        {
            var costs = wave.Select(r => r.Seconds).ToArray();
            var longest = wave.MaxBy(r => r.Seconds)!;
            var simulated = string.Join(", ", PlanFile.simulatedWorkers.Skip(2).Select(w => string.Create(CultureInfo.InvariantCulture, $"{VerificationFacade.Makespan(w, costs):F0} s on {w}")));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"verify --merge: wave {wave.Key} measured: {wave.Count()} units, {wave.Sum(r => r.Seconds):F0} s in all, the longest {longest.Seconds:F1} s (unit {longest.Unit.Index}, {longest.Unit.Check}); simulated {simulated}"));
        }
    }

    /// <summary>The results of <paramref name="units"/> in <paramref name="folder"/>, or null after naming the missing or foreign ones.</summary>
    private static List<UnitResult>? ReadResults(Plan plan, PlannedUnit[] units, DirectoryInfo folder, string option, TextWriter error)
    {
        var results = new List<UnitResult>();
        var missing = new List<string>();
        foreach (var unit in units)
        {
            string path = Path.Combine(folder.FullName, unit.FileName);
            if (!File.Exists(path))
            {
                missing.Add(string.Create(CultureInfo.InvariantCulture, $"{unit.Name} ({unit.Check})"));
                continue;
            }

            UnitResult read;
            try
            {
                using var stream = File.OpenRead(path);
                read = WorkUnits.readResult(stream);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                error.WriteLine($"meanfield verify: {option}: {path}: {e.Message}");
                return null;
            }

            if (read.ConfigurationHash != plan.ConfigurationHash || read.Unit.Check != unit.Check || read.Unit.Index != unit.Index || read.Unit.Wave != unit.Wave)
            {
                error.WriteLine($"meanfield verify: {option}: {path} is unit {read.Unit.Index} of wave {read.Unit.Wave} ({read.Unit.Check}) of the configuration {read.ConfigurationHash}, not unit {unit.Name} ({unit.Check}) of this plan's {plan.ConfigurationHash}");
                return null;
            }

            results.Add(read);
        }

        if (missing.Count > 0)
        {
            error.WriteLine($"meanfield verify: {option} {folder.FullName}: {missing.Count} of {units.Length} units have no result: {string.Join(", ", missing)}; nothing written");
            return null;
        }

        return results;
    }

    /// <summary>The plan named by <c>--plan</c>, or null after saying why.</summary>
    private static Plan? ReadPlan(VerifyCommand.Request request, TextWriter error)
    {
        if (request.Units.Plan is not { } file)
        {
            error.WriteLine("meanfield verify: --run-unit and --merge need --plan FILE, the plan written by --plan");
            return null;
        }

        try
        {
            using var stream = file.OpenRead();
            return PlanFile.read(stream);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine($"meanfield verify: --plan {file.FullName}: {e.Message}");
            return null;
        }
    }

    /// <summary>The plan's suite, made ready, once its inputs are checked against the plan's hashes; null after naming the mismatch.</summary>
    private static VerifyCommand.Prepared? Follow(Plan plan, VerifyCommand.Request request, TextWriter error)
    {
        var o = plan.Options;
        if (o.Scenario is not null)
        {
            string sha = File.Exists(o.Scenario) ? PlanFile.sha256(o.Scenario) : "(missing)";
            if (sha != o.ScenarioSha256)
            {
                error.WriteLine($"meanfield verify: the scenario {o.Scenario} does not match the plan: sha256 {sha}, planned {o.ScenarioSha256}");
                return null;
            }
        }

        var followed = request with
        {
            Suite = o.Suite,
            Checks = o.Checks,
            Scenario = o.Scenario is null ? null : new FileInfo(o.Scenario),
            Seed = o.Seed,
            Solver = o.Solver,
            MaxReplicas = o.MaxReplicas,
            CheckSeconds = o.CheckSeconds,
        };
        if (VerifyCommand.Prepare(followed, error) is not { } prepared) return null;
        string hash = Hash(prepared);
        if (hash != plan.ConfigurationHash)
        {
            (prepared.Solver as IDisposable)?.Dispose();
            error.WriteLine($"meanfield verify: this tool's suite has the configuration hash {hash}, the plan's is {plan.ConfigurationHash} (made by {plan.ToolVersion}, this is {VerifyCommand.ToolVersion()}): the checks, ladders or solver differ");
            return null;
        }

        return prepared;
    }

    private static SuiteOptions Options(VerifyCommand.Request request)
    {
        string? scenario = request.Scenario?.FullName;
        return new SuiteOptions(request.Suite, request.Checks, scenario, scenario is null ? null : PlanFile.sha256(scenario), request.Seed, request.Solver, request.MaxReplicas, request.CheckSeconds);
    }

    private static string References(DirectoryInfo work) => Path.Combine(work.FullName, "references");

    private static RunSettings Settings(VerifyCommand.Prepared prepared) =>
        VerificationFacade.Settings(prepared.Solver, prepared.Seed, prepared.ScenarioText);

    private static string Hash(VerifyCommand.Prepared p) => SuiteModule.configurationHash(p.Suite, p.Seed, p.ScenarioText, p.Solver.Identity);
}
