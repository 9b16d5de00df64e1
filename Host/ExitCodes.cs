namespace MeanField.Host;

/// <summary>The process exit codes of <c>meanfield</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The run failed (a numerical blow-up, a cell left the box, a disk that filled up while the outputs were written), or a verified result is violated or regressed.</summary>
    public const int RunFailed = 1;

    /// <summary><c>verify</c>: some check is violated, or worse than the baseline.</summary>
    public const int Violated = 1;

    /// <summary>Bad input: a malformed scenario or argument; nothing was written.</summary>
    public const int BadInput = 2;

    /// <summary><c>verify</c>: nothing violated, but some check is inconclusive (more replicas needed).</summary>
    public const int Inconclusive = 3;

    /// <summary><c>verify --merge</c>: a sequential check needs another look; the next wave's plan is written.</summary>
    public const int NextWave = 4;

    /// <summary>Interrupted by SIGINT (128 + 2): solver processes killed, work and staging folders removed, nothing written.</summary>
    public const int Interrupted = 130;

    /// <summary>Terminated by SIGTERM (128 + 15), cleaned up as for SIGINT.</summary>
    public const int Terminated = 143;

    /// <summary>An internal error (a bug in meanfield): one message, the stack trace in a file it names (EX_SOFTWARE of sysexits.h).</summary>
    public const int InternalError = 70;
}
