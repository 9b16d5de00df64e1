namespace MeanField.Core.References;

/// <summary>
/// Cubic B-spline interpolation on uniform grids, the two forms the semi-Lagrangian solvers need:
/// a periodic shift of nodal values (mass-exact: the spline's coefficients sum to the values' sum and
/// the B-splines form a partition of unity), and a clamped spline of a primitive (for the conservative
/// remap of cell averages).
/// </summary>
public static class CubicSpline
{
    /// <summary>The pole of the cubic B-spline's inverse filter, sqrt(3) - 2.</summary>
    private static readonly double Pole = Math.Sqrt(3) - 2;

    /// <summary>
    /// B-spline coefficients c of the periodic interpolant of <paramref name="values"/>:
    /// <c>(c[i-1] + 4 c[i] + c[i+1]) / 6 = values[i]</c>, by the causal and anti-causal recursive
    /// filters of the factorised inverse (Unser 1999), initialised by the periodic sums.
    /// </summary>
    public static void PeriodicCoefficients(ReadOnlySpan<double> values, Span<double> coefficients)
    {
        int n = values.Length;
        double z = Pole;
        // Terms below z^40 ~ 1e-23 are dropped; for short periods the geometric sum is closed exactly.
        int terms = Math.Min(n, 40);
        double wrap = n <= 40 ? 1 / (1 - Math.Pow(z, n)) : 1;
        double sum = 0, power = 1;
        for (int m = 0; m < terms; m++, power *= z) sum += power * values[(n - m) % n];
        coefficients[0] = sum * wrap;
        for (int i = 1; i < n; i++) coefficients[i] = values[i] + z * coefficients[i - 1];
        sum = 0;
        power = 1;
        for (int m = 0; m < terms; m++, power *= z) sum += power * coefficients[(n - 1 + m) % n];
        double last = sum * wrap;
        coefficients[n - 1] = last;
        for (int i = n - 2; i >= 0; i--) coefficients[i] = coefficients[i] + z * coefficients[i + 1];
        double scale = -6 * z;
        for (int i = 0; i < n; i++) coefficients[i] *= scale;
    }

    /// <summary>The four cubic B-spline weights for offset theta in [0, 1): nodes i-1, i, i+1, i+2.</summary>
    public static void Weights(double theta, out double w0, out double w1, out double w2, out double w3)
    {
        double t2 = theta * theta, t3 = t2 * theta, u = 1 - theta;
        w0 = u * u * u / 6;
        w1 = (3 * t3 - 6 * t2 + 4) / 6;
        w2 = (-3 * t3 + 3 * t2 + 3 * theta + 1) / 6;
        w3 = t3 / 6;
    }

    /// <summary>
    /// <c>result[i] = S(i - shift)</c> for the periodic spline S through <paramref name="values"/> at the
    /// integer nodes (shift in units of the spacing): the backward semi-Lagrangian step of a uniform
    /// translation by +shift. <paramref name="coefficients"/> is scratch of the same length.
    /// </summary>
    public static void PeriodicShift(ReadOnlySpan<double> values, double shift, Span<double> coefficients, Span<double> result)
    {
        int n = values.Length;
        PeriodicCoefficients(values, coefficients);
        double foot = -shift;
        double floor = Math.Floor(foot);
        Weights(foot - floor, out double w0, out double w1, out double w2, out double w3);
        int q = (int)(((long)floor % n + n) % n);
        for (int i = 0; i < n; i++)
        {
            int k = i + q;
            result[i] = w0 * coefficients[(k - 1 + n) % n] + w1 * coefficients[k % n] + w2 * coefficients[(k + 1) % n] + w3 * coefficients[(k + 2) % n];
        }
    }

    /// <summary>
    /// Second derivatives M of the clamped cubic spline through (i h, y[i]), i = 0..n-1, with zero slope
    /// at both ends (a primitive that is flat where the density vanishes). Thomas algorithm;
    /// <paramref name="scratch"/> has length n.
    /// </summary>
    public static void ClampedSecondDerivatives(ReadOnlySpan<double> y, double h, Span<double> m, Span<double> scratch)
    {
        int n = y.Length;
        // Rows: 2 M0 + M1 = 6 (y1 - y0)/h^2; M[i-1] + 4 M[i] + M[i+1] = 6 (y[i+1] - 2 y[i] + y[i-1])/h^2; M[n-2] + 2 M[n-1] = -6 (y[n-1] - y[n-2])/h^2.
        double h2 = h * h;
        double diagonal = 2;
        scratch[0] = 1 / diagonal;
        m[0] = 6 * (y[1] - y[0]) / h2 / diagonal;
        for (int i = 1; i < n; i++)
        {
            double rhs = i < n - 1 ? 6 * (y[i + 1] - 2 * y[i] + y[i - 1]) / h2 : -6 * (y[n - 1] - y[n - 2]) / h2;
            double b = i < n - 1 ? 4 : 2;
            double denominator = b - scratch[i - 1];
            scratch[i] = 1 / denominator;
            m[i] = (rhs - m[i - 1]) / denominator;
        }

        for (int i = n - 2; i >= 0; i--) m[i] -= scratch[i] * m[i + 1];
    }

    /// <summary>The clamped spline (values y, second derivatives m, spacing h, first node at 0) at s; constant beyond the ends.</summary>
    public static double EvaluateClamped(ReadOnlySpan<double> y, ReadOnlySpan<double> m, double h, double s)
    {
        int n = y.Length;
        if (s <= 0) return y[0];
        if (s >= (n - 1) * h) return y[n - 1];
        int i = Math.Min((int)(s / h), n - 2);
        double a = (i + 1) * h - s, b = s - i * h;
        return (m[i] * a * a * a + m[i + 1] * b * b * b) / (6 * h) + (y[i] / h - m[i] * h / 6) * a + (y[i + 1] / h - m[i + 1] * h / 6) * b;
    }
}
