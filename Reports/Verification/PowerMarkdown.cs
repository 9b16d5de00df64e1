using System.Globalization;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>
/// The power report: the mutation score, the term x dimension matrix (which dimension's code check
/// caught the bugs of each term of (P)), the detection matrix (mutant x check, each cell the check's
/// verdict, the mutants grouped by the term they break), whether the correct solver was clean, and the
/// time taken. A pure render to a <see cref="TextWriter"/>.
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
        var groups = power.Rows.GroupBy(r => TermName(r.Mutant)).ToList();
        var dimensions = new[] { 1, 2, 3 }.Where(d => checks.Contains(ConvergenceId(d))).ToList();
        if (dimensions.Count > 0)
        {
            w.WriteLine("## Terms x dimensions");
            w.WriteLine();
            w.WriteLine("Mutants of each term of (P) that the convergence check of each dimension (its manufactured problem, every term on) turns Violated, and those the whole suite catches.");
            w.WriteLine();
            w.WriteLine("| term | " + string.Join(" | ", dimensions.Select(d => $"d = {d}")) + " | suite |");
            w.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---|", dimensions.Count)) + "---|");
            foreach (var group in groups)
            {
                int count = group.Count();
                var cells = dimensions.Select(d => $"{group.Count(r => ViolatedIn(r.Run, ConvergenceId(d)))} of {count}");
                w.WriteLine($"| {group.Key} | {string.Join(" | ", cells)} | {group.Count(r => r.Caught)} of {count} |");
            }

            w.WriteLine();
        }

        w.WriteLine("## Mutants x checks");
        w.WriteLine();
        w.WriteLine("| term | solver | " + string.Join(" | ", checks) + " | caught | seconds |");
        w.WriteLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", checks.Count)) + "---|---|");
        w.WriteLine(Row("-", "own (correct)", power.Own, checks, power.FalseAlarm ? "false alarm" : "clean"));
        foreach (var group in groups)
        {
            foreach (var r in group) w.WriteLine(Row(group.Key, $"{r.Mutant.Id}: {r.Mutant.Description}", r.Run, checks, r.Caught ? "**yes**" : "no"));
        }

        w.WriteLine();
        w.WriteLine("V Violated, H Holds, I Inconclusive, E Error, N Not applicable, - informational.");
    }

    /// <summary>The row a mutant belongs to: the term of (P) its bug breaks, or the time integration.</summary>
    public static string TermName(Mutant mutant) =>
        mutant.Term is { } term ? term.Value.Description : "time integration";

    private static string ConvergenceId(int dimension) => MeanField.Verification.Checks.ConvergenceProblem.NewManufactured(dimension).Id;

    private static bool ViolatedIn(RunResult run, string check) => run.Checks.Any(c => c.Id == check && c.Verdict.IsViolated);

    private static string Row(string term, string name, RunResult run, List<string> checks, string caught)
    {
        var byId = run.Checks.ToDictionary(c => c.Id);
        var cells = checks.Select(id => byId.TryGetValue(id, out var c) ? Letter(c.Verdict) : " ");
        return string.Create(CultureInfo.InvariantCulture, $"| {term} | {name} | {string.Join(" | ", cells)} | {caught} | {run.Seconds:F1} |");
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
