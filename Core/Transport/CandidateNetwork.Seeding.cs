namespace MeanField.Core.Transport;

/// <summary>The start of <see cref="CandidateNetwork"/>: candidate arcs from nearest neighbours (and the coarse problem's plan), first potentials and a first flow.</summary>
internal sealed partial class CandidateNetwork
{
    /// <summary>Neighbours for a point of a cloud of <paramref name="own"/> points against one of <paramref name="other"/>: k, fewer for the larger (16 at least).</summary>
    private static int Scaled(int neighbours, int other, int own) =>
        own <= other ? neighbours : Math.Min(neighbours, Math.Max(16, (int)((long)neighbours * other / own)));

    /// <summary>
    /// Candidates: the monotone plan along the first coordinate (a feasible flow on its own), each
    /// row's nearest columns and each column's nearest rows, with the clouds' means aligned first. For
    /// p = 2 the optimal plan does not change when one cloud is translated, so two clouds far apart
    /// get the neighbours of the plan they will actually use.
    /// </summary>
    private void SeedArcs(int neighbours)
    {
        var sets = new List<int>[_n];
        for (int i = 0; i < _n; i++) sets[i] = new List<int>(3 * neighbours + 2);
        foreach (var (i, j) in MonotonePlan()) sets[i].Add(j);
        var shift = new double[_a.Dimension];
        for (int k = 0; k < shift.Length; k++) shift[k] = Mean(_b, k) - Mean(_a, k);
        // The larger cloud's points look for fewer neighbours, in the ratio of the sizes: each point of
        // either cloud then has about as many arcs from each direction (k n arcs each way).
        var rowNeighbours = Nearest(Translated(_a, shift, 1), _pricingColumns, _pricingColumnsOfB, Scaled(neighbours, _m, _n));
        for (int i = 0; i < _n; i++) sets[i].AddRange(rowNeighbours[i]);
        var columnNeighbours = Nearest(Translated(_b, shift, -1), _pricingRows, CostRow.Columns(_pricingRows.Cloud), Scaled(neighbours, _n, _m));
        for (int j = 0; j < _m; j++)
        {
            foreach (int i in columnNeighbours[j]) sets[i].Add(j);
        }

        if (UsesMultiscale(_a.Dimension, Math.Min(_n, _m))) AddCoarsePlanPairs(sets);

        double largest = 0;
        for (int i = 0; i < _n; i++)
        {
            var distinct = SortedDistinct(sets[i]);
            _arcColumn[i] = distinct;
            _arcCost[i] = new double[distinct.Length];
            _arcFlow[i] = new double[distinct.Length];
            _arcCount[i] = distinct.Length;
            for (int k = 0; k < distinct.Length; k++)
            {
                _arcCost[i][k] = GroundCost.Evaluate(_a.Point(i), _b.Point(distinct[k]), _p);
                largest = Math.Max(largest, _arcCost[i][k]);
            }
        }

        _violationTolerance = 1e-12 * largest;
    }

    /// <summary>Points per cluster in the pricing passes' blocks.</summary>
    private const int PricingLeaf = 64;

    /// <summary>Clouds with fewer points than this on either side are seeded from neighbours alone.</summary>
    private const int MultiscaleMinimum = 128;

    /// <summary>
    /// Whether the multiscale seed runs: in D &lt;= 2, from <see cref="MultiscaleMinimum"/> points on
    /// the smaller side. Measured here: in D = 2 it removed most of the repricing (rows repriced, 2000
    /// against 8000: 2455 to 392 for two clusters, 4455 to 162 on a curve); in D = 4 (uniform, 2 x 10^4
    /// a side) the coarse solve cost more than it saved.
    /// </summary>
    internal static bool UsesMultiscale(int dimension, int smaller) => dimension <= 2 && smaller >= MultiscaleMinimum;

    /// <summary>Points a side from which the coarse problem's clusters have equal sizes (see <see cref="AddCoarsePlanPairs"/>).</summary>
    private const int EqualClustersMinimum = 5000;

    /// <summary>Points per cluster of the coarse problem.</summary>
    private const int CoarseLeaf = 4;

    /// <summary>
    /// The multiscale seed: both clouds cut into clusters of at most <see cref="CoarseLeaf"/> points,
    /// the exact plan between the clusters' barycentres, and every pair of points of two clusters that
    /// plan connects joins the row's candidates; the coarse dual, extended to every point, is kept for
    /// <see cref="SeedPotentials"/>. The coarse plan sees where mass must travel beyond the nearest
    /// neighbours (from one cluster of a cloud to another, or along a thin set such as a curve), which
    /// would otherwise be found one pricing pass at a time, each giving back the flow of every row it
    /// touches.
    /// </summary>
    private void AddCoarsePlanPairs(List<int>[] sets)
    {
        // From EqualClustersMinimum points a side (equal masses, 4 dividing both counts), clusters of
        // exactly equal sizes make the coarse problem one of equal masses, solved with the row
        // reduction; with unequal sizes its solve grew too fast (2 x 10^4 a side, uniform in D = 2:
        // 7.3 s of seeding against 0.9 s, measured with the clusters' masses as fractions). Below, unequal sizes: the equal-size problem's dual
        // (degenerate, as an assignment's is) seeds curves worse (2000 against 8000 on a curve in phase
        // space: 10 times the Dijkstra work; the quick suite's monokinetic check 14.3 s against 9.0 s).
        // In whole units when this problem has them, so that the coarse flows are integers too
        // (measured, two clusters 2000 against 8000: the 512 x 2048 coarse solve relaxed 4.8 million
        // arcs, against 21.8 million with the clusters' masses as fractions).
        bool equal = _equalMasses && Math.Min(_n, _m) >= EqualClustersMinimum && _n % CoarseLeaf == 0 && _m % CoarseLeaf == 0;
        var rows = SpatialClusters.Build(_a, CoarseLeaf, equal);
        var columns = SpatialClusters.Build(_b, CoarseLeaf, equal);
        (_coarseRows, _coarseColumns) = (rows.Count, columns.Count);
        var rowCentres = rows.Barycentres();
        var columnCentres = columns.Barycentres();
        double[]? rowUnits = _integer ? Units(rows, _rowMass) : null, columnUnits = _integer ? Units(columns, _columnMass) : null;
        var coarse = ExactTransport.Solve(rowCentres, columnCentres, _p, rowUnits, columnUnits, out var plan);
        // Each point's first potential: the c-transform of the coarse column potentials over the
        // clusters its own cluster sends mass to, min_c (c(x_i, y_c) - g_c). It varies within a cluster
        // as the fine potential does, where the cluster's coarse row potential would be flat (measured:
        // a half to a sixth of the Dijkstra work on the suite's families in D = 2, against the flat one).
        var coarseDual = coarse.Dual!;
        _coarsePotential = new double[_n];
        Array.Fill(_coarsePotential, double.PositiveInfinity);
        for (int e = 0; e < plan.Rows.Length; e++)
        {
            int r = plan.Rows[e], c = plan.Columns[e];
            var centre = columnCentres.Point(c);
            double g = coarseDual.ColumnPotentials[c];
            for (int x = rows.Starts[r]; x < rows.Starts[r + 1]; x++)
            {
                int i = rows.Order[x];
                _coarsePotential[i] = Math.Min(_coarsePotential[i], GroundCost.Evaluate(_a.Point(i), centre, _p) - g);
                var set = sets[i];
                for (int y = columns.Starts[c]; y < columns.Starts[c + 1]; y++) set.Add(columns.Order[y]);
            }
        }

        // A cluster of zero weight sends nothing: its points keep the cluster's coarse potential.
        for (int r = 0; r < rows.Count; r++)
        {
            for (int x = rows.Starts[r]; x < rows.Starts[r + 1]; x++)
            {
                if (double.IsPositiveInfinity(_coarsePotential[rows.Order[x]])) _coarsePotential[rows.Order[x]] = coarseDual.RowPotentials[r];
            }
        }
    }

    /// <summary>Each cluster's units: the sum of its points' masses (whole units).</summary>
    private static double[] Units(SpatialClusters clusters, double[] mass)
    {
        var units = new double[clusters.Count];
        for (int c = 0; c < clusters.Count; c++)
        {
            for (int x = clusters.Starts[c]; x < clusters.Starts[c + 1]; x++) units[c] += mass[clusters.Order[x]];
        }

        return units;
    }

    private static int[] SortedDistinct(List<int> columns)
    {
        var sorted = columns.ToArray();
        Array.Sort(sorted);
        int count = 0;
        for (int k = 0; k < sorted.Length; k++)
        {
            if (count == 0 || sorted[k] != sorted[count - 1]) sorted[count++] = sorted[k];
        }

        return sorted[..count];
    }

    /// <summary>
    /// Column potentials from the cheapest candidate into each column (against the first row
    /// potentials from the coarse dual, when the multiscale seed ran, else against zero), then row
    /// potentials from the cheapest reduced arc: feasible on every candidate.
    /// </summary>
    private void SeedPotentials()
    {
        for (int j = 0; j < _m; j++) _column[j].Potential = double.PositiveInfinity;
        for (int i = 0; i < _n; i++)
        {
            double start = _coarsePotential is { } coarse ? coarse[i] : 0;
            for (int k = 0; k < _arcCount[i]; k++) _column[_arcColumn[i][k]].Potential = Math.Min(_column[_arcColumn[i][k]].Potential, _arcCost[i][k] - start);
        }

        for (int j = 0; j < _m; j++)
        {
            if (double.IsPositiveInfinity(_column[j].Potential)) _column[j].Potential = 0;
        }

        for (int i = 0; i < _n; i++)
        {
            double lowest = double.PositiveInfinity;
            for (int k = 0; k < _arcCount[i]; k++) lowest = Math.Min(lowest, _arcCost[i][k] - _column[_arcColumn[i][k]].Potential);
            _u[i] = lowest;
        }
    }

    /// <summary>
    /// A first flow on the tight arcs of the seed potentials (reduced cost zero, as <see cref="Augment(List{int})"/>
    /// evaluates it), greedily in row order: the optimality conditions hold for it (flow only on tight
    /// arcs, every reduced cost non-negative), so the shortest paths go on from it, and each unit placed
    /// here is one search fewer. It matters most for n against k n points, whose unit augmentations
    /// would otherwise number k n.
    /// </summary>
    private void SeedFlow()
    {
        for (int i = 0; i < _n; i++)
        {
            double ui = _u[i];
            for (int k = 0; k < _arcCount[i] && _supply[i] > _tolerance; k++)
            {
                int j = _arcColumn[i][k];
                if (_column[j].Demand <= _tolerance || _arcCost[i][k] - ui - _column[j].Potential > 0) continue;
                double theta = Math.Min(_supply[i], _column[j].Demand);
                AddFlow(i, k, theta);
                _supply[i] -= theta;
                _column[j].Demand -= theta;
                _seededFlow += theta;
            }
        }
    }

    /// <summary>The north-west-corner plan of both clouds sorted by their first coordinate.</summary>
    private IEnumerable<(int Row, int Column)> MonotonePlan()
    {
        int[] ra = SortedByFirstCoordinate(_a), rb = SortedByFirstCoordinate(_b);
        double[] supply = ra.Select(i => _rowMass[i]).ToArray(), demand = rb.Select(j => _columnMass[j]).ToArray();
        int x = 0, y = 0;
        while (x < _n && y < _m)
        {
            yield return (ra[x], rb[y]);
            double moved = Math.Min(supply[x], demand[y]);
            supply[x] -= moved;
            demand[y] -= moved;
            bool rowDone = supply[x] <= _tolerance, columnDone = demand[y] <= _tolerance;
            if (rowDone) x++;
            if (columnDone) y++;
            if (!rowDone && !columnDone) y++;
        }

        // Round-off can leave either side with a tail: tie it to the last point of the other.
        for (; x < _n; x++) yield return (ra[x], rb[_m - 1]);
        for (; y < _m; y++) yield return (ra[_n - 1], rb[y]);
    }

    private static int[] SortedByFirstCoordinate(PointCloud c)
    {
        var keys = new double[c.Count];
        for (int i = 0; i < c.Count; i++) keys[i] = c.Coordinates[i * c.Dimension];
        var order = Enumerable.Range(0, c.Count).ToArray();
        Array.Sort(keys, order);
        return order;
    }

    /// <summary>
    /// For every point of <paramref name="from"/>, its k nearest points of <paramref name="to"/>'s
    /// cloud (positions in its cluster order, nearest first, ties to the lower position: the set a
    /// scan over every point gives). Each cluster of <paramref name="from"/> visits the clusters of
    /// <paramref name="to"/> in the order of their boxes' distance and stops at the first box farther
    /// than its k-th best; parallel over clusters.
    /// </summary>
    private static int[][] Nearest(PointCloud from, SpatialClusters to, double[][] toColumns, int k)
    {
        var result = new int[from.Count][];
        var fromClusters = SpatialClusters.Build(from, PricingLeaf);
        int largest = 0;
        for (int c = 0; c < to.Count; c++) largest = Math.Max(largest, to.Starts[c + 1] - to.Starts[c]);
        RowBlocks.For(fromClusters.Count, RowBlocks.Count(fromClusters.Count, 4), (_, first, last) =>
        {
            var bounds = new double[to.Count];
            var byBound = new int[to.Count];
            var distance = new double[largest];
            var bestDistance = new double[k];
            var bestIndex = new int[k];
            for (int r = first; r < last; r++)
            {
                for (int c = 0; c < to.Count; c++)
                {
                    bounds[c] = fromClusters.MinSquaredDistance(r, to, c);
                    byBound[c] = c;
                }

                Array.Sort(bounds, byBound);
                for (int x = fromClusters.Starts[r]; x < fromClusters.Starts[r + 1]; x++)
                {
                    var point = fromClusters.Cloud.Point(x);
                    int count = 0;
                    for (int t = 0; t < to.Count; t++)
                    {
                        if (count == k && bounds[t] > bestDistance[k - 1]) break;
                        int c = byBound[t], start = to.Starts[c], length = to.Starts[c + 1] - start;
                        var block = distance.AsSpan(0, length);
                        CostRow.SquaredDistances(point, toColumns, start, block);
                        for (int l = 0; l < length; l++)
                        {
                            double d = block[l];
                            int index = start + l;
                            if (count == k && !Before(d, index, bestDistance[k - 1], bestIndex[k - 1])) continue;
                            int slot = count < k ? count++ : k - 1;
                            while (slot > 0 && Before(d, index, bestDistance[slot - 1], bestIndex[slot - 1]))
                            {
                                bestDistance[slot] = bestDistance[slot - 1];
                                bestIndex[slot] = bestIndex[slot - 1];
                                slot--;
                            }

                            bestDistance[slot] = d;
                            bestIndex[slot] = index;
                        }
                    }

                    result[fromClusters.Order[x]] = bestIndex[..count];
                }
            }
        });
        return result;

        static bool Before(double d, int index, double otherDistance, int otherIndex) => d < otherDistance || (d == otherDistance && index < otherIndex);
    }
}
