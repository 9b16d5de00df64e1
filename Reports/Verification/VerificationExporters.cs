using System.Text;
using MeanField.Reports.Output;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>One file of a verification report folder: its name and a pure render of it to a stream.</summary>
public sealed record Artifact(string FileName, Action<Stream> Write);

/// <summary>
/// One output of a result (a verification run, a power measurement): the files it has for it (Markdown,
/// JSON, a CSV, the plots), each a pure render; writing them into a folder is the caller's step
/// (<see cref="Exporters.WriteAll{T}"/>). An exporter that has nothing for a result (no bounds checks:
/// no <c>bounds.csv</c>) gives no artifact.
/// </summary>
public interface IExporter<in T>
{
    IEnumerable<Artifact> Artifacts(T result, RunInfo info);
}

/// <summary>Writing exporters' artifacts into a report folder.</summary>
public static class Exporters
{
    /// <summary>Writes every artifact of <paramref name="exporters"/> for <paramref name="result"/> into <paramref name="folder"/>.</summary>
    public static void WriteAll<T>(IEnumerable<IExporter<T>> exporters, T result, RunInfo info, AtomicDirectory folder)
    {
        ArgumentNullException.ThrowIfNull(exporters);
        ArgumentNullException.ThrowIfNull(folder);
        foreach (var exporter in exporters)
        {
            foreach (var artifact in exporter.Artifacts(result, info))
            {
                using var stream = File.Create(folder.PathOf(artifact.FileName));
                artifact.Write(stream);
            }
        }
    }

    /// <summary>Writes the one artifact of <paramref name="exporter"/> for <paramref name="result"/> to <paramref name="path"/>, atomically.</summary>
    public static void WriteSingle<T>(IExporter<T> exporter, T result, RunInfo info, string path)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        var artifact = exporter.Artifacts(result, info).Single();
        MeanField.Core.Files.AtomicFile.Write(path, artifact.Write);
    }

    /// <summary>An artifact rendered as UTF-8 text.</summary>
    internal static Action<Stream> Text(Action<TextWriter> render) => stream =>
    {
        using var w = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        render(w);
    };
}

/// <summary>
/// The JUnit XML file of a run (one test case per check), for CI systems that display test cases. Not in
/// the report folder: <c>verify --junit FILE</c> writes its one artifact where the user asks.
/// </summary>
public sealed class JUnitExporter : IExporter<RunResult>
{
    public static JUnitExporter Instance { get; } = new();

    private JUnitExporter() { }

    public IEnumerable<Artifact> Artifacts(RunResult result, RunInfo info)
    {
        yield return new Artifact("junit.xml", stream => VerificationJUnit.Build(result).Save(stream));
    }
}

/// <summary>The power measurement's outputs: the detection matrix as Markdown and as a page, and results.json.</summary>
public static class PowerExporters
{
    public static IReadOnlyList<IExporter<PowerResult>> All { get; } = [new PowerReport()];

    private sealed class PowerReport : IExporter<PowerResult>
    {
        public IEnumerable<Artifact> Artifacts(PowerResult result, RunInfo info)
        {
            yield return new Artifact("report.md", Exporters.Text(w => PowerMarkdown.Render(w, result, info)));
            yield return new Artifact("report.html", Exporters.Text(w =>
            {
                var markdown = new StringWriter();
                PowerMarkdown.Render(markdown, result, info);
                HtmlPage.Render(w, "Power of the verification suite", markdown.ToString(), new Dictionary<string, string>(), _ => null);
            }));
            yield return new Artifact("results.json", stream => PowerJson.Write(stream, result, info));
        }
    }
}

/// <summary>The report folder's exporters, in the order the files are written.</summary>
public static class VerificationExporters
{
    /// <summary>Every output of a report folder; <paramref name="comparison"/>, when given, is appended to report.md.</summary>
    public static IReadOnlyList<IExporter<RunResult>> All(IReadOnlyList<ComparisonRow>? comparison = null, string? baselineName = null) =>
    [
        new MarkdownExporter(comparison, baselineName),
        new HtmlExporter(comparison, baselineName),
        new JsonExporter(),
        new LatexExporter(),
        new CsvExporter("data.csv", _ => true, VerificationCsv.Write),
        new CsvExporter("bounds.csv", c => !c.BoundSeries.IsEmpty, VerificationCsv.WriteBounds),
        new CsvExporter("growth.csv", c => c.Growth is not null, VerificationCsv.WriteGrowth),
        new CsvExporter("convergence.csv", c => c.Convergence is not null, VerificationCsv.WriteConvergence),
        new CsvExporter("margins.csv", c => c.Convergence is { } m && !m.Value.Margins.IsEmpty, VerificationCsv.WriteMargins),
        new PlotExporter(),
    ];

    private sealed class MarkdownExporter(IReadOnlyList<ComparisonRow>? comparison, string? baselineName) : IExporter<RunResult>
    {
        public IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info)
        {
            yield return new Artifact("report.md", Exporters.Text(w => Render(w, run, info, comparison, baselineName)));
        }

        /// <summary>report.md: the run, then the comparison with the baseline when there is one.</summary>
        public static void Render(TextWriter w, RunResult run, RunInfo info, IReadOnlyList<ComparisonRow>? comparison, string? baselineName)
        {
            VerificationMarkdown.Render(w, run, info);
            if (comparison is null) return;
            w.WriteLine();
            ComparisonMarkdown.Render(w, comparison, $"baseline {baselineName}", "this run", headingLevel: 2);
        }
    }

    /// <summary>
    /// report.html: report.md as one self-contained page to send (the plots inline, nothing fetched), the
    /// summary first and each check folded under its verdict.
    /// </summary>
    private sealed class HtmlExporter(IReadOnlyList<ComparisonRow>? comparison, string? baselineName) : IExporter<RunResult>
    {
        public IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info)
        {
            yield return new Artifact("report.html", Exporters.Text(w =>
            {
                var markdown = new StringWriter();
                MarkdownExporter.Render(markdown, run, info, comparison, baselineName);
                var svgs = new Dictionary<string, string>();
                foreach (var c in run.Checks)
                {
                    if (VerificationPlots.Of(c) is { } plot) svgs[$"{c.Id}.svg"] = Svg.Element(plot, c.Id);
                }

                var verdicts = run.Checks.ToDictionary(c => c.Id, c => c.Verdict);
                HtmlPage.Render(w, $"Verification report: suite {run.Suite}", markdown.ToString(), svgs, id =>
                    verdicts.TryGetValue(id, out var v) ? new HtmlBadge(v.Name, HtmlPage.VerdictClass(v.Name)) : null);
            }));
        }
    }

    /// <summary>The summary as a booktabs table for a paper.</summary>
    private sealed class LatexExporter : IExporter<RunResult>
    {
        public IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info)
        {
            yield return new Artifact("summary.tex", Exporters.Text(w => VerificationLatex.Render(w, run, info)));
        }
    }

    private sealed class JsonExporter : IExporter<RunResult>
    {
        public IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info)
        {
            yield return new Artifact("results.json", stream => VerificationJson.Write(stream, run, info));
        }
    }

    /// <summary>A CSV of the checks that <paramref name="has"/> selects; none when no check has its kind of data.</summary>
    private sealed class CsvExporter(string fileName, Func<CheckResult, bool> has, Action<TextWriter, RunResult> render) : IExporter<RunResult>
    {
        public IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info)
        {
            if (run.Checks.Any(has)) yield return new Artifact(fileName, Exporters.Text(w => render(w, run)));
        }
    }

    /// <summary>One SVG per check that measured something.</summary>
    private sealed class PlotExporter : IExporter<RunResult>
    {
        public IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info)
        {
            foreach (var c in run.Checks)
            {
                if (VerificationPlots.Of(c) is { } plot) yield return new Artifact($"{c.Id}.svg", stream => Svg.Write(plot, stream));
            }
        }
    }
}
