using System.Globalization;
using MeanField.Core.References;

namespace MeanField.Reports.References;

/// <summary>CSV renderings of the mean-field references (invariant culture, round-trip numbers).</summary>
public static class ReferenceCsv
{
    public const string GridHeader = "t,x,v,f\n";

    /// <summary>The grid density: one row per (node, velocity cell), v at the cell centre.</summary>
    public static void WriteGrid(TextWriter w, VlasovGrid1D grid)
    {
        string t = N(grid.Time);
        int nv = grid.VelocityCells;
        var values = grid.Values;
        for (int i = 0; i < grid.Grid.Points; i++)
        {
            string x = N(grid.Grid.NodeCoordinate(0, i));
            for (int j = 0; j < nv; j++) w.Write($"{t},{x},{N(grid.Velocity(j))},{N(values[i * nv + j])}\n");
        }
    }

    public const string MomentsHeader = "t,x,n,m\n";

    /// <summary>The grid solver's density and momentum density in x.</summary>
    public static void WriteMoments(TextWriter w, VlasovGrid1D grid)
    {
        string t = N(grid.Time);
        for (int i = 0; i < grid.Grid.Points; i++)
            w.Write($"{t},{N(grid.Grid.NodeCoordinate(0, i))},{N(grid.SpatialDensity[i])},{N(grid.MomentumDensity[i])}\n");
    }

    public static string LabelsHeader(int dimension) => dimension == 1
        ? "t,y1,x1,v1,mass,density,jacobian\n"
        : "t,y1,y2,x1,x2,v1,v2,mass,density,jacobian\n";

    /// <summary>The Lagrangian labels: label y, position, velocity, mass, density mu(t, x) and det(dx/dy).</summary>
    public static void WriteLabels(TextWriter w, LagrangianReference reference)
    {
        var q = reference.Labels;
        var state = reference.Simulation.State;
        int n = q.Labels, d = q.Dimension;
        var density = new double[n];
        reference.Densities(density);
        string t = N(reference.Time);
        for (int j = 0; j < n; j++)
        {
            w.Write(t);
            for (int a = 0; a < d; a++) w.Write("," + N(q.Initial[a * n + j]));
            for (int a = 0; a < d; a++) w.Write("," + N(state.Positions[a * n + j]));
            for (int a = 0; a < d; a++) w.Write("," + N(state.Velocities[a * n + j]));
            w.Write($",{N(q.Masses[j])},{N(density[j])},{N(reference.Jacobians[j])}\n");
        }
    }

    public const string EulerHeader = "t,x,mu,u\n";

    /// <summary>The finite-volume cells: centre, mean density and velocity.</summary>
    public static void WriteEuler(TextWriter w, PressurelessEuler1D euler)
    {
        string t = N(euler.Time);
        for (int i = 0; i < euler.Cells; i++) w.Write($"{t},{N(euler.Centre(i))},{N(euler.Density[i])},{N(euler.Velocity(i))}\n");
    }

    private static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
