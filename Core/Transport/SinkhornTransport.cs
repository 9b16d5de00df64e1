using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace MeanField.Core.Transport;

/// <summary>Settings of <see cref="SinkhornTransport"/>.</summary>
/// <param name="RelativeError">Stop lowering epsilon once the estimated error is below this fraction of the cost.</param>
/// <param name="ScalingFactor">Epsilon is multiplied by this factor from one stage to the next (0 &lt; q &lt; 1).</param>
/// <param name="MinEpsilon">Smallest epsilon, as a fraction of the largest pairwise cost.</param>
/// <param name="Tolerance">A stage has converged when S_eps, extrapolated from the contraction of its last iteration-to-iteration changes, has less than Tolerance * RelativeError * S_eps left to move.</param>
/// <param name="MaxIterationsPerStage">Iteration cap per stage; a stage that hits it is reported as not converged.</param>
public sealed record SinkhornOptions(
    double RelativeError = 1e-2,
    double ScalingFactor = 0.5,
    double MinEpsilon = 1e-7,
    double Tolerance = 1e-2,
    int MaxIterationsPerStage = 1000)
{
    public static SinkhornOptions Default { get; } = new();

    internal void Validate()
    {
        if (!(RelativeError > 0) || !double.IsFinite(RelativeError)) throw new ArgumentOutOfRangeException(nameof(RelativeError), RelativeError, "must be finite and > 0");
        if (!(ScalingFactor > 0 && ScalingFactor < 1)) throw new ArgumentOutOfRangeException(nameof(ScalingFactor), ScalingFactor, "must lie in (0, 1)");
        if (!(MinEpsilon > 0 && MinEpsilon < 1)) throw new ArgumentOutOfRangeException(nameof(MinEpsilon), MinEpsilon, "must lie in (0, 1)");
        if (!(Tolerance > 0) || !double.IsFinite(Tolerance)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "must be finite and > 0");
        if (MaxIterationsPerStage < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterationsPerStage), MaxIterationsPerStage, "must be >= 1");
    }
}

/// <summary>
/// One epsilon stage of <see cref="SinkhornTransport"/>: the debiased divergence reached, the iterations
/// and the time it took, and the number of points on each side (the clusters' barycentres on the coarse
/// stages, fewer than the clouds' points).
/// </summary>
public sealed record SinkhornStage(double Epsilon, double Divergence, int Iterations, bool Converged, double Seconds, int RowPoints, int ColumnPoints);

/// <summary>
/// Approximate W_p^p by the debiased Sinkhorn divergence
/// <c>S_eps(a, b) = OT_eps(a, b) - OT_eps(a, a) / 2 - OT_eps(b, b) / 2</c>, computed in the log domain
/// with epsilon-scaling and costs on the fly (memory O(n + m)). Always labelled approximate.
/// </summary>
/// <remarks>
/// <para>Potentials: <c>f_i = -eps log sum_j b_j exp((g_j - c_ij) / eps)</c> and the same for g,
/// alternated (Sinkhorn); the self-transport potentials use the averaged symmetric update. Every
/// log-sum-exp is stabilised by its row maximum. OT_eps is the dual value <c>&lt;a, f&gt; + &lt;b, g&gt;</c>.</para>
/// <para>Epsilon starts at the largest pairwise cost and falls by <see cref="SinkhornOptions.ScalingFactor"/>
/// per stage, each stage warm-started from the last and iterated to convergence. The error estimate is
/// the tail of the stage-to-stage changes of S_eps, extrapolated geometrically from the last two
/// changes (never less than the last change): it bounds the bias whenever the bias falls at least
/// geometrically in the number of stages, which is what eps^s for any s &gt; 0 gives. The stages stop when
/// eps is below S_eps and the estimate is below <see cref="SinkhornOptions.RelativeError"/> times S_eps,
/// or at <see cref="SinkhornOptions.MinEpsilon"/>.</para>
/// </remarks>
public static class SinkhornTransport
{
    /// <summary>
    /// Terms below exp(-40) ~ 4e-18 of the largest are skipped: at small epsilon most of a row is, and
    /// even 10^5 of them change the sum by less than 1e-12 relative.
    /// </summary>
    private const double NegligibleExponent = -40;

    /// <summary>
    /// A level's stages run on the coarser level while epsilon exceeds (cluster diameter)^p / CoarseReach:
    /// the coarse potentials are only a warm start, and the finer level's own iterations correct them,
    /// so the switch may come well after the kernel starts to resolve the clusters.
    /// </summary>
    private const double CoarseReach = 8;

    /// <summary>Observed contraction of the stage-to-stage change above which the extrapolated error is capped (0.9: ten times the last change).</summary>
    private const double MaxContraction = 0.9;

    /// <summary>S_eps at the last stage, with that epsilon, the estimated error and every stage in <see cref="TransportResult.Stages"/>.</summary>
    public static TransportResult Solve(PointCloud a, PointCloud b, double p = 2, SinkhornOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        GroundCost.CheckExponent(p);
        GroundCost.CheckCompatible(a, b);
        options ??= SinkhornOptions.Default;
        options.Validate();

        double scale = LargestCost(a, b, p);
        var log = new List<SinkhornStage>();
        if (scale == 0) return new TransportResult(p, "sinkhorn", false, 0, double.NaN) { Epsilon = 0, EstimatedError = 0, Stages = log };
        // Levels of detail: the points, then repeatedly the barycentres of the previous level's clusters.
        // Above a level's cluster scale the kernel cannot tell a cluster's points apart, so those stages
        // run on the next coarser level, whose potentials then seed the finer ones.
        var sides = (A: new Side(a), B: new Side(b));
        var scratch = new Scratch(Math.Max(a.Count, b.Count), Math.Max(sides.A.Clusters.Count, sides.B.Clusters.Count));
        var levels = new List<Problem> { new(sides.A, sides.B, scratch) };
        var coarsestAbove = new List<double>();
        while (levels[^1].A.Cloud.Count + levels[^1].B.Cloud.Count > 8 * Side.ClusterSize)
        {
            var finer = levels[^1];
            coarsestAbove.Add(Math.Pow(Math.Max(finer.A.Clusters.MedianDiameter(), finer.B.Clusters.MedianDiameter()), p) / CoarseReach);
            levels.Add(new Problem(finer.A.Coarsen(), finer.B.Coarsen(), scratch));
        }

        int level = LevelFor(scale);
        double epsilon = scale, previous = double.NaN, lastChange = double.NaN, divergence = double.NaN, estimate = double.PositiveInfinity;
        var clock = new Stopwatch();
        while (true)
        {
            clock.Restart();
            for (int wanted = LevelFor(epsilon); level > wanted; level--)
            {
                levels[level - 1].SeedFrom(levels[level], epsilon / options.ScalingFactor, p);
                previous = lastChange = double.NaN;
            }

            bool onCoarse = level > 0;
            var problem = levels[level];
            int iterations = 0;
            bool converged = false;
            double unresolved = double.PositiveInfinity;
            Span<double> steps = [double.NaN, double.NaN, double.NaN];
            divergence = double.NaN;
            while (iterations < options.MaxIterationsPerStage && !converged)
            {
                iterations++;
                problem.Iterate(epsilon, p);
                double next = problem.Divergence();
                if (!double.IsNaN(divergence))
                {
                    (steps[0], steps[1], steps[2]) = (steps[1], steps[2], Math.Abs(next - divergence));
                    unresolved = RemainingWithinStage(steps);
                    converged = unresolved <= options.Tolerance * options.RelativeError * Math.Abs(next);
                }

                divergence = next;
            }

            log.Add(new SinkhornStage(epsilon, divergence * a.Mass, iterations, converged, clock.Elapsed.TotalSeconds, problem.A.Cloud.Count, problem.B.Cloud.Count));
            if (!double.IsNaN(previous))
            {
                double change = Math.Abs(divergence - previous);
                estimate = ExtrapolatedError(change, lastChange) + (double.IsFinite(unresolved) ? unresolved : change);
                bool contracting = !double.IsNaN(lastChange);
                lastChange = change;
                // Far above the cost scale S_eps barely moves with eps: only a small eps on the points themselves,
                // with two stage-to-stage changes there to show the contraction, may stop the stages.
                if (!onCoarse && contracting && epsilon <= Math.Abs(divergence) && estimate <= options.RelativeError * Math.Abs(divergence)) break;
            }

            if (epsilon * options.ScalingFactor < options.MinEpsilon * scale) break;
            previous = divergence;
            epsilon *= options.ScalingFactor;
        }

        return new TransportResult(p, "sinkhorn", false, divergence * a.Mass, double.NaN)
        {
            Epsilon = epsilon,
            EstimatedError = estimate * a.Mass,
            Stages = log,
        };

        // The coarsest level whose clusters are still below the kernel's reach at this epsilon.
        int LevelFor(double eps)
        {
            int l = 0;
            while (l < coarsestAbove.Count && eps > coarsestAbove[l]) l++;
            return l;
        }
    }

    /// <summary>
    /// How far S_eps may still move within a stage whose last three iterations moved it by
    /// <paramref name="steps"/> (oldest first): the geometric tail step r / (1 - r) of the slower of the
    /// two observed contractions r; unbounded while the steps do not contract.
    /// </summary>
    private static double RemainingWithinStage(ReadOnlySpan<double> steps)
    {
        if (steps[2] == 0) return 0;
        if (double.IsNaN(steps[0]) || steps[1] == 0) return double.PositiveInfinity;
        double r = Math.Max(steps[2] / steps[1], steps[1] / steps[0]);
        return r < 1 ? steps[2] * r / (1 - r) : double.PositiveInfinity;
    }

    /// <summary>
    /// The remaining error after a stage whose change was <paramref name="change"/> following
    /// <paramref name="before"/>: if changes contract by r per stage, the rest of the series sums to
    /// change r / (1 - r). Never less than the last change, and r is capped at <see cref="MaxContraction"/>.
    /// </summary>
    private static double ExtrapolatedError(double change, double before)
    {
        if (double.IsNaN(before) || before == 0) return change;
        double r = Math.Min(change / before, MaxContraction);
        return change * Math.Max(1, r / (1 - r));
    }

    /// <summary>
    /// target_i = -eps log sum_j exp(log w_j + (h_j - c_ij) / eps) for every row point i, where h are the
    /// potentials on the column points; with <paramref name="average"/> the result is averaged with the
    /// old target (the symmetric update).
    /// </summary>
    /// <remarks>
    /// Whole blocks of negligible terms are skipped without computing their costs. For a row cluster L,
    /// every row's largest exponent is at least <c>max_K (shift_jK - maxcost(L, y_jK) / eps)</c>, where
    /// j_K is the column of cluster K with the largest shift; a column cluster whose exponents are all
    /// bounded by <c>maxshift_K - mincost(L, K) / eps</c> below that minus 40 holds only terms below
    /// e^-40 of each row's largest, and is left out, exactly as single terms are.
    /// </remarks>
    private static void Update(Side rows, Side columns, double[] h, double epsilon, double p, double[] target, double[] scratch, bool average, Scratch blockScratch)
    {
        int m = h.Length, clusters = columns.Clusters.Count;
        double inverse = 1 / epsilon;
        var shift = columns.Shift;
        for (int j = 0; j < m; j++) shift[j] = columns.LogWeights[j] + h[j] * inverse;
        var topShift = columns.TopShift;
        var topColumn = columns.TopColumn;
        for (int k = 0; k < clusters; k++)
        {
            topShift[k] = double.NegativeInfinity;
            for (int j = columns.Clusters.Starts[k]; j < columns.Clusters.Starts[k + 1]; j++)
            {
                if (shift[j] > topShift[k]) (topShift[k], topColumn[k]) = (shift[j], j);
            }
        }

        var rowClusters = rows.Clusters;
        int blocks = RowBlocks.Count(rowClusters.Count, 4);
        RowBlocks.For(rowClusters.Count, blocks, (block, first, last) =>
        {
            var z = blockScratch.Exponents[block];
            var active = blockScratch.Active[block];
            for (int c = first; c < last; c++)
            {
                double floor = double.NegativeInfinity;
                for (int k = 0; k < clusters; k++)
                {
                    if (double.IsNegativeInfinity(topShift[k])) continue;
                    double far = Power(rowClusters.MaxSquaredDistance(c, columns.Clusters.Cloud.Point(topColumn[k])), p);
                    floor = Math.Max(floor, topShift[k] - far * inverse);
                }

                int count = 0;
                for (int k = 0; k < clusters; k++)
                {
                    double near = Power(rowClusters.MinSquaredDistance(c, columns.Clusters, k), p);
                    if (topShift[k] - near * inverse >= floor + NegligibleExponent) active[count++] = k;
                }

                for (int i = rowClusters.Starts[c]; i < rowClusters.Starts[c + 1]; i++)
                {
                    var x = rowClusters.Cloud.Point(i);
                    int length = 0;
                    for (int a = 0; a < count; a++)
                    {
                        int k = active[a], from = columns.Clusters.Starts[k], size = columns.Clusters.Starts[k + 1] - from;
                        var segment = z.AsSpan(length, size);
                        CostRow.Compute(x, columns.Columns, from, p, segment);
                        Exponents(shift.AsSpan(from, size), inverse, segment);
                        length += size;
                    }

                    double value = -epsilon * LogSumExp(z.AsSpan(0, length));
                    if (average) value = 0.5 * (value + target[i]);
                    scratch[i] = value;
                }
            }
        });
        Array.Copy(scratch, target, rows.Cloud.Count);
    }

    private static double Power(double squared, double p) => p == 2 ? squared : Math.Pow(squared, p / 2);

    /// <summary>In place: <c>z_j = shift_j - z_j / eps</c> (z holds the costs on entry).</summary>
    private static void Exponents(ReadOnlySpan<double> shift, double inverse, Span<double> z)
    {
        int n = z.Length, j = 0;
        var scale = Vector256.Create(inverse);
        for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var e = Vector256.Create(shift.Slice(j, Vector256<double>.Count)) - Vector256.Create(z.Slice(j, Vector256<double>.Count)) * scale;
            e.CopyTo(z.Slice(j, Vector256<double>.Count));
        }

        for (; j < n; j++) z[j] = shift[j] - z[j] * inverse;
    }

    /// <summary>log sum_j exp(e_j), stabilised by the largest exponent; terms below e^-40 of it are skipped.</summary>
    private static double LogSumExp(ReadOnlySpan<double> e)
    {
        int n = e.Length, j = 0;
        var top = Vector256.Create(double.NegativeInfinity);
        for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count) top = Vector256.Max(top, Vector256.Create(e.Slice(j, Vector256<double>.Count)));
        double max = double.NegativeInfinity;
        for (int l = 0; l < Vector256<double>.Count; l++) max = Math.Max(max, top[l]);
        for (; j < n; j++) max = Math.Max(max, e[j]);
        if (double.IsNegativeInfinity(max)) return max;

        var sum = Vector256<double>.Zero;
        var shift = Vector256.Create(max);
        var cutoff = Vector256.Create(NegligibleExponent);
        j = 0;
        for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var x = Vector256.Create(e.Slice(j, Vector256<double>.Count)) - shift;
            if (Vector256.LessThanAll(x, cutoff)) continue;
            sum += Vector256.Exp(x);
        }

        double total = Vector256.Sum(sum);
        for (; j < n; j++)
        {
            if (e[j] - max >= NegligibleExponent) total += Math.Exp(e[j] - max);
        }

        return max + Math.Log(total);
    }

    /// <summary>One cloud as the solver sees it: in cluster order, by components, with log weights.</summary>
    private sealed class Side
    {
        /// <summary>Clusters of at most this many points: small boxes keep the skipping bounds tight, and 16 is still four vector lanes of four.</summary>
        public const int ClusterSize = 16;

        public Side(PointCloud cloud)
        {
            Clusters = SpatialClusters.Build(cloud, ClusterSize);
            Cloud = Clusters.Cloud;
            Columns = CostRow.Columns(Cloud);
            LogWeights = new double[Cloud.Count];
            for (int i = 0; i < Cloud.Count; i++) LogWeights[i] = Math.Log(Cloud.Weights[i] / Cloud.Mass);
            Shift = new double[Cloud.Count];
            TopShift = new double[Clusters.Count];
            TopColumn = new int[Clusters.Count];
        }

        /// <summary>Buffers for this cloud in the column role: log w_j + h_j / eps, and each cluster's largest and where.</summary>
        public double[] Shift { get; }

        public double[] TopShift { get; }

        public int[] TopColumn { get; }

        public SpatialClusters Clusters { get; }

        public PointCloud Cloud { get; }

        public double[][] Columns { get; }

        public double[] LogWeights { get; }

        /// <summary>The clusters' barycentres, each carrying its cluster's mass.</summary>
        public Side Coarsen() => new(Clusters.Barycentres());
    }

    /// <summary>Per row block: the exponents of one row and the column clusters it reaches, sized for the largest side.</summary>
    private sealed class Scratch(int columns, int clusters)
    {
        public double[][] Exponents { get; } = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new double[columns]).ToArray();

        public int[][] Active { get; } = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new int[clusters]).ToArray();
    }

    /// <summary>The potentials of OT(a, b) (f, g) and of the self problems OT(a, a) (fa) and OT(b, b) (gb), in cluster order.</summary>
    private sealed class Problem(Side a, Side b, Scratch blocks)
    {
        private readonly double[] f = new double[a.Cloud.Count], g = new double[b.Cloud.Count], fa = new double[a.Cloud.Count], gb = new double[b.Cloud.Count];
        private readonly double[] scratchA = new double[a.Cloud.Count], scratchB = new double[b.Cloud.Count];

        public Side A => a;

        public Side B => b;

        /// <summary>One Sinkhorn iteration of all four potentials.</summary>
        public void Iterate(double epsilon, double p)
        {
            Update(a, b, g, epsilon, p, f, scratchA, average: false, blocks);
            Update(b, a, f, epsilon, p, g, scratchB, average: false, blocks);
            Update(a, a, fa, epsilon, p, fa, scratchA, average: true, blocks);
            Update(b, b, gb, epsilon, p, gb, scratchB, average: true, blocks);
        }

        /// <summary>S_eps per unit mass: the dual values of OT(a, b) less half of each self problem's (twice its potential's mean).</summary>
        public double Divergence() => Dot(a.Cloud, f) - Dot(a.Cloud, fa) + Dot(b.Cloud, g) - Dot(b.Cloud, gb);

        /// <summary>Every potential as one Sinkhorn half-step against the coarse problem's potentials at epsilon: its c-transform extended to the points.</summary>
        public void SeedFrom(Problem coarse, double epsilon, double p)
        {
            Update(a, coarse.B, coarse.g, epsilon, p, f, scratchA, average: false, blocks);
            Update(b, coarse.A, coarse.f, epsilon, p, g, scratchB, average: false, blocks);
            Update(a, coarse.A, coarse.fa, epsilon, p, fa, scratchA, average: false, blocks);
            Update(b, coarse.B, coarse.gb, epsilon, p, gb, scratchB, average: false, blocks);
        }
    }

    private static double Dot(PointCloud c, double[] potential)
    {
        double s = 0;
        for (int i = 0; i < c.Count; i++)
        {
            if (c.Weights[i] > 0) s += c.Weights[i] / c.Mass * potential[i];
        }

        return s;
    }

    /// <summary>The largest |x - y|^p over the bounding boxes of both clouds: the first epsilon.</summary>
    private static double LargestCost(PointCloud a, PointCloud b, double p)
    {
        double s = 0;
        for (int k = 0; k < a.Dimension; k++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (var c in new[] { a, b })
            {
                for (int i = 0; i < c.Count; i++)
                {
                    lo = Math.Min(lo, c.Coordinates[i * c.Dimension + k]);
                    hi = Math.Max(hi, c.Coordinates[i * c.Dimension + k]);
                }
            }

            s += (hi - lo) * (hi - lo);
        }

        return Math.Pow(s, p / 2);
    }
}
