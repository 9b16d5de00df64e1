namespace MeanField.Core.Transport;

/// <summary>
/// The outcome of an optimal-transport computation for the ground cost |x - y|^p.
/// </summary>
/// <param name="P">The exponent p &gt;= 1.</param>
/// <param name="Method">Which solver produced it.</param>
/// <param name="IsExact">True for an exact solver (then <see cref="DualityGap"/> certifies it).</param>
/// <param name="Cost">W_p^p, the optimal expected cost (for an approximate solver, its estimate).</param>
/// <param name="DualityGap">Primal cost minus a feasible dual objective (&gt;= 0; zero at optimality up to round-off); NaN where no dual is computed.</param>
public sealed record TransportResult(double P, string Method, bool IsExact, double Cost, double DualityGap)
{
    /// <summary>W_p = Cost^(1/p).</summary>
    public double Distance => Math.Pow(Math.Max(Cost, 0), 1 / P);

    /// <summary>The feasible dual behind <see cref="DualityGap"/>, where the solver gives one.</summary>
    public TransportDual? Dual { get; init; }

    /// <summary>Entropic regularisation of an approximate solver (NaN for exact solvers).</summary>
    public double Epsilon { get; init; } = double.NaN;

    /// <summary>
    /// An approximate solver's estimate of |Cost - exact W_p^p| (NaN for exact solvers): see the
    /// solver for how it is estimated.
    /// </summary>
    public double EstimatedError { get; init; } = double.NaN;

    /// <summary>The epsilon stages of <see cref="SinkhornTransport"/>, in order (empty for exact solvers).</summary>
    public IReadOnlyList<SinkhornStage> Stages { get; init; } = [];

    /// <summary>Where the exact solver's time went (null for other solvers).</summary>
    public ExactTransportProfile? Profile { get; init; }
}

/// <summary>
/// Where <see cref="ExactTransport"/> spent its time and how much work each phase did: seeding the
/// candidate arcs (nearest neighbours), the potentials and a first flow on their tight arcs, the shortest-path augmentations, and the
/// pricing passes over all n m pairs.
/// </summary>
/// <param name="SeedSeconds">Nearest neighbours, the monotone plan and the first potentials.</param>
/// <param name="AugmentSeconds">Every Dijkstra search and augmentation.</param>
/// <param name="PricingSeconds">Every pricing pass.</param>
/// <param name="SeedArcs">Candidate arcs before the first pricing pass.</param>
/// <param name="FinalArcs">Candidate arcs at the end.</param>
/// <param name="SeededFlow">The share of the total mass the seeding placed on tight arcs before any search.</param>
/// <param name="Augmentations">Paths augmented along.</param>
/// <param name="Searches">Shortest-path searches, each from one row and serving several of its paths (or stranding round-off supply).</param>
/// <param name="NodesPopped">Nodes taken from the heap over every search: rows, and the columns with demand left (a column without is passed through as it is reached).</param>
/// <param name="ArcsRelaxed">Arcs relaxed (forward candidates and backward flow arcs) over every search.</param>
/// <param name="PricingPasses">Pricing passes (the last finds nothing to add).</param>
/// <param name="RepricedRows">Rows that gained arcs and gave their flow back, over every pass.</param>
/// <param name="CoarseRows">Clusters of the first cloud in the multiscale seed's coarse problem (0 when it did not run).</param>
/// <param name="CoarseColumns">Clusters of the second cloud in that coarse problem (0 when it did not run).</param>
/// <param name="RowReductions">Units of flow the row reduction assigned, counting a column taken back and given again each time (equal weights with n dividing m; 0 otherwise).</param>
/// <param name="PairsPriced">Pairs whose cost the pricing passes computed, over every pass (the rest were ruled out by blocks).</param>
public sealed record ExactTransportProfile(
    double SeedSeconds, double AugmentSeconds, double PricingSeconds, long SeedArcs, long FinalArcs,
    double SeededFlow, long Augmentations, long Searches, long NodesPopped, long ArcsRelaxed, int PricingPasses, long RepricedRows,
    int CoarseRows, int CoarseColumns, long RowReductions, long PairsPriced);

/// <summary>
/// Dual potentials with <c>f_i + g_j &lt;= |x_i - y_j|^p</c> for every pair; the dual objective is
/// <c>sum_i a_i f_i + sum_j b_j g_j</c> with the clouds' own weights.
/// </summary>
public sealed record TransportDual(double[] RowPotentials, double[] ColumnPotentials);

/// <summary>The non-zero entries of a transport plan: mass <c>Mass[k]</c> goes from point <c>Rows[k]</c> of the first cloud to point <c>Columns[k]</c> of the second.</summary>
public sealed record TransportPlan(int[] Rows, int[] Columns, double[] Mass);
