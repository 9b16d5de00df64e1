namespace MeanField.Core.Solvers;

/// <summary>
/// The solver under test as a command line names it: an assembly or the own solver (<c>Solver</c>), or a
/// program speaking the solver protocol (<c>Command</c>, with its time-out and parallel jobs), and the
/// order in dt it declares. A sharded run's plan records it, so every unit builds the same solver.
/// </summary>
public sealed record SolverRequest(string? Solver, string? Command, double TimeoutSeconds, int Jobs, double? Order)
{
    /// <summary>The solver the request names (the own solver when none is named).</summary>
    /// <exception cref="ArgumentException">Both kinds named, a bad value, or an option out of range (the message names it).</exception>
    /// <exception cref="SolverFailureException">The assembly or program cannot be loaded or started.</exception>
    public IParticleSolver Build(string toolVersion)
    {
        if (Solver is not null && Command is not null)
            throw new ArgumentException($"--solver '{Solver}' and --solver-command '{Command}' both name the solver under test: give one");
        if (Order is { } q && !(q > 0 && double.IsFinite(q))) throw new ArgumentException($"--solver-order = {q}: must be a positive number");
        if (Command is null)
        {
            if (Order is not null && (Solver ?? "own").StartsWith("own", StringComparison.Ordinal))
                throw new ArgumentException("--solver-order is for --solver-command and assemblies: the own solver declares 2");
            var solver = SolverSpec.Parse(Solver ?? "own", toolVersion);
            return Order is null ? solver : SolverSpec.WithOrder(solver, Order.Value);
        }

        if (!(TimeoutSeconds > 0) || !double.IsFinite(TimeoutSeconds))
            throw new ArgumentException($"--solver-timeout = {TimeoutSeconds}: must be a positive number of seconds");
        if (Jobs < 1) throw new ArgumentException($"--solver-jobs = {Jobs}: must be at least 1");
        if (string.IsNullOrWhiteSpace(Command)) throw new ArgumentException("--solver-command is empty");
        return ExternalProcessSolver.Create(Command, TimeSpan.FromSeconds(TimeoutSeconds), Jobs, order: Order);
    }
}
