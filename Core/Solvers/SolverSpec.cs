using System.Reflection;

namespace MeanField.Core.Solvers;

/// <summary>Solvers of the command line: <c>own</c>, <c>own:mesh</c>, or <c>assembly:PATH.dll:Namespace.Type</c>.</summary>
public static class SolverSpec
{
    /// <summary>The in-process solver a <c>--solver</c> value names.</summary>
    /// <exception cref="SolverFailureException">An assembly or type that cannot be loaded, or a type that does not implement <see cref="IParticleSolver"/> (<see cref="SolverFailure.NotLoadable"/>).</exception>
    /// <exception cref="ArgumentException">A value of no known form.</exception>
    public static IParticleSolver Parse(string value, string? ownVersion = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value == "own") return new OwnSolver(mesh: false, version: ownVersion);
        if (value == "own:mesh") return new OwnSolver(mesh: true, version: ownVersion);
        const string prefix = "assembly:";
        if (value.StartsWith(prefix, StringComparison.Ordinal))
        {
            string rest = value[prefix.Length..];
            int colon = rest.LastIndexOf(':');
            if (colon <= 0 || colon == rest.Length - 1)
                throw new ArgumentException($"--solver '{value}': expected assembly:PATH.dll:Namespace.Type", nameof(value));
            return Load(rest[..colon], rest[(colon + 1)..]);
        }

        throw new ArgumentException($"--solver '{value}': expected own, own:mesh or assembly:PATH.dll:Namespace.Type", nameof(value));
    }

    /// <summary>An instance of <paramref name="typeName"/> from the assembly at <paramref name="path"/>: a public class implementing <see cref="IParticleSolver"/> with a public parameterless constructor.</summary>
    public static IParticleSolver Load(string path, string typeName)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new SolverFailureException(SolverFailure.NotLoadable, $"--solver assembly '{full}': no such file");
        Assembly assembly;
        try
        {
            assembly = Assembly.LoadFrom(full);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new SolverFailureException(SolverFailure.NotLoadable, $"--solver assembly '{full}': not a .NET assembly ({e.Message})", inner: e);
        }

        var type = assembly.GetType(typeName, throwOnError: false)
            ?? throw new SolverFailureException(SolverFailure.NotLoadable, $"--solver assembly '{full}' has no type '{typeName}'");
        if (!typeof(IParticleSolver).IsAssignableFrom(type))
            throw new SolverFailureException(SolverFailure.NotLoadable, $"--solver type '{typeName}' in '{full}' does not implement {typeof(IParticleSolver).FullName}");
        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            throw new SolverFailureException(SolverFailure.NotLoadable, $"--solver type '{typeName}' in '{full}' has no public parameterless constructor");
        var solver = (IParticleSolver)Activator.CreateInstance(type)!;
        string version = type.Assembly.GetName().Version?.ToString() ?? "unknown";
        return new NamedSolver(solver, solver.Identity with { Kind = SolverKind.Assembly, Name = $"assembly:{full}:{typeName}", Version = solver.Identity.Version ?? version });
    }

    /// <summary>The solver with the order in dt it is declared to have, or its own step control (<c>--solver-order</c>).</summary>
    public static IParticleSolver WithOrder(IParticleSolver solver, double? order, bool adaptive = false)
    {
        ArgumentNullException.ThrowIfNull(solver);
        return new NamedSolver(solver, solver.Identity with { TimeOrder = order, AdaptiveSteps = adaptive });
    }

    /// <summary>A loaded solver under the identity the harness gives it (its kind and where it came from).</summary>
    private sealed class NamedSolver(IParticleSolver inner, SolverIdentity identity) : IParticleSolver
    {
        public SolverIdentity Identity { get; } = identity;

        public SolverSolution Solve(SolverProblem problem) => inner.Solve(problem);
    }
}
