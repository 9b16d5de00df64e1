namespace MeanField.Core.Statistics;

/// <summary>
/// Replicas of an error adjusted by a control variate: a quantity measured on the same replica whose
/// expectation is known exactly, so that <c>y_r - beta (c_r - E c)</c> has the same expectation as y
/// and, for a correlated control, a smaller variance.
/// </summary>
/// <param name="Adjusted">The adjusted replicas. Their deviations from their mean are scaled by
/// <c>sqrt((R - 1) / (R - 2))</c>, so that their sample variance is the regression's residual variance
/// on R - 2 degrees of freedom (beta is estimated from the same replicas).</param>
/// <param name="Coefficient">beta, the least-squares slope of y on c over the replicas.</param>
/// <param name="VarianceRatio">Sample variance of the adjusted replicas over that of the raw ones (1 - rho^2, inflated for the estimated beta).</param>
public sealed record ControlVariateAdjustment(double[] Adjusted, double Coefficient, double VarianceRatio);

/// <summary>Control variates for the mean of replicated measurements.</summary>
public static class ControlVariate
{
    /// <summary>
    /// Adjusts <paramref name="values"/> by <paramref name="controls"/>, whose expectation is
    /// <paramref name="expectation"/>. Needs at least 3 replicas (two parameters are estimated);
    /// a control without spread leaves the values as they are.
    /// </summary>
    public static ControlVariateAdjustment Adjust(IReadOnlyList<double> values, IReadOnlyList<double> controls, double expectation)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(controls);
        int n = values.Count;
        if (controls.Count != n) throw new ArgumentException($"{controls.Count} controls for {n} values", nameof(controls));
        if (n < 3) throw new ArgumentException($"a control variate needs at least 3 replicas, not {n}", nameof(values));
        if (!double.IsFinite(expectation)) throw new ArgumentOutOfRangeException(nameof(expectation), expectation, "must be finite");
        for (int r = 0; r < n; r++)
        {
            if (!double.IsFinite(values[r])) throw new ArgumentException($"replica {r}: the value {values[r]} is not finite", nameof(values));
            if (!double.IsFinite(controls[r])) throw new ArgumentException($"replica {r}: the control {controls[r]} is not finite", nameof(controls));
        }

        double my = values.Average(), mc = controls.Average(), scc = 0, scy = 0, syy = 0;
        for (int r = 0; r < n; r++)
        {
            scc += (controls[r] - mc) * (controls[r] - mc);
            scy += (controls[r] - mc) * (values[r] - my);
            syy += (values[r] - my) * (values[r] - my);
        }

        double beta = scc > 0 ? scy / scc : 0;
        double mean = my - beta * (mc - expectation);
        double inflation = scc > 0 ? Math.Sqrt((n - 1) / (n - 2.0)) : 1;
        var adjusted = new double[n];
        double sad = 0;
        for (int r = 0; r < n; r++)
        {
            double deviation = (values[r] - my) - beta * (controls[r] - mc);
            adjusted[r] = mean + inflation * deviation;
            sad += inflation * inflation * deviation * deviation;
        }

        return new ControlVariateAdjustment(adjusted, beta, syy > 0 ? sad / syy : 1);
    }
}
