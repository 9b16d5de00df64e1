using MeanField.Core.Particles;
using MeanField.Core.References;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using MeanField.Reports.Simulation;

namespace MeanField.Reports.References;

/// <summary>Plot models of the mean-field references (pure: data in, model out; <see cref="Output.Svg"/> writes them).</summary>
public static class ReferencePlots
{
    /// <summary>The d = 1 phase-space density f(t, x, v) of the grid solver, with a particle cloud over it.</summary>
    public static PlotModel PhaseSpace(VlasovGrid1D grid, ParticleState? cloud)
    {
        var model = new PlotModel { Title = $"Vlasov grid solution f(t, x, v), t = {grid.Time:G4}", Subtitle = cloud is null ? null : $"dots: {cloud.Count} cells of (P) at the same time{SimulationPlots.DrawnNote(cloud.Count)}" };
        int nx = grid.Grid.Points, nv = grid.VelocityCells;
        var values = grid.Values;
        double peak = 0;
        foreach (double f in values) peak = Math.Max(peak, f);
        // The window in x: nodes whose density exceeds 1e-4 of the largest, with two nodes of margin.
        int first = nx, last = 0;
        double densest = grid.SpatialDensity.ToArray().Max();
        for (int i = 0; i < nx; i++)
        {
            if (grid.SpatialDensity[i] <= 1e-4 * densest) continue;
            first = Math.Min(first, i);
            last = Math.Max(last, i);
        }

        if (first > last) (first, last) = (0, nx - 1);
        first = Math.Max(0, first - 2);
        last = Math.Min(nx - 1, last + 2);
        // The window in v: cells where f exceeds 1e-4 of its peak somewhere, with two cells of margin.
        int low = nv, high = 0;
        for (int k = 0; k < values.Length; k++)
        {
            if (values[k] <= 1e-4 * peak) continue;
            low = Math.Min(low, k % nv);
            high = Math.Max(high, k % nv);
        }

        if (low > high) (low, high) = (0, nv - 1);
        low = Math.Max(0, low - 2);
        high = Math.Min(nv - 1, high + 2);
        var data = new double[last - first + 1, high - low + 1];
        for (int i = first; i <= last; i++)
        for (int j = low; j <= high; j++) data[i - first, j - low] = values[i * nv + j];
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "x", TickStyle = TickStyle.Inside });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "v", TickStyle = TickStyle.Inside });
        model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Title = "f", Palette = OxyPalettes.Viridis(200), Minimum = 0, Maximum = peak, TickStyle = TickStyle.Inside });
        model.Series.Add(new HeatMapSeries
        {
            X0 = grid.Grid.NodeCoordinate(0, first),
            X1 = grid.Grid.NodeCoordinate(0, last),
            Y0 = grid.Velocity(low),
            Y1 = grid.Velocity(high),
            Data = data,
            Interpolate = true,
            RenderMethod = HeatMapRenderMethod.Bitmap,
        });
        if (cloud is not null)
        {
            model.Series.Add(SimulationPlots.Cells(cloud.Positions, cloud.Velocities, OxyColor.FromAColor(200, OxyColors.White)));
        }

        return model;
    }

    /// <summary>Density and velocity profiles of the monokinetic limit from the Lagrangian (dots) and the Eulerian (lines) solvers.</summary>
    public static PlotModel MonokineticProfiles(LagrangianReference lagrangian, PressurelessEuler1D euler)
    {
        var model = new PlotModel { Title = $"Monokinetic limit at t = {euler.Time:G4}: density and velocity", Subtitle = $"lines: finite volumes ({euler.Cells} cells); dots: Lagrangian labels ({lagrangian.Labels.Labels})" };
        model.Legends.Add(new Legend { LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.BottomCenter, LegendOrientation = LegendOrientation.Horizontal });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "x", TickStyle = TickStyle.Inside });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "mu", Key = "mu", TickStyle = TickStyle.Inside });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Right, Title = "u", Key = "u", TickStyle = TickStyle.Inside });
        var x = lagrangian.Simulation.State.Positions;
        var v = lagrangian.Simulation.State.Velocities;
        var density = new double[lagrangian.Labels.Labels];
        lagrangian.Densities(density);
        // The velocity of a nearly empty cell means little: drawn where mu exceeds 1e-3 of its peak.
        double visible = 1e-3 * euler.Density.ToArray().Max();
        double lo = x.Min(), hi = x.Max(), margin = 0.1 * (hi - lo);
        var muLine = new LineSeries { Title = "mu (Euler)", YAxisKey = "mu", Color = OxyColors.SteelBlue, StrokeThickness = 1.5 };
        var uLine = new LineSeries { Title = "u (Euler)", YAxisKey = "u", Color = OxyColors.Firebrick, StrokeThickness = 1.5 };
        for (int i = 0; i < euler.Cells; i++)
        {
            double c = euler.Centre(i);
            if (c < lo - margin || c > hi + margin) continue;
            muLine.Points.Add(new DataPoint(c, euler.Density[i]));
            if (euler.Density[i] > visible) uLine.Points.Add(new DataPoint(c, euler.Velocity(i)));
            else uLine.Points.Add(DataPoint.Undefined);
        }

        var muDots = new ScatterSeries { Title = "mu (labels)", YAxisKey = "mu", MarkerType = MarkerType.Circle, MarkerSize = 2, MarkerFill = OxyColors.Navy };
        var uDots = new ScatterSeries { Title = "u (labels)", YAxisKey = "u", MarkerType = MarkerType.Circle, MarkerSize = 2, MarkerFill = OxyColors.DarkRed };
        for (int j = 0; j < density.Length; j++)
        {
            muDots.Points.Add(new ScatterPoint(x[j], density[j]));
            uDots.Points.Add(new ScatterPoint(x[j], v[j]));
        }

        model.Series.Add(muLine);
        model.Series.Add(uLine);
        model.Series.Add(muDots);
        model.Series.Add(uDots);
        return model;
    }
}
