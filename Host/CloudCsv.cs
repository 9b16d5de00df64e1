using System.Globalization;
using MeanField.Core.Transport;

namespace MeanField.Host;

/// <summary>A point cloud could not be read: names the file, the line and the value.</summary>
public sealed class CloudFormatException(string message) : Exception(message);

/// <summary>
/// Reads a point cloud from CSV: one point per row, D numeric columns (with weights, a last column of
/// non-negative weights); an optional header row; lines starting with '#' and blank lines ignored.
/// </summary>
public static class CloudCsv
{
    public static PointCloud Read(string path, bool weighted)
    {
        if (!File.Exists(path)) throw new CloudFormatException($"{path}: no such file");
        var coordinates = new List<double>();
        var weights = new List<double>();
        int columns = -1, lineNumber = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] cells = line.Split(',');
            var values = new double[cells.Length];
            bool numeric = true;
            for (int c = 0; c < cells.Length && numeric; c++)
            {
                numeric = double.TryParse(cells[c].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[c]);
            }

            if (!numeric)
            {
                if (columns < 0 && coordinates.Count == 0) { columns = cells.Length; continue; } // the header row
                string bad = cells.First(c => !double.TryParse(c.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                throw new CloudFormatException($"{path}, line {lineNumber}: '{bad.Trim()}' is not a number");
            }

            if (columns < 0) columns = cells.Length;
            if (cells.Length != columns)
                throw new CloudFormatException($"{path}, line {lineNumber}: {cells.Length} columns where earlier rows have {columns}");
            for (int c = 0; c < cells.Length; c++)
            {
                if (!double.IsFinite(values[c]))
                    throw new CloudFormatException($"{path}, line {lineNumber}, column {c + 1}: {cells[c].Trim()} is not finite");
            }

            int d = weighted ? cells.Length - 1 : cells.Length;
            for (int c = 0; c < d; c++) coordinates.Add(values[c]);
            if (weighted)
            {
                if (values[^1] < 0) throw new CloudFormatException($"{path}, line {lineNumber}: weight {cells[^1].Trim()} is negative");
                weights.Add(values[^1]);
            }
        }

        if (coordinates.Count == 0) throw new CloudFormatException($"{path}: the cloud is empty (no data rows)");
        int dimension = weighted ? columns - 1 : columns;
        if (dimension < 1) throw new CloudFormatException($"{path}: with --weights each row needs at least one coordinate before the weight");
        try
        {
            return new PointCloud(dimension, coordinates.ToArray(), weighted ? weights.ToArray() : null);
        }
        catch (ArgumentException e)
        {
            throw new CloudFormatException($"{path}: {e.Message}");
        }
    }
}
