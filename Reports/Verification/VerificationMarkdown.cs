using System.Globalization;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>
/// The verification report as Markdown: the summary of verdicts first, then one section per check
/// (what the theorem states, parameters, data, fit against theory or measurements against bounds,
/// plot, reference floor). A pure function to a <see cref="TextWriter"/>; numbers are written in the
/// invariant culture.
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
        w.WriteLine($"Solver under test: {run.Solver.Describe()}.");
        w.WriteLine();
        w.WriteLine("## Summary");
        w.WriteLine();
        w.WriteLine("| check | source | measured | theory | verdict | replicas per rung | independent of the solver |");
        w.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var c in run.Checks)
        {
            w.WriteLine(string.Create(Invariant, $"| [{c.Title}](#{c.Id}) | {c.Source} | {Measured(c)} | {Theory(c)} | {Cell(VerdictText(c.Verdict))} | {ReplicasUsed(c)} | {IndependenceModule.between(c.Reference, run.Solver).Text} |"));
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
            foreach (var (name, value) in c.Parameters) w.WriteLine($"| {Cell(name)} | {Cell(value)} |");
            w.WriteLine($"| reference | {Cell(c.Reference.Description)} |");
            w.WriteLine($"| independent of the solver | {Cell(IndependenceModule.between(c.Reference, run.Solver).Text)} |");
            w.WriteLine();
            switch (c.Measurement)
            {
                case Measurement.Rate rate: RenderRate(w, c, rate.Item); break;
                case Measurement.Growth growth: RenderGrowth(w, c, growth.Item); break;
                case Measurement.Bounds: RenderBounds(w, c); break;
                case Measurement.Convergence convergence: RenderConvergence(w, c, convergence.Item); break;
                case var m when m.IsNothing: w.WriteLine($"Verdict: **{VerdictText(c.Verdict)}**: nothing was measured."); break;
                default: throw new InvalidOperationException($"check {c.Id}: no Markdown for the measurement {c.Measurement}");
            }

            foreach (var note in c.Notes)
            {
                w.WriteLine();
                w.WriteLine(note);
            }
        }
    }

    private static void RenderRate(TextWriter w, CheckResult c, RateMeasurement rate)
    {
        w.WriteLine($"| {rate.XLabel} | replicas | mean {rate.ErrorLabel} | std. dev. | fitted | seconds |");
        w.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in rate.Rungs)
        {
            w.WriteLine(string.Create(Invariant, $"| {r.X:G6} | {r.Errors.Length} | {r.Mean:0.0000e+00} | {r.StandardDeviation:0.00e+00} | {(r.Fitted ? "yes" : "no (pre-asymptotic)")} | {r.Seconds:F2} |"));
        }

        w.WriteLine();
        var fit = rate.Fit;
        string model = rate.FitKind.IsLogCorrected ? $"log({rate.ErrorLabel} / log {rate.XLabel})" : $"log {rate.ErrorLabel}";
        w.WriteLine(string.Create(Invariant, $"Fit of {model} on log {rate.XLabel} (least squares on the rungs' log mean errors, variance from the replicas): slope **{fit.Slope:F3}**, standard error {fit.StandardError:F3}, {fit.Confidence * 100:F1}% interval [{fit.Lower:F3}, {fit.Upper:F3}] ({fit.DegreesOfFreedom:F1} degrees of freedom); Theil-Sen slope {fit.TheilSenSlope:F3}."));
        w.WriteLine();
        w.WriteLine(string.Create(Invariant, $"Theory: {Theory(c)}, tolerance `{rate.Tolerance.Name}` = {rate.Tolerance.Slope:G3} ({rate.Tolerance.Reason}). Verdict: **{VerdictText(c.Verdict)}**."));
        w.WriteLine();
        RenderSequential(w, rate.Sequential);
        if (rate.Rungs.Any(r => r.Control is not null))
        {
            w.WriteLine();
            var ratios = string.Join(", ", rate.Rungs.Select(r => r.Control is { } k ? k.Value.VarianceRatio.ToString("G2", Invariant) : "-"));
            w.WriteLine($"Control variate (see the parameters): each rung's mean is the adjusted replicas' mean, an estimate of the same expected error; the variance of the adjusted replicas over the raw ones, rung by rung: {ratios}.");
        }

        w.WriteLine();
        w.WriteLine($"![{c.Title}]({c.Id}.svg)");
        w.WriteLine();
        w.WriteLine(rate.ReferenceFloor is { } floor
            ? string.Create(Invariant, $"Reference error floor: {floor.Value:0.000e+00}.")
            : "Reference error floor: none (the errors are measured against samples of the exact law).");
    }

    private static void RenderSequential(TextWriter w, SequentialRecord s)
    {
        var last = s.Looks.Last();
        w.WriteLine(string.Create(Invariant, $"Replicas: {s.Replicas} per rung at look {s.Looks.Length} of a budget of {s.MaxReplicas}; stopped: {s.Stop.Name}. Design: {s.Method}."));
        if (s.Looks.Length < 2) return;
        w.WriteLine();
        w.WriteLine("| look | replicas per rung | confidence | slope | interval | verdict | seconds |");
        w.WriteLine("|---|---|---|---|---|---|---|");
        int number = 0;
        foreach (var look in s.Looks)
        {
            number++;
            w.WriteLine(string.Create(Invariant, $"| {number} | {look.Replicas} | {look.Confidence * 100:F2}% | {look.Slope:F3} | [{look.Lower:F3}, {look.Upper:F3}] | {look.Verdict.Name} | {look.Seconds:F1} |"));
        }
    }

    /// <summary>The replicas per rung a check used (at its last look), or "-" for a check without replicas.</summary>
    private static string ReplicasUsed(CheckResult c) => c.Measurement switch
    {
        Measurement.Rate rate => rate.Item.Sequential.Looks.Length > 1
            ? string.Create(Invariant, $"{rate.Item.Sequential.Replicas} ({rate.Item.Sequential.Looks.Length} looks)")
            : rate.Item.Sequential.Replicas.ToString(Invariant),
        _ => "-",
    };

    private static void RenderBounds(TextWriter w, CheckResult c)
    {
        w.WriteLine("| # | quantity | source | bound | largest measured / bound (t > 0) | measurement slack | holds at every t |");
        w.WriteLine("|---|---|---|---|---|---|---|");
        int number = 0;
        foreach (var s in c.BoundSeries)
        {
            number++;
            w.WriteLine(string.Create(Invariant, $"| {number} | {Cell(s.Quantity)} | {Cell(s.Source)} | {Cell(s.Formula)} | {s.MaxRatio:G6} | {(s.Slack == 0 ? "none" : s.Slack.ToString("G2", Invariant))} | {(s.Holds ? "yes" : "**no**")} |"));
        }

        w.WriteLine();
        w.WriteLine($"Verdict: **{VerdictText(c.Verdict)}**.");
        w.WriteLine();
        w.WriteLine($"![{c.Title}]({c.Id}.svg)");
        foreach (var s in c.BoundSeries)
        {
            w.WriteLine();
            w.WriteLine($"{s.Quantity} ({s.Source}):");
            w.WriteLine();
            w.WriteLine("| t | measured | bound | ratio |");
            w.WriteLine("|---|---|---|---|");
            for (int k = 0; k < s.Times.Length; k++)
            {
                double ratio = s.Bound[k] > 0 ? s.Measured[k] / s.Bound[k] : double.NaN;
                w.WriteLine(string.Create(Invariant, $"| {s.Times[k]:G4} | {s.Measured[k]:0.0000e+00} | {s.Bound[k]:0.0000e+00} | {ratio:G3} |"));
            }
        }
    }

    private static void RenderGrowth(TextWriter w, CheckResult c, GrowthMeasurement growth)
    {
        w.WriteLine("| t | from the check | prefactor tau(t) | 95% interval | tau(t) / tau(first t) |");
        w.WriteLine("|---|---|---|---|---|");
        double first = growth.Points.IsEmpty ? double.NaN : growth.Points.Head.Fit.LogPrefactor;
        foreach (var p in growth.Points)
        {
            w.WriteLine(string.Create(Invariant, $"| {p.Time:G4} | [{p.Source}](#{p.Source}) | {p.Fit.Prefactor:0.0000e+00} | [{Math.Exp(p.Fit.Lower):0.000e+00}, {Math.Exp(p.Fit.Upper):0.000e+00}] | {Math.Exp(p.Fit.LogPrefactor - first):G4} |"));
        }

        w.WriteLine();
        string rate = string.Create(Invariant, $"N^({growth.Theory:G4}){(growth.FitKind.IsLogCorrected ? " log N" : "")}");
        w.WriteLine(string.Create(Invariant, $"Each tau(t) is the mean of log(mean error / {rate}) over N = {string.Join(", ", growth.Xs.Select(x => x.ToString("G6", Invariant)))}, with its Student-t interval. Growth rate of log tau: {growth.GrowthRate:G3} per unit time; smallest C with e^{{e^{{Ct}}}} above every tau(t): {growth.DoubleExponentialC:G3}. Verdict: **{VerdictText(c.Verdict)}** (no verdict: the paper gives no C)."));
        w.WriteLine();
        w.WriteLine($"![{c.Title}]({c.Id}.svg)");
    }

    private static void RenderConvergence(TextWriter w, CheckResult c, ConvergenceMeasurement m)
    {
        foreach (var ladder in m.Grid is { } grid ? new[] { m.Time, grid.Value } : [m.Time])
        {
            w.WriteLine($"| {ladder.Variable} | error | local order | judged | seconds |");
            w.WriteLine("|---|---|---|---|---|");
            for (int k = 0; k < ladder.Xs.Length; k++)
            {
                string local = k == 0 || double.IsNaN(ladder.LocalOrders[k - 1]) ? "-" : ladder.LocalOrders[k - 1].ToString("F2", Invariant);
                string judged = ladder.Judged[k] ? "yes" : $"no (below {m.FloorFactor:G3} x floor)";
                w.WriteLine(string.Create(Invariant, $"| {ladder.Xs[k]:G6} | {ladder.Errors[k]:0.000e+00} | {local} | {judged} | {ladder.Seconds[k]:F2} |"));
            }

            w.WriteLine();
            string declared = ladder.Declared.Value is { } q ? string.Create(Invariant, $", declared {q.Value:G3} (tolerance `{ladder.Tolerance.Name}` = {ladder.Tolerance.Slope:G3})") : ladder.Declared.IsAdaptive ? ", the solver's own step control" : "";
            string what = ladder.Resolved is { } bound
                ? string.Create(Invariant, $"Resolved in {ladder.Variable}: error at most **{bound.Value:0.0e+00}**{declared}")
                : string.Create(Invariant, $"Order in {ladder.Variable}: **{ladder.Order:F2}**{declared}");
            w.WriteLine($"{what}: {VerdictText(ladder.Verdict)}: {ladder.Reason}.");
            w.WriteLine();
        }

        w.WriteLine(string.Create(Invariant, $"Reference error floor: {m.Floor:0.000e+00} ({m.FloorText}). Verdict: **{VerdictText(c.Verdict)}**."));
        w.WriteLine();
        if (!m.Margins.IsEmpty)
        {
            // What each term does to the exact trajectories: a solver that gets it 5% wrong is off by at least this much.
            w.WriteLine(string.Create(Invariant, $"| term of (P) | change of the trajectories under a 5% error in it | over the floor | smallest relative error ruled out by the bound {m.Bound:0.0e+00} | verified |"));
            w.WriteLine("|---|---|---|---|---|");
            foreach (var margin in m.Margins)
            {
                string verified = m.Unverified.Contains(margin) ? "no: under 100 x the judging threshold" : "yes";
                w.WriteLine(string.Create(Invariant, $"| {margin.Term.Description} | {margin.Effect:0.000e+00} | {margin.Effect / m.Floor:0.0e+00} | {100 * m.RuledOut(margin):G2}% | {verified} |"));
            }
            w.WriteLine();
        }

        w.WriteLine($"![{c.Title}]({c.Id}.svg)");
    }

    /// <summary>"order 1.98 in dt", or "resolved in h (error &lt;= 1.2e-09)" for a ladder that holds with a bound and no order.</summary>
    private static string LadderPhrase(OrderLadder ladder) => ladder.Resolved is { } bound
        ? string.Create(Invariant, $"resolved in {ladder.Variable} (error <= {bound.Value:0.0e+00})")
        : string.Create(Invariant, $"order {ladder.Order:F2} in {ladder.Variable}");

    /// <summary>Text for a table cell: a vertical bar (as in |v_i|) would end the cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>What a check measured in one phrase: the fitted slope and its interval, e.g. "-0.512 [-0.601, -0.423]", or the tightness of its bounds.</summary>
    public static string Measured(CheckResult c)
    {
        if (c.Measurement.IsNothing) return "not measured";
        if (c.Convergence is { } convergence)
        {
            var m = convergence.Value;
            if (m.Grid is not { } grid) return LadderPhrase(m.Time);
            // Two measured orders read "order 1.98 in dt, 4.77 in h".
            return m.Time.Resolved is null && grid.Value.Resolved is null
                ? string.Create(Invariant, $"order {m.Time.Order:F2} in dt, {grid.Value.Order:F2} in h")
                : $"{LadderPhrase(m.Time)}, {LadderPhrase(grid.Value)}";
        }

        if (c.Rate is { } rate) return string.Create(Invariant, $"{rate.Value.Fit.Slope:F3} [{rate.Value.Fit.Lower:F3}, {rate.Value.Fit.Upper:F3}]");
        if (c.Growth is { } growth)
        {
            var points = growth.Value.Points;
            if (points.Length < 2) return "fewer than two times";
            var (first, last) = (points.Head, points.Last());
            return string.Create(Invariant, $"tau(t) x{Math.Exp(last.Fit.LogPrefactor - first.Fit.LogPrefactor):G3} from t = {first.Time:G3} to {last.Time:G3}");
        }

        return string.Create(Invariant, $"measured / bound <= {c.BoundSeries.Max(s => s.MaxRatio):G3}");
    }

    /// <summary>"slope &lt;= -0.5" for a bound, "= -1" for a sharpness check, with "(log-corrected)" where it applies; "measured &lt;= bound at every t" for a bounds check; the double exponential for a growth check.</summary>
    public static string Theory(CheckResult c)
    {
        if (c.Measurement.IsNothing) return "-";
        if (c.Convergence is { } conv)
            return conv.Value.Time.Declared.Value is { } q ? string.Create(Invariant, $"order >= {q.Value:G3} in dt, no plateau")
                : conv.Value.Time.Declared.IsAdaptive ? "error resolved (adaptive steps)" : "no plateau (no declared order)";
        if (c.Growth is not null) return "tau(t) <= e^{e^{Ct}}, C not given";
        if (c.Rate is not { } option) return "measured <= bound at every t";
        var rate = option.Value;
        string relation = rate.Claim.IsAtMost ? "<=" : "=";
        string corrected = rate.FitKind.IsLogCorrected ? " (log-corrected)" : "";
        return string.Create(Invariant, $"slope {relation} {rate.Theory:G4}{corrected}");
    }

    public static string VerdictText(Verdict v) => v.ReplicasToResolve is { } r
        ? string.Create(Invariant, $"{v.Name} (about {r} replicas per rung would decide)")
        : v.Reason.Length > 0 ? $"{v.Name}: {v.Reason}" : v.Name;
}
