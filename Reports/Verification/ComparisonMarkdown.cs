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
        w.WriteLine("| check | verdict before | verdict after | slope before | slope after | change | theory | regression |");
        w.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in list)
        {
            var b = r.Before?.Value;
            var a = r.After?.Value;
            string Slope(CheckSummary? s) => s is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{s.Slope:F3} [{s.Lower:F3}, {s.Upper:F3}]");
            string change = a is not null && b is not null ? string.Create(CultureInfo.InvariantCulture, $"{a.Slope - b.Slope:+0.000;-0.000;0.000}") : "-";
            var any = a ?? b!;
            string theory = string.Create(CultureInfo.InvariantCulture, $"{(any.Claim.IsAtMost ? "<=" : "=")} {any.Theory:G4}");
            string verdict = r.Regressed ? $"**yes**: {r.Reason}" : r.Reason.Length > 0 ? $"no ({r.Reason})" : "no";
            w.WriteLine($"| {r.Id} | {b?.Verdict ?? "-"} | {a?.Verdict ?? "-"} | {Slope(b)} | {Slope(a)} | {change} | {theory} | {verdict} |");
        }
    }
}
