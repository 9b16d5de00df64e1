using MeanField.Core.Files;
using System.CommandLine;
using System.Text;
using MeanField.Core.Dynamics;
using MeanField.Core.Scenarios;
using MeanField.Core.Solvers;
using MeanField.Reports.Output;

namespace MeanField.Host;

/// <summary>
/// <c>meanfield solve WORKDIR</c>: the own solver as an external program of protocol version 1, so
/// <c>verify --solver-command "meanfield solve"</c> runs it through the same door as any other.
/// Reads <c>WORKDIR/scenario.yaml</c> and <c>WORKDIR/initial.csv</c>, writes <c>WORKDIR/particles.csv</c>
/// (t = 0 and every output time) and, when <c>WORKDIR/wants-gradient</c> exists, <c>WORKDIR/gradient.csv</c>.
/// </summary>
internal static class SolveCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var folder = new Argument<DirectoryInfo?>("workdir") { Description = "The run's work folder (protocol version 1).", Arity = ArgumentArity.ZeroOrOne };
        var mesh = new Option<bool>("--mesh") { Description = "Evaluate the alignment by the particle-mesh method (own:mesh)." };
        var threads = WholeNumberOptions.Create("--threads", "Worker threads (-1: all cores); the bits do not depend on it.", 1);
        var version = new Option<bool>("--version") { Description = "Print the tool's version and exit." };
        var command = new Command("solve", "Solve (P) in a work folder of the external-solver protocol (version 1): scenario.yaml and initial.csv in, particles.csv out.")
        {
            folder, mesh, threads, version,
        };
        command.SetAction(parse => parse.GetValue(version)
            ? PrintVersion(output)
            : Run(parse.GetValue(folder), parse.GetValue(mesh), parse.GetValue(threads), output, error));
        return command;
    }

    private static int PrintVersion(TextWriter output)
    {
        output.WriteLine($"meanfield {VerifyCommand.ToolVersion()}");
        return ExitCodes.Success;
    }

    private static int Run(DirectoryInfo? folder, bool mesh, int threads, TextWriter output, TextWriter error)
    {
        if (folder is null)
        {
            error.WriteLine("meanfield solve: give the work folder (WORKDIR)");
            return ExitCodes.BadInput;
        }

        if (threads == 0 || threads < -1)
        {
            error.WriteLine($"meanfield solve: option '--threads' = {threads}: must be -1 (all cores) or >= 1");
            return ExitCodes.BadInput;
        }

        SolverProblem problem;
        try
        {
            var scenario = ScenarioReader.Load(Path.Combine(folder.FullName, "scenario.yaml"));
            var initial = CellsCsv.ReadInitial(Path.Combine(folder.FullName, "initial.csv"), scenario.Dimension);
            bool wantsGradient = File.Exists(Path.Combine(folder.FullName, ExternalProcessSolver.WantsGradientFile));
            problem = new SolverProblem(scenario with { Particles = initial.Count }, initial, SolverProblem.OutputTimesOf(scenario), wantsGradient);
        }
        catch (Exception e) when (e is ScenarioException or IOException)
        {
            error.WriteLine($"meanfield solve: {e.Message}");
            return ExitCodes.BadInput;
        }

        // The solution holds every output time's cells (and gradient grids) until they are written.
        var asRun = mesh ? problem.Scenario with { Alignment = problem.Scenario.Alignment with { Method = AlignmentMethod.Mesh } } : problem.Scenario;
        int outputs = problem.OutputTimes.Count;
        var held = new HeldOutputs(outputs, problem.WantsGradient ? outputs : 0);
        if (!RunBudgetGate.Admit(new RunBudgetGate.Run("solve", asRun, problem.Initial.Count, problem.Initial, held, threads), error)) return ExitCodes.BadInput;

        SolverSolution solution;
        try
        {
            solution = new OwnSolver(mesh, threads).Solve(problem);
        }
        catch (SolverFailureException e)
        {
            error.WriteLine($"meanfield solve: {e.Message}");
            return ExitCodes.RunFailed;
        }

        // Written under temporary names and renamed: a reader never sees half a file.
        AtomicFile.WriteText(Path.Combine(folder.FullName, "particles.csv"), w =>
        {
            w.Write(CellsCsv.SnapshotHeader(problem.Scenario.Dimension) + "\n");
            CellsCsv.WriteSnapshot(w, 0, problem.Initial);
            for (int k = 0; k < solution.Times.Count; k++) CellsCsv.WriteSnapshot(w, solution.Times[k], solution.States[k]);
        });
        if (solution.Gradients is { } gradients)
        {
            AtomicFile.WriteText(Path.Combine(folder.FullName, "gradient.csv"), w =>
            {
                w.Write(CellsCsv.GradientHeader(problem.Scenario.Dimension) + "\n");
                for (int k = 0; k < solution.Times.Count; k++) CellsCsv.WriteGradient(w, solution.Times[k], gradients[k]);
            });
        }

        output.WriteLine($"solve: {problem.Initial.Count} cells in d = {problem.Scenario.Dimension} to t = {problem.Scenario.Time.Horizon:G6}: wrote {folder.FullName}");
        return ExitCodes.Success;
    }
}
