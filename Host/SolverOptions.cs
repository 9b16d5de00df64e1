using MeanField.Core.Solvers;

namespace MeanField.Host;

/// <summary>The solver-under-test options of <c>verify</c>: <c>--solver</c>, or <c>--solver-command</c> with its time-out and jobs.</summary>
internal sealed record SolverOptions(string? Solver, string? Command, double TimeoutSeconds, int Jobs, double? Order)
{
    /// <summary>The solver the options name (the own solver when none is named).</summary>
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
