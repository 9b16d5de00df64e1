using System.Text.Json;
using MeanField.Core.References;
using MeanField.Reports.Output;

namespace MeanField.Reports.References;

/// <summary>
/// What a <c>reference</c> run reports besides its files: the method and the scenario it solved (with its
/// seed, and the particle reference's own), its resolution, its error estimate, the output times, the
/// method's diagnostics and the wall-clock seconds.
/// </summary>
public sealed record ReferenceRun(
    string Method,
    string Scenario,
    int ScenarioSeed,
    int? ReferenceSeed,
    string Version,
    string Resolution,
    ErrorEstimate Error,
    IReadOnlyList<double> Times,
    IReadOnlyList<(string Name, double Value)> Diagnostics,
    double Seconds);

/// <summary>The <c>summary.json</c> of a reference run.</summary>
public static class ReferenceJson
{
    public static void WriteSummary(Stream stream, ReferenceRun run)
    {
        using var w = new Utf8JsonWriter(stream, Json.Options);
        w.WriteStartObject();
        w.WriteString("command", "reference");
        w.WriteString("method", run.Method);
        w.WriteString("scenario", run.Scenario);
        w.WriteNumber("scenario_seed", run.ScenarioSeed);
        if (run.ReferenceSeed is { } seed) w.WriteNumber("reference_seed", seed);
        w.WriteString("version", run.Version);
        w.WriteString("resolution", run.Resolution);
        w.WriteStartObject("error_estimate");
        w.WriteString("quantity", run.Error.Quantity);
        w.WriteNumberOrNull("value", run.Error.Value);
        w.WriteString("method", run.Error.Method);
        w.WriteEndObject();
        w.WriteNumberArray("times", run.Times);
        w.WriteStartObject("diagnostics");
        foreach (var (name, value) in run.Diagnostics) w.WriteNumberOrNull(name, value);
        w.WriteEndObject();
        w.WriteNumber("wall_seconds", run.Seconds);
        w.WriteEndObject();
    }
}
