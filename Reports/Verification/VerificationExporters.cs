using System.Text;
using MeanField.Reports.Output;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>One file of a verification report folder: its name and a pure render of it to a stream.</summary>
public sealed record Artifact(string FileName, Action<Stream> Write);

/// <summary>
/// One output of a verification run (Markdown, JSON, a CSV, the plots): the files it has for the run, each
/// a pure render; writing them into a folder is the caller's step. An exporter that has nothing for a run
/// (no bounds checks: no <c>bounds.csv</c>) gives no artifact.
/// </summary>
public interface IVerificationExporter
{
    IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info);
}

/// <summary>The report folder's exporters, in the order the files are written.</summary>
public static class VerificationExporters
{
    /// <summary>Every output of a report folder; <paramref name="comparison"/>, when given, is appended to report.md.</summary>
    public static IReadOnlyList<IVerificationExporter> All(IReadOnlyList<ComparisonRow>? comparison = null, string? baselineName = null) =>
    [
        new MarkdownExporter(comparison, baselineName),
        new JsonExporter(),
        new CsvExporter("data.csv", _ => true, VerificationCsv.Write),
        new CsvExporter("bounds.csv", c => !c.BoundSeries.IsEmpty, VerificationCsv.WriteBounds),
        new CsvExporter("growth.csv", c => c.Growth is not null, VerificationCsv.WriteGrowth),
        new CsvExporter("convergence.csv", c => c.Convergence is not null, VerificationCsv.WriteConvergence),
        new PlotExporter(),
    ];

    /// <summary>Writes every artifact of <paramref name="exporters"/> into <paramref name="folder"/>.</summary>
    public static void WriteAll(IEnumerable<IVerificationExporter> exporters, RunResult run, RunInfo info, AtomicDirectory folder)
    {
        ArgumentNullException.ThrowIfNull(exporters);
        ArgumentNullException.ThrowIfNull(folder);
        foreach (var exporter in exporters)
        {
            foreach (var artifact in exporter.Artifacts(run, info))
            {
                using var stream = File.Create(folder.PathOf(artifact.FileName));
                artifact.Write(stream);
            }
        }
    }

    private static Action<Stream> Text(Action<TextWriter> render) => stream =>
    {
        using var w = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        render(w);
    };

    private sealed class MarkdownExporter(IReadOnlyList<ComparisonRow>? comparison, string? baselineName) : IVerificationExporter
    {
        public IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info)
        {
            yield return new Artifact("report.md", Text(w =>
            {
                VerificationMarkdown.Render(w, run, info);
                if (comparison is null) return;
                w.WriteLine();
                ComparisonMarkdown.Render(w, comparison, $"baseline {baselineName}", "this run", headingLevel: 2);
            }));
        }
    }

    private sealed class JsonExporter : IVerificationExporter
    {
        public IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info)
        {
            yield return new Artifact("results.json", stream => VerificationJson.Write(stream, run, info));
        }
    }

    /// <summary>A CSV of the checks that <paramref name="has"/> selects; none when no check has its kind of data.</summary>
    private sealed class CsvExporter(string fileName, Func<CheckResult, bool> has, Action<TextWriter, RunResult> render) : IVerificationExporter
    {
        public IEnumerable<Artifact> Artifacts(RunResult run, RunInfo info)
        {
            if (run.Checks.Any(has)) yield return new Artifact(fileName, Text(w => render(w, run)));
        }
    }

    /// <summary>One SVG per check that measured something.</summary>
    private sealed class PlotExporter : IVerificationExporter
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
