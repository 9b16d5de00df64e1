using System.Globalization;
using MeanField.Core.Dynamics;
using MeanField.Core.Particles;

namespace MeanField.Reports.Simulation;

/// <summary>CSV renderings of a run: particle snapshots and the summary table (invariant culture, round-trip numbers).</summary>
public static class SimulationCsv
{
    public static void WriteSnapshotHeader(TextWriter w, int dimension)
    {
        w.Write("t,i");
        for (int a = 1; a <= dimension; a++) w.Write($",x{a}");
        for (int a = 1; a <= dimension; a++) w.Write($",v{a}");
        w.Write('\n');
    }

    /// <summary>One row per particle: t, i, x..., v....</summary>
    public static void WriteSnapshot(TextWriter w, double time, ParticleState state)
    {
        int n = state.Count, d = state.Dimension;
        string t = N(time);
        for (int i = 0; i < n; i++)
        {
            w.Write(t);
            w.Write(',');
            w.Write(i.ToString(CultureInfo.InvariantCulture));
            for (int a = 0; a < d; a++)
            {
                w.Write(',');
                w.Write(N(state.Positions[a * n + i]));
            }

            for (int a = 0; a < d; a++)
            {
                w.Write(',');
                w.Write(N(state.Velocities[a * n + i]));
            }

            w.Write('\n');
        }
    }

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
