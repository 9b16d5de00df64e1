using System.Globalization;
using System.Reflection;

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
        var alignment = ReadAlignment(root.Section("alignment"), d, domain, baseDirectory ?? Directory.GetCurrentDirectory());
        var chemotaxis = ReadChemotaxis(root.Section("chemotaxis"), d, domain, baseDirectory ?? Directory.GetCurrentDirectory());
        var force = ReadForce(root.OptionalSection("external_force"), d);
        var initial = ReadInitial(root.Section("initial"), d);
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

    private static AlignmentSpec ReadAlignment(YamlSection s, int d, DomainSpec domain, string baseDirectory)
    {
        string kind = s.String("kind");
        AlignmentSpec spec;
        switch (kind)
        {
            case "cucker_smale":
                double beta = s.Double("beta");
                Require(beta >= 0, s.Key("beta"), beta, "must be >= 0");
                double radius = s.Double("radius");
                Require(radius > 0, s.Key("radius"), radius, "must be > 0");
                double sigma = s.Double("sigma");
                Require(sigma >= 0, s.Key("sigma"), sigma, "must be >= 0");
                spec = new CuckerSmaleSpec(beta, radius, sigma);
                break;
            case "none":
                spec = new NoAlignmentSpec();
                break;
            case "onnx":
            {
                double onnxBeta = s.Double("beta");
                Require(onnxBeta >= 0, s.Key("beta"), onnxBeta, "must be >= 0");
                string path = System.IO.Path.GetFullPath(s.String("path"), baseDirectory);
                // Every distance between two points of the box: the model is checked there now, not mid-run.
                double reach = domain.Box * Math.Sqrt(domain.Center.Length);
                spec = new OnnxProfileSpec(path, onnxBeta, reach);
                CheckModel(spec.Build, s, "path");

                break;
            }

            case "onnx_gamma":
            {
                string path = System.IO.Path.GetFullPath(s.String("path"), baseDirectory);
                double speed = s.Double("speed_scale", 10.0);
                Require(speed > 0, s.Key("speed_scale"), speed, "must be > 0");
                spec = new OnnxGammaSpec(path, d, domain.Box * Math.Sqrt(d), speed);
                CheckModel(spec.Build, s, "path");

                break;
            }

            default:
                throw new ScenarioException(s.Key("kind"), kind, "must be one of: cucker_smale, onnx, onnx_gamma, none");
        }

        string method = s.String("method", "direct");
        var parsed = method switch
        {
            "direct" => AlignmentMethod.Direct,
            "mesh" => AlignmentMethod.Mesh,
            _ => throw new ScenarioException(s.Key("method"), method, "must be one of: direct, mesh"),
        };
        Require(parsed == AlignmentMethod.Direct || spec is CuckerSmaleSpec or OnnxProfileSpec, s.Key("method"), method, "mesh needs a Cucker-Smale-type kernel (gamma = beta psi(|y|) w)");
        double spacing = s.Double("mesh_spacing", AlignmentSpec.DefaultMeshSpacing);
        Require(spacing > 0, s.Key("mesh_spacing"), spacing, "must be > 0");
        s.RejectUnknownKeys();
        return spec with { Method = parsed, MeshSpacing = spacing };
    }

    /// <summary>
    /// Builds a kernel from an ONNX model once, now, so a bad model is refused when the scenario is read
    /// (naming the key) rather than mid-run; the kernel is released again.
    /// </summary>
    private static void CheckModel<T>(Func<T> build, YamlSection s, string key)
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

    private static ChemotaxisSpec ReadChemotaxis(YamlSection s, int d, DomainSpec domain, string baseDirectory)
    {
        double eta = s.Double("eta");
        Require(eta >= 0, s.Key("eta"), eta, "must be >= 0");
        double diffusion = s.Double("diffusion");
        Require(diffusion >= 0, s.Key("diffusion"), diffusion, "must be >= 0");
        double decay = s.Double("decay");
        Require(decay >= 0, s.Key("decay"), decay, "must be >= 0");

        var source = s.Section("source");
        string kind = source.String("kind");
        if (kind is not ("polynomial_bump" or "smooth_bump" or "onnx")) throw new ScenarioException(source.Key("kind"), kind, "must be one of: polynomial_bump, smooth_bump, onnx");
        double radius = source.Double("radius");
        double h = domain.Box / domain.Grid;
        Require(radius > 0, source.Key("radius"), radius, "must be > 0");
        Require(radius >= 2 * h, source.Key("radius"), radius, $"is below two grid spacings (h = {Show(h)}): the source is not resolved; refine domain.grid");
        Require(radius < domain.Box / 4, source.Key("radius"), radius, $"must be below a quarter of domain.box ({Show(domain.Box)})");
        SourceSpec sourceSpec;
        if (kind == "onnx")
        {
            string path = System.IO.Path.GetFullPath(source.String("path"), baseDirectory);
            sourceSpec = new OnnxSourceSpec(path, radius);
            CheckModel(sourceSpec.Build, source, "path");
        }
        else
        {
            double amplitude = source.Double("amplitude");
            Require(amplitude >= 0, source.Key("amplitude"), amplitude, "must be >= 0");
            if (kind == "smooth_bump")
            {
                double sharpness = source.Double("sharpness");
                Require(sharpness > 0, source.Key("sharpness"), sharpness, "must be > 0");
                sourceSpec = new SmoothBumpSpec(radius, amplitude, sharpness);
            }
            else sourceSpec = new PolynomialBumpSpec(radius, amplitude);
        }

        source.RejectUnknownKeys();

        InitialFieldSpec initialField = new ZeroFieldSpec();
        var field = s.OptionalSection("initial_field");
        if (field is not null)
        {
            string fieldKind = field.String("kind");
            switch (fieldKind)
            {
                case "zero":
                    break;
                case "gaussian":
                    double a = field.Double("amplitude");
                    double w = field.Double("width");
                    Require(w >= 2 * h, field.Key("width"), w, $"must be at least two grid spacings (h = {Show(h)})");
                    initialField = new GaussianFieldSpec(a, w, field.Vector("center", d, 0.0));
                    break;
                default:
                    throw new ScenarioException(field.Key("kind"), fieldKind, "must be one of: zero, gaussian");
            }

            field.RejectUnknownKeys();
        }

        s.RejectUnknownKeys();
        return new ChemotaxisSpec(eta, diffusion, decay, sourceSpec, initialField);
    }

    private static ExternalForceSpec ReadForce(YamlSection? s, int d)
    {
        if (s is null) return new NoForceSpec();
        string kind = s.String("kind");
        ExternalForceSpec spec;
        switch (kind)
        {
            case "none":
                spec = new NoForceSpec();
                break;
            case "constant":
                spec = new ConstantForceSpec(s.Vector("vector", d));
                break;
            case "confinement":
                double k = s.Double("strength");
                Require(k >= 0, s.Key("strength"), k, "must be >= 0");
                double l = s.Double("length");
                Require(l > 0, s.Key("length"), l, "must be > 0");
                spec = new ConfinementForceSpec(k, l);
                break;
            default:
                throw new ScenarioException(s.Key("kind"), kind, "must be one of: none, constant, confinement");
        }

        s.RejectUnknownKeys();
        return spec;
    }

    private static InitialDataSpec ReadInitial(YamlSection s, int d)
    {
        string kind = s.String("kind");
        InitialDataSpec spec;
        switch (kind)
        {
            case "uniform":
            {
                string shapeText = s.String("shape", "ball");
                var shape = shapeText switch
                {
                    "ball" => PositionShape.Ball,
                    "box" => PositionShape.Box,
                    _ => throw new ScenarioException(s.Key("shape"), shapeText, "must be one of: ball, box"),
                };
                double[] center = s.Vector("center", d, 0.0);
                double radius = PositiveDouble(s, "radius");
                double[] vCenter = s.Vector("velocity_center", d, 0.0);
                double vRadius = NonNegativeDouble(s, "velocity_radius");
                spec = new UniformDataSpec(shape, center, radius, vCenter, vRadius);
                break;
            }

            case "gaussian":
            {
                double[] center = s.Vector("center", d, 0.0);
                double std = PositiveDouble(s, "std");
                double[] vCenter = s.Vector("velocity_center", d, 0.0);
                double vStd = NonNegativeDouble(s, "velocity_std");
                double cutoff = s.Double("cutoff", 3.0);
                Require(cutoff >= 0.5, s.Key("cutoff"), cutoff, "must be >= 0.5 (standard deviations)");
                spec = new GaussianDataSpec(center, std, vCenter, vStd, cutoff);
                break;
            }

            case "two_clusters":
            {
                double separation = PositiveDouble(s, "separation");
                double radius = PositiveDouble(s, "radius");
                Require(separation > 2 * radius, s.Key("separation"), separation, $"must exceed twice initial.radius ({Show(radius)}) so the clusters are separated");
                double vRadius = NonNegativeDouble(s, "velocity_radius");
                double drift = s.Double("drift", 0.0);
                spec = new TwoClustersSpec(separation, radius, vRadius, drift);
                break;
            }

            case "monokinetic":
            {
                double[] center = s.Vector("center", d, 0.0);
                double radius = PositiveDouble(s, "radius");
                string profile = s.String("profile", "uniform");
                var shape = profile switch
                {
                    "uniform" => DensityProfile.Uniform,
                    "bump" => DensityProfile.Bump,
                    _ => throw new ScenarioException(s.Key("profile"), profile, "must be one of: uniform, bump"),
                };
                spec = new MonokineticSpec(center, radius, ReadVelocityField(s.Section("velocity"), d)) { Profile = shape };
                break;
            }

            default:
                throw new ScenarioException(s.Key("kind"), kind, "must be one of: uniform, gaussian, two_clusters, monokinetic");
        }

        s.RejectUnknownKeys();
        return spec;
    }

    private static VelocityFieldSpec ReadVelocityField(YamlSection s, int d)
    {
        string kind = s.String("kind");
        VelocityFieldSpec spec;
        switch (kind)
        {
            case "constant":
                spec = new ConstantVelocitySpec(s.Vector("value", d));
                break;
            case "linear":
                spec = new LinearVelocitySpec(s.Double("rate"));
                break;
            case "rotation":
                if (d < 2) throw new ScenarioException(s.Key("kind"), kind, "a rotation needs dimension >= 2");
                spec = new RotationVelocitySpec(s.Double("rate"));
                break;
            case "sine":
                double amplitude = s.Double("amplitude");
                double k = PositiveDouble(s, "wavenumber");
                spec = new SineVelocitySpec(amplitude, k);
                break;
            default:
                throw new ScenarioException(s.Key("kind"), kind, "must be one of: constant, linear, rotation, sine");
        }

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

    private static double PositiveDouble(YamlSection s, string key)
    {
        double value = s.Double(key);
        Require(value > 0, s.Key(key), value, "must be > 0");
        return value;
    }

    private static double NonNegativeDouble(YamlSection s, string key)
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

    private static void Require(bool ok, string key, double value, string reason)
    {
        if (!ok) throw new ScenarioException(key, Show(value), reason);
    }

    private static void Require(bool ok, string key, string value, string reason)
    {
        if (!ok) throw new ScenarioException(key, value, reason);
    }

    internal static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
