using System.Runtime.InteropServices;
using MeanField.Core.Files;

namespace MeanField.Host;

/// <summary>
/// SIGINT and SIGTERM for the length of one command: kill the external solvers' process trees, remove
/// the work and staging folders (nothing partial is left), say so once, and exit with 130 or 143.
/// </summary>
/// <remarks>
/// The handler runs on its own thread while the command's thread goes on. Killing a solver under a run
/// makes that run fail, and an output folder is refused once the interruption began; the command's
/// thread must then neither report those as errors nor return first with its own code. So it unwinds
/// to <see cref="Await"/>, which tells the handler that nothing writes any more, waits for it to finish
/// and gives the signal's code. The handler removes the folders only then (or after a grace period,
/// when solvers were killed and the command's thread did not come back), so that no run writes into a
/// folder being removed.
/// </remarks>
internal sealed class SignalExit : IDisposable
{
    private readonly TextWriter _error;
    private static readonly TimeSpan UnwindGrace = TimeSpan.FromSeconds(10);
    private readonly ManualResetEventSlim _handled = new();
    private readonly ManualResetEventSlim _unwound = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _code;

    public SignalExit(TextWriter error)
    {
        _error = error;
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Handle(c, ExitCodes.Interrupted));
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Handle(c, ExitCodes.Terminated));
    }

    /// <summary>True once a signal arrived: whatever the command's thread sees from then on is its consequence.</summary>
    public static bool Arrived => Interruption.Requested;

    /// <summary>Waits for the handler to clean up and report, then gives the signal's exit code.</summary>
    public int Await()
    {
        _unwound.Set();
        // The handler exits the process; the wait is bounded only so that a handler that hung cannot hang us.
        _handled.Wait(TimeSpan.FromSeconds(60));
        int code = Volatile.Read(ref _code);
        return code != 0 ? code : ExitCodes.Interrupted;
    }

    private void Handle(PosixSignalContext context, int code)
    {
        context.Cancel = true;
        // A second signal while the first is handled: the first one's cleanup and exit stand.
        if (Interlocked.CompareExchange(ref _code, code, 0) != 0) return;
        // In-process work does not look at the flag, so the handler waits only when it killed solvers: their runs fail and unwind at once.
        if (Interruption.Begin() > 0) _unwound.Wait(UnwindGrace);
        Interruption.CleanUp();
        _error.WriteLine($"meanfield: interrupted by {context.Signal}: the solver processes were killed and the work and staging folders removed; nothing was written");
        _error.Flush();
        _handled.Set();
        Environment.Exit(code);
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }
}
