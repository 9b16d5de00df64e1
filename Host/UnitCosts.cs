using System.Globalization;
using System.Text.Json;
using MeanField.Verification;
using Microsoft.FSharp.Collections;

namespace MeanField.Host;

/// <summary>
/// The cost model of a sharded run: the seconds a work unit is estimated to take, and where the estimate
/// came from. Measured costs first: a stored results.json (<c>--baseline</c>) gives each whole check's
/// seconds, each rung's seconds per replica, and a reference unit's as the check's seconds outside its
/// rungs; the replicas of earlier waves give each rung's mean seconds per replica (core-seconds: a unit's
/// replicas share its cores). Without a measurement, a check's time budget, spread evenly over its first
/// wave's units.
/// </summary>
internal sealed class UnitCosts
{
    private readonly Dictionary<string, double> _checks = [];
    private readonly Dictionary<(string Check, int Rung), double> _perReplica = [];
    private readonly Dictionary<string, double> _references = [];
    private readonly Dictionary<string, (double? Budget, int Rungs, int FirstLook)> _ladders;
    private readonly string _measured;

    private UnitCosts(Suite suite, string measured)
    {
        _ladders = suite.Entries.ToDictionary(e => e.Item1.Id, e => (e.Item2.Seconds?.Value, e.Item2.Xs.Length, e.Item2.Replicas > 0 ? LadderModule.looks(e.Item2)[0] : 0));
        _measured = measured;
    }

    /// <summary>Costs from a stored results.json of the same suite, or from the budgets without one.</summary>
    public static UnitCosts FromBaseline(FileInfo? results, Suite suite)
    {
        var costs = new UnitCosts(suite, results is null ? "" : $"measured in {results.Name}");
        if (results is null) return costs;
        using var stream = results.OpenRead();
        using var doc = JsonDocument.Parse(stream);
        foreach (var check in doc.RootElement.GetProperty("checks").EnumerateArray())
        {
            if (!check.TryGetProperty("id", out var idElement) || idElement.GetString() is not { } id) continue;
            if (!check.TryGetProperty("seconds", out var s) || s.ValueKind != JsonValueKind.Number) continue;
            costs._checks[id] = s.GetDouble();
            if (!check.TryGetProperty("rungs", out var rungs) || rungs.ValueKind != JsonValueKind.Array) continue;
            double inRungs = 0;
            int k = 0;
            foreach (var rung in rungs.EnumerateArray())
            {
                double seconds = rung.GetProperty("seconds").GetDouble();
                int replicas = rung.GetProperty("errors").GetArrayLength();
                inRungs += seconds;
                if (replicas > 0) costs._perReplica[(id, k)] = seconds / replicas;
                k++;
            }

            costs._references[id] = Math.Max(0, s.GetDouble() - inRungs);
        }

        return costs;
    }

    /// <summary>Costs from the replicas the waves so far measured.</summary>
    public static UnitCosts FromReplicas(FSharpMap<ReplicaKey, ReplicaValue> known, Suite suite)
    {
        var costs = new UnitCosts(suite, "measured in the waves before");
        foreach (var g in known.GroupBy(kv => (kv.Key.Check, kv.Key.Rung)))
            costs._perReplica[g.Key] = g.Average(kv => kv.Value.Seconds);
        return costs;
    }

    /// <summary>The unit's estimated seconds and the estimate's source.</summary>
    public (double Seconds, string Source) Estimate(WorkUnit unit)
    {
        var (budget, rungs, firstLook) = _ladders[unit.Check];
        switch (unit.Work)
        {
            case UnitWork.Replicas r:
                int count = r.Item.Until - r.Item.First;
                if (_perReplica.TryGetValue((unit.Check, r.Item.Rung), out double each)) return (each * count, _measured);
                return Budget(budget, (double)count / Math.Max(1, rungs * firstLook));
            case var w when w.IsReference:
                return _references.TryGetValue(unit.Check, out double reference) ? (reference, _measured) : Budget(budget, 1);
            case var w when w.IsCheck:
                return _checks.TryGetValue(unit.Check, out double check) ? (check, _measured) : Budget(budget, 1);
            default:
                throw new InvalidOperationException($"no cost for the unit work {unit.Work}");
        }
    }

    private static (double, string) Budget(double? budget, double share) =>
        budget is { } b
            ? (b * share, share == 1 ? "the check's time budget" : string.Create(CultureInfo.InvariantCulture, $"the check's time budget, times {share:G3} (its share of the first look)"))
            : (0, "no estimate (no measurement, no time budget)");
}
