using System.Globalization;
using MeanField.Core.Dynamics;
using MeanField.Core.Particles;
using MeanField.Core.Solvers;

namespace MeanField.Reports.Simulation;

/// <summary>CSV renderings of a run: particle snapshots and the summary table (invariant culture, round-trip numbers).</summary>
public static class SimulationCsv
{
    public static void WriteSnapshotHeader(TextWriter w, int dimension)
    {
        w.Write(CellsCsv.SnapshotHeader(dimension));
        w.Write('\n');
    }

    /// <summary>One row per particle: t, i, x..., v... (the solver protocol's particles.csv).</summary>
    public static void WriteSnapshot(TextWriter w, double time, ParticleState state) => CellsCsv.WriteSnapshot(w, time, state);

    public static void WriteSummary(TextWriter w, IReadOnlyList<Summary> rows)
    {
        int d = rows.Count == 0 ? 0 : rows[0].MeanVelocity.Length;
        w.Write("t");
        for (int a = 1; a <= d; a++) w.Write($",mean_v{a}");
        w.Write(",velocity_spread,max_speed,position_radius,velocity_radius,field_mass,max_grad_phi\n");
        foreach (var r in rows)
        {
            w.Write(N(r.Time));
            foreach (double m in r.MeanVelocity) w.Write("," + N(m));
            w.Write($",{N(r.VelocitySpread)},{N(r.MaxSpeed)},{N(r.PositionRadius)},{N(r.VelocityRadius)},{N(r.FieldMass)},{N(r.MaxFieldGradient)}\n");
        }
    }

    private static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
