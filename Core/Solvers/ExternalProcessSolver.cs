using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using MeanField.Core.Scenarios;

namespace MeanField.Core.Solvers;

/// <summary>
/// A solver of (P) run as an external program, protocol version 1 (<c>docs/solver-protocol.md</c>):
/// each run gets a fresh work folder with <c>scenario.yaml</c> and <c>initial.csv</c>; the harness runs
/// <c>command... WORKDIR</c> (the command line split as a shell would, no shell started, in the caller's
/// working directory) and reads <c>particles.csv</c> (and <c>gradient.csv</c> when asked and written).
/// </summary>
/// <remarks>
/// At most <see cref="Jobs"/> runs at once. A run that fails (non-zero exit, time-out, a missing or
/// malformed file) throws <see cref="SolverFailureException"/> with the tail of the program's standard
/// error and keeps its folder; a successful run's folder is removed.
/// </remarks>
public sealed class ExternalProcessSolver : IParticleSolver, IDisposable
{
    /// <summary>The protocol version this harness speaks.</summary>
    public const int ProtocolVersion = 1;

    /// <summary>An empty file in the work folder when the harness will read <c>gradient.csv</c>.</summary>
    public const string WantsGradientFile = "wants-gradient";

    /// <summary>Lines of the program's standard error kept for a failure's message.</summary>
    private const int StderrLines = 20;

    private readonly string[] _words;
    private readonly SemaphoreSlim _slots;
    private readonly string _workRoot;
    private readonly string _workingDirectory;
    private readonly IDisposable _interrupt;
    private int _runs;

    private ExternalProcessSolver(string commandLine, string[] words, TimeSpan timeout, int jobs, string workRoot, string? version, double? order, bool adaptive, SolverCapabilities? capabilities)
    {
        _words = words;
        Timeout = timeout;
        Jobs = jobs;
        _slots = new SemaphoreSlim(jobs, jobs);
        _workRoot = workRoot;
        _workingDirectory = Environment.CurrentDirectory;
        // Interrupted, the runs' work folders go with the process (a failed run's is kept only on a normal exit).
        _interrupt = Files.Interruption.OnInterrupt(() =>
        {
            if (Directory.Exists(workRoot)) Directory.Delete(workRoot, recursive: true);
        });
        Identity = new SolverIdentity(SolverKind.Command, commandLine, version, ProtocolVersion, CodeComponents.None, order, adaptive, capabilities);
    }

    public SolverIdentity Identity { get; }

    /// <summary>How long one run may take before it is killed with its children.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Runs at once, at most.</summary>
    public int Jobs { get; }

    /// <summary>The folder under which each run's work folder is made.</summary>
    public string WorkRoot => _workRoot;

    /// <summary>
    /// The solver for <paramref name="commandLine"/>; asks <c>command --version</c> (10 s at most) for the
    /// identity's version, and <c>command --capabilities</c> (protocol 1.1) for what it solves (none declared
    /// when it exits non-zero or prints nothing). <paramref name="workRoot"/> defaults to a new folder under the system's temporary folder;
    /// <paramref name="order"/> is the order in dt the solver declares (<c>--solver-order</c>); <paramref name="adaptive"/>, that it controls its own steps.
    /// </summary>
    /// <exception cref="ArgumentException">The command line is empty or unbalanced, or an option is out of range.</exception>
    /// <exception cref="SolverFailureException">The program cannot be started, or its capabilities are malformed (<see cref="SolverFailure.NotLoadable"/>).</exception>
    public static ExternalProcessSolver Create(string commandLine, TimeSpan timeout, int jobs, string? workRoot = null, double? order = null, bool adaptive = false)
    {
        var words = CommandLine.Split(commandLine).ToArray();
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "the time-out must be positive");
        if (jobs < 1) throw new ArgumentOutOfRangeException(nameof(jobs), jobs, "at least one job");
        if (order is { } q && !(q > 0 && double.IsFinite(q))) throw new ArgumentOutOfRangeException(nameof(order), order, "a declared order must be a positive number");
        string root = workRoot ?? Path.Combine(Path.GetTempPath(), "meanfield-solver-" + Guid.NewGuid().ToString("N")[..8]);
        string? version = Ask(words, "--version")?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        string? declared = Ask(words, "--capabilities");
        SolverCapabilities? capabilities;
        try
        {
            capabilities = string.IsNullOrWhiteSpace(declared) ? null : SolverCapabilities.Parse(declared, $"the capabilities '{commandLine} --capabilities' printed");
        }
        catch (FormatException e)
        {
            throw new SolverFailureException(SolverFailure.NotLoadable, e.Message, inner: e);
        }

        return new ExternalProcessSolver(commandLine, words, timeout, jobs, root, version, order, adaptive, capabilities);
    }

    /// <summary>What <c>command FLAG</c> prints, when it exits 0 within 10 s; null otherwise.</summary>
    private static string? Ask(string[] words, string flag)
    {
        using var process = Start(words, flag, Environment.CurrentDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            Kill(process);
            return null;
        }

        process.WaitForExit();
        if (process.ExitCode != 0) return null;
        _ = stderr.Result;
        return stdout.Result;
    }

    private static Process Start(string[] words, string lastArgument, string workingDirectory)
    {
        var info = new ProcessStartInfo(words[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (string w in words.Skip(1)) info.ArgumentList.Add(w);
        info.ArgumentList.Add(lastArgument);
        try
        {
            var process = Process.Start(info) ?? throw new SolverFailureException(SolverFailure.NotLoadable, $"the solver command '{words[0]}' did not start");
            process.StandardInput.Close();
            return process;
        }
        catch (Win32Exception e)
        {
            throw new SolverFailureException(SolverFailure.NotLoadable, $"the solver command '{words[0]}' cannot be started: {e.Message}", solverMessage: e.Message, inner: e);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the time-out and the kill.
        }

        process.WaitForExit();
    }

    public SolverSolution Solve(SolverProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _slots.Wait();
        try
        {
            return Run(problem);
        }
        finally
        {
            _slots.Release();
        }
    }

    private SolverSolution Run(SolverProblem problem)
    {
        int number = Interlocked.Increment(ref _runs);
        string folder = Path.Combine(_workRoot, $"run-{number:D6}");
        Directory.CreateDirectory(folder);
        var scenario = problem.Scenario;
        File.WriteAllText(Path.Combine(folder, "scenario.yaml"), ScenarioWriter.Write(scenario));
        using (var w = new StreamWriter(Path.Combine(folder, "initial.csv"), false, new UTF8Encoding(false)) { NewLine = "\n" })
            CellsCsv.WriteInitial(w, problem.Initial);
        if (problem.WantsGradient) File.WriteAllText(Path.Combine(folder, WantsGradientFile), "");

        if (Files.Interruption.Requested) throw new OperationCanceledException("interrupted");
        using var process = Start(_words, folder, _workingDirectory);
        using var interrupt = Files.Interruption.OnStop(() => Kill(process));
        var tail = new Queue<string>();
        var gate = new object();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (gate)
            {
                tail.Enqueue(e.Data);
                if (tail.Count > StderrLines) tail.Dequeue();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        string Tail()
        {
            lock (gate) return string.Join("\n", tail);
        }

        if (!process.WaitForExit(Timeout))
        {
            Kill(process);
            throw new SolverFailureException(SolverFailure.Timeout, $"the solver ran past its time-out of {Timeout.TotalSeconds:G4} s and was killed with its children (work folder {folder})", folder, Tail());
        }

        process.WaitForExit(); // drains the redirected streams
        // Killed by the signal handler: not the solver's failure, and the run is being abandoned.
        if (Files.Interruption.Requested) throw new OperationCanceledException("interrupted: the solver was killed");
        if (process.ExitCode != 0)
            throw new SolverFailureException(SolverFailure.NonZeroExit, $"the solver exited with code {process.ExitCode} (work folder {folder})", folder, Tail());

        SolverSolution solution;
        try
        {
            var states = CellsCsv.ReadSnapshots(Path.Combine(folder, "particles.csv"), scenario.Dimension, problem.Initial.Count, problem.OutputTimes);
            string gradientFile = Path.Combine(folder, "gradient.csv");
            var gradients = problem.WantsGradient && File.Exists(gradientFile)
                ? CellsCsv.ReadGradients(gradientFile, scenario.Dimension, NodeCount(scenario), problem.OutputTimes)
                : null;
            solution = new SolverSolution(problem.OutputTimes, states, gradients);
        }
        catch (ProtocolFileException e)
        {
            throw new SolverFailureException(e.Failure, $"{e.Message} (work folder {folder})", folder, Tail(), e);
        }

        Directory.Delete(folder, recursive: true);
        return solution;
    }

    private static int NodeCount(Scenario s)
    {
        int nodes = 1;
        for (int a = 0; a < s.Dimension; a++) nodes *= s.Domain.Grid;
        return nodes;
    }

    /// <summary>Removes the work root when no run kept a folder there.</summary>
    public void Dispose()
    {
        _interrupt.Dispose();
        _slots.Dispose();
        if (Directory.Exists(_workRoot) && !Directory.EnumerateFileSystemEntries(_workRoot).Any()) Directory.Delete(_workRoot);
    }
}
