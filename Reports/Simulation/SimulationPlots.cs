using MeanField.Core.Chemistry;
using MeanField.Core.Dynamics;
using MeanField.Core.Particles;
using OxyPlot;
using OxyPlot.Axes;
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
        var model = NewModel($"Final state, t = {time:G4}, N = {state.Count}{DrawnNote(state.Count)}");
        int n = state.Count;
        if (state.Dimension == 1)
        {
            model.Axes.Add(Axis(AxisPosition.Bottom, "x"));
            model.Axes.Add(Axis(AxisPosition.Left, "v"));
            model.Series.Add(Cells(state.Positions.AsSpan(0, n), state.Velocities.AsSpan(0, n), OxyColor.FromAColor(160, OxyColors.SteelBlue)));
            return model;
        }

        var (lo, hi) = Window(state, grid);
        var xAxis = Axis(AxisPosition.Bottom, "x1");
        xAxis.Minimum = lo[0];
        xAxis.Maximum = hi[0];
        var yAxis = Axis(AxisPosition.Left, "x2");
        yAxis.Minimum = lo[1];
        yAxis.Maximum = hi[1];
        model.Axes.Add(xAxis);
        model.Axes.Add(yAxis);
        if (state.Dimension == 2)
        {
            model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Title = "phi", Palette = OxyPalettes.Viridis(200), TickStyle = TickStyle.Inside });
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

        model.Series.Add(Cells(state.Positions.AsSpan(0, n), state.Positions.AsSpan(n, n), state.Dimension == 2 ? OxyColor.FromAColor(200, OxyColors.White) : OxyColor.FromAColor(160, OxyColors.SteelBlue)));
        return model;
    }

    /// <summary>Velocity spread about the mean against time (log scale when it spans decades).</summary>
    public static PlotModel VelocitySpread(IReadOnlyList<Summary> rows)
    {
        var model = NewModel("Velocity spread sqrt(mean |v - mean v|^2)");
        double min = rows.Select(r => r.VelocitySpread).Where(s => s > 0).DefaultIfEmpty(1).Min();
        double max = rows.Select(r => r.VelocitySpread).DefaultIfEmpty(1).Max();
        model.Axes.Add(Axis(AxisPosition.Bottom, "t"));
        if (max > 100 * min)
        {
            model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = "spread", TickStyle = TickStyle.Inside });
        }
        else
        {
            var axis = Axis(AxisPosition.Left, "spread");
            axis.Minimum = 0;
            model.Axes.Add(axis);
        }

        var line = new LineSeries { MarkerType = MarkerType.Circle, MarkerSize = 2, Color = OxyColors.SteelBlue };
        foreach (var r in rows) line.Points.Add(new DataPoint(r.Time, r.VelocitySpread));
        model.Series.Add(line);
        return model;
    }

    private static PlotModel NewModel(string title) =>
        new() { Title = title, TitleFontSize = 14, Padding = new OxyThickness(8, 16, 16, 8) };

    /// <summary>A linear axis with ticks inside the plot area, so no renderer's font metrics make them cross the labels.</summary>
    private static LinearAxis Axis(AxisPosition position, string title) =>
        new() { Position = position, Title = title, TickStyle = TickStyle.Inside };

    /// <summary>
    /// Most cells a picture draws: the cells are i.i.d., so the first ones are a uniform subsample, and a
    /// picture of a million markers is hundreds of megabytes that no viewer opens.
    /// </summary>
    public const int MaxCellsDrawn = 20_000;

    /// <summary>" (the first k drawn)" when a cloud is larger than <see cref="MaxCellsDrawn"/>.</summary>
    internal static string DrawnNote(int count) => count > MaxCellsDrawn ? $" (the first {MaxCellsDrawn} drawn)" : "";

    /// <summary>Cells as markers only (a line series with no line: unlike a scatter series it ignores the colour axis); at most <see cref="MaxCellsDrawn"/>.</summary>
    internal static LineSeries Cells(ReadOnlySpan<double> x, ReadOnlySpan<double> y, OxyColor fill)
    {
        var series = new LineSeries { LineStyle = LineStyle.None, MarkerType = MarkerType.Circle, MarkerSize = 1.4, MarkerFill = fill, MarkerStroke = OxyColors.Black, MarkerStrokeThickness = 0.25 };
        for (int i = 0; i < Math.Min(x.Length, MaxCellsDrawn); i++) series.Points.Add(new DataPoint(x[i], y[i]));
        return series;
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
