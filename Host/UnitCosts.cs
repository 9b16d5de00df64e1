using System.Globalization;
using System.Text.Json;
using MeanField.Verification;

namespace MeanField.Host;

/// <summary>
/// The cost model of a sharded run: the seconds a work unit is estimated to take, and where the estimate
/// came from. Measured costs first: a stored results.json (<c>--baseline</c>) gives each whole check's
/// seconds, each rung's seconds per replica, and a reference unit's as the check's seconds outside its
/// rungs; the replicas of earlier waves give each rung's mean seconds per replica (core-seconds: a unit's
/// replicas share its cores), and the plan carries the rungs' costs it was made with to the next wave.
/// A rung of a size not measured is extrapolated by the power law in N fitted to the check's measured rungs; a particle reference of another size is scaled by its cells (its cost
/// per step is linear in M: mesh alignment and the field). Without a measurement, a check's time budget,
/// spread evenly over its first wave's units.
/// </summary>
internal sealed partial class UnitCosts
{
    private readonly Dictionary<string, double> _checks = [];
    private readonly Dictionary<string, SortedDictionary<double, (double Seconds, string Source)>> _perReplica = [];
    private readonly Dictionary<string, (double Seconds, int? Cells)> _references = [];
    private readonly Dictionary<string, (double? Budget, double[] Xs, int FirstLook, int? Cells)> _ladders;
    private readonly string _measured;

    private UnitCosts(Suite suite, string measured)
    {
        _ladders = suite.Entries.ToDictionary(
            e => e.Item1.Id,
            e => (VerificationFacade.SecondsBudget(e.Item2), e.Item2.Xs.ToArray(), VerificationFacade.FirstLook(e.Item2), Cells(e.Item1.Reference.Description)));
        _measured = measured;
    }

    /// <summary>The cells of a particle reference, from its description ("a 128000-cell run of (P) ..."), if it is one.</summary>
    private static int? Cells(string description) =>
        CellsPattern().Match(description) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"(\d+)-cell run")]
    private static partial System.Text.RegularExpressions.Regex CellsPattern();

    /// <summary>A rung's measured seconds per replica, as a plan carries it to the next wave's costs.</summary>
    internal sealed record RungCost(string Check, double N, double SecondsPerReplica, string Source);

    private void AddReplica(string check, double x, double secondsPerReplica, string source)
    {
        if (!_perReplica.TryGetValue(check, out var rungs)) _perReplica[check] = rungs = [];
        rungs[x] = (secondsPerReplica, source);
    }

    /// <summary>Every rung's measured seconds per replica, with where each was measured.</summary>
    public RungCost[] Rungs() =>
        [.. _perReplica.SelectMany(kv => kv.Value.Select(r => new RungCost(kv.Key, r.Key, r.Value.Seconds, r.Value.Source)))];

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
            foreach (var rung in rungs.EnumerateArray())
            {
                double seconds = rung.GetProperty("seconds").GetDouble();
                int replicas = rung.GetProperty("errors").GetArrayLength();
                inRungs += seconds;
                if (replicas > 0) costs.AddReplica(id, rung.GetProperty("x").GetDouble(), seconds / replicas, costs._measured);
            }

            var description = check.TryGetProperty("reference", out var reference) && reference.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "";
            costs._references[id] = (Math.Max(0, s.GetDouble() - inRungs), Cells(description));
        }

        return costs;
    }

    /// <summary>
    /// Costs from the replicas the waves so far measured, and for a rung they measured none of, from the
    /// costs the plan was made with (<paramref name="planned"/>: a check whose first wave was its reference).
    /// </summary>
    public static UnitCosts FromReplicas(IReadOnlyDictionary<ReplicaKey, ReplicaValue> known, IEnumerable<RungCost> planned, Suite suite)
    {
        var costs = new UnitCosts(suite, "measured in the waves before");
        foreach (var r in planned.Where(r => costs._ladders.ContainsKey(r.Check)))
            costs.AddReplica(r.Check, r.N, r.SecondsPerReplica, r.Source);
        foreach (var g in known.GroupBy(kv => (kv.Key.Check, kv.Key.Rung)))
            costs.AddReplica(g.Key.Check, costs._ladders[g.Key.Check].Xs[g.Key.Rung], g.Average(kv => kv.Value.Seconds), costs._measured);
        return costs;
    }

    /// <summary>The unit's estimated seconds and the estimate's source.</summary>
    public (double Seconds, string Source) Estimate(WorkUnit unit)
    {
        var (budget, xs, firstLook, cells) = _ladders[unit.Check];
        switch (unit.Work)
        {
            case UnitWork.Replicas r:
                int count = r.Item.Until - r.Item.First;
                double x = xs[r.Item.Rung];
                if (_perReplica.TryGetValue(unit.Check, out var rungs))
                {
                    if (rungs.TryGetValue(x, out var each)) return (each.Seconds * count, each.Source);
                    if (rungs.Count >= 2)
                    {
                        // Seconds per replica as a power of N, fitted in logs to the measured rungs.
                        var (intercept, slope) = MathNet.Numerics.Fit.Line([.. rungs.Keys.Select(k => Math.Log(k))], [.. rungs.Values.Select(v => Math.Log(Math.Max(v.Seconds, 1e-6)))]);
                        return (Math.Exp(intercept + slope * Math.Log(x)) * count, string.Create(CultureInfo.InvariantCulture, $"extrapolated from the rungs {_measured} (seconds per replica as N^{slope:F2})"));
                    }
                }

                return Budget(budget, (double)count / Math.Max(1, xs.Length * firstLook));
            case UnitWork.Reference r:
                // One run to the last time of its checks. In the measured single process each check's time
                // outside its rungs is the run's stretch from the time before it (none for a time already
                // reached), so the measured stretches of the run's checks add up to the run to its last time.
                var measuredRun = new[] { unit.Check }.Concat(r.also).Where(_references.ContainsKey).Select(c => _references[c]).ToArray();
                if (measuredRun.Length == 0) return Budget(budget, 1);
                double seconds = measuredRun.Sum(stretch => stretch.Seconds);
                if (cells is { } m && measuredRun[0].Cells is { } measuredCells && m != measuredCells)
                    return (seconds * m / measuredCells, string.Create(CultureInfo.InvariantCulture, $"{_measured}, scaled from {measuredCells} to {m} cells"));
                return (seconds, _measured);
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
