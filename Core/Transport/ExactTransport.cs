namespace MeanField.Core.Transport;

/// <summary>
/// Exact discrete optimal transport between weighted clouds of any sizes, for the ground cost
/// |x - y|^p: successive shortest paths on a sparse set of candidate arcs, certified against every
/// pair by pricing. Memory is O((n + m) k) beyond the inputs; no n x m matrix is ever formed.
/// </summary>
/// <remarks>
/// <para>The model: minimise sum_ij pi_ij c_ij over pi &gt;= 0 with row sums a_i and column sums b_j.
/// The dual: maximise sum_i a_i f_i + sum_j b_j g_j over f_i + g_j &lt;= c_ij.</para>
/// <para>The algorithm. (1) Candidate arcs: each point's k nearest neighbours in the other cloud, in
/// both directions, and the monotone plan along the first coordinate, which alone already carries a
/// feasible flow. For large clouds in D &lt;= 2, also the multiscale seed: both clouds cut into
/// clusters of a few points, the exact plan between the clusters' barycentres, and every pair of
/// points of two clusters it connects; the coarse dual gives the first potentials. (2) Successive
/// shortest paths on the candidates: Dijkstra on reduced costs <c>c_ij - f_i - g_j &gt;= 0</c> from
/// the rows with supply left (all at once until the first pricing pass, then one at a time) until
/// columns with demand left could take it all, augmenting along the search tree by the bottlenecks;
/// the potentials keep every candidate arc feasible and every arc
/// that carries flow tight; a column that cannot end the search is passed through as it is reached,
/// never queued. For equal weights with n dividing m (n against k n), an augmenting row reduction
/// first assigns most of the flow without a search, each row bidding for its free units at once.
/// Both clouds are numbered in k-d-tree cluster order inside, so that a search's memory accesses
/// stay local. (3) Pricing: one pass over all n m pairs, by blocks of clusters (a
/// block that its boxes' cost bound rules out is skipped), looks for reduced costs below zero. If
/// there are none, the candidate optimum is optimal for the full problem. Otherwise the violated
/// arcs are added, each affected row lowers its potential until its arcs are feasible again and gives
/// its flow back, and (2) resumes from there.</para>
/// <para>The certificate: the column potentials are replaced by the c-transform
/// <c>g_j = min_i (c_ij - f_i)</c> of the final row potentials (computed in the last pricing pass), a
/// dual that is feasible exactly; <see cref="TransportResult.DualityGap"/> is the primal cost minus
/// its objective.</para>
/// <para>Equal weights are handled in integers (row supply m/g, column demand n/g with g = gcd(n, m)),
/// so an assignment and a k n reference cloud are solved with no round-off in the flows; so are the
/// multiscale seed's coarse problems, whose masses are then the clusters' whole units. With general
/// weights, each cloud's weights are normalised by its own mass and flows below 1e-15 of the total
/// are treated as zero.</para>
/// </remarks>
public static class ExactTransport
{
    /// <summary>
    /// Nearest neighbours per point that seed the candidate arcs (each direction), for clouds whose
    /// smaller has <paramref name="smaller"/> points. With the multiscale seed (see
    /// <see cref="CandidateNetwork.UsesMultiscale"/>) the coarse plan supplies the long arcs, and few
    /// neighbours suffice. Without it, optimal matchings in the plane reach further
    /// than in higher dimensions (typical displacement sqrt(log n) times the neighbour spacing), so
    /// D &lt;= 2 starts with more. Too few only costs extra pricing passes.
    /// </summary>
    public static int Neighbours(int dimension, int smaller) =>
        CandidateNetwork.UsesMultiscale(dimension, smaller) ? 8 : dimension <= 2 ? 32 : 16;

    /// <summary>At most this many violated arcs are added per row in one pricing pass (the most violated).</summary>
    private const int MaxNewArcsPerRow = 16;

    public static TransportResult Solve(PointCloud a, PointCloud b, double p = 2) => Solve(a, b, p, out _);

    /// <summary>Solves and also returns the optimal plan (its non-zero entries).</summary>
    public static TransportResult Solve(PointCloud a, PointCloud b, double p, out TransportPlan plan) => Solve(a, b, p, null, null, out plan);

    /// <summary>Solves with the masses given as whole units per point (both or neither), so that the flows are integers.</summary>
    internal static TransportResult Solve(PointCloud a, PointCloud b, double p, double[]? rowUnits, double[]? columnUnits, out TransportPlan plan)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        GroundCost.CheckExponent(p);
        GroundCost.CheckCompatible(a, b);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var network = new CandidateNetwork(a, b, p, Neighbours(a.Dimension, Math.Min(a.Count, b.Count)), rowUnits, columnUnits);
        double seeded = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        network.Run(MaxNewArcsPerRow);
        plan = network.Plan();
        return new TransportResult(p, "exact", true, network.PrimalCost, network.PrimalCost - network.DualObjective)
        {
            Dual = network.Dual(),
            Profile = network.Profile(seeded),
        };
    }
}
