using System.Runtime.Intrinsics;

namespace MeanField.Core.Transport;

/// <summary>
/// One row of ground costs <c>|x - y_j|^p</c> against every point of a cloud, a vector pass per
/// component. Every exact solver and the pricing passes use this one kernel, so a cost has the
/// same bits wherever it is computed.
/// </summary>
internal static class CostRow
{
    /// <summary>A cloud component by component (<c>result[a][j]</c> is coordinate a of point j).</summary>
    public static double[][] Columns(PointCloud cloud)
    {
        var columns = new double[cloud.Dimension][];
        for (int a = 0; a < cloud.Dimension; a++)
        {
            columns[a] = new double[cloud.Count];
            for (int j = 0; j < cloud.Count; j++) columns[a][j] = cloud.Coordinates[j * cloud.Dimension + a];
        }

        return columns;
    }

    /// <summary>
    /// <c>cost[j] = |x - y_j|^2</c>. The squared norm is summed component by component with separate
    /// multiply and add, exactly as <see cref="GroundCost.Evaluate"/> does, so both give the same bits.
    /// </summary>
    public static void SquaredDistances(ReadOnlySpan<double> x, double[][] columns, Span<double> cost) => SquaredDistances(x, columns, 0, cost);

    /// <summary><c>cost[j] = |x - y_(offset + j)|^2</c>: a contiguous range of the columns.</summary>
    public static void SquaredDistances(ReadOnlySpan<double> x, double[][] columns, int offset, Span<double> cost)
    {
        int n = cost.Length, j = 0;
        if (n == 0) return;
        for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var s = Vector256<double>.Zero;
            for (int a = 0; a < columns.Length; a++)
            {
                var d = Vector256.Create(x[a]) - Vector256.LoadUnsafe(ref columns[a][offset], (nuint)j);
                s += d * d;
            }

            s.StoreUnsafe(ref cost[0], (nuint)j);
        }

        for (; j < n; j++)
        {
            double s = 0;
            for (int a = 0; a < columns.Length; a++)
            {
                double d = x[a] - columns[a][offset + j];
                s += d * d;
            }

            cost[j] = s;
        }
    }

    /// <summary><c>cost[j] = |x - y_j|^p</c>.</summary>
    public static void Compute(ReadOnlySpan<double> x, double[][] columns, double p, Span<double> cost) => Compute(x, columns, 0, p, cost);

    /// <summary><c>cost[j] = |x - y_(offset + j)|^p</c>.</summary>
    public static void Compute(ReadOnlySpan<double> x, double[][] columns, int offset, double p, Span<double> cost)
    {
        SquaredDistances(x, columns, offset, cost);
        PowerOfSquared(p, cost);
    }

    /// <summary>Raises squared distances to the power p/2 in place (nothing to do for p = 2).</summary>
    public static void PowerOfSquared(double p, Span<double> cost)
    {
        if (p == 2) return;
        if (p == 1)
        {
            int j = 0;
            for (; j <= cost.Length - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                var s = Vector256.LoadUnsafe(ref cost[0], (nuint)j);
                Vector256.Sqrt(s).StoreUnsafe(ref cost[0], (nuint)j);
            }

            for (; j < cost.Length; j++) cost[j] = Math.Sqrt(cost[j]);
            return;
        }

        for (int k = 0; k < cost.Length; k++) cost[k] = Math.Pow(cost[k], p / 2);
    }
}
