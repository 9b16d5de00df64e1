namespace MeanField.Core.Solvers;

/// <summary>How the solver under test is given to the harness.</summary>
public enum SolverKind
{
    /// <summary>The project's own solver (<see cref="OwnSolver"/>), in-process.</summary>
    Own,

    /// <summary>A .NET type implementing <see cref="IParticleSolver"/>, loaded from an assembly.</summary>
    Assembly,

    /// <summary>An external program speaking the file protocol (<see cref="ExternalProcessSolver"/>).</summary>
    Command,
}

/// <summary>
/// Parts of the project's code that a solver or a reference is built from. A check's reference is
/// independent of the solver under test when the two share none.
/// </summary>
[Flags]
public enum CodeComponents
{
    None = 0,

    /// <summary>The coupled Heun / ETD-RK2 step of <see cref="Dynamics.HybridSimulation"/>.</summary>
    ParticleStepper = 1,

    /// <summary>The spectral chemical field (<see cref="Chemistry.ChemicalField"/>): deposit, exponential integrator, interpolated gradient.</summary>
    ChemicalField = 2,

    /// <summary>The direct-sum alignment.</summary>
    DirectAlignment = 4,

    /// <summary>The particle-mesh alignment.</summary>
    MeshAlignment = 8,
}

/// <summary>What the reports say of the solver under test.</summary>
/// <param name="Kind">How it was given.</param>
/// <param name="Name">A stable name: <c>own</c>, <c>own:mesh</c>, <c>assembly:PATH:Type</c>, or the command line.</param>
/// <param name="Version">The first line its <c>--version</c> printed (commands), its assembly's version, or the tool's (own); null when it gives none.</param>
/// <param name="ProtocolVersion">The file protocol's version for commands, null otherwise.</param>
/// <param name="Components">The project's code it runs (none for a solver from outside).</param>
/// <param name="TimeOrder">The order in the time step the solver declares (the own solver: 2), which the convergence checks hold it to; null when it declares none (those checks are then informational).</param>
/// <param name="AdaptiveSteps">Whether the solver controls its own steps (it may ignore <c>time.step</c>): the convergence checks then judge its answer against the exact solution, with no order.</param>
/// <param name="Capabilities">What it declares it solves (protocol 1.1's <c>--capabilities</c>, or an assembly's identity); null when it declares nothing, and is then given every problem.</param>
public sealed record SolverIdentity(SolverKind Kind, string Name, string? Version, int? ProtocolVersion, CodeComponents Components, double? TimeOrder = null, bool AdaptiveSteps = false, SolverCapabilities? Capabilities = null)
{
    /// <summary>One line for a report: "command `python3 s.py` (version 1.2, protocol 1)".</summary>
    public string Describe()
    {
        string what = Kind switch
        {
            SolverKind.Own => $"the project's own solver `{Name}`",
            SolverKind.Assembly => $"the .NET type `{Name}`",
            SolverKind.Command => $"the command `{Name}`",
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown solver kind"),
        };
        var extra = new List<string>();
        if (Version is not null) extra.Add($"version {Version}");
        if (ProtocolVersion is { } p) extra.Add($"protocol {p}");
        if (TimeOrder is { } q) extra.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"declared order {q:G3} in dt"));
        if (AdaptiveSteps) extra.Add("its own step control");
        if (Capabilities is not null) extra.Add("declared capabilities");
        return extra.Count == 0 ? what : $"{what} ({string.Join(", ", extra)})";
    }
}
