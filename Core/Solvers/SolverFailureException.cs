namespace MeanField.Core.Solvers;

/// <summary>How a solver under test failed a run.</summary>
public enum SolverFailure
{
    /// <summary>The program exited with a non-zero code.</summary>
    NonZeroExit,

    /// <summary>The program ran past its time-out and was killed with its children.</summary>
    Timeout,

    /// <summary>An output file is missing.</summary>
    MissingFile,

    /// <summary>An output time is missing.</summary>
    MissingTime,

    /// <summary>A cell is missing at some output time, or there are cells that were not given.</summary>
    WrongCells,

    /// <summary>A row has the wrong number of columns, or the header is not the protocol's.</summary>
    WrongColumns,

    /// <summary>A number is NaN or infinite, or not a number at all.</summary>
    NonFinite,

    /// <summary>The solver could not be loaded or started (no such file, a type that does not implement the contract).</summary>
    NotLoadable,

    /// <summary>The run blew up or left the box (the solver's own report of failure).</summary>
    RunFailed,
}

/// <summary>
/// A run of the solver under test failed; the harness gives the check the Error verdict with this
/// message, the solver's own message (the tail of its standard error) and the work folder kept for inspection.
/// </summary>
public sealed class SolverFailureException : Exception
{
    public SolverFailureException(SolverFailure failure, string message, string? workFolder = null, string? solverMessage = null, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        WorkFolder = workFolder;
        SolverMessage = solverMessage;
    }

    public SolverFailure Failure { get; }

    /// <summary>The run's folder, kept (null for in-process solvers).</summary>
    public string? WorkFolder { get; }

    /// <summary>The last lines the solver wrote to standard error, or the in-process exception's message.</summary>
    public string? SolverMessage { get; }

    /// <summary>The failure's name as reports print it, e.g. <c>non-zero exit</c>.</summary>
    public static string NameOf(SolverFailure failure) => failure switch
    {
        SolverFailure.NonZeroExit => "non-zero exit",
        SolverFailure.Timeout => "time-out",
        SolverFailure.MissingFile => "missing file",
        SolverFailure.MissingTime => "missing output time",
        SolverFailure.WrongCells => "wrong cells",
        SolverFailure.WrongColumns => "wrong columns",
        SolverFailure.NonFinite => "non-finite number",
        SolverFailure.NotLoadable => "not loadable",
        SolverFailure.RunFailed => "run failed",
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, "unknown failure"),
    };
}

/// <summary>The solver gives no grad phi, which a check needs: that check is Not applicable, not an error.</summary>
public sealed class GradientNotProvidedException(string reason) : Exception(reason);

/// <summary>
/// A problem the solver under test declares it does not solve (its <see cref="SolverCapabilities"/>): the check
/// that asked for it is Not applicable, with the reason, never an Error.
/// </summary>
public sealed class ProblemNotSupportedException(string reason) : Exception(reason);
