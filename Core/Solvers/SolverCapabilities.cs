using System.Globalization;
using MeanField.Core.Scenarios;
using MeanField.Core.Scenarios.Kinds;

namespace MeanField.Core.Solvers;

/// <summary>
/// What a solver solves (protocol 1.1, <c>COMMAND --capabilities</c>): the dimensions, the kinds of each
/// part of a scenario it takes, whether it has chemotaxis, and whether it takes unequal masses. A check whose
/// problems need what the solver lacks is Not applicable, with the reason (<see cref="Lacks"/>), never an Error.
/// </summary>
/// <remarks>
/// The YAML form is flat, one key a line, lists as <c>[a, b]</c>; a key left out places no limit:
/// <code>
/// protocol: 1.1
/// dimensions: [1, 2, 3]
/// alignment: [cucker_smale, none]
/// chemotaxis: false
/// external_force: [none, constant, confinement]
/// initial_field: [zero, gaussian]
/// source: [polynomial_bump, smooth_bump]
/// masses: true
/// </code>
/// Kind names are the scenario's (<c>kind:</c>); an unknown key or kind is refused with its line.
/// </remarks>
public sealed record SolverCapabilities
{
    /// <summary>The dimensions d it solves; null: any.</summary>
    public IReadOnlySet<int>? Dimensions { get; init; }

    /// <summary>The alignment kinds; null: any.</summary>
    public IReadOnlySet<string>? Alignment { get; init; }

    /// <summary>Whether it has the chemotactic force and the field (false: it solves only problems with eta = 0).</summary>
    public bool Chemotaxis { get; init; } = true;

    /// <summary>The external force kinds; null: any.</summary>
    public IReadOnlySet<string>? ExternalForce { get; init; }

    /// <summary>The initial field kinds (with chemotaxis); null: any.</summary>
    public IReadOnlySet<string>? InitialField { get; init; }

    /// <summary>The source kinds (with chemotaxis); null: any.</summary>
    public IReadOnlySet<string>? Source { get; init; }

    /// <summary>Whether it takes cells of unequal masses (the column <c>m</c> of <c>initial.csv</c>).</summary>
    public bool Masses { get; init; } = true;

    /// <summary>Everything (the own solver's, and what a solver that does not answer is taken to solve).</summary>
    public static SolverCapabilities All { get; } = new();

    /// <summary>Why the solver cannot solve this problem, or null when it can.</summary>
    /// <param name="scenario">The problem's model.</param>
    /// <param name="weighted">Whether its cells have unequal masses.</param>
    public string? Lacks(Scenario scenario, bool weighted)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (Dimensions is { } dims && !dims.Contains(scenario.Dimension)) return $"the solver declares dimensions {Join(dims)}, and the problem is in d = {scenario.Dimension}";
        string alignment = ScenarioKinds.Alignment.NameOf(scenario.Alignment);
        if (Alignment is { } kinds && !kinds.Contains(alignment)) return $"the solver declares alignment {Join(kinds)}, and the problem's is {alignment}";
        string force = ScenarioKinds.ExternalForce.NameOf(scenario.ExternalForce);
        if (ExternalForce is { } forces && !forces.Contains(force)) return $"the solver declares external forces {Join(forces)}, and the problem's is {force}";
        if (weighted && !Masses) return "the solver declares no masses, and the problem's cells have unequal masses";
        var c = scenario.Chemotaxis;
        if (c.Eta == 0) return null;
        if (!Chemotaxis) return string.Create(CultureInfo.InvariantCulture, $"the solver declares no chemotaxis, and the problem has eta = {c.Eta:G4}");
        string source = ScenarioKinds.Source.NameOf(c.Source);
        if (Source is { } sources && !sources.Contains(source)) return $"the solver declares sources {Join(sources)}, and the problem's is {source}";
        string field = ScenarioKinds.InitialField.NameOf(c.InitialField);
        if (InitialField is { } fields && !fields.Contains(field)) return $"the solver declares initial fields {Join(fields)}, and the problem's is {field}";
        return null;
    }

    /// <summary>
    /// The solver as a check runs it: a problem its declared capabilities lack raises
    /// <see cref="ProblemNotSupportedException"/> before the solver is called (a solver that declares none is returned as it is).
    /// </summary>
    public static IParticleSolver Guard(IParticleSolver solver)
    {
        ArgumentNullException.ThrowIfNull(solver);
        return solver.Identity.Capabilities is null ? solver : new GuardedSolver(solver, solver.Identity.Capabilities);
    }

    private sealed class GuardedSolver(IParticleSolver inner, SolverCapabilities capabilities) : IParticleSolver
    {
        public SolverIdentity Identity => inner.Identity;

        public SolverSolution Solve(SolverProblem problem)
        {
            if (capabilities.Lacks(problem.Scenario, problem.Initial.Masses is not null) is { } reason) throw new ProblemNotSupportedException(reason);
            return inner.Solve(problem);
        }
    }

    /// <summary>The capabilities in the YAML form <see cref="Parse"/> reads (every key written out).</summary>
    public string ToYaml()
    {
        var w = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        w.WriteLine("protocol: 1.1");
        w.WriteLine($"dimensions: [{string.Join(", ", (Dimensions ?? new HashSet<int> { 1, 2, 3 }).Order())}]");
        w.WriteLine($"alignment: [{string.Join(", ", Listed(Alignment, ScenarioKinds.Alignment.Names))}]");
        w.WriteLine($"chemotaxis: {(Chemotaxis ? "true" : "false")}");
        w.WriteLine($"external_force: [{string.Join(", ", Listed(ExternalForce, ScenarioKinds.ExternalForce.Names))}]");
        w.WriteLine($"initial_field: [{string.Join(", ", Listed(InitialField, ScenarioKinds.InitialField.Names))}]");
        w.WriteLine($"source: [{string.Join(", ", Listed(Source, ScenarioKinds.Source.Names))}]");
        w.WriteLine($"masses: {(Masses ? "true" : "false")}");
        return w.ToString();
    }

    /// <summary>Reads the YAML form; <paramref name="origin"/> names where it came from in messages.</summary>
    /// <exception cref="FormatException">A line that is not <c>key: value</c>, an unknown key or kind, a bad value or a key given twice (the message names the origin, the line and what was expected).</exception>
    public static SolverCapabilities Parse(string text, string origin)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new SolverCapabilities();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int number = 0;
        foreach (string raw in text.Split('\n'))
        {
            number++;
            string line = raw.Split('#', 2)[0].Trim();
            if (line.Length == 0) continue;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw Bad(origin, number, raw, "expected key: value");
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (!seen.Add(key)) throw Bad(origin, number, raw, $"the key {key} is given twice");
            result = key switch
            {
                "protocol" => value is "1.1" ? result : throw Bad(origin, number, raw, "protocol 1.1"),
                "dimensions" => result with { Dimensions = List(origin, number, raw, value).Select(t => t is "1" or "2" or "3" ? int.Parse(t, CultureInfo.InvariantCulture) : throw Bad(origin, number, raw, "dimensions among 1, 2, 3")).ToHashSet() },
                "alignment" => result with { Alignment = Kinds(origin, number, raw, value, ScenarioKinds.Alignment.Names) },
                "chemotaxis" => result with { Chemotaxis = Flag(origin, number, raw, value) },
                "external_force" => result with { ExternalForce = Kinds(origin, number, raw, value, ScenarioKinds.ExternalForce.Names) },
                "initial_field" => result with { InitialField = Kinds(origin, number, raw, value, ScenarioKinds.InitialField.Names) },
                "source" => result with { Source = Kinds(origin, number, raw, value, ScenarioKinds.Source.Names) },
                "masses" => result with { Masses = Flag(origin, number, raw, value) },
                _ => throw Bad(origin, number, raw, "one of the keys protocol, dimensions, alignment, chemotaxis, external_force, initial_field, source, masses"),
            };
        }

        return result;
    }

    private static string Join<T>(IEnumerable<T> items) => string.Join(", ", items.Order());

    /// <summary>The declared kinds in the family's order, or every kind of the family when none are declared.</summary>
    private static IEnumerable<string> Listed(IReadOnlySet<string>? declared, IReadOnlyList<string> family) =>
        declared is null ? family : family.Where(declared.Contains);

    private static FormatException Bad(string origin, int line, string text, string expected) =>
        new($"{origin}, line {line} ('{text.Trim()}'): expected {expected}");

    private static string[] List(string origin, int line, string raw, string value)
    {
        if (!(value.StartsWith('[') && value.EndsWith(']'))) throw Bad(origin, line, raw, "a list [a, b, ...]");
        return value[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    private static HashSet<string> Kinds(string origin, int line, string raw, string value, IReadOnlyList<string> known) =>
        List(origin, line, raw, value).Select(k => known.Contains(k) ? k : throw Bad(origin, line, raw, $"kinds among {string.Join(", ", known)} (not {k})")).ToHashSet(StringComparer.Ordinal);

    private static bool Flag(string origin, int line, string raw, string value) => value switch
    {
        "true" => true,
        "false" => false,
        _ => throw Bad(origin, line, raw, "true or false"),
    };
}
