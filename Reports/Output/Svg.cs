using OxyPlot;

namespace MeanField.Reports.Output;

/// <summary>Renders plot models as standalone SVG documents (OxyPlot's managed exporter).</summary>
/// <remarks>
/// OxyPlot places labels by its own text metrics (Helvetica's), not the viewer's, and names one font
/// ("Segoe UI" by default) that most viewers lack and replace with a wider serif: labels then run into
/// the axis titles. So every plot is set, here in one place, in Arial or a font of the same metrics
/// (Liberation Sans on Linux), with room between the tick marks, the tick labels and the axis titles.
/// </remarks>
public static class Svg
{
    /// <summary>The fonts a viewer should use, the first ones metric-compatible with OxyPlot's measure.</summary>
    public const string Fonts = "Arial, Liberation Sans, Helvetica, sans-serif";

    /// <summary>Sets the model's font and the gaps about its axes' labels (the same for every plot).</summary>
    private static void Legible(PlotModel model)
    {
        model.DefaultFont = Fonts;
        // OxyPlot's defaults (18 and 14) set a title and its subtitle too close to fit.
        model.TitleFontSize = Math.Min(model.TitleFontSize, 15);
        model.SubtitleFontSize = Math.Min(model.SubtitleFontSize, 11);
        model.TitlePadding = Math.Max(model.TitlePadding, 8);
        foreach (var legend in model.Legends)
        {
            legend.LegendFontSize = Math.Min(legend.LegendFontSize, 11);
            // Room for the viewer's font being a little wider than the measure: the legend clips its items.
            legend.LegendPadding = Math.Max(legend.LegendPadding, 12);
        }
        foreach (var axis in model.Axes)
        {
            axis.AxisTickToLabelDistance = Math.Max(axis.AxisTickToLabelDistance, 6);
            axis.AxisTitleDistance = Math.Max(axis.AxisTitleDistance, 10);
        }
    }

    public static void Write(PlotModel model, Stream stream, double width = 720, double height = 560)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Render(model, isDocument: true, width, height));
    }

    /// <summary>
    /// The plot as an SVG element to put inside an HTML page: no XML prolog, and its ids (the clip paths)
    /// prefixed with <paramref name="idPrefix"/>, so that several plots on one page do not share them.
    /// </summary>
    public static string Element(PlotModel model, string idPrefix, double width = 720, double height = 560)
    {
        ArgumentNullException.ThrowIfNull(idPrefix);
        string svg = System.Text.Encoding.UTF8.GetString(Render(model, isDocument: false, width, height)).TrimStart('\uFEFF');
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        svg = start >= 0 ? svg[start..] : svg;
        return svg.Replace("id=\"", $"id=\"{idPrefix}-", StringComparison.Ordinal).Replace("url(#", $"url(#{idPrefix}-", StringComparison.Ordinal);
    }

    /// <summary>
    /// The plot's SVG bytes, set legible. Rendered in memory first: OxyPlot's writer, disposed after a
    /// failed write (a full disk), throws its own InvalidOperationException and hides the IOException
    /// that says what happened.
    /// </summary>
    private static byte[] Render(PlotModel model, bool isDocument, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(model);
        Legible(model);
        using var buffer = new MemoryStream();
        new SvgExporter { Width = width, Height = height, IsDocument = isDocument }.Export(model, buffer);
        return buffer.ToArray();
    }

    /// <summary>Writes to a file.</summary>
    public static void Write(PlotModel model, string path, double width = 720, double height = 560)
    {
        using var stream = File.Create(path);
        Write(model, stream, width, height);
    }
}
