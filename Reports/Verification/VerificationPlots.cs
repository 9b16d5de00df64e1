using System.Globalization;
using MeanField.Verification;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace MeanField.Reports.Verification;

/// <summary>Log-log plots of a check: the replica means with error bars, the fit, and the theory line through the fit's centre.</summary>
public static class VerificationPlots
{
    public static PlotModel Rate(CheckResult c)
    {
        // A one-line subtitle instead of a legend: legend boxes are laid out with the exporter's font
        // metrics, which SVG viewers do not share, and their entries overlap.
        var model = new PlotModel
        {
            Title = c.Title,
            Subtitle = string.Create(CultureInfo.InvariantCulture, $"blue: mean of replicas ± 1 s.d.; grey: not fitted; red: fit, slope {c.Fit.Slope:F3}; dashed: theory, slope {c.Theory:G4}"),
            Background = OxyColors.White,
            Padding = new OxyThickness(8, 16, 16, 8),
            TitleFontSize = 15,
            SubtitleFontSize = 11,
        };
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
    private static LineSeries Line(string title, OxyColor color, LineStyle style, CheckResult c, double slope, double x0, double x1, double centre)
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
