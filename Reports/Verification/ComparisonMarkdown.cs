using System.Globalization;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>Two runs side by side, check by check: verdicts, slopes and whether the change is a regression.</summary>
public static class ComparisonMarkdown
{
    public static void Render(TextWriter w, IEnumerable<ComparisonRow> rows, string before, string after, int headingLevel = 1)
    {
        var list = rows.ToList();
        w.WriteLine($"{new string('#', headingLevel)} Comparison: {before} -> {after}");
        w.WriteLine();
        int regressions = list.Count(r => r.Regressed);
        w.WriteLine(regressions == 0 ? "No regression." : $"**{regressions} regression(s).**");
        w.WriteLine();
        w.WriteLine("| check | verdict before | verdict after | measured before | measured after | change | theory | regression |");
        w.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in list)
        {
            var b = r.Before?.Value;
            var a = r.After?.Value;
            // Rate checks show slopes; bounds checks the largest measured / bound; growth checks nothing to compare.
            string Measured(CheckSummary? s) => s switch
            {
                null => "-",
                { Slope: { } slope } => string.Create(CultureInfo.InvariantCulture, $"{slope.Value.Slope:F3} [{slope.Value.Lower:F3}, {slope.Value.Upper:F3}]"),
                { MaxRatio: { } ratio } => string.Create(CultureInfo.InvariantCulture, $"ratio {ratio.Value:G3}"),
                _ => "-",
            };
            double? Value(CheckSummary? s) => s?.Slope?.Value.Slope ?? s?.MaxRatio?.Value;
            string change = Value(a) is { } va && Value(b) is { } vb ? string.Create(CultureInfo.InvariantCulture, $"{va - vb:+0.000;-0.000;0.000}") : "-";
            var any = a ?? b!;
            string theory = any.Slope is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"{(s.Value.Claim.IsAtMost ? "<=" : "=")} {s.Value.Theory:G4}")
                : any.MaxRatio is not null ? "ratio <= 1" : "none (informational)";
            string verdict = r.Regressed ? $"**yes**: {r.Reason}" : r.Reason.Length > 0 ? $"no ({r.Reason})" : "no";
            w.WriteLine($"| {r.Id} | {b?.Verdict ?? "-"} | {a?.Verdict ?? "-"} | {Measured(b)} | {Measured(a)} | {change} | {theory} | {verdict} |");
        }
    }
}
