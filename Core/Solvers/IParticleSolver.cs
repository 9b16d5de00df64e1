using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Core.Solvers;

/// <summary>
/// A solver of the particle system (P): the solver under test of <c>meanfield verify</c>. Given a
/// complete scenario, the initial cells and the output times, it returns the cells at each output
/// time, and optionally grad phi on the scenario's grid nodes.
/// </summary>
/// <remarks>
/// Implementations must be safe to call from several threads at once (the harness runs replicas in
/// parallel) and deterministic: the same problem gives the same bits. A failure is reported by
/// throwing <see cref="SolverFailureException"/>; the harness turns it into the check's Error verdict.
/// </remarks>
public interface IParticleSolver
{
    /// <summary>What the solver is, as the reports name it.</summary>
    SolverIdentity Identity { get; }

    /// <summary>Solves (P) from <see cref="SolverProblem.Initial"/> and returns the cells at every output time.</summary>
    SolverSolution Solve(SolverProblem problem);
}

/// <summary>One run of (P): the scenario (its kernels, field, grid and time step), the initial cells and the times to report.</summary>
/// <param name="Scenario">The complete scenario; its <c>particles</c> is the number of initial cells and its horizon the last output time.</param>
/// <param name="Initial">The cells at t = 0 (positions, velocities, optional masses).</param>
/// <param name="OutputTimes">Increasing times in (0, horizon], each a whole number of steps: see <see cref="SolverProblem.OutputTimesOf"/>.</param>
/// <param name="WantsGradient">Whether grad phi on the grid nodes is asked for at the output times.</param>
public sealed record SolverProblem(Scenario Scenario, ParticleState Initial, IReadOnlyList<double> OutputTimes, bool WantsGradient)
{
    /// <summary>
    /// The problem of running <paramref name="scenario"/>'s model from <paramref name="initial"/> to
    /// <paramref name="horizon"/>, reporting every <paramref name="outputInterval"/> (the horizon alone when null).
    /// </summary>
    public static SolverProblem Create(Scenario scenario, ParticleState initial, double horizon, double? outputInterval = null, bool wantsGradient = false)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(initial);
        if (initial.Dimension != scenario.Dimension)
            throw new ArgumentException($"the initial cells have dimension {initial.Dimension}, the scenario {scenario.Dimension}", nameof(initial));
        if (initial.Count < 1) throw new ArgumentException("the initial cloud is empty", nameof(initial));
        var exact = scenario with
        {
            Particles = initial.Count,
            Time = scenario.Time with { Horizon = horizon, OutputInterval = outputInterval ?? horizon },
        };
        return new SolverProblem(exact, initial, OutputTimesOf(exact), wantsGradient);
    }

    /// <summary>The output times of a scenario: the multiples of <c>time.output_interval</c> up to <c>time.horizon</c>, plus the horizon.</summary>
    public static IReadOnlyList<double> OutputTimesOf(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        int steps = scenario.StepCount, every = Math.Max(1, scenario.StepsPerOutput);
        var times = new List<double>();
        for (int k = every; k <= steps; k += every) times.Add(k * scenario.Time.Step);
        if (steps % every != 0 || steps == 0) times.Add(steps * scenario.Time.Step);
        return times;
    }

    /// <summary>The step index of an output time (times are whole numbers of steps).</summary>
    public int StepOf(double time) => (int)Math.Round(time / Scenario.Time.Step);
}

/// <summary>What a solver returns: the cells at each output time and, when asked and available, grad phi at the grid nodes.</summary>
/// <param name="Times">The output times, as asked.</param>
/// <param name="States">The cells at each time, in the order of the initial cells.</param>
/// <param name="Gradients">Per time, grad phi at the nodes (one array of <c>NodeCount</c> values per component, nodes in the grid's row-major order), or null when the solver does not give it.</param>
public sealed record SolverSolution(IReadOnlyList<double> Times, IReadOnlyList<ParticleState> States, IReadOnlyList<double[][]>? Gradients)
{
    /// <summary>The cells at the last output time.</summary>
    public ParticleState Final => States[^1];
}
