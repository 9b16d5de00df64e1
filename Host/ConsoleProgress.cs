using Spectre.Console;

namespace MeanField.Host;

/// <summary>One progress bar on standard error for a long command (<c>--quiet</c> runs without it).</summary>
internal static class ConsoleProgress
{
    /// <summary>
    /// Runs <paramref name="run"/> with a bar from 0 to <paramref name="total"/>; the action it is
    /// given sets the bar's value. Without a bar (<paramref name="quiet"/>) the action does nothing.
    /// </summary>
    public static T Run<T>(TextWriter error, bool quiet, string description, double total, Func<Action<double>, T> run)
    {
        if (quiet) return run(_ => { });
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        T result = default!;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description, maxValue: total);
                result = run(value => task.Value = value);
            });
        return result;
    }

    /// <summary>
    /// Runs <paramref name="run"/> under a spinner with the elapsed time, for work whose length is not
    /// known in advance (Spectre shows nothing when standard error is not a terminal).
    /// </summary>
    public static T Status<T>(TextWriter error, bool quiet, string description, Func<T> run)
    {
        if (quiet) return run();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        T result = default!;
        console.Progress()
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description);
                task.IsIndeterminate = true;
                result = run();
                task.Value = task.MaxValue;
            });
        return result;
    }
}
