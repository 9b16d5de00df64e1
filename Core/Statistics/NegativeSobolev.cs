using MeanField.Core.Transport;

namespace MeanField.Core.Statistics;

/// <summary>
/// The squared negative Sobolev norm of the difference of two empirical measures on the unit square
/// [0, 1]^2, truncated to low frequencies: <c>sum_(0 &lt; |k|_inf &lt;= K) c_k^2 / (pi^2 |k|^2)</c>,
/// c_k the difference of the clouds' means of the Neumann eigenfunction
/// <c>phi_k(x) = prod_a sqrt(2 - delta_(k_a, 0)) cos(pi k_a x_a)</c> of the Laplacian.
/// </summary>
/// <remarks>
/// For uniform samples W2^2 between the two measures is asymptotically this norm untruncated
/// (Ambrosio, Stra and Trevisan linearise the Monge-Ampere equation to its Poisson equation), and the
/// low frequencies carry most of the fluctuation between samples. So the truncated norm is a control
/// variate for W2^2: under the uniform law its expectation is exact, <c>(1/N + 1/M) sum 1 / (pi^2 |k|^2)</c>,
/// because each phi_k has mean 0 and variance 1 and the points are independent.
/// </remarks>
public static class NegativeSobolev
{
    /// <summary>The truncated norm between two clouds in [0, 1]^2 (equal weights), modes up to <paramref name="modes"/> per axis.</summary>
    public static double Difference(PointCloud first, PointCloud second, int modes)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Dimension != 2 || second.Dimension != 2) throw new ArgumentException($"the clouds must be in the square (dimension 2), not {first.Dimension} and {second.Dimension}");
        if (first.Count == 0 || second.Count == 0) throw new ArgumentException("the clouds must not be empty");
        if (modes < 1) throw new ArgumentOutOfRangeException(nameof(modes), modes, "must be at least 1");
        var c = new double[(modes + 1) * (modes + 1)];
        Accumulate(first, modes, c, 1.0 / first.Count);
        Accumulate(second, modes, c, -1.0 / second.Count);
        double sum = 0;
        for (int k1 = 0; k1 <= modes; k1++)
        {
            for (int k2 = 0; k2 <= modes; k2++)
            {
                if (k1 == 0 && k2 == 0) continue;
                double v = c[k1 * (modes + 1) + k2];
                sum += v * v / (Math.PI * Math.PI * (k1 * k1 + k2 * k2));
            }
        }

        return sum;
    }

    /// <summary>The expectation of <see cref="Difference"/> for independent uniform samples of sizes n and m.</summary>
    public static double Expected(int n, int m, int modes)
    {
        if (n < 1 || m < 1) throw new ArgumentOutOfRangeException(nameof(n), $"sizes {n} and {m} must be at least 1");
        if (modes < 1) throw new ArgumentOutOfRangeException(nameof(modes), modes, "must be at least 1");
        double sum = 0;
        for (int k1 = 0; k1 <= modes; k1++)
        {
            for (int k2 = 0; k2 <= modes; k2++)
            {
                if (k1 != 0 || k2 != 0) sum += 1 / (Math.PI * Math.PI * (k1 * k1 + k2 * k2));
            }
        }

        return (1.0 / n + 1.0 / m) * sum;
    }

    /// <summary>Adds <c>scale phi_k(x)</c> over the cloud's points to each mode's coefficient.</summary>
    private static void Accumulate(PointCloud cloud, int modes, double[] c, double scale)
    {
        var cx = new double[modes + 1];
        var cy = new double[modes + 1];
        for (int i = 0; i < cloud.Count; i++)
        {
            var p = cloud.Point(i);
            for (int k = 0; k <= modes; k++)
            {
                double norm = k == 0 ? 1 : Math.Sqrt(2);
                cx[k] = norm * Math.Cos(Math.PI * k * p[0]);
                cy[k] = norm * Math.Cos(Math.PI * k * p[1]);
            }

            for (int k1 = 0; k1 <= modes; k1++)
            {
                double a = scale * cx[k1];
                for (int k2 = 0; k2 <= modes; k2++) c[k1 * (modes + 1) + k2] += a * cy[k2];
            }
        }
    }
}
