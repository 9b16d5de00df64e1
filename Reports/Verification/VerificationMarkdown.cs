using System.Globalization;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>
/// The verification report as Markdown: the summary of verdicts first, then one section per check
/// (what the theorem states, parameters, data, fit against theory, plot, reference floor). A pure
/// function to a <see cref="TextWriter"/>; numbers are written in the invariant culture.
/// </summary>
public static class VerificationMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Render(TextWriter w, RunResult run, RunInfo info)
    {
        w.WriteLine("# Verification report");
        w.WriteLine();
        w.WriteLine(string.Create(Invariant, $"Suite `{run.Suite}`, root seed {run.Seed}, configuration `{run.ConfigurationHash}`; meanfield {info.ToolVersion}, commit `{info.Commit}`; {info.Runtime}; {info.Machine}; model: {info.Scenario}. Run time {run.Seconds:F1} s."));
        w.WriteLine();
        w.WriteLine("## Summary");
        w.WriteLine();
        w.WriteLine("| check | source | fitted slope (95% interval) | theory | verdict |");
        w.WriteLine("|---|---|---|---|---|");
        foreach (var c in run.Checks)
        {
            w.WriteLine(string.Create(Invariant, $"| [{c.Title}](#{c.Id}) | {c.Source} | {Slope(c)} | {Theory(c)} | {VerdictText(c.Verdict)} |"));
        }

        foreach (var c in run.Checks)
        {
            w.WriteLine();
            w.WriteLine($"<a id=\"{c.Id}\"></a>");
            w.WriteLine();
            w.WriteLine($"## {c.Title}");
            w.WriteLine();
            w.WriteLine($"**{c.Source}.** {c.Statement}");
            w.WriteLine();
            w.WriteLine("| parameter | value |");
            w.WriteLine("|---|---|");
            foreach (var (name, value) in c.Parameters) w.WriteLine($"| {name} | {value} |");
            w.WriteLine();
            w.WriteLine($"| {c.XLabel} | replicas | mean {c.ErrorLabel} | std. dev. | fitted | seconds |");
            w.WriteLine("|---|---|---|---|---|---|");
            foreach (var r in c.Rungs)
            {
                w.WriteLine(string.Create(Invariant, $"| {r.X:G6} | {r.Errors.Length} | {r.Mean:0.0000e+00} | {r.StandardDeviation:0.00e+00} | {(r.Fitted ? "yes" : "no (pre-asymptotic)")} | {r.Seconds:F2} |"));
            }

            w.WriteLine();
            var fit = c.Fit;
            string model = c.FitKind.IsLogCorrected ? $"log({c.ErrorLabel} / log {c.XLabel})" : $"log {c.ErrorLabel}";
            w.WriteLine(string.Create(Invariant, $"Fit of {model} on log {c.XLabel} (weighted least squares, replica-based weights): slope **{fit.Slope:F3}**, standard error {fit.StandardError:F3}, {fit.Confidence * 100:F0}% interval [{fit.Lower:F3}, {fit.Upper:F3}] ({fit.DegreesOfFreedom} degrees of freedom); Theil-Sen slope {fit.TheilSenSlope:F3}."));
            w.WriteLine();
            w.WriteLine(string.Create(Invariant, $"Theory: {Theory(c)}, tolerance `{c.Tolerance.Name}` = {c.Tolerance.Slope:G3} ({c.Tolerance.Reason}). Verdict: **{VerdictText(c.Verdict)}**."));
            w.WriteLine();
            w.WriteLine($"![{c.Title}]({c.Id}.svg)");
            w.WriteLine();
            w.WriteLine(c.ReferenceFloor is { } floor
                ? string.Create(Invariant, $"Reference error floor: {floor.Value:0.000e+00}.")
                : "Reference error floor: none (the errors are measured against samples of the exact law).");
            foreach (var note in c.Notes)
            {
                w.WriteLine();
                w.WriteLine(note);
            }
        }
    }

    /// <summary>The fitted slope and its interval, e.g. "-0.512 [-0.601, -0.423]".</summary>
    public static string Slope(CheckResult c) => string.Create(Invariant, $"{c.Fit.Slope:F3} [{c.Fit.Lower:F3}, {c.Fit.Upper:F3}]");

    /// <summary>"slope &lt;= -0.5" for a bound, "= -1" for a sharpness check, with "(log-corrected)" where it applies.</summary>
    public static string Theory(CheckResult c)
    {
        string relation = c.Claim.IsAtMost ? "<=" : "=";
        string corrected = c.FitKind.IsLogCorrected ? " (log-corrected)" : "";
        return string.Create(Invariant, $"slope {relation} {c.Theory:G4}{corrected}");
    }

    public static string VerdictText(Verdict v) => v.ReplicasToResolve is { } r
        ? string.Create(Invariant, $"{v.Name} (about {r} replicas per rung would decide)")
        : v.Name;
}
