namespace MeanField.Core.Solvers;

/// <summary>
/// The solver under test as a command line names it: an assembly or the own solver (<c>Solver</c>), or a
/// program speaking the solver protocol (<c>Command</c>, with its time-out and parallel jobs), and the
/// order in dt it declares as <c>--solver-order</c> gives it (a number from 1 to 8, or <c>adaptive</c> for a
/// solver with its own step control). A sharded run's plan records it, so every unit builds the same solver.
/// </summary>
public sealed record SolverRequest(string? Solver, string? Command, double TimeoutSeconds, int Jobs, string? Order)
{
    /// <summary>The highest order in dt a solver may declare: beyond it no ladder within the reference's accuracy shows an order.</summary>
    public const double MaxOrder = 8;

    /// <summary>What <c>--solver-order</c> declares: an order in dt, or adaptive step control (<c>adaptive</c>); neither when it is not given.</summary>
    /// <exception cref="ArgumentException">Neither a number from 1 to <see cref="MaxOrder"/> nor <c>adaptive</c> (the message names the value).</exception>
    public static (double? Order, bool Adaptive) ParseOrder(string? text)
    {
        if (text is null) return (null, false);
        if (text.Trim().Equals("adaptive", StringComparison.OrdinalIgnoreCase)) return (null, true);
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double q) && q >= 1 && q <= MaxOrder)
            return (q, false);
        throw new ArgumentException($"--solver-order '{text}': expected a number from 1 to {MaxOrder} (the order in dt the solver declares), or adaptive (its own step control)");
    }

    /// <summary>The solver the request names (the own solver when none is named).</summary>
    /// <exception cref="ArgumentException">Both kinds named, a bad value, or an option out of range (the message names it).</exception>
    /// <exception cref="SolverFailureException">The assembly or program cannot be loaded or started.</exception>
    public IParticleSolver Build(string toolVersion)
    {
        if (Solver is not null && Command is not null)
            throw new ArgumentException($"--solver '{Solver}' and --solver-command '{Command}' both name the solver under test: give one");
        var (order, adaptive) = ParseOrder(Order);
        if (Command is null)
        {
            if (Order is not null && (Solver ?? "own").StartsWith("own", StringComparison.Ordinal))
                throw new ArgumentException("--solver-order is for --solver-command and assemblies: the own solver declares 2");
            var solver = SolverSpec.Parse(Solver ?? "own", toolVersion);
            return Order is null ? solver : SolverSpec.WithOrder(solver, order, adaptive);
        }

        if (!(TimeoutSeconds > 0) || !double.IsFinite(TimeoutSeconds))
            throw new ArgumentException($"--solver-timeout = {TimeoutSeconds}: must be a positive number of seconds");
        if (Jobs < 1) throw new ArgumentException($"--solver-jobs = {Jobs}: must be at least 1");
        if (string.IsNullOrWhiteSpace(Command)) throw new ArgumentException("--solver-command is empty");
        return ExternalProcessSolver.Create(Command, TimeSpan.FromSeconds(TimeoutSeconds), Jobs, order: order, adaptive: adaptive);
    }
}
