using System.Text.Json;
using MeanField.Reports.Output;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>The power run's <c>results.json</c>: the score, and per solver (the correct one and each mutant) every check's verdict and measured summary.</summary>
public static class PowerJson
{
    public static void Write(Stream stream, PowerResult power, RunInfo info)
    {
        using var w = new Utf8JsonWriter(stream, Json.Options);
        w.WriteStartObject();
        w.WriteString("kind", "power");
        w.WriteString("suite", power.Suite);
        w.WriteNumber("seed", power.Seed);
        VerificationJson.WriteInfo(w, info);
        w.WriteNumber("seconds", power.Seconds);
        w.WriteNumber("mutation_score", power.Score);
        w.WriteNumber("caught", power.Rows.Count(r => r.Caught));
        w.WriteNumber("mutants", power.Rows.Length);
        w.WriteBoolean("false_alarm", power.FalseAlarm);
        w.WritePropertyName("own");
        WriteRun(w, power.Own);
        w.WriteStartArray("mutants_run");
        foreach (var r in power.Rows)
        {
            w.WriteStartObject();
            w.WriteString("mutant", r.Mutant.Id);
            w.WriteString("description", r.Mutant.Description);
            w.WriteString("term", PowerMarkdown.TermName(r.Mutant));
            w.WriteBoolean("caught", r.Caught);
            w.WritePropertyName("run");
            WriteRun(w, r.Run);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRun(Utf8JsonWriter w, RunResult run)
    {
        w.WriteStartObject();
        w.WriteString("solver", run.Solver.Name);
        w.WriteString("configuration_hash", run.ConfigurationHash);
        w.WriteNumber("seconds", run.Seconds);
        w.WriteStartArray("checks");
        foreach (var c in run.Checks)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("verdict", c.Verdict.Name);
            w.WriteString("measured", VerificationMarkdown.Measured(c));
            w.WriteNumber("seconds", c.Seconds);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
