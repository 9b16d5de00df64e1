using System.CommandLine;
using System.CommandLine.Parsing;
using MeanField.Reports.Snapshots;

namespace MeanField.Host;

/// <summary>
/// <c>--format csv|parquet|vtk</c> (several separated by commas, or the option repeated) and
/// <c>--snapshots all|last|none|K</c>: what particle snapshots a run writes, shared by
/// <c>simulate</c> and <c>reference --method particles</c>.
/// </summary>
internal sealed class SnapshotOptions
{
    public Option<SnapshotFormats> Format { get; } = new("--format")
    {
        Description = "Snapshot formats: csv (one CSV, the default), parquet (the same columns in one Parquet file, for pandas and polars), vtk (a ParaView time series in vtk/: cells .vtp, field .vti, .pvd collections), or several as csv,vtk.",
        HelpName = "csv|parquet|vtk",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.OneOrMore,
        CustomParser = ParseFormats,
    };

    public Option<SnapshotSelection> Snapshots { get; } = new("--snapshots")
    {
        HelpName = "all|last|none|K",
        Description = "Which output times get a particle snapshot: all (default), last, none, or K (every K-th, the last included). The summary has every output time.",
        DefaultValueFactory = _ => SnapshotSelection.All,
        CustomParser = ParseSelection,
    };

    public IEnumerable<Option> All => [Format, Snapshots];

    /// <summary>The formats asked for: CSV when <c>--format</c> is not given.</summary>
    public SnapshotFormats FormatsOf(ParseResult parse) => parse.GetValue(Format) is var f and not SnapshotFormats.None ? f : SnapshotFormats.Csv;

    /// <summary>Whether either option was given on the command line.</summary>
    public bool Given(ParseResult parse) => parse.GetResult(Format) is { Implicit: false } || parse.GetResult(Snapshots) is { Implicit: false };

    private static SnapshotFormats ParseFormats(ArgumentResult result)
    {
        var words = result.Tokens.Select(t => t.Value).ToList();
        if (SnapshotFormatNames.TryParse(words, out var formats, out string reason)) return formats;
        result.AddError($"--format {string.Join(' ', words)}: {reason}");
        return SnapshotFormats.Csv;
    }

    private static SnapshotSelection ParseSelection(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (SnapshotSelection.TryParse(text, out var selection, out string reason)) return selection;
        result.AddError($"--snapshots {text}: {reason}");
        return SnapshotSelection.All;
    }
}
