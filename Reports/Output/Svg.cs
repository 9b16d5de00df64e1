using OxyPlot;

namespace MeanField.Reports.Output;

/// <summary>Renders plot models as standalone SVG documents (OxyPlot's managed exporter).</summary>
public static class Svg
{
    public static void Write(PlotModel model, Stream stream, double width = 720, double height = 560)
    {
        var exporter = new SvgExporter { Width = width, Height = height, IsDocument = true };
        exporter.Export(model, stream);
    }

    /// <summary>Writes to a file.</summary>
    public static void Write(PlotModel model, string path, double width = 720, double height = 560)
    {
        using var stream = File.Create(path);
        Write(model, stream, width, height);
    }
}
