namespace MeanField.Reports.Output;

/// <summary>
/// An output folder written under a temporary sibling name and renamed into place only when
/// complete, so a crashed or rejected run leaves no partial output behind.
/// </summary>
public sealed class AtomicDirectory : IDisposable
{
    private bool _committed;

    public AtomicDirectory(string target)
    {
        if (MeanField.Core.Files.Interruption.Requested) throw new OperationCanceledException("interrupted: no output folder is started");
        Target = Path.GetFullPath(target);
        string parent = Path.GetDirectoryName(Target) ?? throw new ArgumentException($"'{target}' has no parent folder", nameof(target));
        Directory.CreateDirectory(parent);
        RemoveStale(parent, Path.GetFileName(Target));
        Staging = Path.Combine(parent, $"{StagingPrefix(Path.GetFileName(Target))}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Staging);
        string staging = Staging;
        _interrupt = MeanField.Core.Files.Interruption.OnInterrupt(() =>
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        });
    }

    private readonly IDisposable _interrupt;

    private static string StagingPrefix(string name) => $".{name}.partial-";

    /// <summary>
    /// Removes the staging folders for the same target that a killed run left behind: those whose
    /// process (the id in their name) is gone. A live process's folder is left alone, whoever it is.
    /// </summary>
    private static void RemoveStale(string parent, string name)
    {
        string prefix = StagingPrefix(name);
        foreach (string folder in Directory.EnumerateDirectories(parent, prefix + "*"))
        {
            string rest = Path.GetFileName(folder)[prefix.Length..];
            int dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], out int pid) || IsAlive(pid)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Another run is removing it too, or a file is held open: leave it for the next run.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Where the finished folder will be.</summary>
    public string Target { get; }

    /// <summary>The temporary folder being written.</summary>
    public string Staging { get; }

    /// <summary>A path inside the staging folder.</summary>
    public string PathOf(string name) => Path.Combine(Staging, name);

    /// <summary>Moves the staging folder to the target, replacing an earlier run's folder.</summary>
    public void Commit()
    {
        if (Directory.Exists(Target))
        {
            string old = Staging + ".old";
            Directory.Move(Target, old);
            Directory.Move(Staging, Target);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.Move(Staging, Target);
        }

        _committed = true;
    }

    /// <summary>Removes the staging folder unless it was committed.</summary>
    public void Dispose()
    {
        _interrupt.Dispose();
        if (!_committed && Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
    }
}
