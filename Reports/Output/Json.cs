using System.Text.Encodings.Web;
using System.Text.Json;

namespace MeanField.Reports.Output;

/// <summary>The JSON conventions of every output: indented, plain text for symbols such as '&lt;=', and null for a number that is not finite.</summary>
public static class Json
{
    public static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the number, or null when it is NaN or infinite (JSON has no such numbers).</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumber(name, value);
        else writer.WriteNull(name);
    }

    /// <summary>Writes an array of numbers (each finite: replicas, seeds, ladders).</summary>
    public static void WriteNumberArray(this Utf8JsonWriter writer, string name, IEnumerable<double> values)
    {
        writer.WriteStartArray(name);
        foreach (double v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}
