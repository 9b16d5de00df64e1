using System.Reflection;
using MeanField.Core.Dynamics;
using MeanField.Core.Particles;
using MeanField.Core.Solvers;

namespace Example;

/// <summary>
/// A solver of the particle system (P) behind the toolkit's solver contract: the package's model and
/// stepper run with <see cref="Substeps"/> steps per step of the scenario, so it is a second-order
/// solver with a smaller error constant. Replace the loop in <see cref="Solve"/> with your own scheme;
/// the contract around it stays the same.
/// </summary>
/// <remarks>
/// What the harness asks of it: a public class with a public parameterless constructor; the same
/// problem gives the same bits; safe to call from several threads at once (it keeps no state between
/// calls); a failure is thrown as <see cref="SolverFailureException"/>.
/// </remarks>
public sealed class SubstepSolver : IParticleSolver
{
    /// <summary>Steps of the package's stepper per step of the scenario.</summary>
    public const int Substeps = 2;

    /// <summary>
    /// Its name and version for the reports, the order in dt it is held to by the convergence checks,
    /// and the toolkit code it runs (a check whose reference shares that code says it is not independent).
    /// </summary>
    public SolverIdentity Identity { get; } = new(
        SolverKind.Assembly,
        "csharp-substep-solver",
        typeof(SubstepSolver).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
        ProtocolVersion: null,
        CodeComponents.ParticleStepper | CodeComponents.ChemicalField | CodeComponents.DirectAlignment | CodeComponents.MeshAlignment,
        TimeOrder: 2);

    public SolverSolution Solve(SolverProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var scenario = problem.Scenario;
        var model = HybridModel.FromScenario(scenario) with { Step = scenario.Time.Step / Substeps };
        var states = new List<ParticleState>(problem.OutputTimes.Count);
        var gradients = problem.WantsGradient ? new List<double[][]>(problem.OutputTimes.Count) : null;
        try
        {
            var simulation = new HybridSimulation(model, problem.Initial, maxThreads: 1);
            foreach (double t in problem.OutputTimes)
            {
                // Output times are whole numbers of the scenario's steps, so of the substeps too.
                int target = problem.StepOf(t) * Substeps;
                while (simulation.StepIndex < target) simulation.Step();
                states.Add(simulation.State.Clone());
                gradients?.Add(simulation.Field.Gradient.Select(g => (double[])g.Clone()).ToArray());
            }
        }
        catch (SimulationFailureException e)
        {
            throw new SolverFailureException(SolverFailure.RunFailed, e.Message, solverMessage: e.Message, inner: e);
        }

        return new SolverSolution(problem.OutputTimes, states, gradients);
    }
}
