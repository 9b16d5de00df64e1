namespace MeanField.Core.Transport;

/// <summary>
/// The outcome of an optimal-transport computation for the ground cost |x - y|^p.
/// </summary>
/// <param name="P">The exponent p &gt;= 1.</param>
/// <param name="Method">Which solver produced it.</param>
/// <param name="IsExact">True for an exact solver (then <see cref="DualityGap"/> certifies it).</param>
/// <param name="Cost">W_p^p, the optimal expected cost.</param>
/// <param name="DualityGap">Primal cost minus a feasible dual objective (&gt;= 0; zero at optimality up to round-off); NaN where no dual is computed.</param>
public sealed record TransportResult(double P, string Method, bool IsExact, double Cost, double DualityGap)
{
    /// <summary>W_p = Cost^(1/p).</summary>
    public double Distance => Math.Pow(Math.Max(Cost, 0), 1 / P);
}
