using MeanField.Core.Dynamics;
using MeanField.Core.Scenarios;

namespace MeanField.Core.Solvers;

/// <summary>
/// The project's own solver of (P), <see cref="HybridSimulation"/>, behind the solver contract:
/// <c>own</c> evaluates the alignment as the scenario says (direct by default), <c>own:mesh</c> always
/// by the particle-mesh method. One thread per run by default, so runs compare bit for bit on any machine
/// (the simulation gives the same bits on any thread count).
/// </summary>
public sealed class OwnSolver : IParticleSolver
{
    /// <summary>The own solver as the scenario says, one thread per run (also what <c>assembly:...:MeanField.Core.Solvers.OwnSolver</c> loads).</summary>
    public OwnSolver()
        : this(mesh: false)
    {
    }

    /// <param name="mesh">Evaluate the alignment by the particle-mesh method whatever the scenario says.</param>
    /// <param name="maxThreads">Worker threads per run (-1: all cores).</param>
    /// <param name="version">The version the identity records (the tool's).</param>
    public OwnSolver(bool mesh = false, int maxThreads = 1, string? version = null)
    {
        Mesh = mesh;
        MaxThreads = maxThreads;
        Identity = new SolverIdentity(
            SolverKind.Own,
            mesh ? "own:mesh" : "own",
            version,
            null,
            CodeComponents.ParticleStepper | CodeComponents.ChemicalField | CodeComponents.MeshAlignment | (mesh ? CodeComponents.None : CodeComponents.DirectAlignment),
            TimeOrder: 2);
    }

    public bool Mesh { get; }

    public int MaxThreads { get; }

    public SolverIdentity Identity { get; }

    public SolverSolution Solve(SolverProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var model = HybridModel.FromScenario(problem.Scenario);
        if (Mesh) model = model.WithMeshAlignment(problem.Scenario.Alignment.MeshSpacing);
        try
        {
            return Run(model, problem, MaxThreads);
        }
        catch (SimulationFailureException e)
        {
            throw new SolverFailureException(SolverFailure.RunFailed, e.Message, solverMessage: e.Message, inner: e);
        }
    }

    /// <summary>Runs <paramref name="model"/> from the problem's cells and records the cells (and grad phi when asked) at its output times.</summary>
    /// <param name="defects">Deliberate bugs of the stepper (for measuring a suite's power); none by default.</param>
    public static SolverSolution Run(HybridModel model, SolverProblem problem, int maxThreads = 1, StepperDefects? defects = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(problem);
        var simulation = new HybridSimulation(model, problem.Initial, maxThreads, defects);
        var states = new List<Particles.ParticleState>(problem.OutputTimes.Count);
        var gradients = problem.WantsGradient ? new List<double[][]>(problem.OutputTimes.Count) : null;
        foreach (double t in problem.OutputTimes)
        {
            int target = problem.StepOf(t);
            while (simulation.StepIndex < target) simulation.Step();
            states.Add(simulation.State.Clone());
            gradients?.Add(simulation.Field.Gradient.Select(g => (double[])g.Clone()).ToArray());
        }

        return new SolverSolution(problem.OutputTimes, states, gradients);
    }
}
