using System.Globalization;

namespace MeanField.Core.Scenarios;

/// <summary>
/// Writes a scenario as YAML with every key explicit (defaults filled in, seed included), so the
/// file written beside a run reproduces it exactly: <c>Parse(Write(s))</c> writes back the same text.
/// </summary>
public static class ScenarioWriter
{
    public static string Write(Scenario s)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(s, w);
        return w.ToString();
    }

    public static void Write(Scenario s, TextWriter w)
    {
        w.WriteLine($"dimension: {s.Dimension}");
        w.WriteLine($"particles: {s.Particles}");
        w.WriteLine($"seed: {s.Seed}");
        w.WriteLine($"max_speed: {N(s.MaxSpeed)}");
        w.WriteLine("time:");
        w.WriteLine($"  horizon: {N(s.Time.Horizon)}");
        w.WriteLine($"  step: {N(s.Time.Step)}");
        w.WriteLine($"  output_interval: {N(s.Time.OutputInterval)}");
        w.WriteLine("alignment:");
        switch (s.Alignment)
        {
            case CuckerSmaleSpec cs:
                w.WriteLine("  kind: cucker_smale");
                w.WriteLine($"  beta: {N(cs.Beta)}");
                w.WriteLine($"  radius: {N(cs.Radius)}");
                w.WriteLine($"  sigma: {N(cs.Sigma)}");
                break;
            case NoAlignmentSpec:
                w.WriteLine("  kind: none");
                break;
            case OnnxGammaSpec gamma:
                w.WriteLine("  kind: onnx_gamma");
                w.WriteLine($"  path: \"{gamma.Path}\"");
                w.WriteLine($"  speed_scale: {N(gamma.SpeedScale)}");
                break;
            case OnnxProfileSpec onnx:
                w.WriteLine("  kind: onnx");
                w.WriteLine($"  path: \"{onnx.Path}\"");
                w.WriteLine($"  beta: {N(onnx.Beta)}");
                break;
            default:
                throw new NotSupportedException($"alignment {s.Alignment.GetType().Name} has no YAML form");
        }

        w.WriteLine($"  method: {(s.Alignment.Method == AlignmentMethod.Mesh ? "mesh" : "direct")}");
        w.WriteLine($"  mesh_spacing: {N(s.Alignment.MeshSpacing)}");

        var c = s.Chemotaxis;
        w.WriteLine("chemotaxis:");
        w.WriteLine($"  eta: {N(c.Eta)}");
        w.WriteLine($"  diffusion: {N(c.Diffusion)}");
        w.WriteLine($"  decay: {N(c.Decay)}");
        w.WriteLine("  source:");
        switch (c.Source)
        {
            case PolynomialBumpSpec bump:
                w.WriteLine("    kind: polynomial_bump");
                w.WriteLine($"    radius: {N(bump.Radius)}");
                w.WriteLine($"    amplitude: {N(bump.Amplitude)}");
                break;
            case SmoothBumpSpec smooth:
                w.WriteLine("    kind: smooth_bump");
                w.WriteLine($"    radius: {N(smooth.Radius)}");
                w.WriteLine($"    amplitude: {N(smooth.Amplitude)}");
                w.WriteLine($"    sharpness: {N(smooth.Sharpness)}");
                break;
            case OnnxSourceSpec onnx:
                w.WriteLine("    kind: onnx");
                w.WriteLine($"    path: \"{onnx.Path}\"");
                w.WriteLine($"    radius: {N(onnx.Radius)}");
                break;
            default:
                throw new NotSupportedException($"source {c.Source.GetType().Name} has no YAML form");
        }
        w.WriteLine("  initial_field:");
        switch (c.InitialField)
        {
            case ZeroFieldSpec:
                w.WriteLine("    kind: zero");
                break;
            case GaussianFieldSpec g:
                w.WriteLine("    kind: gaussian");
                w.WriteLine($"    amplitude: {N(g.Amplitude)}");
                w.WriteLine($"    width: {N(g.Width)}");
                w.WriteLine($"    center: {V(g.Center)}");
                break;
        }

        w.WriteLine("external_force:");
        switch (s.ExternalForce)
        {
            case NoForceSpec:
                w.WriteLine("  kind: none");
                break;
            case ConstantForceSpec f:
                w.WriteLine("  kind: constant");
                w.WriteLine($"  vector: {V(f.Vector)}");
                break;
            case ConfinementForceSpec f:
                w.WriteLine("  kind: confinement");
                w.WriteLine($"  strength: {N(f.Strength)}");
                w.WriteLine($"  length: {N(f.Length)}");
                break;
        }

        w.WriteLine("domain:");
        w.WriteLine($"  box: {N(s.Domain.Box)}");
        w.WriteLine($"  grid: {s.Domain.Grid}");
        w.WriteLine($"  center: {V(s.Domain.Center)}");
        w.WriteLine("initial:");
        switch (s.Initial)
        {
            case UniformDataSpec u:
                w.WriteLine("  kind: uniform");
                w.WriteLine($"  shape: {(u.Shape == PositionShape.Ball ? "ball" : "box")}");
                w.WriteLine($"  center: {V(u.Center)}");
                w.WriteLine($"  radius: {N(u.Radius)}");
                w.WriteLine($"  velocity_center: {V(u.VelocityCenter)}");
                w.WriteLine($"  velocity_radius: {N(u.VelocityRadius)}");
                break;
            case GaussianDataSpec g:
                w.WriteLine("  kind: gaussian");
                w.WriteLine($"  center: {V(g.Center)}");
                w.WriteLine($"  std: {N(g.Std)}");
                w.WriteLine($"  velocity_center: {V(g.VelocityCenter)}");
                w.WriteLine($"  velocity_std: {N(g.VelocityStd)}");
                w.WriteLine($"  cutoff: {N(g.Cutoff)}");
                break;
            case TwoClustersSpec t:
                w.WriteLine("  kind: two_clusters");
                w.WriteLine($"  separation: {N(t.Separation)}");
                w.WriteLine($"  radius: {N(t.Radius)}");
                w.WriteLine($"  velocity_radius: {N(t.VelocityRadius)}");
                w.WriteLine($"  drift: {N(t.Drift)}");
                break;
            case MonokineticSpec m:
                w.WriteLine("  kind: monokinetic");
                w.WriteLine($"  center: {V(m.Center)}");
                w.WriteLine($"  radius: {N(m.Radius)}");
                w.WriteLine($"  profile: {(m.Profile == DensityProfile.Bump ? "bump" : "uniform")}");
                w.WriteLine("  velocity:");
                switch (m.Velocity)
                {
                    case ConstantVelocitySpec cv:
                        w.WriteLine("    kind: constant");
                        w.WriteLine($"    value: {V(cv.Value)}");
                        break;
                    case LinearVelocitySpec lv:
                        w.WriteLine("    kind: linear");
                        w.WriteLine($"    rate: {N(lv.Rate)}");
                        break;
                    case RotationVelocitySpec rv:
                        w.WriteLine("    kind: rotation");
                        w.WriteLine($"    rate: {N(rv.Rate)}");
                        break;
                    case SineVelocitySpec sv:
                        w.WriteLine("    kind: sine");
                        w.WriteLine($"    amplitude: {N(sv.Amplitude)}");
                        w.WriteLine($"    wavenumber: {N(sv.Wavenumber)}");
                        break;
                }

                break;
        }
    }

    private static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string V(double[] v) => "[" + string.Join(", ", v.Select(N)) + "]";
}
