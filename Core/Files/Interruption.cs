using System.Collections.Concurrent;

namespace MeanField.Core.Files;

/// <summary>
/// What to undo when the process is interrupted (SIGINT, SIGTERM): the external solvers' process trees
/// to kill, the work and staging folders to remove. Whoever starts such a thing registers its cleanup
/// for as long as it lives; the command line's signal handler calls <see cref="CleanUp"/> and exits.
/// </summary>
public static class Interruption
{
    private static readonly ConcurrentDictionary<long, Action> Cleanups = new();
    private static long _next;
    private static int _requested;

    /// <summary>True once an interruption began: nothing new (a solver process) should start.</summary>
    public static bool Requested => Volatile.Read(ref _requested) != 0;

    /// <summary>Registers <paramref name="cleanup"/> until the returned registration is disposed.</summary>
    public static IDisposable OnInterrupt(Action cleanup)
    {
        ArgumentNullException.ThrowIfNull(cleanup);
        long id = Interlocked.Increment(ref _next);
        Cleanups[id] = cleanup;
        return new Registration(id);
    }

    /// <summary>Marks the interruption, then runs every registered cleanup once, newest first; a cleanup that fails does not stop the others.</summary>
    public static void CleanUp()
    {
        Volatile.Write(ref _requested, 1);
        foreach (long id in Cleanups.Keys.OrderDescending())
        {
            if (!Cleanups.TryRemove(id, out var cleanup)) continue;
            try
            {
                cleanup();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Best effort: the process is exiting.
            }
        }
    }

    private sealed class Registration(long id) : IDisposable
    {
        public void Dispose() => Cleanups.TryRemove(id, out _);
    }
}
