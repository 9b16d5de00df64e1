namespace MeanField.Core.Statistics;

/// <summary>
/// Error spending over the repeated looks of a sequential design (Lan and DeMets): a function
/// alpha(tau) from 0 at tau = 0 to alpha at tau = 1, tau the fraction of the maximum information
/// (here, of the maximum replicas per rung) reached at a look. Look j spends
/// <c>alpha(tau_j) - alpha(tau_(j-1))</c>, and its interval is built at one minus that. By the union
/// bound, the probability that any look's interval misses the truth is at most alpha, however the
/// looks are correlated and wherever the design stops.
/// </summary>
/// <remarks>The spending function is Pocock's type, <c>alpha ln(1 + (e - 1) tau)</c>: it spends
/// early, where most checks decide (a check of the suite usually decides at its first look, with a
/// margin), and leaves the last look of a hard check well over half of alpha.</remarks>
public static class AlphaSpending
{
    /// <summary>The error spent up to information fraction <paramref name="tau"/> in [0, 1].</summary>
    public static double Spent(double alpha, double tau)
    {
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "must lie in (0, 1)");
        if (!(tau >= 0 && tau <= 1)) throw new ArgumentOutOfRangeException(nameof(tau), tau, "must lie in [0, 1]");
        return tau >= 1 ? alpha : alpha * Math.Log(1 + (Math.E - 1) * tau);
    }

    /// <summary>
    /// The confidence of each look's interval for looks at <paramref name="replicas"/> (increasing, the
    /// last the maximum): <c>1 - (alpha(tau_j) - alpha(tau_(j-1)))</c>. One look gets 1 - alpha.
    /// </summary>
    public static double[] Confidences(double alpha, IReadOnlyList<int> replicas)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        if (replicas.Count == 0) throw new ArgumentException("a design needs at least one look", nameof(replicas));
        for (int j = 0; j < replicas.Count; j++)
        {
            if (replicas[j] < 1 || (j > 0 && replicas[j] <= replicas[j - 1]))
                throw new ArgumentException($"look {j}: {replicas[j]} replicas; the looks need increasing counts from 1", nameof(replicas));
        }

        double maximum = replicas[^1], before = 0;
        var confidences = new double[replicas.Count];
        for (int j = 0; j < replicas.Count; j++)
        {
            double spent = Spent(alpha, replicas[j] / maximum);
            confidences[j] = 1 - (spent - before);
            before = spent;
        }

        return confidences;
    }

    /// <summary>The replicas per rung at each look: <paramref name="initial"/>, then doubling, the last capped at <paramref name="maximum"/>.</summary>
    public static int[] DoublingLooks(int initial, int maximum)
    {
        if (initial < 1) throw new ArgumentOutOfRangeException(nameof(initial), initial, "must be at least 1");
        if (maximum < initial) throw new ArgumentOutOfRangeException(nameof(maximum), maximum, $"must be at least the initial {initial}");
        var looks = new List<int> { initial };
        while (looks[^1] < maximum) looks.Add((int)Math.Min(maximum, 2L * looks[^1]));
        return looks.ToArray();
    }
}
