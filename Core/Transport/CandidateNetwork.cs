using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MeanField.Core.Transport;

/// <summary>
/// The state of <see cref="ExactTransport"/>: candidate arcs with their costs and flows, remaining
/// supplies and demands, potentials, and the Dijkstra workspace. Rows are the points of the first
/// cloud, columns those of the second; in the shortest-path graph row i is node i and column j is
/// node n + j. Inside, both clouds are numbered in the order of their clusters
/// (<see cref="SpatialClusters"/>), so that points near in space are near in memory: a search's
/// accesses to potentials, labels and arc lists then stay in cache. <see cref="Plan"/> and
/// <see cref="Dual"/> give the clouds' own numbering back.
/// </summary>
internal sealed class CandidateNetwork
{
    /// <summary>A node's Dijkstra label: distance, stamp and the node it was reached from, side by side
    /// (16 bytes), as a relaxed arc reads the stamp and the distance together.</summary>
    private struct Label
    {
        public double Dist;
        public int Stamp;
        public int From;
    }

    // The clouds in cluster order; internal row i is point _rowOrder[i] of the first cloud as given.
    private readonly PointCloud _a, _b;
    private readonly int[] _rowOrder, _columnOrder, _rowIndex, _columnIndex;
    private readonly double _mass;
    private readonly double _p;
    private readonly int _n, _m;

    // Scaled masses: integers for equal weights, else each cloud normalised to 1.
    private readonly double[] _rowMass, _columnMass, _supply;
    private readonly double _total, _tolerance;

    // Whole units, every column of mass 1 (n against k n points of equal weights): the row reduction applies.
    private readonly bool _unitColumns;

    // Masses in whole units (equal weights, or units given): flows are integers.
    private readonly bool _integer;

    // In whole units, every row of one mass and every column of one mass.
    private readonly bool _equalMasses;

    private readonly double[] _u;

    /// <summary>What a search reads of a column it reaches, side by side (32 bytes): its potential,
    /// the demand it has left, and how many rows send it flow with the first of them.</summary>
    private struct Column
    {
        public double Potential;
        public double Demand;
        public int Owners;
        public int FirstOwner;
        public int FirstOwnerArc;
    }

    private readonly Column[] _column;

    // Candidate arcs of row i: columns, costs and flows in [0, _arcCount[i]).
    private readonly int[][] _arcColumn;
    private readonly double[][] _arcCost, _arcFlow;
    private readonly int[] _arcCount;

    // Arcs that carry flow, listed by column (row and arc index; the count in Column.Owners): the backward
    // arcs of the residual graph. The first of each list is also kept in the column, as most columns
    // have one (a search then reads no list).
    private readonly int[][] _flowRow, _flowArc;

    // Dijkstra workspace, a label per node. Stamps make resetting free: a node is unseen below _epoch,
    // reached at _epoch and settled at _epoch + 1.
    private readonly Label[] _label;
    private readonly int[] _predArc;
    private readonly NodeHeap _queue;
    private readonly List<int> _popped = new(), _reachedColumns = new(), _sinks = new(), _roots = new();
    private int _epoch;

    // Both clouds in clusters for the pricing passes, and the second cloud's clusters component by component.
    private readonly SpatialClusters _pricingRows, _pricingColumns;
    private readonly double[][] _pricingColumnsOfB;

    private double _violationTolerance;
    private double[] _columnTransform = [];

    // Each row's first potential from the coarse problem's dual, when the multiscale seed ran.
    private double[]? _coarsePotential;

    /// <param name="rowUnits">With <paramref name="columnUnits"/>, the clouds' masses as whole units (in the clouds' own
    /// order; the weights' ratios): the flows are then integers. Equal weights are whole units of 1.</param>
    public CandidateNetwork(PointCloud a, PointCloud b, double p, int neighbours, double[]? rowUnits = null, double[]? columnUnits = null)
    {
        _pricingRows = SpatialClusters.Build(a, PricingLeaf);
        _pricingColumns = SpatialClusters.Build(b, PricingLeaf);
        _pricingColumnsOfB = CostRow.Columns(_pricingColumns.Cloud);
        (_a, _rowOrder) = (_pricingRows.Cloud, _pricingRows.Order);
        (_b, _columnOrder) = (_pricingColumns.Cloud, _pricingColumns.Order);
        _mass = a.Mass;
        _rowIndex = Inverse(_rowOrder);
        _columnIndex = Inverse(_columnOrder);
        _p = p;
        _n = a.Count;
        _m = b.Count;
        _rowMass = new double[_n];
        _columnMass = new double[_m];
        if (rowUnits is null && columnUnits is null && a.IsUniform && b.IsUniform)
        {
            rowUnits = new double[_n];
            columnUnits = new double[_m];
            Array.Fill(rowUnits, 1.0);
            Array.Fill(columnUnits, 1.0);
        }

        _integer = rowUnits is not null && columnUnits is not null;
        if (_integer)
        {
            // Whole units on both sides: row i carries its units times C / g and column j its units
            // times R / g (R and C the totals, g their gcd), reduced by the common divisor of all.
            long rowTotal = 0, columnTotal = 0;
            for (int i = 0; i < _n; i++) rowTotal += (long)rowUnits![i];
            for (int j = 0; j < _m; j++) columnTotal += (long)columnUnits![j];
            long g = Gcd(rowTotal, columnTotal), common = 0;
            for (int i = 0; i < _n; i++) common = Gcd(common, (long)rowUnits![_rowOrder[i]] * (columnTotal / g));
            for (int j = 0; j < _m; j++) common = Gcd(common, (long)columnUnits![_columnOrder[j]] * (rowTotal / g));
            _total = 0;
            _unitColumns = true;
            for (int i = 0; i < _n; i++) _total += _rowMass[i] = (long)rowUnits![_rowOrder[i]] * (columnTotal / g) / common;
            for (int j = 0; j < _m; j++) _unitColumns &= (_columnMass[j] = (long)columnUnits![_columnOrder[j]] * (rowTotal / g) / common) == 1;
            _tolerance = 0.5;
            _equalMasses = Array.TrueForAll(_rowMass, x => x == _rowMass[0]) && Array.TrueForAll(_columnMass, x => x == _columnMass[0]);
        }
        else
        {
            for (int i = 0; i < _n; i++) _rowMass[i] = _a.Weights[i] / a.Mass;
            for (int j = 0; j < _m; j++) _columnMass[j] = _b.Weights[j] / b.Mass;
            _total = 1;
            _tolerance = 1e-15;
        }

        _supply = (double[])_rowMass.Clone();
        _u = new double[_n];
        _column = new Column[_m];
        for (int j = 0; j < _m; j++) _column[j].Demand = _columnMass[j];
        _arcColumn = new int[_n][];
        _arcCost = new double[_n][];
        _arcFlow = new double[_n][];
        _arcCount = new int[_n];
        _flowRow = new int[_m][];
        _flowArc = new int[_m][];
        for (int j = 0; j < _m; j++)
        {
            _flowRow[j] = new int[2];
            _flowArc[j] = new int[2];
        }

        _label = new Label[_n + _m];
        _predArc = new int[_n + _m];
        _queue = new NodeHeap(_n + _m);
        SeedArcs(Math.Min(neighbours, Math.Min(_n, _m)));
        SeedPotentials();
        SeedFlow();
    }

    /// <summary>Primal cost sum pi_ij c_ij in the clouds' own mass.</summary>
    public double PrimalCost { get; private set; }

    /// <summary>The dual objective with the c-transform column potentials, in the clouds' own mass.</summary>
    public double DualObjective { get; private set; }

    /// <summary>Pricing passes run (the last one found nothing to add).</summary>
    public int PricingPasses { get; private set; }

    private long _pairsPriced, _rowReductions, _augmentations, _searches, _nodesPopped, _arcsRelaxed, _repricedRows, _seedArcs;
    private long _augmentTicks, _pricingTicks;
    private double _seededFlow;
    private int _coarseRows, _coarseColumns;

    /// <summary>Where <see cref="Run"/> spent its time, with the seeding's seconds measured by the caller.</summary>
    public ExactTransportProfile Profile(double seedSeconds)
    {
        long arcs = 0;
        for (int i = 0; i < _n; i++) arcs += _arcCount[i];
        return new ExactTransportProfile(
            seedSeconds, Seconds(_augmentTicks), Seconds(_pricingTicks), _seedArcs, arcs,
            _seededFlow / _total, _augmentations, _searches, _nodesPopped, _arcsRelaxed, PricingPasses, _repricedRows, _coarseRows, _coarseColumns, _rowReductions, _pairsPriced);
    }

    private static double Seconds(long ticks) => (double)ticks / System.Diagnostics.Stopwatch.Frequency;

    /// <summary>The row potentials and, for the columns, the c-transform g_j = min_i (c_ij - f_i) from the last pricing pass.</summary>
    public TransportDual Dual()
    {
        var rows = new double[_n];
        var columns = new double[_m];
        for (int i = 0; i < _n; i++) rows[_rowOrder[i]] = _u[i];
        for (int j = 0; j < _m; j++) columns[_columnOrder[j]] = _columnTransform[j];
        return new TransportDual(rows, columns);
    }

    /// <summary>Runs shortest paths and pricing until pricing finds no violated pair.</summary>
    public void Run(int maxNewArcsPerRow)
    {
        for (int i = 0; i < _n; i++) _seedArcs += _arcCount[i];
        bool added;
        do
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            if (_unitColumns) ReduceRows();
            if (PricingPasses == 0)
            {
                // From every row with supply at once (see Augment), until none is left.
                while (FreeRows() > 0) Augment(_roots);
            }
            else
            {
                for (int s = 0; s < _n; s++)
                {
                    while (_supply[s] > _tolerance)
                    {
                        _roots.Clear();
                        _roots.Add(s);
                        Augment(_roots);
                    }
                }
            }

            long priced = System.Diagnostics.Stopwatch.GetTimestamp();
            _augmentTicks += priced - start;
            added = Price(maxNewArcsPerRow);
            _pricingTicks += System.Diagnostics.Stopwatch.GetTimestamp() - priced;
        }
        while (added);

        // Summed in the clouds' own numbering, so that the totals do not depend on the internal order.
        double primal = 0, dual = 0;
        foreach (var e in Entries()) primal += e.Flow * e.Cost;
        var (rows, columns) = Dual();
        for (int i = 0; i < _n; i++) dual += _rowMass[_rowIndex[i]] * rows[i];
        for (int j = 0; j < _m; j++) dual += _columnMass[_columnIndex[j]] * columns[j];
        double scale = _mass / _total;
        PrimalCost = primal * scale;
        DualObjective = dual * scale;
    }

    /// <summary>The plan's non-zero entries in the clouds' own numbering, by row and then column.</summary>
    public TransportPlan Plan()
    {
        var entries = Entries();
        return new TransportPlan(
            entries.Select(e => e.Row).ToArray(), entries.Select(e => e.Column).ToArray(), entries.Select(e => e.Flow / _total * _mass).ToArray());
    }

    /// <summary>The arcs that carry flow, in the clouds' own numbering, by row and then column.</summary>
    private List<(int Row, int Column, double Flow, double Cost)> Entries()
    {
        var entries = new List<(int Row, int Column, double Flow, double Cost)>();
        for (int i = 0; i < _n; i++)
        {
            for (int k = 0; k < _arcCount[i]; k++)
            {
                if (_arcFlow[i][k] > 0) entries.Add((_rowOrder[i], _columnOrder[_arcColumn[i][k]], _arcFlow[i][k], _arcCost[i][k]));
            }
        }

        entries.Sort((x, y) => x.Row != y.Row ? x.Row.CompareTo(y.Row) : x.Column.CompareTo(y.Column));
        return entries;
    }

    /// <summary>Lists the rows with supply left in <see cref="_roots"/> and returns how many there are.</summary>
    private int FreeRows()
    {
        _roots.Clear();
        for (int i = 0; i < _n; i++)
        {
            if (_supply[i] > _tolerance) _roots.Add(i);
        }

        return _roots.Count;
    }

    /// <summary>
    /// Dijkstra on reduced costs from the given rows at once (each at distance zero: a super-source)
    /// until the columns reached with demand left could take all of their supply; then the potential
    /// update <c>pi += min(d, D)</c> over the settled nodes (D the last distance settled), which keeps
    /// every reduced cost non-negative and makes the paths of the search tree tight; then augmentation
    /// along the tree's path to each of those columns, nearest first, from the root it hangs from, by
    /// its bottleneck. Paths from one root share arcs, so each is re-checked before use; paths from
    /// different roots are disjoint. One search thus serves a row whose supply several columns share
    /// (n points against k n), and, from many rows, every row whose part of the tree reached a column.
    /// </summary>
    /// <remarks>
    /// From many rows, a search explores once what one search per row would explore again and again:
    /// the last free rows of an assignment each search most of the graph (10^5 against 10^5 in D = 4:
    /// the last tenth of 5000 one-row searches relaxed 60% of 6.8 x 10^8 arcs). Measured: 273 searches
    /// and 3.3 x 10^8 arcs, augmenting 28 s -> 15 s. Only before the first pricing pass: after it, the
    /// rows it gave flow back to are searched one at a time, because searching them at once raised
    /// their potentials together pass after pass on a curve in phase space (4000 against 4000: 41
    /// pricing passes, the violations growing from 4e-4 to 4.6 in cost, against 3 passes one at a time).
    /// </remarks>
    private void Augment(List<int> roots)
    {
        _searches++;
        _epoch += 2;
        _popped.Clear();
        _reachedColumns.Clear();
        _sinks.Clear();
        _queue.Clear();
        double supply = 0;
        foreach (int r in roots)
        {
            Reach(r, 0, -1, -1);
            supply += _supply[r];
        }

        double reachable = 0, bound = 0;
        while (reachable < supply && _queue.Count > 0)
        {
            int node = _queue.Pop(out double d);
            _label[node].Stamp = _epoch + 1;
            _popped.Add(node);
            _nodesPopped++;
            bound = d;
            if (node < _n)
            {
                double ui = _u[node];
                int[] column = _arcColumn[node];
                double[] cost = _arcCost[node];
                int count = _arcCount[node];
                _arcsRelaxed += count;
                for (int k = 0; k < count; k++)
                {
                    int j = column[k];
                    // Clamped: round-off may leave a reduced cost a few ulps below zero.
                    ReachColumn(j, d + Math.Max(cost[k] - ui - _column[j].Potential, 0), node, k);
                }
            }
            else
            {
                int j = node - _n;
                _sinks.Add(j);
                reachable += _column[j].Demand;
                ReachOwners(j, d);
            }
        }

        if (_sinks.Count == 0)
        {
            // Only round-off supply can be stranded: the candidate arcs always hold a feasible flow.
            foreach (int r in roots)
            {
                if (_supply[r] > 1e-12 * _total) throw new InvalidOperationException($"exact transport: no augmenting path from point {r} with supply {_supply[r]:R} left");
                _supply[r] = 0;
            }

            return;
        }

        // Every node closer than the bound is settled: the rows and sinks popped, and the columns
        // passed through (their distance is final below the bound, see ReachColumn).
        foreach (int node in _popped)
        {
            double shift = bound - _label[node].Dist;
            if (node < _n) _u[node] += shift;
            else _column[node - _n].Potential -= shift;
        }

        foreach (int node in _reachedColumns)
        {
            if (_label[node].Dist < bound) _column[node - _n].Potential -= bound - _label[node].Dist;
        }

        foreach (int sink in _sinks) AugmentAlongTree(sink);
    }

    /// <summary>
    /// Augmenting row reduction (Jonker and Volgenant), generalised to rows that hold several unit
    /// columns (n points against k n, every column of mass 1, a row of mass k). A row with s units
    /// free ranks the columns it does not hold by <c>c_ij - v_j</c> (free columns first among equal
    /// values) and takes the s best at once. The row's new potential is the s-th value if all s are
    /// free, else the (s + 1)-th (the price cut that makes a taken column change hands); the potentials
    /// of its columns, new and held, drop until each is exactly as good. The arcs of the row are then
    /// tight and no reduced cost is negative; a column taken from another row frees that row's unit in
    /// turn (an auction step with no epsilon, bidding as a group for identical units). For s = 1 this
    /// is Jonker and Volgenant's step. Potentials stay feasible and flow stays on tight arcs, so the
    /// shortest paths go on from there, with far fewer and shorter searches. Ties between taken
    /// columns can make rows trade a column back and forth, so the steps are capped.
    /// </summary>
    private void ReduceRows()
    {
        var free = new Queue<int>();
        for (int i = 0; i < _n; i++)
        {
            if (_supply[i] > _tolerance) free.Enqueue(i);
        }

        int widest = 1;
        for (int i = 0; i < _n; i++) widest = Math.Max(widest, (int)_rowMass[i]);
        var value = new double[widest + 1];
        var choice = new int[widest + 1];
        var held = new bool[widest + 1];
        // Ties can make rows trade columns without end, so the steps are capped: 4 m before the first
        // pricing pass, and after it 8 per free unit (a few repriced rows). Measured: 8 per free unit
        // from the start cost 10^5 against 10^5 in D = 4 8504 searches, not 5087; 4 m after a pass
        // spent the whole cap each time (two clusters 2000 against 8000: 32000 steps placing a few dozen units).
        long freeUnits = 0;
        foreach (int i in free) freeUnits += (long)Math.Round(_supply[i]);
        for (long budget = PricingPasses == 0 ? 4L * _m : Math.Min(8 * freeUnits, 4L * _m); free.Count > 0 && budget > 0; budget--)
        {
            int i = free.Dequeue();
            int units = (int)Math.Round(_supply[i]);
            if (units <= 0) continue;
            // The units + 1 best columns row i does not hold, free ones first among equal values.
            int[] column = _arcColumn[i];
            double[] cost = _arcCost[i], flow = _arcFlow[i];
            int ranked = 0;
            for (int k = 0; k < _arcCount[i]; k++)
            {
                if (flow[k] > 0) continue;
                double x = cost[k] - _column[column[k]].Potential;
                bool taken = _column[column[k]].Owners > 0;
                if (ranked == units + 1 && !Better(x, taken, value[units], held[units])) continue;
                int slot = ranked <= units ? ranked++ : units;
                while (slot > 0 && Better(x, taken, value[slot - 1], held[slot - 1]))
                {
                    value[slot] = value[slot - 1];
                    choice[slot] = choice[slot - 1];
                    held[slot] = held[slot - 1];
                    slot--;
                }

                value[slot] = x;
                choice[slot] = k;
                held[slot] = taken;
            }

            int taking = Math.Min(units, ranked - 1);
            if (taking <= 0) continue;
            // Free columns need no price cut (so the row's potential is its worst choice); one held by
            // another row does: cut to the next best, so that it changes hands.
            bool contested = false;
            for (int t = 0; t < taking; t++) contested |= held[t];
            double potential = contested ? value[taking] : value[taking - 1];
            for (int k = 0; k < _arcCount[i]; k++)
            {
                if (flow[k] > 0) _column[column[k]].Potential = cost[k] - potential;
            }

            for (int t = 0; t < taking; t++)
            {
                int arc = choice[t], j = column[arc];
                if (_column[j].Owners > 0)
                {
                    int owner = _flowRow[j][0];
                    AddFlow(owner, _flowArc[j][0], -1);
                    _supply[owner] += 1;
                    _column[j].Demand += 1;
                    if (_supply[owner] < 1.5) free.Enqueue(owner);
                }

                _column[j].Potential = cost[arc] - potential;
                AddFlow(i, arc, 1);
                _supply[i] -= 1;
                _column[j].Demand -= 1;
            }

            _u[i] = potential;
            _rowReductions += taking;
            if (_supply[i] > _tolerance) free.Enqueue(i);
        }

        static bool Better(double x, bool taken, double y, bool yTaken) => x < y || (x == y && !taken && yTaken);
    }

    /// <summary>Augments from the search tree's root along its path into column <paramref name="sink"/> by its bottleneck, if it still has one.</summary>
    private void AugmentAlongTree(int sink)
    {
        double theta = _column[sink].Demand;
        int root;
        for (int node = _n + sink; ;)
        {
            int row = _label[node].From;
            int column = _label[row].From;
            if (column < 0)
            {
                root = row;
                break;
            }

            theta = Math.Min(theta, _arcFlow[row][_predArc[row]]);
            node = column;
        }

        theta = Math.Min(theta, _supply[root]);
        if (theta <= _tolerance * 1e-3) return;
        _augmentations++;
        for (int node = _n + sink; ;)
        {
            int row = _label[node].From;
            AddFlow(row, _predArc[node], theta);
            int column = _label[row].From;
            if (column < 0) break;
            AddFlow(row, _predArc[row], -theta);
            node = column;
        }

        _supply[root] -= theta;
        _column[sink].Demand -= theta;
    }

    /// <summary>
    /// Reaches column j at distance d from a row. A column with demand left is a possible end of the
    /// search and joins the heap; any other column is passed through at once, its only way on being
    /// the arcs that carry flow into it, which are tight: its rows are reached at the same distance.
    /// That is Dijkstra with the column's pop done early, which is exact because its way on costs
    /// nothing, and it halves the heap's work. A column's distance is final once every row closer
    /// than it is popped, so below the search's bound it is final when the search ends.
    /// </summary>
    private void ReachColumn(int j, double d, int from, int arc)
    {
        int node = _n + j;
        if (_column[j].Demand > _tolerance)
        {
            if (_label[node].Stamp != _epoch + 1) Reach(node, d, from, arc);
            return;
        }

        if (_label[node].Stamp < _epoch)
        {
            _label[node].Stamp = _epoch;
            _reachedColumns.Add(node);
        }
        else if (d >= _label[node].Dist)
        {
            return;
        }

        _label[node].Dist = d;
        _label[node].From = from;
        _predArc[node] = arc;
        ReachOwners(j, d);
    }

    /// <summary>The rows whose flow into column j can be sent back, at the column's distance (their arcs are tight).</summary>
    private void ReachOwners(int j, double d)
    {
        ref readonly var c = ref _column[j];
        int count = c.Owners;
        _arcsRelaxed += count;
        if (count == 1)
        {
            Reach(c.FirstOwner, d, _n + j, c.FirstOwnerArc);
            return;
        }

        int[] rows = _flowRow[j], arcs = _flowArc[j];
        for (int k = 0; k < count; k++) Reach(rows[k], d, _n + j, arcs[k]);
    }

    private void Reach(int node, double d, int from, int arc)
    {
        if (_label[node].Stamp < _epoch)
        {
            _label[node].Stamp = _epoch;
            _queue.Insert(node, d);
        }
        else if (_label[node].Stamp != _epoch || d >= _label[node].Dist)
        {
            return;
        }
        else
        {
            _queue.Decrease(node, d);
        }

        _label[node].Dist = d;
        _label[node].From = from;
        _predArc[node] = arc;
    }

    private void AddFlow(int row, int arc, double amount)
    {
        double before = _arcFlow[row][arc];
        double after = before + amount;
        int column = _arcColumn[row][arc];
        if (after <= _tolerance * 1e-3)
        {
            _arcFlow[row][arc] = 0;
            RemoveFlowArc(column, row, arc);
            return;
        }

        _arcFlow[row][arc] = after;
        if (before <= 0)
        {
            ref var c = ref _column[column];
            if (c.Owners == _flowRow[column].Length)
            {
                Array.Resize(ref _flowRow[column], 2 * c.Owners);
                Array.Resize(ref _flowArc[column], 2 * c.Owners);
            }

            _flowRow[column][c.Owners] = row;
            _flowArc[column][c.Owners] = arc;
            if (c.Owners++ == 0) (c.FirstOwner, c.FirstOwnerArc) = (row, arc);
        }
    }

    private void RemoveFlowArc(int column, int row, int arc)
    {
        ref var c = ref _column[column];
        int last = c.Owners - 1;
        for (int k = 0; k <= last; k++)
        {
            if (_flowRow[column][k] != row || _flowArc[column][k] != arc) continue;
            _flowRow[column][k] = _flowRow[column][last];
            _flowArc[column][k] = _flowArc[column][last];
            c.Owners = last;
            if (k == 0) (c.FirstOwner, c.FirstOwnerArc) = (_flowRow[column][0], _flowArc[column][0]);
            return;
        }
    }

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

    private int IndexOfArc(int row, int column) => Array.IndexOf(_arcColumn[row], column, 0, _arcCount[row]);

    private void AppendArc(int row, int column, double cost)
    {
        int k = _arcCount[row];
        if (k == _arcColumn[row].Length)
        {
            int capacity = Math.Max(4, 2 * k);
            Array.Resize(ref _arcColumn[row], capacity);
            Array.Resize(ref _arcCost[row], capacity);
            Array.Resize(ref _arcFlow[row], capacity);
        }

        _arcColumn[row][k] = column;
        _arcCost[row][k] = cost;
        _arcCount[row] = k + 1;
    }

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

    private static double Mean(PointCloud c, int component)
    {
        double s = 0;
        for (int i = 0; i < c.Count; i++) s += c.Weights[i] * c.Coordinates[i * c.Dimension + component];
        return s / c.Mass;
    }

    private static PointCloud Translated(PointCloud c, double[] shift, double sign)
    {
        var coordinates = new double[c.Coordinates.Length];
        for (int k = 0; k < coordinates.Length; k++) coordinates[k] = c.Coordinates[k] + sign * shift[k % c.Dimension];
        return new PointCloud(c.Dimension, coordinates, c.Weights);
    }

    private static int[] Inverse(int[] order)
    {
        var inverse = new int[order.Length];
        for (int x = 0; x < order.Length; x++) inverse[order[x]] = x;
        return inverse;
    }

    private static long Gcd(long x, long y)
    {
        while (y != 0) (x, y) = (y, x % y);
        return x;
    }
}
