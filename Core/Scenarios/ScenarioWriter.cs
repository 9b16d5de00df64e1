using System.Globalization;
using MeanField.Core.Scenarios.Kinds;

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
        ScenarioKinds.Alignment.Write(s.Alignment, w, "  ");
        w.WriteLine($"  method: {(s.Alignment.Method == AlignmentMethod.Mesh ? "mesh" : "direct")}");
        w.WriteLine($"  mesh_spacing: {N(s.Alignment.MeshSpacing)}");

        var c = s.Chemotaxis;
        w.WriteLine("chemotaxis:");
        w.WriteLine($"  eta: {N(c.Eta)}");
        w.WriteLine($"  diffusion: {N(c.Diffusion)}");
        w.WriteLine($"  decay: {N(c.Decay)}");
        w.WriteLine("  source:");
        ScenarioKinds.Source.Write(c.Source, w, "    ");
        w.WriteLine("  initial_field:");
        ScenarioKinds.InitialField.Write(c.InitialField, w, "    ");
        w.WriteLine("external_force:");
        ScenarioKinds.ExternalForce.Write(s.ExternalForce, w, "  ");
        w.WriteLine("domain:");
        w.WriteLine($"  box: {N(s.Domain.Box)}");
        w.WriteLine($"  grid: {s.Domain.Grid}");
        w.WriteLine($"  center: {V(s.Domain.Center)}");
        w.WriteLine("initial:");
        ScenarioKinds.InitialData.Write(s.Initial, w, "  ");
    }

    private static string N(double x) => YamlLines.Format(x);

    private static string V(double[] v) => "[" + string.Join(", ", v.Select(N)) + "]";
}
