using MeanField.Core.Files;

namespace MeanField.Host;

/// <summary>Refusing, before any work, an output path that cannot be written (exit 2, naming the option, the path and why).</summary>
internal static class OutputChecks
{
    /// <summary>True when <paramref name="path"/> can be written; otherwise false, after writing why to <paramref name="error"/>.</summary>
    public static bool Writable(string command, string option, string path, TextWriter error)
    {
        if (OutputPath.WhyNotWritable(path) is not { } why) return true;
        error.WriteLine($"meanfield {command}: {option} {path} cannot be written: {why}");
        return false;
    }
}
