using System.Collections.Concurrent;

namespace MeanField.Core.Files;

/// <summary>
/// What to do when the process is interrupted (SIGINT, SIGTERM), in two stages. First what runs must
/// stop: the external solvers' process trees are killed (<see cref="OnStop"/>, run by <see cref="Begin"/>).
/// Then, once the command's thread has unwound and nothing writes any more, what was started is
/// undone: the work and staging folders are removed (<see cref="OnInterrupt"/>, run by <see cref="CleanUp"/>).
/// Whoever starts such a thing registers it for as long as it lives; the command line's signal handler
/// calls both and exits.
/// </summary>
public static class Interruption
{
    private static readonly ConcurrentDictionary<long, Action> Stops = new();
    private static readonly ConcurrentDictionary<long, Action> Cleanups = new();
    private static long _next;
    private static int _requested;

    /// <summary>True once an interruption began: nothing new (a solver process, an output folder) should start.</summary>
    public static bool Requested => Volatile.Read(ref _requested) != 0;

    /// <summary>
    /// Registers how to stop something running (kill a process tree) until the returned registration is
    /// disposed. Registered after the interruption began, it is run at once: <see cref="Begin"/> may have
    /// passed it by.
    /// </summary>
    public static IDisposable OnStop(Action stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        long id = Interlocked.Increment(ref _next);
        Stops[id] = stop;
        if (Requested) RunOnce(Stops, id);
        return new Registration(Stops, id);
    }

    /// <summary>
    /// Registers what to undo (remove a folder) until the returned registration is disposed. Once the
    /// interruption began, disposing no longer unregisters: the command's thread unwinds through its
    /// disposals before <see cref="CleanUp"/> runs, and the cleanup must still happen.
    /// </summary>
    public static IDisposable OnInterrupt(Action cleanup)
    {
        ArgumentNullException.ThrowIfNull(cleanup);
        long id = Interlocked.Increment(ref _next);
        Cleanups[id] = cleanup;
        return new Registration(Cleanups, id);
    }

    /// <summary>Marks the interruption and runs every registered stop once, newest first; returns how many ran.</summary>
    public static int Begin()
    {
        Volatile.Write(ref _requested, 1);
        int ran = 0;
        foreach (long id in Stops.Keys.OrderDescending())
            if (RunOnce(Stops, id)) ran++;
        return ran;
    }

    /// <summary>Runs every registered cleanup once, newest first (after <see cref="Begin"/>, which it calls if nobody did).</summary>
    public static void CleanUp()
    {
        if (!Requested) Begin();
        foreach (long id in Cleanups.Keys.OrderDescending()) RunOnce(Cleanups, id);
    }

    // Whoever removes an action runs it, so each runs once however the stages and registrations interleave.
    private static bool RunOnce(ConcurrentDictionary<long, Action> actions, long id)
    {
        if (!actions.TryRemove(id, out var action)) return false;
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Best effort: the process is exiting, and one failure must not stop the others.
        }

        return true;
    }

    private sealed class Registration(ConcurrentDictionary<long, Action> actions, long id) : IDisposable
    {
        public void Dispose()
        {
            if (!Requested) actions.TryRemove(id, out _);
        }
    }
}
