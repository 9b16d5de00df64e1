using System.Globalization;
using MeanField.Verification;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace MeanField.Reports.Verification;

/// <summary>
/// Plots of a check: for a rate, log-log with the replica means and error bars, the fit, and the theory
/// line through the fit's centre; for bounds, each quantity's measured / bound against t, with 1 marked;
/// for a growth check, the prefactor against t with its interval and the double exponential.
/// </summary>
public static class VerificationPlots
{
    /// <summary>The check's plot, or null when it measured nothing (Error, Not applicable).</summary>
    public static PlotModel? Of(CheckResult c) => c.Measurement switch
    {
        Measurement.Rate rate => Rate(c, rate.Item),
        Measurement.Growth growth => Growth(c, growth.Item),
        Measurement.Bounds => Bounds(c),
        Measurement.Convergence convergence => Convergence(c, convergence.Item),
        var m when m.IsNothing => null,
        _ => throw new InvalidOperationException($"check {c.Id}: no plot for the measurement {c.Measurement}"),
    };

    /// <summary>A white plot with the report's title and one-line subtitle (in place of a legend).</summary>
    private static PlotModel Titled(string title, string subtitle) => new()
    {
        Title = title,
        Subtitle = subtitle,
        Background = OxyColors.White,
        Padding = new OxyThickness(8, 16, 16, 8),
        TitleFontSize = 15,
        SubtitleFontSize = 11,
    };

    /// <summary>
    /// Each ladder's error against its step relative to the coarsest (log-log): the rungs the order was
    /// judged on filled, those at the reference's floor hollow; and the floor's factor line.
    /// </summary>
    public static PlotModel Convergence(CheckResult c, ConvergenceMeasurement m)
    {
        var model = Titled(c.Title, string.Create(CultureInfo.InvariantCulture, $"blue: error against dt / dt0; green: against h / h0; filled: judged rungs, hollow: at the floor, not judged; dashed: {m.FloorFactor:G3} x the reference's floor"));
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Bottom, Title = "step / coarsest step", MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = "max trajectory error", MajorGridlineStyle = LineStyle.Dot });
        void Add(OrderLadder ladder, OxyColor color)
        {
            var line = new LineSeries { Color = color, Title = ladder.Variable };
            var judged = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerFill = color, MarkerSize = 4, Title = $"{ladder.Variable}, judged" };
            var floor = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerFill = OxyColors.White, MarkerStroke = color, MarkerStrokeThickness = 1.5, MarkerSize = 4, Title = $"{ladder.Variable}, at the floor" };
            for (int k = 0; k < ladder.Xs.Length; k++)
            {
                if (!(ladder.Errors[k] > 0)) continue;
                double x = ladder.Xs[k] / ladder.Xs[0];
                line.Points.Add(new DataPoint(x, ladder.Errors[k]));
                (ladder.Judged[k] ? judged : floor).Points.Add(new ScatterPoint(x, ladder.Errors[k]));
            }

            model.Series.Add(line);
            model.Series.Add(judged);
            if (floor.Points.Count > 0) model.Series.Add(floor);
        }

        Add(m.Time, OxyColors.SteelBlue);
        if (m.Grid is { } grid) Add(grid.Value, OxyColors.SeaGreen);
        double threshold = m.FloorFactor * m.Floor;
        if (threshold > 0)
        {
            double smallest = Math.Min(m.Time.Xs[^1] / m.Time.Xs[0], m.Grid is { } g ? g.Value.Xs[^1] / g.Value.Xs[0] : 1);
            var floor = new LineSeries { Color = OxyColors.Gray, LineStyle = LineStyle.Dash, Title = "floor" };
            floor.Points.Add(new DataPoint(smallest, threshold));
            floor.Points.Add(new DataPoint(1, threshold));
            model.Series.Add(floor);
        }

        return model;
    }

    /// <summary>tau(t) with its 95% interval against t (log scale), the exponential line through the points and e^{e^{Ct}} with the smallest C that bounds them.</summary>
    public static PlotModel Growth(CheckResult c, GrowthMeasurement g)
    {
        var model = Titled(c.Title, string.Create(CultureInfo.InvariantCulture, $"blue: fitted prefactor tau(t), 95% interval; red: exponential line, rate {g.GrowthRate:G3}; dashed: e^(e^(Ct)), C = {g.DoubleExponentialC:G3}"));
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "t", MajorGridlineStyle = LineStyle.Dot, MinimumPadding = 0.05, MaximumPadding = 0.05 });
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = "tau(t)", MajorGridlineStyle = LineStyle.Dot, MinimumPadding = 0.1, MaximumPadding = 0.1 });
        var data = new ScatterErrorSeries { MarkerType = MarkerType.Circle, MarkerFill = OxyColors.SteelBlue, ErrorBarColor = OxyColors.SteelBlue };
        foreach (var p in g.Points)
        {
            // The interval is symmetric in logs; the bar is drawn to its larger side.
            double half = Math.Max(Math.Exp(p.Fit.Upper) - p.Fit.Prefactor, p.Fit.Prefactor - Math.Exp(p.Fit.Lower));
            data.Points.Add(new ScatterErrorPoint(p.Time, p.Fit.Prefactor, 0, Math.Min(half, 0.999 * p.Fit.Prefactor)));
        }

        model.Series.Add(data);
        if (g.Points.Length >= 2)
        {
            double t0 = g.Points.Head.Time, t1 = g.Points.Last().Time;
            // The exponential line's intercept: through the points' centre of mass in (t, log tau).
            double meanT = g.Points.Average(p => p.Time), meanLog = g.Points.Average(p => p.Fit.LogPrefactor);
            var line = new LineSeries { Color = OxyColors.Firebrick };
            var bound = new LineSeries { Color = OxyColors.Black, LineStyle = LineStyle.Dash };
            for (int k = 0; k <= 40; k++)
            {
                double t = t0 + (t1 - t0) * k / 40.0;
                line.Points.Add(new DataPoint(t, Math.Exp(meanLog + g.GrowthRate * (t - meanT))));
                double logBound = Math.Exp(g.DoubleExponentialC * t);
                if (logBound < 700) bound.Points.Add(new DataPoint(t, Math.Exp(logBound)));
            }

            model.Series.Add(line);
            model.Series.Add(bound);
        }

        return model;
    }

    /// <summary>measured / bound against t, one line per quantity; the bound holds below the dashed line at 1.</summary>
    public static PlotModel Bounds(CheckResult c)
    {
        var model = Titled(c.Title, "measured / bound against t, each line numbered as in the report's table; the bound holds below the dashed line at 1");
        double highest = Math.Max(1.1, c.BoundSeries.Max(s => double.IsFinite(s.MaxRatio) ? s.MaxRatio : 1) * 1.1);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "t", MajorGridlineStyle = LineStyle.Dot });
        // Ratios below 1e-6 say only that a bound is far off; the axis stops there so the close ones show.
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = "measured / bound", MajorGridlineStyle = LineStyle.Dot, Maximum = highest, Minimum = 1e-6 });
        var colors = new[] { OxyColors.SteelBlue, OxyColors.Firebrick, OxyColors.DarkGreen, OxyColors.DarkOrange, OxyColors.Purple, OxyColors.Teal, OxyColors.SaddleBrown };
        int index = 0;
        double tMin = double.PositiveInfinity, tMax = double.NegativeInfinity;
        // Numbers at the lines instead of a legend (legend boxes are laid out with the exporter's font
        // metrics, which SVG viewers do not share).
        foreach (var s in c.BoundSeries)
        {
            var color = colors[index % colors.Length];
            var line = new LineSeries { Title = $"{s.Quantity} ({s.Source})", Color = color, MarkerType = MarkerType.Circle, MarkerSize = 2 };
            for (int k = 0; k < s.Times.Length; k++)
            {
                if (s.Bound[k] > 0 && s.Measured[k] > 0) line.Points.Add(new DataPoint(s.Times[k], s.Measured[k] / s.Bound[k]));
                tMin = Math.Min(tMin, s.Times[k]);
                tMax = Math.Max(tMax, s.Times[k]);
            }

            model.Series.Add(line);
            // The label sits at the line's second point (the first, t = 0, is where the bounds meet).
            var anchor = line.Points.Count > 1 ? line.Points[1] : line.Points.FirstOrDefault();
            if (line.Points.Count > 0 && anchor.Y >= 1e-6)
            {
                model.Annotations.Add(new OxyPlot.Annotations.TextAnnotation
                {
                    Text = (index + 1).ToString(CultureInfo.InvariantCulture),
                    TextPosition = anchor,
                    TextColor = color,
                    Stroke = OxyColors.Transparent,
                    FontWeight = FontWeights.Bold,
                    TextHorizontalAlignment = HorizontalAlignment.Left,
                    TextVerticalAlignment = VerticalAlignment.Bottom,
                });
            }

            index++;
        }

        var one = new LineSeries { Title = "bound", Color = OxyColors.Black, LineStyle = LineStyle.Dash };
        one.Points.Add(new DataPoint(tMin, 1));
        one.Points.Add(new DataPoint(tMax, 1));
        model.Series.Add(one);
        return model;
    }

    public static PlotModel Rate(CheckResult check, RateMeasurement c)
    {
        // A one-line subtitle instead of a legend: legend boxes are laid out with the exporter's font
        // metrics, which SVG viewers do not share, and their entries overlap.
        var model = Titled(check.Title, string.Create(CultureInfo.InvariantCulture, $"blue: mean of replicas ± 1 s.d.; grey: not fitted; red: fit, slope {c.Fit.Slope:F3}; dashed: theory, slope {c.Theory:G4}"));
        // Padding keeps the end points and their error bars inside the frame.
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Bottom, Title = c.XLabel, MajorGridlineStyle = LineStyle.Dot, MinimumPadding = 0.05, MaximumPadding = 0.05 });
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = c.ErrorLabel, MajorGridlineStyle = LineStyle.Dot, MinimumPadding = 0.05, MaximumPadding = 0.05 });

        var data = new ScatterErrorSeries { MarkerType = MarkerType.Circle, MarkerFill = OxyColors.SteelBlue, ErrorBarColor = OxyColors.SteelBlue };
        var dropped = new ScatterErrorSeries { MarkerType = MarkerType.Circle, MarkerFill = OxyColors.LightGray, ErrorBarColor = OxyColors.Gray };
        foreach (var r in c.Rungs)
        {
            // A bar that would reach below zero is clipped to the mean on the log axis.
            double sd = Math.Min(r.StandardDeviation, 0.999 * r.Mean);
            (r.Fitted ? data : dropped).Points.Add(new ScatterErrorPoint(r.X, r.Mean, 0, sd));
        }

        model.Series.Add(data);
        if (dropped.Points.Count > 0) model.Series.Add(dropped);

        var fitted = c.Rungs.Where(r => r.Fitted).ToList();
        double x0 = fitted.Min(r => r.X), x1 = fitted.Max(r => r.X);
        double centre = Math.Sqrt(x0 * x1);
        model.Series.Add(Line("fit", OxyColors.Firebrick, LineStyle.Solid, c, c.Fit.Slope, x0, x1, centre));
        model.Series.Add(Line("theory", OxyColors.Black, LineStyle.Dash, c, c.Theory, x0, x1, centre));
        return model;
    }

    /// <summary>error = e^a x^s (times log x for a log-corrected fit), drawn through the fit's value at the centre of the fitted range.</summary>
    private static LineSeries Line(string title, OxyColor color, LineStyle style, RateMeasurement c, double slope, double x0, double x1, double centre)
    {
        var series = new LineSeries { Title = title, Color = color, LineStyle = style };
        double Value(double x, double s) => Math.Exp(c.Fit.Intercept) * Math.Pow(centre, c.Fit.Slope) * Math.Pow(x / centre, s) * (c.FitKind.IsLogCorrected ? Math.Log(x) : 1);
        for (int k = 0; k <= 20; k++)
        {
            double x = x0 * Math.Pow(x1 / x0, k / 20.0);
            series.Points.Add(new DataPoint(x, Value(x, slope)));
        }

        return series;
    }
}
