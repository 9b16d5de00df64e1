using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MeanField.Core.Kernels;

/// <summary>
/// Cucker-Smale alignment <c>gamma(y, w) = beta * psi(|y|) * w</c> with
/// <c>psi(r) = (1 + r^2 / R^2)^(-sigma)</c>, the kernel of the paper's model (1).
/// </summary>
public sealed class CuckerSmaleKernel : IRadialAlignmentKernel
{
    /// <summary>Creates the kernel; beta &gt;= 0, R &gt; 0, sigma &gt;= 0.</summary>
    public CuckerSmaleKernel(double beta, double radius, double sigma)
    {
        if (!(beta >= 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite and >= 0");
        if (!(radius > 0) || !double.IsFinite(radius)) throw new ArgumentOutOfRangeException(nameof(radius), radius, "R must be finite and > 0");
        if (!(sigma >= 0) || !double.IsFinite(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be finite and >= 0");
        Beta = beta;
        Radius = radius;
        Sigma = sigma;
        InverseRadiusSquared = 1.0 / (radius * radius);
    }

    public double Beta { get; }

    /// <summary>The interaction length R.</summary>
    public double Radius { get; }

    /// <summary>The decay exponent sigma (flocking is unconditional for sigma &lt;= 1/2).</summary>
    public double Sigma { get; }

    internal double InverseRadiusSquared { get; }

    public string Description => $"Cucker-Smale (beta = {Beta:R}, R = {Radius:R}, sigma = {Sigma:R})";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ProfileOfSquaredDistance(double r2) => Math.Pow(1.0 + r2 * InverseRadiusSquared, -Sigma);

    /// <summary>psi for four squared distances at once; the special exponents avoid exp/log.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Vector256<double> Profile(Vector256<double> r2)
    {
        var u = Vector256.FusedMultiplyAdd(r2, Vector256.Create(InverseRadiusSquared), Vector256<double>.One);
        return Sigma switch
        {
            0.5 => Vector256<double>.One / Vector256.Sqrt(u),
            1.0 => Vector256<double>.One / u,
            0.0 => Vector256<double>.One,
            _ => Vector256.Exp(Vector256.Log(u) * Vector256.Create(-Sigma)),
        };
    }

    public void Evaluate(ReadOnlySpan<double> y, ReadOnlySpan<double> w, Span<double> gamma)
    {
        double r2 = 0;
        for (int a = 0; a < y.Length; a++) r2 += y[a] * y[a];
        double s = Beta * ProfileOfSquaredDistance(r2);
        for (int a = 0; a < w.Length; a++) gamma[a] = s * w[a];
    }

    /// <summary>
    /// Lip(psi) = (2 sigma / R) u (1 + u^2)^(-sigma-1) at u = 1/sqrt(2 sigma + 1), the maximum of |psi'|.
    /// </summary>
    public double ProfileLipschitz
    {
        get
        {
            if (Sigma == 0) return 0;
            double u = 1.0 / Math.Sqrt(2 * Sigma + 1);
            return 2 * Sigma / Radius * u * Math.Pow(1 + u * u, -Sigma - 1);
        }
    }

    /// <summary>
    /// |gamma(y,w) - gamma(y',w')| &lt;= beta (Lip(psi) |w| |y - y'| + |w - w'|) because psi &lt;= 1, so by
    /// Cauchy-Schwarz Lip(gamma) = beta sqrt(1 + (W Lip(psi))^2) on <c>|w| &lt;= W</c>.
    /// </summary>
    public KernelConstant Lipschitz(double positionDiameter, double velocityDiameter) =>
        KernelConstant.Analytic(
            "Lip(gamma)",
            Beta * Math.Sqrt(1 + Math.Pow(velocityDiameter * ProfileLipschitz, 2)),
            $"|y| <= {positionDiameter:G6}, |w| <= {velocityDiameter:G6}");
}
