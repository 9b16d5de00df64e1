namespace MeanField.Core.References;

/// <summary>How far the Eulerian and the Lagrangian solutions of (E) are apart at one time (d = 1).</summary>
/// <param name="DensityL1">sum_i |mu_i - mu_L(x_i)| dx over the compared cells.</param>
/// <param name="VelocityMax">max_i |u_i - u_L(x_i)| over the compared cells.</param>
/// <param name="ComparedCells">Cells inside the labels' span with mu_i above the threshold.</param>
public sealed record MonokineticDifference(double DensityL1, double VelocityMax, int ComparedCells);

/// <summary>Compares the finite-volume and the Lagrangian solutions of (E) in d = 1.</summary>
public static class MonokineticComparison
{
    /// <summary>
    /// Evaluates the Lagrangian density mu_in(y)/J and velocity at each finite-volume centre by cubic
    /// Lagrange interpolation over the four nearest labels (ordered in x while the flow is invertible),
    /// and compares them with the cell values where the cell density exceeds
    /// <paramref name="threshold"/> times the largest (the velocity of a near-empty cell means little).
    /// </summary>
    public static MonokineticDifference Compare(LagrangianReference lagrangian, PressurelessEuler1D euler, double threshold = 1e-2)
    {
        ArgumentNullException.ThrowIfNull(lagrangian);
        ArgumentNullException.ThrowIfNull(euler);
        if (lagrangian.Labels.Dimension != 1) throw new ArgumentException("the comparison is in d = 1", nameof(lagrangian));
        if (Math.Abs(lagrangian.Time - euler.Time) > 1e-12)
            throw new ArgumentException($"the solutions are at different times ({lagrangian.Time:R} and {euler.Time:R})", nameof(euler));
        if (lagrangian.CrossingTime is not null)
            throw new ArgumentException($"the characteristics crossed at t = {lagrangian.CrossingTime:G6}: there is no smooth solution to compare", nameof(lagrangian));
        var x = lagrangian.Simulation.State.Positions;
        double first = x[0], last = x[lagrangian.Labels.Labels - 1];
        double peak = euler.Density.ToArray().Max();
        double l1 = 0, uMax = 0;
        int compared = 0;
        for (int i = 0; i < euler.Cells; i++)
        {
            double xi = euler.Centre(i), mu = euler.Density[i];
            if (mu < threshold * peak || xi < first || xi > last) continue;
            var (muL, uL) = lagrangian.At(xi);
            l1 += Math.Abs(mu - muL) * euler.Spacing;
            uMax = Math.Max(uMax, Math.Abs(euler.Velocity(i) - uL));
            compared++;
        }

        return new MonokineticDifference(l1, uMax, compared);
    }
}
