using MeanField.Core.Chemistry;
using MeanField.Core.Particles;
using MeanField.Reports.Simulation;

namespace MeanField.Reports.Snapshots;

/// <summary>Every snapshot as rows <c>t, i, x1.., v1..</c> of one CSV file (<see cref="SimulationCsv"/>).</summary>
public sealed class CsvSnapshotWriter : ISnapshotWriter
{
    private readonly StreamWriter _writer;

    public CsvSnapshotWriter(string path, int dimension)
    {
        _writer = new StreamWriter(path);
        SimulationCsv.WriteSnapshotHeader(_writer, dimension);
    }

    public void Write(double time, ParticleState cells, ChemicalField field) => SimulationCsv.WriteSnapshot(_writer, time, cells);

    public void Finish() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
