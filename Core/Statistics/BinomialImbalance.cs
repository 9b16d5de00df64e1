using MathNet.Numerics.Distributions;

namespace MeanField.Core.Statistics;

/// <summary>
/// The imbalance between two samples of a fair two-way choice: <c>|B/n - C/m|</c>, B ~ Bin(n, 1/2)
/// and C ~ Bin(m, 1/2) independent, the difference of the fractions the two samples put on one side.
/// Between two clusters a distance L apart, W2^2 must carry about half that mass across L, so the
/// imbalance is a control variate for W2^2 with an exactly known expectation.
/// </summary>
public static class BinomialImbalance
{
    /// <summary>E |B/n - C/m|, summed exactly over both binomials (n m terms).</summary>
    public static double ExpectedAbsoluteDifference(int n, int m)
    {
        if (n < 1 || m < 1) throw new ArgumentOutOfRangeException(nameof(n), $"sizes {n} and {m} must be at least 1");
        var pn = Probabilities(n);
        var pm = Probabilities(m);
        double sum = 0;
        for (int b = 0; b <= n; b++)
        {
            if (pn[b] < 1e-300) continue;
            double inner = 0, fb = (double)b / n;
            for (int c = 0; c <= m; c++) inner += pm[c] * Math.Abs(fb - (double)c / m);
            sum += pn[b] * inner;
        }

        return sum;
    }

    private static double[] Probabilities(int n)
    {
        var p = new double[n + 1];
        for (int k = 0; k <= n; k++) p[k] = Math.Exp(Binomial.PMFLn(0.5, n, k));
        return p;
    }
}
