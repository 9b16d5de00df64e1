namespace MeanField.Core.Transport;

/// <summary>
/// Exact W_p between weighted clouds on the line, by matching quantiles:
/// <c>W_p^p = int_0^1 |F^-1(t) - G^-1(t)|^p dt</c>, the monotone coupling being optimal for every
/// convex cost. O((n + m) log(n + m)) for any sizes and weights.
/// </summary>
/// <remarks>
/// The certificate: potentials are chained along the monotone plan (each arc of the staircase, and
/// the corner between consecutive pieces, made tight), then the column potentials are replaced by
/// the c-transform <c>g(y) = min_i (|x_i - y|^p - f_i)</c>, which is exactly feasible. For p = 1 and
/// p = 2 the c-transform is a sweep over the sorted points, O(n + m); for other p it is the direct
/// O(n m) minimum, computed when n m &lt;= <see cref="MaxDirectCertificatePairs"/> (else the gap is NaN).
/// </remarks>
public static class OneDimensionalTransport
{
    /// <summary>Largest n m for which the certificate of a p other than 1 and 2 is computed.</summary>
    public const long MaxDirectCertificatePairs = 100_000_000;

    public static TransportResult Solve(PointCloud a, PointCloud b, double p = 2)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        GroundCost.CheckExponent(p);
        GroundCost.CheckCompatible(a, b);
        if (a.Dimension != 1) throw new ArgumentException($"the quantile solver is for D = 1, not D = {a.Dimension}");
        int[] ia = Order(a), ib = Order(b);
        double[] ca = Cumulative(a, ia), cb = Cumulative(b, ib);
        var f = new double[a.Count];
        var g = new double[b.Count];

        // Merge the breakpoints of the two quantile functions; on each piece both are constant.
        double cost = 0, t = 0;
        int i = 0, j = 0;
        f[ia[0]] = 0;
        g[ib[0]] = C(a, ia[0], b, ib[0], p);
        while (i < ca.Length && j < cb.Length)
        {
            double next = Math.Min(ca[i], cb[j]);
            cost += (next - t) * C(a, ia[i], b, ib[j], p);
            t = next;
            bool rowDone = ca[i] == next, columnDone = cb[j] == next;
            if (rowDone) i++;
            if (columnDone) j++;
            if (i == ca.Length || j == cb.Length) break;
            // The new piece shares a row or a column with the last one (or, if both advanced, the corner
            // (x_new, y_old) is treated as tight): one potential is known, the other follows.
            if (rowDone) f[ia[i]] = C(a, ia[i], b, ib[j - (columnDone ? 1 : 0)], p) - g[ib[j - (columnDone ? 1 : 0)]];
            if (columnDone) g[ib[j]] = C(a, ia[i], b, ib[j], p) - f[ia[i]];
        }

        // Points past the last breakpoint (zero weight) still need potentials before the c-transform.
        for (; i < ca.Length; i++) f[ia[i]] = C(a, ia[i], b, ib[^1], p) - g[ib[^1]];
        var transform = CTransform(a, ia, f, b, ib, p);
        if (transform is null) return new TransportResult(p, "1d", true, cost * a.Mass, double.NaN);
        double dual = 0;
        for (int k = 0; k < a.Count; k++) dual += a.Weights[k] / a.Mass * f[k];
        for (int k = 0; k < b.Count; k++) dual += b.Weights[k] / b.Mass * transform[k];
        return new TransportResult(p, "1d", true, cost * a.Mass, (cost - dual) * a.Mass) { Dual = new TransportDual(f, transform) };
    }

    private static double C(PointCloud a, int i, PointCloud b, int j, double p) => GroundCost.Evaluate(a.Point(i), b.Point(j), p);

    /// <summary>g(y_j) = min_i (|x_i - y_j|^p - f_i), or null when too costly for this p.</summary>
    private static double[]? CTransform(PointCloud a, int[] ia, double[] f, PointCloud b, int[] ib, double p)
    {
        var g = new double[b.Count];
        if (p == 2)
        {
            // |x - y|^2 - f = y^2 + (x^2 - f) - 2 x y: the lower envelope of lines in y, with slopes -2x
            // falling as x rises; the queries y come in increasing order, so one sweep finds each minimiser.
            var hull = new List<int>();
            foreach (int i in ia)
            {
                if (hull.Count > 0 && a.Coordinates[hull[^1]] == a.Coordinates[i])
                {
                    if (Intercept(a, f, hull[^1]) <= Intercept(a, f, i)) continue;
                    hull.RemoveAt(hull.Count - 1);
                }

                while (hull.Count >= 2 && Hidden(a, f, hull[^2], hull[^1], i)) hull.RemoveAt(hull.Count - 1);
                hull.Add(i);
            }

            int line = 0;
            foreach (int j in ib)
            {
                double y = b.Coordinates[j];
                while (line + 1 < hull.Count && Line(a, f, hull[line + 1], y) <= Line(a, f, hull[line], y)) line++;
                // The value itself is the cost minus the potential, as everywhere else.
                g[j] = C(a, hull[line], b, j, p) - f[hull[line]];
            }

            return g;
        }

        if (p == 1)
        {
            // min over x_i <= y of (y - x_i - f_i) and over x_i >= y of (x_i - y - f_i): two sweeps.
            int k = 0;
            double best = double.PositiveInfinity;
            foreach (int j in ib)
            {
                double y = b.Coordinates[j];
                for (; k < ia.Length && a.Coordinates[ia[k]] <= y; k++) best = Math.Min(best, -a.Coordinates[ia[k]] - f[ia[k]]);
                g[j] = y + best;
            }

            k = ia.Length - 1;
            best = double.PositiveInfinity;
            for (int q = ib.Length - 1; q >= 0; q--)
            {
                int j = ib[q];
                double y = b.Coordinates[j];
                for (; k >= 0 && a.Coordinates[ia[k]] >= y; k--) best = Math.Min(best, a.Coordinates[ia[k]] - f[ia[k]]);
                g[j] = Math.Min(g[j], best - y);
            }

            return g;
        }

        if ((long)a.Count * b.Count > MaxDirectCertificatePairs) return null;
        for (int j = 0; j < b.Count; j++)
        {
            double best = double.PositiveInfinity;
            for (int i = 0; i < a.Count; i++) best = Math.Min(best, C(a, i, b, j, p) - f[i]);
            g[j] = best;
        }

        return g;
    }

    private static double Intercept(PointCloud a, double[] f, int i) => a.Coordinates[i] * a.Coordinates[i] - f[i];

    private static double Line(PointCloud a, double[] f, int i, double y) => Intercept(a, f, i) - 2 * a.Coordinates[i] * y;

    /// <summary>Whether the middle line (x2) is nowhere below both others (x1 &lt; x2 &lt; x3): lines 1 and 3 cross before line 2 leaves line 1.</summary>
    private static bool Hidden(PointCloud a, double[] f, int i1, int i2, int i3)
    {
        double s1 = -2 * a.Coordinates[i1], s2 = -2 * a.Coordinates[i2], s3 = -2 * a.Coordinates[i3];
        double c1 = Intercept(a, f, i1), c2 = Intercept(a, f, i2), c3 = Intercept(a, f, i3);
        return (c3 - c1) * (s1 - s2) <= (c2 - c1) * (s1 - s3);
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
