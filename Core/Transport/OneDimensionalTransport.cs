namespace MeanField.Core.Transport;

/// <summary>
/// Exact W_p between weighted clouds on the line, by matching quantiles:
/// <c>W_p^p = int_0^1 |F^-1(t) - G^-1(t)|^p dt</c>, the monotone coupling being optimal for every
/// convex cost. O((n + m) log(n + m)) for any sizes and weights.
/// </summary>
public static class OneDimensionalTransport
{
    public static TransportResult Solve(PointCloud a, PointCloud b, double p = 2)
    {
        GroundCost.CheckExponent(p);
        GroundCost.CheckCompatible(a, b);
        if (a.Dimension != 1) throw new ArgumentException($"the quantile solver is for D = 1, not D = {a.Dimension}");
        int[] ia = Order(a), ib = Order(b);
        double[] ca = Cumulative(a, ia), cb = Cumulative(b, ib);

        // Merge the breakpoints of the two quantile functions; on each piece both are constant.
        double cost = 0, t = 0;
        int i = 0, j = 0;
        while (i < ca.Length && j < cb.Length)
        {
            double next = Math.Min(ca[i], cb[j]);
            cost += (next - t) * GroundCost.Evaluate(a.Point(ia[i]), b.Point(ib[j]), p);
            t = next;
            if (ca[i] == next) i++;
            if (cb[j] == next) j++;
        }

        return new TransportResult(p, "1d", true, cost * a.Mass, double.NaN);
    }

    /// <summary>Normalised cumulative weights in sorted order, the last set to exactly 1 so both walks end together.</summary>
    private static double[] Cumulative(PointCloud c, int[] order)
    {
        var cumulative = new double[order.Length];
        double s = 0;
        for (int k = 0; k < order.Length; k++)
        {
            s += c.Weights[order[k]];
            cumulative[k] = s / c.Mass;
        }

        cumulative[^1] = 1.0;
        return cumulative;
    }

    private static int[] Order(PointCloud c)
    {
        var index = Enumerable.Range(0, c.Count).ToArray();
        var keys = (double[])c.Coordinates.Clone();
        Array.Sort(keys, index);
        return index;
    }
}
