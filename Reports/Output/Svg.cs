using OxyPlot;

namespace MeanField.Reports.Output;

/// <summary>Renders plot models as standalone SVG documents (OxyPlot's managed exporter).</summary>
public static class Svg
{
    public static void Write(PlotModel model, Stream stream, double width = 720, double height = 560)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Rendered in memory first: OxyPlot's writer, disposed after a failed write (a full disk), throws its
        // own InvalidOperationException and hides the IOException that says what happened.
        using var buffer = new MemoryStream();
        new SvgExporter { Width = width, Height = height, IsDocument = true }.Export(model, buffer);
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    /// <summary>Writes to a file.</summary>
    public static void Write(PlotModel model, string path, double width = 720, double height = 560)
    {
        using var stream = File.Create(path);
        Write(model, stream, width, height);
    }
}
