namespace MeanField.Core.Transport;

/// <summary>The shortest paths of <see cref="CandidateNetwork"/>: multi-root Dijkstra on reduced costs, the potential update, augmentation along the search tree, and the row reduction that starts them.</summary>
internal sealed partial class CandidateNetwork
{
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
}
