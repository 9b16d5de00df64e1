using System.Globalization;

namespace MeanField.Core.Scenarios.Kinds;

/// <summary>What a kind's reader may need besides its own section: the dimension, the domain and the scenario file's folder.</summary>
internal sealed record KindContext(int Dimension, DomainSpec Domain, string BaseDirectory)
{
    /// <summary>The chemical grid's spacing h.</summary>
    public double Spacing => Domain.Box / Domain.Grid;
}

/// <summary>
/// One kind of a family: its YAML name, the spec type it reads to, how its keys are read from its
/// section (validated, naming the key) and written back (every key explicit, so that reading what was
/// written gives the same spec).
/// </summary>
internal sealed record Kind<TSpec>(string Name, Type SpecType, Func<YamlSection, KindContext, TSpec> Read, Action<TSpec, YamlLines> Write)
    where TSpec : class;

/// <summary>
/// A family of kinds under one YAML key (<c>alignment</c>, <c>chemotaxis.source</c>, ...): the one table
/// that maps a <c>kind:</c> to its spec, reader and writer. Adding a kind is a row here and its spec.
/// </summary>
internal sealed class KindFamily<TSpec>
    where TSpec : class
{
    private readonly Kind<TSpec>[] _kinds;

    /// <param name="kinds">The kinds, in the order the error message lists them.</param>
    public KindFamily(params Kind<TSpec>[] kinds)
    {
        _kinds = kinds;
        if (kinds.Select(k => k.Name).Distinct().Count() != kinds.Length || kinds.Select(k => k.SpecType).Distinct().Count() != kinds.Length)
            throw new ArgumentException("a kind's name and spec type must each be unique in its family", nameof(kinds));
    }

    /// <summary>The kinds' YAML names, in the family's order.</summary>
    public IReadOnlyList<string> Names => [.. _kinds.Select(k => k.Name)];

    /// <summary>The YAML name of a spec's kind.</summary>
    public string NameOf(TSpec spec) =>
        (Array.Find(_kinds, k => k.SpecType == spec.GetType()) ?? throw new NotSupportedException($"{spec.GetType().Name} has no YAML form")).Name;

    /// <summary>The spec of the section's <c>kind</c>; an unknown kind names the key and the known ones.</summary>
    public TSpec Read(YamlSection section, KindContext context)
    {
        string name = section.String("kind");
        var kind = Array.Find(_kinds, k => k.Name == name)
            ?? throw new ScenarioException(section.Key("kind"), name, $"must be one of: {string.Join(", ", Names)}");
        return kind.Read(section, context);
    }

    /// <summary>The spec's <c>kind</c> and keys, each line indented by <paramref name="indent"/>.</summary>
    public void Write(TSpec spec, TextWriter writer, string indent)
    {
        var kind = Array.Find(_kinds, k => k.SpecType == spec.GetType())
            ?? throw new NotSupportedException($"{spec.GetType().Name} has no YAML form");
        var lines = new YamlLines(writer, indent);
        lines.Text("kind", kind.Name);
        kind.Write(spec, lines);
    }
}

/// <summary>Writes <c>key: value</c> lines at one indentation, numbers in round-trip form.</summary>
internal readonly struct YamlLines(TextWriter writer, string indent)
{
    /// <summary>The indentation of a section nested under this one.</summary>
    public string Nested => indent + "  ";

    public TextWriter Writer => writer;

    public void Text(string key, string value) => writer.WriteLine($"{indent}{key}: {value}");

    public void Quoted(string key, string value) => writer.WriteLine($"{indent}{key}: \"{value}\"");

    public void Number(string key, double value) => Text(key, Format(value));

    public void Vector(string key, double[] value) => Text(key, "[" + string.Join(", ", value.Select(Format)) + "]");

    /// <summary>A nested section's key (its lines follow at <see cref="Nested"/>).</summary>
    public void Section(string key) => writer.WriteLine($"{indent}{key}:");

    public static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
