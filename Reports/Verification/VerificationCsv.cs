using System.Globalization;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>
/// The raw data behind the report: <c>data.csv</c>, one row per replica of every rung of every rate
/// check (with the control variate's value and the adjusted error where the check has one, else empty), <c>bounds.csv</c>, one row per time of every quantity of every bounds check, and
/// <c>growth.csv</c>, one row per time of every growth check.
/// </summary>
public static class VerificationCsv
{
    public static void Write(TextWriter w, RunResult run)
    {
        w.WriteLine("check,x,replica,seed,error,fitted,control,adjusted");
        foreach (var c in run.Checks)
        {
            if (c.Rate is not { } rate) continue;
            foreach (var rung in rate.Value.Rungs)
            {
                for (int r = 0; r < rung.Errors.Length; r++)
                {
                    string control = rung.Control is { } k ? string.Create(CultureInfo.InvariantCulture, $"{k.Value.Values[r]:R},{k.Value.Adjusted[r]:R}") : ",";
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Id},{rung.X:R},{r},{rung.Seeds[r]},{rung.Errors[r]:R},{(rung.Fitted ? "true" : "false")},{control}"));
                }
            }
        }
    }

    public static void WriteBounds(TextWriter w, RunResult run)
    {
        w.WriteLine("check,quantity,source,t,measured,bound");
        foreach (var c in run.Checks)
        {
            foreach (var s in c.BoundSeries)
            {
                for (int k = 0; k < s.Times.Length; k++)
                {
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Id},\"{s.Quantity}\",\"{s.Source}\",{s.Times[k]:R},{s.Measured[k]:R},{s.Bound[k]:R}"));
                }
            }
        }
    }

    public static void WriteGrowth(TextWriter w, RunResult run)
    {
        w.WriteLine("check,t,source,prefactor,lower,upper,log_prefactor,standard_error");
        foreach (var c in run.Checks)
        {
            if (c.Growth is not { } growth) continue;
            foreach (var p in growth.Value.Points)
            {
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Id},{p.Time:R},{p.Source},{p.Fit.Prefactor:R},{Math.Exp(p.Fit.Lower):R},{Math.Exp(p.Fit.Upper):R},{p.Fit.LogPrefactor:R},{p.Fit.StandardError:R}"));
            }
        }
    }

    /// <summary><c>margins.csv</c>: each term of (P) that a convergence check switches on, with the change of the exact trajectories under a 5% error in it, the check's bound on the solver's error, the smallest relative error in the term that the bound rules out, and whether the term is verified (its margin at least 100 times the judging threshold).</summary>
    public static void WriteMargins(TextWriter w, RunResult run)
    {
        w.WriteLine("check,term,effect_of_5_percent,floor,over_floor,bound,ruled_out_relative_error,verified");
        foreach (var c in run.Checks)
        {
            if (c.Convergence is not { } convergence) continue;
            var m = convergence.Value;
            foreach (var margin in m.Margins)
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Id},{margin.Term.Id},{margin.Effect:R},{m.Floor:R},{margin.Effect / m.Floor:R},{m.Bound:R},{m.RuledOut(margin):R},{(m.Unverified.Contains(margin) ? "false" : "true")}"));
        }
    }

    /// <summary><c>convergence.csv</c>: one row per rung of every convergence ladder.</summary>
    public static void WriteConvergence(TextWriter w, RunResult run)
    {
        w.WriteLine("check,variable,x,error,judged,seconds");
        foreach (var c in run.Checks)
        {
            if (c.Convergence is not { } convergence) continue;
            var m = convergence.Value;
            foreach (var ladder in m.Grid is { } grid ? new[] { m.Time, grid.Value } : [m.Time])
            {
                for (int k = 0; k < ladder.Xs.Length; k++)
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Id},{ladder.Variable},{ladder.Xs[k]:R},{ladder.Errors[k]:R},{(ladder.Judged[k] ? "true" : "false")},{ladder.Seconds[k]:R}"));
            }
        }
    }
}
