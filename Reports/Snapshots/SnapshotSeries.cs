using MeanField.Core.Chemistry;
using MeanField.Core.Particles;

namespace MeanField.Reports.Snapshots;

/// <summary>
/// The snapshots of a run: the output times the selection keeps, written in every format asked for.
/// The files go into the run's (staging) folder: <c>CSVNAME</c> for CSV, the same stem with <c>.parquet</c> for Parquet, <c>vtk/</c> for VTK.
/// </summary>
public sealed class SnapshotSeries : IDisposable
{
    private readonly ISnapshotWriter[] _writers;
    private readonly SnapshotSelection _selection;
    private int _index;

    /// <param name="folder">The run's folder.</param>
    /// <param name="csvName">The CSV file's name (<c>particles.csv</c>); the VTK cells' stem is <c>cells</c>.</param>
    public SnapshotSeries(string folder, string csvName, int dimension, SnapshotFormats formats, SnapshotSelection selection)
    {
        _selection = selection;
        var writers = new List<ISnapshotWriter>();
        if (selection != SnapshotSelection.None)
        {
            if (formats.HasFlag(SnapshotFormats.Csv)) writers.Add(new CsvSnapshotWriter(Path.Combine(folder, csvName), dimension));
            if (formats.HasFlag(SnapshotFormats.Parquet)) writers.Add(new ParquetSnapshotWriter(Path.Combine(folder, Path.ChangeExtension(csvName, ".parquet")), dimension));
            if (formats.HasFlag(SnapshotFormats.Vtk)) writers.Add(new VtkSnapshotWriter(Path.Combine(folder, "vtk"), "cells"));
        }

        _writers = [.. writers];
    }

    /// <summary>The next output time (they come in order, t = 0 first); written if the selection keeps it.</summary>
    public void Record(double time, bool isLast, ParticleState cells, ChemicalField field)
    {
        if (_selection.Includes(_index++, isLast))
        {
            foreach (var w in _writers) w.Write(time, cells, field);
        }
    }

    /// <summary>Closes every format's series.</summary>
    public void Finish()
    {
        foreach (var w in _writers) w.Finish();
    }

    public void Dispose()
    {
        foreach (var w in _writers) w.Dispose();
    }
}
