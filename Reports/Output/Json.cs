using System.Text.Encodings.Web;
using System.Text.Json;

namespace MeanField.Reports.Output;

/// <summary>The JSON conventions of every output: indented, and plain text for symbols such as '&lt;='.</summary>
public static class Json
{
    public static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
