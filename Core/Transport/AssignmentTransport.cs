namespace MeanField.Core.Transport;

/// <summary>
/// Exact W_p between two clouds of n equally weighted points by the dense Hungarian method: the
/// simple O(n^3) reference that <see cref="ExactTransport"/> is cross-checked against. An assignment problem, solved by
/// shortest augmenting paths with dual potentials (the Hungarian method in Jonker-Volgenant form).
/// Costs are computed on the fly, so memory is O(n) beyond the inputs.
/// </summary>
/// <remarks>
/// Rows are added one at a time; each addition runs Dijkstra on reduced costs
/// <c>c_ij - u_i - v_j &gt;= 0</c> from the new row to a free column and augments along the path,
/// O(n^3) in the worst case. The certificate: the column potentials are replaced by the c-transform
/// <c>v_j = min_i (c_ij - u_i)</c>, which makes the dual exactly feasible; the gap between the primal
/// cost and that dual objective bounds the error of the returned cost.
/// </remarks>
public static class AssignmentTransport
{
    public static TransportResult Solve(PointCloud a, PointCloud b, double p = 2) => Solve(a, b, p, out _);

    /// <summary>Solves and also returns the optimal matching: row i is sent to column <paramref name="assignment"/>[i].</summary>
    public static TransportResult Solve(PointCloud a, PointCloud b, double p, out int[] assignment)
    {
        GroundCost.CheckExponent(p);
        GroundCost.CheckCompatible(a, b);
        if (a.Count != b.Count) throw new ArgumentException($"the assignment solver needs equal sizes, not {a.Count} and {b.Count}");
        if (!a.IsUniform || !b.IsUniform) throw new ArgumentException("the assignment solver needs equal weights on every point");
        int n = a.Count;

        // 1-based internals: column 0 is the virtual start of each search.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var rowOfColumn = new int[n + 1];
        var way = new int[n + 1];
        var minReduced = new double[n + 1];
        var used = new bool[n + 1];
        var columns = CostRow.Columns(b);
        var rowCost = new double[n];
        for (int row = 1; row <= n; row++)
        {
            rowOfColumn[0] = row;
            int column = 0;
            Array.Fill(minReduced, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[column] = true;
                int i0 = rowOfColumn[column], next = 0;
                double delta = double.PositiveInfinity;
                CostRow.Compute(a.Point(i0 - 1), columns, p, rowCost);
                double ui = u[i0];
                for (int j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    double reduced = rowCost[j - 1] - ui - v[j];
                    if (reduced < minReduced[j])
                    {
                        minReduced[j] = reduced;
                        way[j] = column;
                    }

                    if (minReduced[j] < delta)
                    {
                        delta = minReduced[j];
                        next = j;
                    }
                }

                for (int j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minReduced[j] -= delta;
                    }
                }

                column = next;
            }
            while (rowOfColumn[column] != 0);

            // Augment: shift the matching back along the path.
            do
            {
                int previous = way[column];
                rowOfColumn[column] = rowOfColumn[previous];
                column = previous;
            }
            while (column != 0);
        }

        assignment = new int[n];
        for (int j = 1; j <= n; j++) assignment[rowOfColumn[j] - 1] = j - 1;
        double primal = 0;
        for (int i = 0; i < n; i++) primal += GroundCost.Evaluate(a.Point(i), b.Point(assignment[i]), p);

        // Certificate: a feasible dual by the c-transform of the row potentials.
        double dual = 0;
        for (int i = 1; i <= n; i++) dual += u[i];
        for (int j = 0; j < n; j++)
        {
            double best = double.PositiveInfinity;
            var y = b.Point(j);
            for (int i = 0; i < n; i++) best = Math.Min(best, GroundCost.Evaluate(a.Point(i), y, p) - u[i + 1]);
            dual += best;
        }

        double scale = a.Mass / n;
        return new TransportResult(p, "assignment", true, primal * scale, (primal - dual) * scale);
    }
}
