using System.Text.Json;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using MeanField.Reports.Output;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary><c>results.json</c>: every number of the report, with seeds, versions, commit, machine and the configuration hash.</summary>
public static class VerificationJson
{
    public static void Write(Stream stream, RunResult run, RunInfo info)
    {
        using var w = new Utf8JsonWriter(stream, Json.Options);
        w.WriteStartObject();
        w.WriteString("suite", run.Suite);
        w.WriteNumber("seed", run.Seed);
        w.WriteString("configuration_hash", run.ConfigurationHash);
        WriteInfo(w, info);
        w.WriteStartObject("solver");
        w.WriteString("kind", run.Solver.Kind.ToString().ToLowerInvariant());
        w.WriteString("name", run.Solver.Name);
        if (run.Solver.Version is { } version) w.WriteString("version", version);
        else w.WriteNull("version");
        if (run.Solver.ProtocolVersion is { } protocol) w.WriteNumber("protocol_version", protocol);
        else w.WriteNull("protocol_version");
        w.WriteString("components", run.Solver.Components.ToString());
        w.WriteEndObject();
        w.WriteNumber("seconds", run.Seconds);
        w.WriteStartArray("checks");
        foreach (var c in run.Checks) WriteCheck(w, c, run.Solver);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Where a result was made: tool version, commit, runtime, machine and the model's source.</summary>
    internal static void WriteInfo(Utf8JsonWriter w, RunInfo info)
    {
        w.WriteString("tool_version", info.ToolVersion);
        w.WriteString("commit", info.Commit);
        w.WriteString("runtime", info.Runtime);
        w.WriteString("machine", info.Machine);
        w.WriteString("scenario", info.Scenario);
    }

    private static void WriteCheck(Utf8JsonWriter w, CheckResult c, MeanField.Core.Solvers.SolverIdentity solver)
    {
        w.WriteStartObject();
        w.WriteString("id", c.Id);
        w.WriteString("title", c.Title);
        w.WriteString("source", c.Source);
        w.WriteString("statement", c.Statement);
        w.WriteStartObject("parameters");
        foreach (var (name, value) in c.Parameters) w.WriteString(name, value);
        w.WriteEndObject();
        w.WriteString("verdict", c.Verdict.Name);
        if (c.Verdict.ReplicasToResolve is { } r) w.WriteNumber("replicas_to_resolve", r);
        else w.WriteNull("replicas_to_resolve");
        if (c.Verdict.Reason.Length > 0) w.WriteString("verdict_reason", c.Verdict.Reason);
        else w.WriteNull("verdict_reason");
        w.WriteStartObject("reference");
        w.WriteString("description", c.Reference.Description);
        w.WriteString("components", c.Reference.Components.ToString());
        w.WriteString("independent_of_the_solver", IndependenceModule.between(c.Reference, solver).Text);
        w.WriteEndObject();
        w.WriteStartArray("notes");
        foreach (var note in c.Notes) w.WriteStringValue(note);
        w.WriteEndArray();
        w.WriteNumber("seconds", c.Seconds);
        switch (c.Measurement)
        {
            case Measurement.Rate rate: WriteRate(w, rate.Item); break;
            case Measurement.Growth growth: WriteGrowth(w, growth.Item); break;
            case Measurement.Bounds: WriteBounds(w, c); break;
            case Measurement.Convergence convergence: WriteConvergence(w, convergence.Item); break;
            case var m when m.IsNothing: w.WriteString("kind", "none"); break;
            default: throw new InvalidOperationException($"check {c.Id}: no JSON for the measurement {c.Measurement}");
        }

        w.WriteEndObject();
    }

    private static void WriteRate(Utf8JsonWriter w, RateMeasurement c)
    {
        w.WriteString("kind", "rate");
        w.WriteString("x_label", c.XLabel);
        w.WriteString("error_label", c.ErrorLabel);
        w.WriteString("fit_kind", c.FitKind.IsLogCorrected ? "log_corrected" : "plain");
        w.WriteString("claim", c.Claim.IsAtMost ? "at_most" : "sharp");
        w.WriteNumber("theory", c.Theory);
        w.WriteStartObject("tolerance");
        w.WriteString("name", c.Tolerance.Name);
        w.WriteNumber("slope", c.Tolerance.Slope);
        w.WriteString("reason", c.Tolerance.Reason);
        w.WriteEndObject();
        w.WriteStartObject("fit");
        w.WriteNumberOrNull("slope", c.Fit.Slope);
        w.WriteNumberOrNull("intercept", c.Fit.Intercept);
        w.WriteNumberOrNull("standard_error", c.Fit.StandardError);
        w.WriteNumber("degrees_of_freedom", c.Fit.DegreesOfFreedom);
        w.WriteNumber("confidence", c.Fit.Confidence);
        w.WriteNumberOrNull("lower", c.Fit.Lower);
        w.WriteNumberOrNull("upper", c.Fit.Upper);
        w.WriteNumberOrNull("theil_sen_slope", c.Fit.TheilSenSlope);
        w.WriteEndObject();
        if (c.ReferenceFloor is { } floor) w.WriteNumberOrNull("reference_floor", floor.Value);
        else w.WriteNull("reference_floor");
        w.WriteStartArray("rungs");
        foreach (var rung in c.Rungs)
        {
            w.WriteStartObject();
            w.WriteNumber("x", rung.X);
            w.WriteBoolean("fitted", rung.Fitted);
            w.WriteNumberOrNull("mean", rung.Mean);
            w.WriteNumberOrNull("standard_deviation", rung.StandardDeviation);
            w.WriteNumber("seconds", rung.Seconds);
            w.WriteNumberArray("errors", rung.Errors);
            w.WriteStartArray("seeds");
            foreach (var s in rung.Seeds) w.WriteNumberValue(s);
            w.WriteEndArray();
            if (rung.Control is { } control)
            {
                w.WriteStartObject("control");
                w.WriteNumber("expectation", control.Value.Expectation);
                w.WriteNumber("coefficient", control.Value.Coefficient);
                w.WriteNumberOrNull("variance_ratio", control.Value.VarianceRatio);
                w.WriteNumberArray("values", control.Value.Values);
                w.WriteNumberArray("adjusted", control.Value.Adjusted);
                w.WriteEndObject();
            }
            else w.WriteNull("control");

            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteSequential(w, c.Sequential);
    }

    private static void WriteSequential(Utf8JsonWriter w, SequentialRecord s)
    {
        w.WriteStartObject("sequential");
        w.WriteString("method", s.Method);
        w.WriteNumber("alpha", s.Alpha);
        w.WriteNumber("max_replicas", s.MaxReplicas);
        w.WriteNumber("replicas", s.Replicas);
        w.WriteString("stop", s.Stop.Name);
        w.WriteStartArray("looks");
        foreach (var look in s.Looks)
        {
            w.WriteStartObject();
            w.WriteNumber("replicas", look.Replicas);
            w.WriteNumber("confidence", look.Confidence);
            w.WriteNumberOrNull("slope", look.Slope);
            w.WriteNumberOrNull("lower", look.Lower);
            w.WriteNumberOrNull("upper", look.Upper);
            w.WriteString("verdict", look.Verdict.Name);
            w.WriteNumber("seconds", look.Seconds);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteGrowth(Utf8JsonWriter w, GrowthMeasurement g)
    {
        w.WriteString("kind", "growth");
        w.WriteString("fit_kind", g.FitKind.IsLogCorrected ? "log_corrected" : "plain");
        w.WriteNumber("theory", g.Theory);
        w.WriteStartArray("x");
        foreach (var x in g.Xs) w.WriteNumberValue(x);
        w.WriteEndArray();
        w.WriteNumberOrNull("growth_rate", g.GrowthRate);
        w.WriteNumberOrNull("double_exponential_c", g.DoubleExponentialC);
        w.WriteStartArray("points");
        foreach (var p in g.Points)
        {
            w.WriteStartObject();
            w.WriteNumber("t", p.Time);
            w.WriteString("source", p.Source);
            w.WriteNumberOrNull("prefactor", p.Fit.Prefactor);
            w.WriteNumberOrNull("log_prefactor", p.Fit.LogPrefactor);
            w.WriteNumberOrNull("standard_error", p.Fit.StandardError);
            w.WriteNumber("degrees_of_freedom", p.Fit.DegreesOfFreedom);
            w.WriteNumber("confidence", p.Fit.Confidence);
            w.WriteNumberOrNull("lower", Math.Exp(p.Fit.Lower));
            w.WriteNumberOrNull("upper", Math.Exp(p.Fit.Upper));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteConvergence(Utf8JsonWriter w, ConvergenceMeasurement m)
    {
        w.WriteString("kind", "convergence");
        w.WriteNumberOrNull("reference_floor", m.Floor);
        w.WriteString("floor_method", m.FloorText);
        w.WriteNumber("floor_factor", m.FloorFactor);
        w.WriteNumberOrNull("bound", m.Bound);
        w.WriteStartArray("margins");
        foreach (var margin in m.Margins)
        {
            w.WriteStartObject();
            w.WriteString("term", margin.Term.Id);
            w.WriteNumberOrNull("effect_of_5_percent", margin.Effect);
            w.WriteNumberOrNull("over_floor", margin.Effect / m.Floor);
            w.WriteNumberOrNull("ruled_out_relative_error", m.RuledOut(margin));
            w.WriteBoolean("verified", !m.Unverified.Contains(margin));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("ladders");
        foreach (var ladder in m.Grid is { } grid ? new[] { m.Time, grid.Value } : [m.Time])
        {
            w.WriteStartObject();
            w.WriteString("variable", ladder.Variable);
            w.WriteNumberOrNull("order", ladder.Order);
            if (ladder.Declared.Value is { } q) w.WriteNumber("declared_order", q.Value);
            else w.WriteNull("declared_order");
            if (ladder.Declared.IsAdaptive) w.WriteBoolean("adaptive", true);
            if (ladder.Resolved is { } resolved) w.WriteNumber("resolved_bound", resolved.Value);
            w.WriteString("verdict", ladder.Verdict.Name);
            w.WriteString("reason", ladder.Reason);
            w.WriteStartArray("rungs");
            for (int k = 0; k < ladder.Xs.Length; k++)
            {
                w.WriteStartObject();
                w.WriteNumber("x", ladder.Xs[k]);
                w.WriteNumberOrNull("error", ladder.Errors[k]);
                w.WriteBoolean("judged", ladder.Judged[k]);
                w.WriteNumber("seconds", ladder.Seconds[k]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteBounds(Utf8JsonWriter w, CheckResult c)
    {
        w.WriteString("kind", "bounds");
        w.WriteNumberOrNull("max_ratio", c.BoundSeries.Max(s => s.MaxRatio));
        w.WriteStartArray("series");
        foreach (var s in c.BoundSeries)
        {
            w.WriteStartObject();
            w.WriteString("quantity", s.Quantity);
            w.WriteString("source", s.Source);
            w.WriteString("formula", s.Formula);
            w.WriteNumberOrNull("max_ratio", s.MaxRatio);
            w.WriteNumber("slack", s.Slack);
            w.WriteBoolean("holds", s.Holds);
            w.WriteStartArray("points");
            for (int k = 0; k < s.Times.Length; k++)
            {
                w.WriteStartObject();
                w.WriteNumber("t", s.Times[k]);
                w.WriteNumberOrNull("measured", s.Measured[k]);
                w.WriteNumberOrNull("bound", s.Bound[k]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Reads the per-check summaries of a stored <c>results.json</c> (for <c>--baseline</c> and <c>compare</c>).</summary>
    /// <exception cref="InvalidDataException">The file is not a results.json of this tool; the message names the field.</exception>
    public static IReadOnlyList<CheckSummary> ReadSummaries(Stream stream) => ReadRun(stream).Checks;

    /// <summary>
    /// Reads the solver's name and the per-check summaries of a stored <c>results.json</c>; files written
    /// before the solver was recorded were all made by the own solver, <c>own</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a results.json of this tool; the message names the field.</exception>
    public static StoredRun ReadRun(Stream stream)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not JSON: {e.Message}", e);
        }

        using (document)
        {
            string solver = document.RootElement.TryGetProperty("solver", out var s) && s.ValueKind == JsonValueKind.Object
                && s.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()!
                : "own";
            if (!document.RootElement.TryGetProperty("checks", out var checks) || checks.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException("no 'checks' array: not a results.json written by meanfield verify");
            var list = new List<CheckSummary>();
            var costs = new List<MeasuredCost>();
            string suite = document.RootElement.TryGetProperty("suite", out var suiteName) && suiteName.ValueKind == JsonValueKind.String ? suiteName.GetString()! : "";
            int index = 0;
            foreach (var c in checks.EnumerateArray())
            {
                string Text(string name) => c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                    ? v.GetString()!
                    : throw new InvalidDataException($"checks[{index}].{name} is missing or not a string");
                double Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
                    ? v.GetDouble()
                    : v.ValueKind == JsonValueKind.Null ? double.NaN : throw new InvalidDataException($"checks[{index}].{name} is missing or not a number");
                string verdict = Text("verdict");
                if (Cost(c) is { } cost) costs.Add(new MeasuredCost(Text("id"), cost.Seconds, ListModule.OfSeq(cost.Rungs)));
                // Files written before bounds checks existed have no kind: every check was a rate.
                string kind = c.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "rate";
                if (kind == "bounds")
                {
                    list.Add(new CheckSummary(Text("id"), Text("title"), verdict, Baseline.severityOf(verdict), null, FSharpOption<double>.Some(Number(c, "max_ratio"))));
                    index++;
                    continue;
                }

                if (kind is "growth" or "none" or "convergence")
                {
                    list.Add(new CheckSummary(Text("id"), Text("title"), verdict, Baseline.severityOf(verdict), null, null));
                    index++;
                    continue;
                }

                if (kind != "rate") throw new InvalidDataException($"checks[{index}].kind is '{kind}' (rate, bounds, growth, convergence or none)");
                var fit = c.TryGetProperty("fit", out var f) ? f : throw new InvalidDataException($"checks[{index}].fit is missing");
                var tolerance = c.TryGetProperty("tolerance", out var t) ? t : throw new InvalidDataException($"checks[{index}].tolerance is missing");
                Claim claim = Text("claim") switch
                {
                    "at_most" => Claim.AtMost,
                    "sharp" => Claim.Sharp,
                    var other => throw new InvalidDataException($"checks[{index}].claim is '{other}' (at_most or sharp)"),
                };
                var slope = new SlopeSummary(
                    Number(fit, "slope"), Number(fit, "lower"), Number(fit, "upper"),
                    Number(c, "theory"), claim, Number(tolerance, "slope"));
                list.Add(new CheckSummary(Text("id"), Text("title"), verdict, Baseline.severityOf(verdict), FSharpOption<SlopeSummary>.Some(slope), null));
                index++;
            }

            return new StoredRun(solver, list, suite, costs);
        }
    }

    /// <summary>A check's seconds and its rungs' seconds and replicas, where the file has them (the cost model's input).</summary>
    private static (double Seconds, List<MeasuredRung> Rungs)? Cost(JsonElement check)
    {
        if (!check.TryGetProperty("seconds", out var s) || s.ValueKind != JsonValueKind.Number) return null;
        var rungs = new List<MeasuredRung>();
        if (check.TryGetProperty("rungs", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var rung in array.EnumerateArray())
            {
                if (rung.TryGetProperty("x", out var x) && x.ValueKind == JsonValueKind.Number
                    && rung.TryGetProperty("seconds", out var seconds) && seconds.ValueKind == JsonValueKind.Number
                    && rung.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                    rungs.Add(new MeasuredRung(x.GetDouble(), seconds.GetDouble(), errors.GetArrayLength()));
            }
        }

        return (s.GetDouble(), rungs);
    }
}

/// <summary>
/// What a stored results.json says: the solver's name and each check's summary (what a later run is
/// compared with), the suite it ran and each check's measured costs (what a sharded run's plan is costed from).
/// </summary>
public sealed record StoredRun(string Solver, IReadOnlyList<CheckSummary> Checks, string Suite, IReadOnlyList<MeasuredCost> Costs);
