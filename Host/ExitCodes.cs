namespace MeanField.Host;

/// <summary>The process exit codes of <c>meanfield</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The run failed: a numerical blow-up, or a cell left the box.</summary>
    public const int RunFailed = 1;

    /// <summary>Bad input: a malformed scenario or argument; nothing was written.</summary>
    public const int BadInput = 2;
}
