using MeanField.Core.Chemistry;
using MeanField.Core.Dynamics;
using MeanField.Core.Particles;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace MeanField.Reports.Simulation;

/// <summary>Plot models of a run (pure: data in, model out; <see cref="Output.Svg"/> writes them).</summary>
public static class SimulationPlots
{
    /// <summary>
    /// The final state: in d = 2 the cells over the chemical field; in d = 1 the x-v phase plane;
    /// in d = 3 the cells projected on the (x1, x2) plane.
    /// </summary>
    public static PlotModel FinalState(double time, ParticleState state, PeriodicGrid grid, double[] field)
    {
        var model = new PlotModel { Title = $"Final state, t = {time:G4}, N = {state.Count}" };
        int n = state.Count;
        if (state.Dimension == 1)
        {
            model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "x" });
            model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "v" });
            var cells = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 1.5, MarkerFill = OxyColor.FromAColor(160, OxyColors.SteelBlue) };
            for (int i = 0; i < n; i++) cells.Points.Add(new ScatterPoint(state.Positions[i], state.Velocities[i]));
            model.Series.Add(cells);
            return model;
        }

        var (lo, hi) = Window(state, grid);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "x1", Minimum = lo[0], Maximum = hi[0] });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "x2", Minimum = lo[1], Maximum = hi[1] });
        if (state.Dimension == 2)
        {
            model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Title = "phi", Palette = OxyPalettes.Viridis(200) });
            int i0 = Index(grid, 0, lo[0]), i1 = Index(grid, 0, hi[0]);
            int j0 = Index(grid, 1, lo[1]), j1 = Index(grid, 1, hi[1]);
            var data = new double[i1 - i0 + 1, j1 - j0 + 1];
            for (int i = i0; i <= i1; i++)
            {
                for (int j = j0; j <= j1; j++) data[i - i0, j - j0] = field[grid.Wrap(i) * grid.Strides[0] + grid.Wrap(j)];
            }

            model.Series.Add(new HeatMapSeries
            {
                X0 = grid.NodeCoordinate(0, i0),
                X1 = grid.NodeCoordinate(0, i1),
                Y0 = grid.NodeCoordinate(1, j0),
                Y1 = grid.NodeCoordinate(1, j1),
                Data = data,
                Interpolate = true,
                RenderMethod = HeatMapRenderMethod.Bitmap,
            });
        }

        var points = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 1.2, MarkerFill = OxyColor.FromAColor(180, OxyColors.White), MarkerStroke = OxyColors.Black, MarkerStrokeThickness = 0.2 };
        for (int i = 0; i < n; i++) points.Points.Add(new ScatterPoint(state.Positions[i], state.Positions[n + i]));
        model.Series.Add(points);
        return model;
    }

    /// <summary>Velocity spread about the mean against time (log scale when it spans decades).</summary>
    public static PlotModel VelocitySpread(IReadOnlyList<Summary> rows)
    {
        var model = new PlotModel { Title = "Velocity spread about the mean" };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.TopRight });
        double min = rows.Select(r => r.VelocitySpread).Where(s => s > 0).DefaultIfEmpty(1).Min();
        double max = rows.Select(r => r.VelocitySpread).DefaultIfEmpty(1).Max();
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "t" });
        model.Axes.Add(max > 100 * min
            ? new LogarithmicAxis { Position = AxisPosition.Left, Title = "spread" }
            : new LinearAxis { Position = AxisPosition.Left, Title = "spread", Minimum = 0 });
        var line = new LineSeries { Title = "sqrt(mean |v - mean v|^2)", MarkerType = MarkerType.Circle, MarkerSize = 2 };
        foreach (var r in rows) line.Points.Add(new DataPoint(r.Time, r.VelocitySpread));
        model.Series.Add(line);
        return model;
    }

    /// <summary>A square window around the cells, padded, inside the box.</summary>
    private static (double[] Lo, double[] Hi) Window(ParticleState state, PeriodicGrid grid)
    {
        var lo = new double[2];
        var hi = new double[2];
        double half = 0;
        var mid = new double[2];
        for (int a = 0; a < 2; a++)
        {
            var x = state.X(a);
            double mn = double.MaxValue, mx = double.MinValue;
            foreach (double v in x)
            {
                mn = Math.Min(mn, v);
                mx = Math.Max(mx, v);
            }

            mid[a] = (mn + mx) / 2;
            half = Math.Max(half, (mx - mn) / 2);
        }

        half = half * 1.3 + 2 * grid.Spacing;
        for (int a = 0; a < 2; a++)
        {
            lo[a] = Math.Max(grid.Origin[a], mid[a] - half);
            hi[a] = Math.Min(grid.Origin[a] + grid.Box - grid.Spacing, mid[a] + half);
        }

        return (lo, hi);
    }

    private static int Index(PeriodicGrid grid, int a, double x) =>
        Math.Clamp((int)Math.Round((x - grid.Origin[a]) / grid.Spacing), 0, grid.Points - 1);
}
