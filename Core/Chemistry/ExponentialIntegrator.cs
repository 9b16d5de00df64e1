namespace MeanField.Core.Chemistry;

/// <summary>
/// The phi-functions of exponential integrators, <c>phi1(z) = (e^z - 1)/z</c> and
/// <c>phi2(z) = (e^z - 1 - z)/z^2</c>, accurate to round-off for every z &lt;= 0 (series near 0).
/// </summary>
public static class ExponentialIntegrator
{
    public static double Phi1(double z) => z == 0 ? 1.0 : Math.Abs(z) < 1e-5 ? 1 + z / 2 + z * z / 6 : double.IsNegativeInfinity(z) ? 0 : ExpM1(z) / z;

    public static double Phi2(double z)
    {
        if (Math.Abs(z) < 1e-2)
        {
            // Truncation after z^5/5040 leaves z^6/40320 < 3e-17 here.
            return 0.5 + z * (1.0 / 6 + z * (1.0 / 24 + z * (1.0 / 120 + z * (1.0 / 720 + z / 5040))));
        }

        return (ExpM1(z) - z) / (z * z);
    }

    /// <summary>e^z - 1 without cancellation for small z.</summary>
    public static double ExpM1(double z)
    {
        if (Math.Abs(z) > 0.5) return Math.Exp(z) - 1;

        // Taylor series: converges to round-off in under 20 terms for |z| <= 1/2.
        double term = z, sum = z;
        for (int k = 2; k < 30 && Math.Abs(term) > 1e-17 * Math.Abs(sum); k++)
        {
            term *= z / k;
            sum += term;
        }

        return sum;
    }
}
