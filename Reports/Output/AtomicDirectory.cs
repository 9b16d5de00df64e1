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
        Target = Path.GetFullPath(target);
        string parent = Path.GetDirectoryName(Target) ?? throw new ArgumentException($"'{target}' has no parent folder", nameof(target));
        Directory.CreateDirectory(parent);
        Staging = Path.Combine(parent, $".{Path.GetFileName(Target)}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Staging);
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
        if (!_committed && Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
    }
}
