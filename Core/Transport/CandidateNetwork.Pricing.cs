using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MeanField.Core.Transport;

/// <summary>The pricing passes of <see cref="CandidateNetwork"/>: the c-transform over every pair, the violated pairs added as arcs, and the rows released to take them.</summary>
internal sealed partial class CandidateNetwork
{
    /// <summary>
    /// One pass over every pair: the c-transform of the row potentials, and the violated pairs
    /// (reduced cost below -tolerance), the most violated of which join the candidates. Rows that gain
    /// arcs lower their potential to make them feasible and give back their flow. Returns whether
    /// anything was added.
    /// </summary>
    /// <remarks>
    /// Pairs are visited block by block, a block being a cluster of rows against a cluster of columns
    /// (<see cref="SpatialClusters"/>). A block whose cost lower bound (from the clusters' boxes) exceeds
    /// its rows' largest potential plus its columns' largest by more than the tolerance holds no
    /// violated pair, and none of its pairs attains a column's c-transform: every column carries flow
    /// on a tight arc, whose value <c>c_ij - f_i = g_j</c> is below the bound. Such blocks are skipped;
    /// the pass finds exactly what a pass over all pairs finds. Columns without flow (zero weight) get
    /// their c-transform from every row.
    /// </remarks>
    private bool Price(int maxNewArcsPerRow)
    {
        PricingPasses++;
        var rowClusters = _pricingRows;
        var columnClusters = _pricingColumns;
        // Internal numbers are cluster positions (see the class remarks), so clusters are ranges of rows and columns.
        // The potentials gathered, for the vectorised scan.
        var v = new double[_m];
        for (int j = 0; j < _m; j++) v[j] = _column[j].Potential;
        var largestV = new double[columnClusters.Count];
        for (int c = 0; c < columnClusters.Count; c++)
        {
            double most = double.NegativeInfinity;
            for (int y = columnClusters.Starts[c]; y < columnClusters.Starts[c + 1]; y++) most = Math.Max(most, v[y]);
            largestV[c] = most;
        }

        var additions = new (int Column, double Reduced)[_n][];
        int chunks = RowBlocks.Count(rowClusters.Count, 4);
        var chunkMinima = new double[chunks][];
        var pairsVisited = new long[chunks];
        RowBlocks.For(rowClusters.Count, chunks, (chunk, first, last) =>
        {
            var minima = new double[_m];
            Array.Fill(minima, double.PositiveInfinity);
            var cost = new double[_m];
            var open = new List<int>();
            var worst = new List<(int Column, double Reduced)>();
            for (int r = first; r < last; r++)
            {
                double largestU = double.NegativeInfinity;
                for (int x = rowClusters.Starts[r]; x < rowClusters.Starts[r + 1]; x++) largestU = Math.Max(largestU, _u[x]);
                open.Clear();
                for (int c = 0; c < columnClusters.Count; c++)
                {
                    double bound = rowClusters.MinSquaredDistance(r, columnClusters, c);
                    if (_p != 2) bound = Math.Pow(bound, _p / 2);
                    if (bound - largestU - largestV[c] <= _violationTolerance) open.Add(c);
                }

                for (int i = rowClusters.Starts[r]; i < rowClusters.Starts[r + 1]; i++)
                {
                    var point = _a.Point(i);
                    worst.Clear();
                    foreach (int c in open)
                    {
                        int start = columnClusters.Starts[c], length = columnClusters.Starts[c + 1] - start;
                        var block = cost.AsSpan(start, length);
                        CostRow.Compute(point, _pricingColumnsOfB, start, _p, block);
                        Scan(block, _u[i], v.AsSpan(start, length), minima.AsSpan(start, length), start, -_violationTolerance, worst);
                        pairsVisited[chunk] += length;
                    }

                    if (worst.Count == 0) continue;
                    worst.Sort((x, y) => x.Reduced != y.Reduced ? x.Reduced.CompareTo(y.Reduced) : x.Column.CompareTo(y.Column));
                    additions[i] = worst.Take(maxNewArcsPerRow).ToArray();
                }
            }

            chunkMinima[chunk] = minima;
        });

        _pairsPriced += pairsVisited.Sum();
        _columnTransform = new double[_m];
        for (int y = 0; y < _m; y++)
        {
            double best = chunkMinima[0][y];
            for (int c = 1; c < chunks; c++) best = Math.Min(best, chunkMinima[c][y]);
            _columnTransform[y] = best;
        }

        for (int j = 0; j < _m; j++)
        {
            if (_column[j].Owners == 0) _columnTransform[j] = ColumnTransformOverEveryRow(j);
        }

        bool added = false;
        for (int i = 0; i < _n; i++)
        {
            if (additions[i] is not { } list) continue;
            bool rowChanged = false;
            foreach (var (column, _) in list)
            {
                if (IndexOfArc(i, column) >= 0) continue;
                AppendArc(i, column, GroundCost.Evaluate(_a.Point(i), _b.Point(column), _p));
                rowChanged = true;
            }

            if (!rowChanged) continue;
            added = true;
            _repricedRows++;
            Release(i);
        }

        return added;
    }

    /// <summary><c>min_i (c_ij - f_i)</c> over every row, evaluated as the pricing pass does.</summary>
    private double ColumnTransformOverEveryRow(int j)
    {
        var y = _b.Point(j);
        double best = double.PositiveInfinity;
        for (int i = 0; i < _n; i++) best = Math.Min(best, GroundCost.Evaluate(_a.Point(i), y, _p) - _u[i]);
        return best;
    }

    /// <summary>
    /// For one row against a range of columns starting at <paramref name="offset"/>:
    /// <c>minima[j] = min(minima[j], c_j - u)</c>, and every j with reduced cost
    /// <c>c_j - u - v_j &lt; threshold</c> into <paramref name="violated"/> (as offset + j). Evaluated
    /// as <c>(c_j - u) - v_j</c>, the order <see cref="Augment(List{int})"/> uses.
    /// </summary>
    private static void Scan(ReadOnlySpan<double> cost, double u, ReadOnlySpan<double> v, Span<double> minima, int offset, double threshold, List<(int Column, double Reduced)> violated)
    {
        var uu = Vector256.Create(u);
        var limit = Vector256.Create(threshold);
        ref double c0 = ref MemoryMarshal.GetReference(cost);
        ref double v0 = ref MemoryMarshal.GetReference(v);
        ref double m0 = ref MemoryMarshal.GetReference(minima);
        int m = cost.Length, j = 0;
        for (; j <= m - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var shifted = Vector256.LoadUnsafe(ref c0, (nuint)j) - uu;
            Vector256.Min(shifted, Vector256.LoadUnsafe(ref m0, (nuint)j)).StoreUnsafe(ref m0, (nuint)j);
            var reduced = shifted - Vector256.LoadUnsafe(ref v0, (nuint)j);
            if (!Vector256.LessThanAny(reduced, limit)) continue;
            for (int l = 0; l < Vector256<double>.Count; l++)
            {
                if (reduced[l] < threshold) violated.Add((offset + j + l, reduced[l]));
            }
        }

        for (; j < m; j++)
        {
            double shifted = cost[j] - u;
            if (shifted < minima[j]) minima[j] = shifted;
            double reduced = shifted - v[j];
            if (reduced < threshold) violated.Add((offset + j, reduced));
        }
    }

    /// <summary>Lowers u_i until every arc of row i is feasible; its arcs are then slack, so its flow goes back to supply and demand.</summary>
    private void Release(int i)
    {
        double lowest = double.PositiveInfinity;
        for (int k = 0; k < _arcCount[i]; k++) lowest = Math.Min(lowest, _arcCost[i][k] - _column[_arcColumn[i][k]].Potential);
        _u[i] = Math.Min(_u[i], lowest);
        for (int k = 0; k < _arcCount[i]; k++)
        {
            double flow = _arcFlow[i][k];
            if (flow <= 0) continue;
            int j = _arcColumn[i][k];
            _arcFlow[i][k] = 0;
            RemoveFlowArc(j, i, k);
            _supply[i] += flow;
            _column[j].Demand += flow;
        }
    }
}
