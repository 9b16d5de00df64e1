namespace MeanField.Core.Transport;

/// <summary>
/// The state of <see cref="ExactTransport"/>: candidate arcs with their costs and flows, remaining
/// supplies and demands, potentials, and the Dijkstra workspace. Rows are the points of the first
/// cloud, columns those of the second; in the shortest-path graph row i is node i and column j is
/// node n + j. Inside, both clouds are numbered in the order of their clusters
/// (<see cref="SpatialClusters"/>), so that points near in space are near in memory: a search's
/// accesses to potentials, labels and arc lists then stay in cache. <see cref="Plan"/> and
/// <see cref="Dual"/> give the clouds' own numbering back. This file holds the state and the flow's
/// bookkeeping; the seeding, the shortest paths and the pricing have a file each.
/// </summary>
internal sealed partial class CandidateNetwork
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
