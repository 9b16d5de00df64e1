using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace MeanField.Core.Transport;

/// <summary>Settings of <see cref="SinkhornTransport"/>.</summary>
/// <param name="RelativeError">Stop lowering epsilon once the estimated error is below this fraction of the cost.</param>
/// <param name="ScalingFactor">Epsilon is multiplied by this factor from one stage to the next (0 &lt; q &lt; 1).</param>
/// <param name="MinEpsilon">Smallest epsilon, as a fraction of the largest pairwise cost.</param>
/// <param name="Tolerance">A stage has converged when no potential moves by more than Tolerance * epsilon in an iteration (the marginals are then met to that relative accuracy).</param>
/// <param name="MaxIterationsPerStage">Iteration cap per stage; a stage that hits it is reported as not converged.</param>
public sealed record SinkhornOptions(
    double RelativeError = 1e-2,
    double ScalingFactor = 0.5,
    double MinEpsilon = 1e-7,
    double Tolerance = 1e-3,
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

/// <summary>One epsilon stage of <see cref="SinkhornTransport"/>: the debiased divergence reached, the iterations and the time it took.</summary>
public sealed record SinkhornStage(double Epsilon, double Divergence, int Iterations, bool Converged, double Seconds);

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

    /// <summary>Observed contraction of the stage-to-stage change above which the extrapolated error is capped (0.9: ten times the last change).</summary>
    private const double MaxContraction = 0.9;

    public static TransportResult Solve(PointCloud a, PointCloud b, double p = 2, SinkhornOptions? options = null) => Solve(a, b, p, options, out _);

    public static TransportResult Solve(PointCloud a, PointCloud b, double p, SinkhornOptions? options, out IReadOnlyList<SinkhornStage> stages)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        GroundCost.CheckExponent(p);
        GroundCost.CheckCompatible(a, b);
        options ??= SinkhornOptions.Default;
        options.Validate();

        var ya = CostRow.Columns(a);
        var yb = CostRow.Columns(b);
        double[] logA = LogWeights(a), logB = LogWeights(b);
        double scale = LargestCost(a, b, p);
        var log = new List<SinkhornStage>();
        stages = log;
        if (scale == 0) return new TransportResult(p, "sinkhorn", false, 0, double.NaN) { Epsilon = 0, EstimatedError = 0 };

        // Potentials of OT(a, b) (f, g) and of the self problems OT(a, a) (fa) and OT(b, b) (gb).
        double[] f = new double[a.Count], g = new double[b.Count], fa = new double[a.Count], gb = new double[b.Count];
        double[] scratchA = new double[a.Count], scratchB = new double[b.Count];
        double epsilon = scale, previous = double.NaN, lastChange = double.NaN, divergence = double.NaN, estimate = double.PositiveInfinity;
        var clock = new Stopwatch();
        while (true)
        {
            clock.Restart();
            int iterations = 0;
            bool converged = false;
            while (iterations < options.MaxIterationsPerStage && !converged)
            {
                iterations++;
                double moved = 0;
                moved = Math.Max(moved, Update(a, yb, g, logB, epsilon, p, f, scratchA, average: false));
                moved = Math.Max(moved, Update(b, ya, f, logA, epsilon, p, g, scratchB, average: false));
                moved = Math.Max(moved, Update(a, ya, fa, logA, epsilon, p, fa, scratchA, average: true));
                moved = Math.Max(moved, Update(b, yb, gb, logB, epsilon, p, gb, scratchB, average: true));
                converged = moved <= options.Tolerance * epsilon;
            }

            divergence = Dot(a, f) - Dot(a, fa) + Dot(b, g) - Dot(b, gb);
            log.Add(new SinkhornStage(epsilon, divergence * a.Mass, iterations, converged, clock.Elapsed.TotalSeconds));
            if (!double.IsNaN(previous))
            {
                double change = Math.Abs(divergence - previous);
                estimate = ExtrapolatedError(change, lastChange);
                lastChange = change;
                // Far above the cost scale S_eps barely moves with eps: only a small eps may stop the stages.
                if (epsilon <= Math.Abs(divergence) && estimate <= options.RelativeError * Math.Abs(divergence)) break;
            }

            if (epsilon * options.ScalingFactor < options.MinEpsilon * scale) break;
            previous = divergence;
            epsilon *= options.ScalingFactor;
        }

        return new TransportResult(p, "sinkhorn", false, divergence * a.Mass, double.NaN)
        {
            Epsilon = epsilon,
            EstimatedError = estimate * a.Mass,
        };
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
    /// old target (the symmetric update). Returns the largest change of a potential.
    /// </summary>
    private static double Update(PointCloud rows, double[][] columns, double[] h, double[] logW, double epsilon, double p, double[] target, double[] scratch, bool average)
    {
        int n = rows.Count, m = h.Length;
        double inverse = 1 / epsilon;
        var shift = new double[m];
        for (int j = 0; j < m; j++) shift[j] = logW[j] + h[j] * inverse;
        int chunks = RowBlocks.Count(n, 16);
        var moved = new double[chunks];
        RowBlocks.For(n, chunks, (chunk, start, end) =>
        {
            var z = new double[m];
            double largest = 0;
            for (int i = start; i < end; i++)
            {
                CostRow.Compute(rows.Point(i), columns, p, z);
                double value = -epsilon * LogSumExp(z, shift, inverse);
                if (average) value = 0.5 * (value + target[i]);
                largest = Math.Max(largest, Math.Abs(value - target[i]));
                scratch[i] = value;
            }

            moved[chunk] = largest;
        });
        Array.Copy(scratch, target, n);
        return moved.Max();
    }

    /// <summary>log sum_j exp(shift_j - c_j / eps), overwriting <paramref name="cost"/> with the exponents; stabilised by their maximum.</summary>
    private static double LogSumExp(double[] cost, double[] shift, double inverse)
    {
        int m = cost.Length, j = 0;
        var scale = Vector256.Create(inverse);
        var top = Vector256.Create(double.NegativeInfinity);
        for (; j <= m - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var e = Vector256.LoadUnsafe(ref shift[0], (nuint)j) - Vector256.LoadUnsafe(ref cost[0], (nuint)j) * scale;
            e.StoreUnsafe(ref cost[0], (nuint)j);
            top = Vector256.Max(top, e);
        }

        double max = double.NegativeInfinity;
        for (int l = 0; l < Vector256<double>.Count; l++) max = Math.Max(max, top[l]);
        for (; j < m; j++)
        {
            cost[j] = shift[j] - cost[j] * inverse;
            max = Math.Max(max, cost[j]);
        }

        if (double.IsNegativeInfinity(max)) return max;
        var sum = Vector256<double>.Zero;
        var mm = Vector256.Create(max);
        j = 0;
        var cutoff = Vector256.Create(NegligibleExponent);
        for (; j <= m - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var e = Vector256.LoadUnsafe(ref cost[0], (nuint)j) - mm;
            if (Vector256.LessThanAll(e, cutoff)) continue;
            sum += Vector256.Exp(e);
        }

        double total = Vector256.Sum(sum);
        for (; j < m; j++)
        {
            if (cost[j] - max >= NegligibleExponent) total += Math.Exp(cost[j] - max);
        }
        return max + Math.Log(total);
    }

    private static double[] LogWeights(PointCloud c)
    {
        var log = new double[c.Count];
        for (int i = 0; i < c.Count; i++) log[i] = Math.Log(c.Weights[i] / c.Mass);
        return log;
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
