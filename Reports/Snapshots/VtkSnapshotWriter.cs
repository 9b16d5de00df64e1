using System.Globalization;
using MeanField.Core.Chemistry;
using MeanField.Core.Particles;

namespace MeanField.Reports.Snapshots;

/// <summary>
/// A VTK time series in a folder of its own: <c>NAME-0000.vtp</c> (the cells) and <c>field-0000.vti</c>
/// (phi and grad phi) per snapshot, numbered in order, and <c>NAME.pvd</c> and <c>field.pvd</c> over
/// the times, which ParaView opens as time series.
/// </summary>
public sealed class VtkSnapshotWriter : ISnapshotWriter
{
    private readonly string _folder;
    private readonly string _name;
    private readonly List<(double Time, string File)> _cells = [];
    private readonly List<(double Time, string File)> _fields = [];
    private double[] _phi = [];

    /// <param name="folder">Created if missing.</param>
    /// <param name="name">The cells' file stem (<c>cells</c>).</param>
    public VtkSnapshotWriter(string folder, string name)
    {
        _folder = folder;
        _name = name;
        Directory.CreateDirectory(folder);
    }

    public void Write(double time, ParticleState cells, ChemicalField field)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(field);
        string index = _cells.Count.ToString("D4", CultureInfo.InvariantCulture);
        string cellsFile = $"{_name}-{index}.vtp", fieldFile = $"field-{index}.vti";
        using (var w = new StreamWriter(Path.Combine(_folder, cellsFile)))
        {
            VtkXml.WritePolyData(w, cells);
        }

        if (_phi.Length != field.Grid.NodeCount) _phi = new double[field.Grid.NodeCount];
        field.GetNodalValues(_phi);
        using (var w = new StreamWriter(Path.Combine(_folder, fieldFile)))
        {
            VtkXml.WriteImageData(w, field.Grid, _phi, field.Gradient);
        }

        _cells.Add((time, cellsFile));
        _fields.Add((time, fieldFile));
    }

    public void Finish()
    {
        foreach (var (stem, series) in new[] { (_name, _cells), ("field", _fields) })
        {
            using var w = new StreamWriter(Path.Combine(_folder, stem + ".pvd"));
            VtkXml.WriteCollection(w, series);
        }
    }

    public void Dispose()
    {
    }
}
