using MeanField.Core.Chemistry;
using MeanField.Core.Particles;

namespace MeanField.Reports.Snapshots;

/// <summary>One format's particle snapshots of a run, written into a folder as the run goes.</summary>
public interface ISnapshotWriter : IDisposable
{
    /// <summary>The cells, and the chemical field with its gradient current, at <paramref name="time"/>.</summary>
    void Write(double time, ParticleState cells, ChemicalField field);

    /// <summary>Closes the series (the collection files of a time series are written here).</summary>
    void Finish();
}
