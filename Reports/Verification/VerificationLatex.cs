using System.Globalization;
using System.Text;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>
/// The summary of a verification run as a LaTeX table for a paper (<c>summary.tex</c>): a row per check
/// with its source, what it measured, the theory and the verdict, in booktabs rules. The caption names
/// the solver, the suite, the root seed and the tool; <c>\usepackage{booktabs}</c> is all it needs. Text
/// is escaped for LaTeX, and the report's ASCII relations (&lt;=, &gt;=) become math symbols.
/// </summary>
public static class VerificationLatex
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Render(TextWriter w, RunResult run, RunInfo info)
    {
        w.WriteLine(string.Create(Invariant, $"% meanfield verify, suite {run.Suite}, root seed {run.Seed}, configuration {run.ConfigurationHash}; meanfield {info.ToolVersion}, commit {info.Commit}."));
        w.WriteLine("% Needs \\usepackage{booktabs}.");
        w.WriteLine("\\begin{table}");
        w.WriteLine("  \\centering");
        w.WriteLine(string.Create(Invariant, $"  \\caption{{Verification of the solver {Escape(run.Solver.Name)}{(run.Solver.Version is { } version ? $" (version {Escape(version)})" : "")} by meanfield {Escape(info.ToolVersion)}: suite {Escape(run.Suite)}, root seed {run.Seed}, configuration {Escape(run.ConfigurationHash)}.}}"));
        w.WriteLine(string.Create(Invariant, $"  \\label{{tab:verification-{Label(run.Suite)}}}"));
        w.WriteLine("  \\small");
        w.WriteLine("  \\begin{tabular}{lllll}");
        w.WriteLine("    \\toprule");
        w.WriteLine("    Check & Source & Measured & Theory & Verdict \\\\");
        w.WriteLine("    \\midrule");
        foreach (var c in run.Checks)
        {
            w.WriteLine($"    {Escape(c.Title)} & {Escape(c.Source)} & {Escape(VerificationMarkdown.Measured(c))} & {Escape(VerificationMarkdown.Theory(c))} & {Escape(c.Verdict.Name)} \\\\");
        }

        w.WriteLine("    \\bottomrule");
        w.WriteLine("  \\end{tabular}");
        w.WriteLine("\\end{table}");
    }

    /// <summary>Text set in LaTeX as written: its special characters escaped, &lt;= and &gt;= as relations.</summary>
    public static string Escape(string text)
    {
        var b = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool equalsNext = i + 1 < text.Length && text[i + 1] == '=';
            switch (c)
            {
                case '<' when equalsNext: b.Append("$\\leq$"); i++; break;
                case '>' when equalsNext: b.Append("$\\geq$"); i++; break;
                case '<': b.Append("$<$"); break;
                case '>': b.Append("$>$"); break;
                case '\\': b.Append("\\textbackslash{}"); break;
                case '^': b.Append("\\textasciicircum{}"); break;
                case '~': b.Append("\\textasciitilde{}"); break;
                case '|': b.Append("\\textbar{}"); break;
                case '&' or '%' or '$' or '#' or '_' or '{' or '}': b.Append('\\').Append(c); break;
                default: b.Append(c); break;
            }
        }

        return b.ToString();
    }

    /// <summary>A label's suffix: letters, digits and hyphens only.</summary>
    private static string Label(string text) => new([.. text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
}
