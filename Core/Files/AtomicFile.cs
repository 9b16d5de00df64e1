using System.Text;

namespace MeanField.Core.Files;

/// <summary>
/// One file written whole or not at all: under a temporary name beside it (with the process id, so
/// two writers never share one), then renamed over the target. A reader never sees half a file.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string staging = $"{path}.partial-{Environment.ProcessId}";
        try
        {
            using (var stream = File.Create(staging)) write(stream);
            File.Move(staging, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(staging)) File.Delete(staging);
        }
    }

    /// <summary>Text in UTF-8 without a byte-order mark, lines ended by '\n'.</summary>
    public static void WriteText(string path, Action<TextWriter> write) =>
        Write(path, stream =>
        {
            using var w = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            write(w);
        });
}
