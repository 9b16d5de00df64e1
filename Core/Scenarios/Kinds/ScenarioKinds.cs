using static MeanField.Core.Scenarios.ScenarioReader;

namespace MeanField.Core.Scenarios.Kinds;

/// <summary>
/// Every kind a scenario can name, family by family: the YAML <c>kind</c>, its spec, and how it is read
/// and written. <see cref="ScenarioReader"/> and <see cref="ScenarioWriter"/> dispatch through these
/// tables only; what a kind can do (scaled, symmetric, mesh) is a property of its spec.
/// </summary>
internal static class ScenarioKinds
{
    /// <summary><c>alignment</c>: the kernel gamma (the method and mesh spacing are common keys, read by the scenario reader).</summary>
    public static KindFamily<AlignmentSpec> Alignment { get; } = new(
        new("cucker_smale", typeof(CuckerSmaleSpec),
            (s, _) =>
            {
                double beta = s.Double("beta");
                Require(beta >= 0, s.Key("beta"), beta, "must be >= 0");
                double radius = s.Double("radius");
                Require(radius > 0, s.Key("radius"), radius, "must be > 0");
                double sigma = s.Double("sigma");
                Require(sigma >= 0, s.Key("sigma"), sigma, "must be >= 0");
                return new CuckerSmaleSpec(beta, radius, sigma);
            },
            (spec, w) =>
            {
                var cs = (CuckerSmaleSpec)spec;
                w.Number("beta", cs.Beta);
                w.Number("radius", cs.Radius);
                w.Number("sigma", cs.Sigma);
            }),
        new("onnx", typeof(OnnxProfileSpec),
            (s, context) =>
            {
                double beta = s.Double("beta");
                Require(beta >= 0, s.Key("beta"), beta, "must be >= 0");
                string path = Path.GetFullPath(s.String("path"), context.BaseDirectory);
                // Every distance between two points of the box: the model is checked there now, not mid-run.
                double reach = context.Domain.Box * Math.Sqrt(context.Domain.Center.Length);
                var spec = new OnnxProfileSpec(path, beta, reach);
                CheckModel(spec.Build, s, "path");
                return spec;
            },
            (spec, w) =>
            {
                var onnx = (OnnxProfileSpec)spec;
                w.Quoted("path", onnx.Path);
                w.Number("beta", onnx.Beta);
            }),
        new("onnx_gamma", typeof(OnnxGammaSpec),
            (s, context) =>
            {
                string path = Path.GetFullPath(s.String("path"), context.BaseDirectory);
                double speed = s.Double("speed_scale", 10.0);
                Require(speed > 0, s.Key("speed_scale"), speed, "must be > 0");
                int d = context.Dimension;
                var spec = new OnnxGammaSpec(path, d, context.Domain.Box * Math.Sqrt(d), speed);
                CheckModel(spec.Build, s, "path");
                return spec;
            },
            (spec, w) =>
            {
                var gamma = (OnnxGammaSpec)spec;
                w.Quoted("path", gamma.Path);
                w.Number("speed_scale", gamma.SpeedScale);
            }),
        new("none", typeof(NoAlignmentSpec), (_, _) => new NoAlignmentSpec(), (_, _) => { }));

    /// <summary><c>chemotaxis.source</c>: the profile chi, every kind supported in a ball of <c>radius</c>.</summary>
    public static KindFamily<SourceSpec> Source { get; } = new(
        new("polynomial_bump", typeof(PolynomialBumpSpec),
            (s, context) => new PolynomialBumpSpec(SourceRadius(s, context), NonNegativeDouble(s, "amplitude")),
            (spec, w) =>
            {
                var bump = (PolynomialBumpSpec)spec;
                w.Number("radius", bump.Radius);
                w.Number("amplitude", bump.Amplitude);
            }),
        new("smooth_bump", typeof(SmoothBumpSpec),
            (s, context) =>
            {
                double radius = SourceRadius(s, context);
                double amplitude = NonNegativeDouble(s, "amplitude");
                return new SmoothBumpSpec(radius, amplitude, PositiveDouble(s, "sharpness"));
            },
            (spec, w) =>
            {
                var smooth = (SmoothBumpSpec)spec;
                w.Number("radius", smooth.Radius);
                w.Number("amplitude", smooth.Amplitude);
                w.Number("sharpness", smooth.Sharpness);
            }),
        new("onnx", typeof(OnnxSourceSpec),
            (s, context) =>
            {
                double radius = SourceRadius(s, context);
                var spec = new OnnxSourceSpec(Path.GetFullPath(s.String("path"), context.BaseDirectory), radius);
                CheckModel(spec.Build, s, "path");
                return spec;
            },
            (spec, w) =>
            {
                var onnx = (OnnxSourceSpec)spec;
                w.Quoted("path", onnx.Path);
                w.Number("radius", onnx.Radius);
            }));

    /// <summary>The source's support radius: resolved by the grid (two spacings) and well inside the box.</summary>
    private static double SourceRadius(YamlSection s, KindContext context)
    {
        double radius = s.Double("radius");
        double h = context.Spacing;
        Require(radius > 0, s.Key("radius"), radius, "must be > 0");
        Require(radius >= 2 * h, s.Key("radius"), radius, $"is below two grid spacings (h = {Show(h)}): the source is not resolved; refine domain.grid");
        Require(radius < context.Domain.Box / 4, s.Key("radius"), radius, $"must be below a quarter of domain.box ({Show(context.Domain.Box)})");
        return radius;
    }

    /// <summary><c>chemotaxis.initial_field</c>: phi_in (zero when the section is absent).</summary>
    public static KindFamily<InitialFieldSpec> InitialField { get; } = new(
        new("zero", typeof(ZeroFieldSpec), (_, _) => new ZeroFieldSpec(), (_, _) => { }),
        new("gaussian", typeof(GaussianFieldSpec),
            (s, context) =>
            {
                double amplitude = s.Double("amplitude");
                double width = s.Double("width");
                double h = context.Spacing;
                Require(width >= 2 * h, s.Key("width"), width, $"must be at least two grid spacings (h = {Show(h)})");
                return new GaussianFieldSpec(amplitude, width, s.Vector("center", context.Dimension, 0.0));
            },
            (spec, w) =>
            {
                var g = (GaussianFieldSpec)spec;
                w.Number("amplitude", g.Amplitude);
                w.Number("width", g.Width);
                w.Vector("center", g.Center);
            }));

    /// <summary><c>external_force</c>: F_ext (none when the section is absent).</summary>
    public static KindFamily<ExternalForceSpec> ExternalForce { get; } = new(
        new("none", typeof(NoForceSpec), (_, _) => new NoForceSpec(), (_, _) => { }),
        new("constant", typeof(ConstantForceSpec),
            (s, context) => new ConstantForceSpec(s.Vector("vector", context.Dimension)),
            (spec, w) => w.Vector("vector", ((ConstantForceSpec)spec).Vector)),
        new("confinement", typeof(ConfinementForceSpec),
            (s, _) =>
            {
                double strength = NonNegativeDouble(s, "strength");
                return new ConfinementForceSpec(strength, PositiveDouble(s, "length"));
            },
            (spec, w) =>
            {
                var f = (ConfinementForceSpec)spec;
                w.Number("strength", f.Strength);
                w.Number("length", f.Length);
            }));

    /// <summary><c>initial.velocity</c> of monokinetic data: the velocity field u_in.</summary>
    public static KindFamily<VelocityFieldSpec> VelocityField { get; } = new(
        new("constant", typeof(ConstantVelocitySpec),
            (s, context) => new ConstantVelocitySpec(s.Vector("value", context.Dimension)),
            (spec, w) => w.Vector("value", ((ConstantVelocitySpec)spec).Value)),
        new("linear", typeof(LinearVelocitySpec),
            (s, _) => new LinearVelocitySpec(s.Double("rate")),
            (spec, w) => w.Number("rate", ((LinearVelocitySpec)spec).Rate)),
        new("rotation", typeof(RotationVelocitySpec),
            (s, context) =>
            {
                if (context.Dimension < 2) throw new ScenarioException(s.Key("kind"), "rotation", "a rotation needs dimension >= 2");
                return new RotationVelocitySpec(s.Double("rate"));
            },
            (spec, w) => w.Number("rate", ((RotationVelocitySpec)spec).Rate)),
        new("sine", typeof(SineVelocitySpec),
            (s, _) =>
            {
                double amplitude = s.Double("amplitude");
                return new SineVelocitySpec(amplitude, PositiveDouble(s, "wavenumber"));
            },
            (spec, w) =>
            {
                var sv = (SineVelocitySpec)spec;
                w.Number("amplitude", sv.Amplitude);
                w.Number("wavenumber", sv.Wavenumber);
            }));

    /// <summary><c>initial</c>: the cells' initial law.</summary>
    public static KindFamily<InitialDataSpec> InitialData { get; } = new(
        new("uniform", typeof(UniformDataSpec),
            (s, context) =>
            {
                int d = context.Dimension;
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
                return new UniformDataSpec(shape, center, radius, vCenter, vRadius);
            },
            (spec, w) =>
            {
                var u = (UniformDataSpec)spec;
                w.Text("shape", u.Shape == PositionShape.Ball ? "ball" : "box");
                w.Vector("center", u.Center);
                w.Number("radius", u.Radius);
                w.Vector("velocity_center", u.VelocityCenter);
                w.Number("velocity_radius", u.VelocityRadius);
            }),
        new("gaussian", typeof(GaussianDataSpec),
            (s, context) =>
            {
                int d = context.Dimension;
                double[] center = s.Vector("center", d, 0.0);
                double std = PositiveDouble(s, "std");
                double[] vCenter = s.Vector("velocity_center", d, 0.0);
                double vStd = NonNegativeDouble(s, "velocity_std");
                double cutoff = s.Double("cutoff", 3.0);
                Require(cutoff >= 0.5, s.Key("cutoff"), cutoff, "must be >= 0.5 (standard deviations)");
                return new GaussianDataSpec(center, std, vCenter, vStd, cutoff);
            },
            (spec, w) =>
            {
                var g = (GaussianDataSpec)spec;
                w.Vector("center", g.Center);
                w.Number("std", g.Std);
                w.Vector("velocity_center", g.VelocityCenter);
                w.Number("velocity_std", g.VelocityStd);
                w.Number("cutoff", g.Cutoff);
            }),
        new("two_clusters", typeof(TwoClustersSpec),
            (s, _) =>
            {
                double separation = PositiveDouble(s, "separation");
                double radius = PositiveDouble(s, "radius");
                Require(separation > 2 * radius, s.Key("separation"), separation, $"must exceed twice initial.radius ({Show(radius)}) so the clusters are separated");
                double vRadius = NonNegativeDouble(s, "velocity_radius");
                double drift = s.Double("drift", 0.0);
                return new TwoClustersSpec(separation, radius, vRadius, drift);
            },
            (spec, w) =>
            {
                var t = (TwoClustersSpec)spec;
                w.Number("separation", t.Separation);
                w.Number("radius", t.Radius);
                w.Number("velocity_radius", t.VelocityRadius);
                w.Number("drift", t.Drift);
            }),
        new("monokinetic", typeof(MonokineticSpec),
            (s, context) =>
            {
                double[] center = s.Vector("center", context.Dimension, 0.0);
                double radius = PositiveDouble(s, "radius");
                string profile = s.String("profile", "uniform");
                var shape = profile switch
                {
                    "uniform" => DensityProfile.Uniform,
                    "bump" => DensityProfile.Bump,
                    _ => throw new ScenarioException(s.Key("profile"), profile, "must be one of: uniform, bump"),
                };
                var velocity = s.Section("velocity");
                var field = VelocityField.Read(velocity, context);
                velocity.RejectUnknownKeys();
                return new MonokineticSpec(center, radius, field) { Profile = shape };
            },
            (spec, w) =>
            {
                var m = (MonokineticSpec)spec;
                w.Vector("center", m.Center);
                w.Number("radius", m.Radius);
                w.Text("profile", m.Profile == DensityProfile.Bump ? "bump" : "uniform");
                w.Section("velocity");
                VelocityField.Write(m.Velocity, w.Writer, w.Nested);
            }));
}
