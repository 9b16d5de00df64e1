using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using MeanField.Reports.Output;
using MeanField.Verification;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

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
internal sealed record UnitOptions(FileInfo? Plan, int? RunUnit, DirectoryInfo? Work, DirectoryInfo? Merge)
{
    public UnitMode Mode => RunUnit is not null ? UnitMode.RunUnit : Merge is not null ? UnitMode.Merge : Plan is not null ? UnitMode.Plan : UnitMode.None;
}

/// <summary>
/// A verification run split into independent work units (<see cref="WorkUnits"/>): <c>--plan</c> writes
/// them with their estimated costs, <c>--run-unit</c> runs one into a shared folder (its result written
/// under a temporary name, then renamed), <c>--merge</c> builds the report, which is the single-process
/// run's but for the wall-clock seconds. The plan holds the suite's options and the configuration hash;
/// a unit or a merge whose suite (scenario file, tool, options) does not give that hash refuses to run.
/// </summary>
internal static class VerifyUnits
{
    /// <summary>The plan file's format, checked on reading.</summary>
    public const string Format = "meanfield-verify-plan/1";

    /// <summary>The suite options a plan records: everything that determines the numbers.</summary>
    internal sealed record SuiteOptions(
        string Suite, string[] Checks, string? Scenario, string? ScenarioSha256, int Seed, SolverOptions Solver, int? MaxReplicas, double? CheckSeconds);

    /// <summary>A unit as the plan lists it, with where its estimate came from.</summary>
    internal sealed record PlannedUnit(int Index, string Check, double EstimatedSeconds, string CostSource);

    /// <summary>The simulated wall time of the units on a number of workers, and the speed-up over one.</summary>
    internal sealed record Simulated(int Workers, double Seconds, double SpeedUp);

    /// <summary>The plan file.</summary>
    internal sealed record Plan(
        string Format, string ToolVersion, string ConfigurationHash, SuiteOptions Options, PlannedUnit[] Units, string[] Derived,
        double EstimatedSeconds, double CriticalPathSeconds, Simulated[] Simulated);

    /// <summary>The worker counts the plan simulates.</summary>
    private static readonly int[] SimulatedWorkers = [1, 2, 16, 64, 256];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static int Run(VerifyCommand.Request request, TextWriter output, TextWriter error) =>
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
        var measured = MeasuredSeconds(request.Baseline);
        var budgets = prepared.Suite.Entries.ToDictionary(e => e.Item1.Id, e => e.Item2.Seconds);
        var units = WorkUnits.plan(prepared.Suite, FuncConvert.FromFunc<string, double>(id => measured.TryGetValue(id, out double s) ? s : budgets[id]?.Value ?? 0))
            .Select(u => new PlannedUnit(u.Index, u.Check, u.EstimatedSeconds, measured.ContainsKey(u.Check) ? $"measured in {request.Baseline!.Name}" : "the check's time budget"))
            .ToArray();
        var plan = new Plan(
            Format,
            VerifyCommand.ToolVersion(),
            Hash(prepared),
            Options(request),
            units,
            [.. WorkUnits.derived(prepared.Suite)],
            units.Sum(u => u.EstimatedSeconds),
            units.Select(u => u.EstimatedSeconds).DefaultIfEmpty(0).Max(),
            Simulate(units));
        var path = request.Units.Plan!.FullName;
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, plan, Json));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"verify --plan: {units.Length} units ({plan.Derived.Length} derived checks at the merge), estimated {plan.EstimatedSeconds:F0} s in all, the longest {plan.CriticalPathSeconds:F0} s: wrote {path}"));
        foreach (var w in plan.Simulated)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  on {w.Workers} workers: {w.Seconds:F0} s ({w.SpeedUp:F1}x)"));
        return ExitCodes.Success;
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
            error.WriteLine($"meanfield verify: --run-unit {k}: the plan has units 0 to {plan.Units.Length - 1}");
            return ExitCodes.BadInput;
        }

        if (Follow(plan, request, error) is not { } prepared) return ExitCodes.BadInput;
        using var disposable = prepared.Solver as IDisposable;
        var settings = Settings(prepared);
        var planned = new WorkUnit(unit.Index, unit.Check, unit.EstimatedSeconds);
        var result = WorkUnits.run(prepared.Suite, settings, planned);
        Directory.CreateDirectory(work.FullName);
        string path = Path.Combine(work.FullName, FileName(unit));
        AtomicFile.Write(path, stream => WorkUnits.writeResult(stream, new UnitResult(plan.ConfigurationHash, planned, result)));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verify --run-unit {k}: {unit.Check} {result.Verdict.Name} in {result.Seconds:F1} s: wrote {path}"));
        return ExitCodes.Success;
    }

    private static int Merge(VerifyCommand.Request request, TextWriter output, TextWriter error)
    {
        if (ReadPlan(request, error) is not { } plan) return ExitCodes.BadInput;
        var folder = request.Units.Merge!;
        var results = new List<CheckResult>();
        var missing = new List<string>();
        foreach (var unit in plan.Units)
        {
            string path = Path.Combine(folder.FullName, FileName(unit));
            if (!File.Exists(path))
            {
                missing.Add($"{unit.Index} ({unit.Check})");
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
                error.WriteLine($"meanfield verify: --merge: {path}: {e.Message}");
                return ExitCodes.BadInput;
            }

            if (read.ConfigurationHash != plan.ConfigurationHash || read.Unit.Check != unit.Check || read.Result.Id != unit.Check)
            {
                error.WriteLine($"meanfield verify: --merge: {path} is unit {read.Unit.Index} ({read.Unit.Check}) of the configuration {read.ConfigurationHash}, not unit {unit.Index} ({unit.Check}) of this plan's {plan.ConfigurationHash}");
                return ExitCodes.BadInput;
            }

            results.Add(read.Result);
        }

        if (missing.Count > 0)
        {
            error.WriteLine($"meanfield verify: --merge {folder.FullName}: {missing.Count} of {plan.Units.Length} units have no result: {string.Join(", ", missing)}; nothing written");
            return ExitCodes.BadInput;
        }

        if (Follow(plan, request, error) is not { } prepared) return ExitCodes.BadInput;
        using var disposable = prepared.Solver as IDisposable;
        var run = WorkUnits.merge(prepared.Suite, Settings(prepared), ListModule.OfSeq(results));
        return VerifyCommand.Report(run, prepared, request with { Units = request.Units with { Merge = null, Plan = null } }, output);
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
            var plan = JsonSerializer.Deserialize<Plan>(stream, Json);
            if (plan is null || plan.Format != Format)
            {
                error.WriteLine($"meanfield verify: --plan {file.FullName}: not a plan of format {Format}");
                return null;
            }

            return plan;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
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
            string sha = File.Exists(o.Scenario) ? Sha256(o.Scenario) : "(missing)";
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

    private static Simulated[] Simulate(PlannedUnit[] units)
    {
        var costs = ListModule.OfSeq(units.Select(u => u.EstimatedSeconds));
        double one = WorkUnits.makespan(1, costs);
        return [.. SimulatedWorkers.Select(w =>
        {
            double seconds = WorkUnits.makespan(w, costs);
            return new Simulated(w, seconds, seconds > 0 ? one / seconds : 1);
        })];
    }

    private static SuiteOptions Options(VerifyCommand.Request request)
    {
        string? scenario = request.Scenario?.FullName;
        return new SuiteOptions(request.Suite, request.Checks, scenario, scenario is null ? null : Sha256(scenario), request.Seed, request.Solver, request.MaxReplicas, request.CheckSeconds);
    }

    private static RunSettings Settings(VerifyCommand.Prepared prepared) =>
        new(prepared.Solver, prepared.Seed, prepared.ScenarioText, FuncConvert.FromAction<ProgressStep>(_ => { }), FuncConvert.FromAction<CheckResult>(_ => { }));

    private static string Hash(VerifyCommand.Prepared p) => SuiteModule.configurationHash(p.Suite, p.Seed, p.ScenarioText, p.Solver.Identity);

    private static string FileName(PlannedUnit unit) => string.Create(CultureInfo.InvariantCulture, $"unit-{unit.Index:D4}-{unit.Check}.json");

    /// <summary>Seconds per check of a stored results.json (the cost model), empty without one.</summary>
    private static Dictionary<string, double> MeasuredSeconds(FileInfo? results)
    {
        var seconds = new Dictionary<string, double>();
        if (results is null) return seconds;
        using var stream = results.OpenRead();
        using var doc = JsonDocument.Parse(stream);
        foreach (var check in doc.RootElement.GetProperty("checks").EnumerateArray())
        {
            if (check.TryGetProperty("id", out var id) && check.TryGetProperty("seconds", out var s) && s.ValueKind == JsonValueKind.Number)
                seconds[id.GetString()!] = s.GetDouble();
        }

        return seconds;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
