using System.Globalization;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>
/// The power report: the detection matrix (mutant x check, each cell the check's verdict), the mutation
/// score, whether the correct solver was clean, and the time taken. A pure render to a <see cref="TextWriter"/>.
/// </summary>
public static class PowerMarkdown
{
    public static void Render(TextWriter w, PowerResult power, RunInfo info)
    {
        var checks = power.Own.Checks.Select(c => c.Id).ToList();
        int caught = power.Rows.Count(r => r.Caught);
        w.WriteLine("# Power of the verification suite");
        w.WriteLine();
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Suite `{power.Suite}`, root seed {power.Seed}; meanfield {info.ToolVersion}, commit `{info.Commit}`; {info.Runtime}; {info.Machine}; model: {info.Scenario}. Run time {power.Seconds:F1} s."));
        w.WriteLine();
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Mutation score: **{caught} of {power.Rows.Length}** mutants caught ({power.Score * 100:F0}%): a mutant is caught when some check is Violated (or its run fails: Error). The correct solver: {(power.FalseAlarm ? "**a false alarm**" : "clean")} (no check Violated or in Error). Checks that run no solver are measured once, on the correct solver."));
        w.WriteLine();
        w.WriteLine("| solver | " + string.Join(" | ", checks) + " | caught | seconds |");
        w.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---|", checks.Count)) + "---|---|");
        w.WriteLine(Row("own (correct)", power.Own, checks, power.FalseAlarm ? "false alarm" : "clean"));
        foreach (var r in power.Rows) w.WriteLine(Row($"{r.Mutant.Id}: {r.Mutant.Description}", r.Run, checks, r.Caught ? "**yes**" : "no"));
        w.WriteLine();
        w.WriteLine("V Violated, H Holds, I Inconclusive, E Error, N Not applicable, - informational.");
    }

    private static string Row(string name, RunResult run, List<string> checks, string caught)
    {
        var byId = run.Checks.ToDictionary(c => c.Id);
        var cells = checks.Select(id => byId.TryGetValue(id, out var c) ? Letter(c.Verdict) : " ");
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {string.Join(" | ", cells)} | {caught} | {run.Seconds:F1} |");
    }

    /// <summary>One letter per verdict; every case named (a new verdict fails the build's tests, not the matrix).</summary>
    public static string Letter(Verdict v) => v switch
    {
        _ when v.IsViolated => "**V**",
        _ when v.IsHolds => "H",
        _ when v.IsInconclusive => "I",
        _ when v.IsError => "**E**",
        _ when v.IsNotApplicable => "N",
        _ when v.IsInformational => "-",
        _ => throw new InvalidOperationException($"no letter for the verdict {v.Name}"),
    };
}
