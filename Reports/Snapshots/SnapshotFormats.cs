namespace MeanField.Reports.Snapshots;

/// <summary>The formats particle snapshots are written in (<c>--format</c>); any combination.</summary>
[Flags]
public enum SnapshotFormats
{
    None = 0,

    /// <summary>One CSV of rows <c>t, i, x1.., v1..</c> (the solver protocol's particles.csv).</summary>
    Csv = 1,

    /// <summary>A VTK time series for ParaView: the cells as .vtp, the field as .vti, a .pvd for each (<see cref="VtkXml"/>).</summary>
    Vtk = 2,

    /// <summary>The CSV's rows in one Apache Parquet file, a row group per time (<see cref="ParquetSnapshotWriter"/>).</summary>
    Parquet = 4,
}

/// <summary>Parsing of <c>--format</c> values.</summary>
public static class SnapshotFormatNames
{
    /// <summary>The names <c>--format</c> takes, each with its format.</summary>
    public static readonly IReadOnlyList<(string Name, SnapshotFormats Format)> All = [("csv", SnapshotFormats.Csv), ("vtk", SnapshotFormats.Vtk), ("parquet", SnapshotFormats.Parquet)];

    /// <summary>Formats from names separated by commas (<c>csv,vtk</c>), or the reason they are refused.</summary>
    public static bool TryParse(IEnumerable<string> words, out SnapshotFormats formats, out string reason)
    {
        formats = SnapshotFormats.None;
        reason = "";
        foreach (string word in words.SelectMany(w => w.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var match = All.Where(f => f.Name.Equals(word, StringComparison.OrdinalIgnoreCase)).Select(f => f.Format).FirstOrDefault();
            if (match == SnapshotFormats.None)
            {
                reason = $"unknown format '{word}': expected {string.Join(", ", All.Select(f => f.Name))} (several separated by commas)";
                return false;
            }

            formats |= match;
        }

        if (formats != SnapshotFormats.None) return true;
        reason = "no format given";
        return false;
    }
}
