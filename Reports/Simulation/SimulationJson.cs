using System.Text.Json;
using MeanField.Core.Dynamics;
using MeanField.Core.Kernels;
using MeanField.Reports.Output;

namespace MeanField.Reports.Simulation;

/// <summary>Facts about a run that every output records.</summary>
/// <param name="Seed">The initial-data seed.</param>
/// <param name="ScenarioSource">The scenario file, or "embedded default".</param>
/// <param name="Version">The toolkit's version.</param>
/// <param name="Dimension">d.</param>
/// <param name="Particles">N.</param>
/// <param name="Box">Side of the periodic box.</param>
/// <param name="Grid">Nodes per dimension.</param>
/// <param name="Step">dt.</param>
/// <param name="Constants">The constants the theorems use, with their provenance.</param>
public sealed record RunInfo(
    int Seed,
    string ScenarioSource,
    string Version,
    int Dimension,
    int Particles,
    double Box,
    int Grid,
    double Step,
    IReadOnlyList<KernelConstant> Constants);

/// <summary>The summary of a run as one JSON document.</summary>
public static class SimulationJson
{
    public static void WriteSummary(Stream stream, RunInfo info, IReadOnlyList<Summary> rows)
    {
        using var w = new Utf8JsonWriter(stream, Json.Options);
        w.WriteStartObject();
        w.WriteNumber("seed", info.Seed);
        w.WriteString("scenario", info.ScenarioSource);
        w.WriteString("version", info.Version);
        w.WriteNumber("dimension", info.Dimension);
        w.WriteNumber("particles", info.Particles);
        w.WriteNumber("box", info.Box);
        w.WriteNumber("grid", info.Grid);
        w.WriteNumber("step", info.Step);
        w.WriteStartArray("constants");
        foreach (var c in info.Constants)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            // A constant that overflows (sigma: 1e308 makes Lip(psi) infinite) is written as null, as every
            // non-finite number of the project's JSON is.
            w.WriteNumberOrNull("value", c.Value);
            w.WriteBoolean("estimated", c.IsEstimated);
            w.WriteString("domain", c.Domain);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("summary");
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteNumber("t", r.Time);
            w.WriteStartArray("mean_velocity");
            foreach (double m in r.MeanVelocity)
            {
                if (double.IsFinite(m)) w.WriteNumberValue(m);
                else w.WriteNullValue();
            }
            w.WriteEndArray();
            w.WriteNumberOrNull("velocity_spread", r.VelocitySpread);
            w.WriteNumberOrNull("max_speed", r.MaxSpeed);
            w.WriteNumberOrNull("position_radius", r.PositionRadius);
            w.WriteNumberOrNull("velocity_radius", r.VelocityRadius);
            w.WriteNumberOrNull("field_mass", r.FieldMass);
            w.WriteNumberOrNull("max_grad_phi", r.MaxFieldGradient);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
