namespace MeanField.Core.Files;

/// <summary>
/// Whether an output can be written where the user asked, checked before any work starts: the nearest
/// folder that exists on the way to it must take a new file (the output folders and files are written
/// beside their target, then renamed). Nothing is left behind by the check.
/// </summary>
public static class OutputPath
{
    /// <summary>Null when <paramref name="path"/> can be written; otherwise why not, in a phrase.</summary>
    public static string? WhyNotWritable(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return e.Message;
        }

        string? folder = Path.GetDirectoryName(full);
        while (folder is not null && !Directory.Exists(folder))
        {
            if (File.Exists(folder)) return $"{folder} is a file, not a folder";
            folder = Path.GetDirectoryName(folder);
        }

        if (folder is null) return "no folder on its path exists";
        string probe = Path.Combine(folder, $".meanfield-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe)) { }
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{folder} does not take a new file ({e.Message})";
        }
    }
}
