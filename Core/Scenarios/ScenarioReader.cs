using System.Globalization;
using System.Reflection;
using MeanField.Core.Scenarios.Kinds;

namespace MeanField.Core.Scenarios;

/// <summary>
/// Reads and validates scenario YAML. Unknown keys, missing required keys, malformed, non-finite or
/// out-of-range values raise a <see cref="ScenarioException"/> naming the key and the value; a
/// returned scenario is runnable as it stands.
/// </summary>
public static class ScenarioReader
{
    /// <summary>Largest N accepted: beyond it the direct O(N^2) alignment is not a sensible choice.</summary>
    public const int MaxParticles = 10_000_000;

    /// <summary>Largest number of grid nodes in the periodic box.</summary>
    public const long MaxGridNodes = 1L << 24;

    /// <summary>The embedded default: d = 2, N = 2000, Cucker-Smale plus chemotaxis, a few seconds.</summary>
    public static Scenario Default() => Parse(DefaultText());

    /// <summary>The YAML text of the embedded default scenario.</summary>
    public static string DefaultText() => EmbeddedText("default");

    /// <summary>The names of the embedded scenarios (<c>default</c>, <c>vlasov-d1</c>, <c>monokinetic-d1</c>, ...).</summary>
    public static IReadOnlyList<string> EmbeddedNames { get; } = ["default", "vlasov-d1", "monokinetic-d1", "monokinetic-d2", "manufactured-d1", "manufactured-d2", "manufactured-d3"];

    /// <summary>An embedded scenario by name (see <see cref="EmbeddedNames"/>).</summary>
    public static Scenario Embedded(string name) => Parse(EmbeddedText(name));

    /// <summary>The YAML text of an embedded scenario.</summary>
    public static string EmbeddedText(string name)
    {
        if (!EmbeddedNames.Contains(name))
            throw new ScenarioException("(embedded scenario)", name, $"must be one of: {string.Join(", ", EmbeddedNames)}");
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"MeanField.Core.Scenarios.{name}.yaml")
            ?? throw new InvalidOperationException($"the scenario {name} is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Reads a scenario file; paths in it (ONNX models) are relative to its folder.</summary>
    public static Scenario Load(string path)
    {
        if (!File.Exists(path)) throw new ScenarioException("(file)", path, "no such file");
        return Parse(File.ReadAllText(path), System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)));
    }

    /// <summary>Parses and validates scenario YAML; relative paths in it are resolved against <paramref name="baseDirectory"/> (default: the current folder).</summary>
    public static Scenario Parse(string yaml, string? baseDirectory = null)
    {
        var root = YamlSection.Root(yaml);
        int d = root.Int("dimension");
        Require(d is >= 1 and <= 3, root.Key("dimension"), d, "must be 1, 2 or 3");
        int n = root.Int("particles");
        Require(n is >= 1 and <= MaxParticles, root.Key("particles"), n, $"must be between 1 and {MaxParticles}");
        int seed = root.Int("seed");
        Require(seed >= 0, root.Key("seed"), seed, "must be >= 0");
        double maxSpeed = root.Double("max_speed", 1e6);
        Require(maxSpeed > 0, root.Key("max_speed"), maxSpeed, "must be > 0");

        var time = ReadTime(root.Section("time"));
        var domain = ReadDomain(root.Section("domain"), d);
        var context = new KindContext(d, domain, baseDirectory ?? Directory.GetCurrentDirectory());
        var alignment = ReadAlignment(root.Section("alignment"), context);
        var chemotaxis = ReadChemotaxis(root.Section("chemotaxis"), context);
        var force = root.OptionalSection("external_force") is { } external ? ReadKind(ScenarioKinds.ExternalForce, external, context) : new NoForceSpec();
        var initial = ReadKind(ScenarioKinds.InitialData, root.Section("initial"), context);
        root.RejectUnknownKeys();

        var scenario = new Scenario
        {
            Dimension = d,
            Particles = n,
            Seed = seed,
            Time = time,
            Alignment = alignment,
            Chemotaxis = chemotaxis,
            ExternalForce = force,
            Domain = domain,
            Initial = initial,
            MaxSpeed = maxSpeed,
        };
        CheckInitialDataFitsBox(scenario);
        return scenario;
    }

    private static TimeSettings ReadTime(YamlSection s)
    {
        double horizon = s.Double("horizon");
        Require(horizon > 0, s.Key("horizon"), horizon, "must be > 0");
        double step = s.Double("step");
        Require(step > 0 && step <= horizon, s.Key("step"), step, $"must be > 0 and <= time.horizon ({Show(horizon)})");
        Require(IsWholeMultiple(horizon, step), s.Key("step"), step, $"time.horizon ({Show(horizon)}) must be a whole number of steps");
        Require(horizon / step <= 1e8, s.Key("step"), step, "more than 1e8 steps");
        double output = s.Double("output_interval", horizon);
        Require(output >= step && output <= horizon, s.Key("output_interval"), output, "must be between time.step and time.horizon");
        Require(IsWholeMultiple(output, step), s.Key("output_interval"), output, $"must be a whole number of steps ({Show(step)})");
        s.RejectUnknownKeys();
        return new TimeSettings(horizon, step, output);
    }

    private static AlignmentSpec ReadAlignment(YamlSection s, KindContext context)
    {
        var spec = ScenarioKinds.Alignment.Read(s, context);
        string method = s.String("method", "direct");
        var parsed = method switch
        {
            "direct" => AlignmentMethod.Direct,
            "mesh" => AlignmentMethod.Mesh,
            _ => throw new ScenarioException(s.Key("method"), method, "must be one of: direct, mesh"),
        };
        Require(parsed == AlignmentMethod.Direct || spec.SupportsMesh, s.Key("method"), method, "mesh needs a Cucker-Smale-type kernel (gamma = beta psi(|y|) w)");
        double spacing = s.Double("mesh_spacing", AlignmentSpec.DefaultMeshSpacing);
        Require(spacing > 0, s.Key("mesh_spacing"), spacing, "must be > 0");
        s.RejectUnknownKeys();
        return spec with { Method = parsed, MeshSpacing = spacing };
    }

    /// <summary>
    /// Builds a kernel from an ONNX model once, now, so a bad model is refused when the scenario is read
    /// (naming the key) rather than mid-run; the kernel is released again.
    /// </summary>
    internal static void CheckModel<T>(Func<T> build, YamlSection s, string key)
    {
        try
        {
            (build() as IDisposable)?.Dispose();
        }
        catch (Kernels.Onnx.OnnxModelException e)
        {
            throw new ScenarioException(s.Key(key), s.String(key), e.Reason + $" (the model {e.ModelPath})");
        }
    }

    private static DomainSpec ReadDomain(YamlSection s, int d)
    {
        double box = s.Double("box");
        Require(box > 0, s.Key("box"), box, "must be > 0");
        int grid = s.Int("grid");
        Require(grid >= 8 && grid % 2 == 0, s.Key("grid"), grid, "must be an even number >= 8");
        Require(Math.Pow(grid, d) <= MaxGridNodes, s.Key("grid"), grid, $"grid^{d} exceeds {MaxGridNodes} nodes");
        double[] center = s.Vector("center", d, 0.0);
        s.RejectUnknownKeys();
        return new DomainSpec(box, grid, center);
    }

    private static ChemotaxisSpec ReadChemotaxis(YamlSection s, KindContext context)
    {
        double eta = s.Double("eta");
        Require(eta >= 0, s.Key("eta"), eta, "must be >= 0");
        double diffusion = s.Double("diffusion");
        Require(diffusion >= 0, s.Key("diffusion"), diffusion, "must be >= 0");
        double decay = s.Double("decay");
        Require(decay >= 0, s.Key("decay"), decay, "must be >= 0");

        var source = s.Section("source");
        var sourceSpec = ScenarioKinds.Source.Read(source, context);
        source.RejectUnknownKeys();

        InitialFieldSpec initialField = new ZeroFieldSpec();
        if (s.OptionalSection("initial_field") is { } field)
        {
            initialField = ScenarioKinds.InitialField.Read(field, context);
            field.RejectUnknownKeys();
        }

        s.RejectUnknownKeys();
        return new ChemotaxisSpec(eta, diffusion, decay, sourceSpec, initialField);
    }

    /// <summary>A section of a kind family, its unknown keys refused.</summary>
    private static TSpec ReadKind<TSpec>(KindFamily<TSpec> family, YamlSection s, KindContext context)
        where TSpec : class
    {
        var spec = family.Read(s, context);
        s.RejectUnknownKeys();
        return spec;
    }

    /// <summary>
    /// The initial support, widened by the source radius, must sit inside the box: otherwise the
    /// periodic field would wrap a cell's source onto the far side.
    /// </summary>
    private static void CheckInitialDataFitsBox(Scenario s)
    {
        double extent = s.Initial.PositionExtent(s.Dimension);
        double offset = UniformDataSpec.Norm(s.Domain.Center);
        double margin = s.Chemotaxis.Source.Build().SupportRadius;
        double halfBox = s.Domain.Box / 2;
        Require(extent + offset + margin < halfBox, "domain.box", s.Domain.Box,
            $"the initial data reach radius {Show(extent)} and the source adds {Show(margin)}: the box must exceed twice their sum about its centre");
    }

    internal static double PositiveDouble(YamlSection s, string key)
    {
        double value = s.Double(key);
        Require(value > 0, s.Key(key), value, "must be > 0");
        return value;
    }

    internal static double NonNegativeDouble(YamlSection s, string key)
    {
        double value = s.Double(key);
        Require(value >= 0, s.Key(key), value, "must be >= 0");
        return value;
    }

    private static bool IsWholeMultiple(double a, double b)
    {
        double ratio = a / b;
        return Math.Abs(ratio - Math.Round(ratio)) <= 1e-9 * Math.Max(1, ratio);
    }

    internal static void Require(bool ok, string key, double value, string reason)
    {
        if (!ok) throw new ScenarioException(key, Show(value), reason);
    }

    internal static void Require(bool ok, string key, string value, string reason)
    {
        if (!ok) throw new ScenarioException(key, value, reason);
    }

    internal static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
