using System.Globalization;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>
/// The harness measured on synthetic ladders as Markdown: the rate interval's coverage by spread and
/// replicas, and the sequential design's verdict rates against the fixed design's, each with its
/// Monte Carlo (binomial) standard error. A pure function to a <see cref="TextWriter"/>.
/// </summary>
public static class CalibrationMarkdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Render(TextWriter w, IEnumerable<CoverageRow> coverage, IEnumerable<SequentialRow> sequential, double seconds)
    {
        w.WriteLine("# Calibration of the rate interval and the sequential design");
        w.WriteLine();
        w.WriteLine("Synthetic ladders of 6 rungs (x = 100 .. 3200 doubling) with lognormal replicas of a known slope; ± is one Monte Carlo standard error.");
        w.WriteLine();
        w.WriteLine("## Coverage of the 95% slope interval (true slope -0.5)");
        w.WriteLine();
        w.WriteLine("| relative spread | replicas per rung | ladders | coverage |");
        w.WriteLine("|---|---|---|---|");
        foreach (var r in coverage)
            w.WriteLine(string.Create(Invariant, $"| {r.Spread:G2} | {r.Replicas} | {r.Trials} | {r.Coverage:F4} ± {r.MonteCarloError:F4} |"));
        w.WriteLine();
        w.WriteLine($"## Sequential verdicts ({LadderModule.sequentialMethod})");
        w.WriteLine();
        w.WriteLine("Relative spread 0.5, 4 replicas per rung doubling to 32; the fixed design draws 32 at once and judges at 95%.");
        w.WriteLine();
        w.WriteLine("| case | ladders | Holds | Violated | Inconclusive | mean replicas per rung | fixed design: Holds | fixed design: Violated |");
        w.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in sequential)
        {
            string Rate(double p) => string.Create(Invariant, $"{p:F4} ± {r.MonteCarloError.Invoke(p):F4}");
            w.WriteLine(string.Create(Invariant, $"| {r.Case} | {r.Trials} | {Rate(r.Holds)} | {Rate(r.Violated)} | {Rate(r.Inconclusive)} | {r.MeanReplicas:F1} of {r.FixedReplicas} | {Rate(r.FixedHolds)} | {Rate(r.FixedViolated)} |"));
        }

        w.WriteLine();
        w.WriteLine("On a boundary both Holds and Violated are wrong verdicts; each is bounded by alpha / 2 = 0.025.");
        w.WriteLine();
        w.WriteLine(string.Create(Invariant, $"Computed in {seconds:F1} s."));
    }
}
