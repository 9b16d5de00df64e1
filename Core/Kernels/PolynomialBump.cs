namespace MeanField.Core.Kernels;

/// <summary>
/// <c>chi(x) = c (1 - |x|^2 / r^2)^3</c> inside the ball of radius r, 0 outside: C^2 with a jump in
/// the third derivative on the sphere, so grad chi is Lipschitz with an explicit constant.
/// </summary>
public sealed class PolynomialBump : ISourceProfile
{
    public PolynomialBump(double radius, double amplitude)
    {
        if (!(radius > 0) || !double.IsFinite(radius)) throw new ArgumentOutOfRangeException(nameof(radius), radius, "radius must be finite and > 0");
        if (!(amplitude >= 0) || !double.IsFinite(amplitude)) throw new ArgumentOutOfRangeException(nameof(amplitude), amplitude, "amplitude must be finite and >= 0");
        Radius = radius;
        Amplitude = amplitude;
    }

    public double Radius { get; }

    public double Amplitude { get; }

    public string Description => $"polynomial bump c (1 - |x|^2/r^2)^3 (r = {Radius:R}, c = {Amplitude:R})";

    public double SupportRadius => Radius;

    public double ValueOfSquaredDistance(double r2)
    {
        double u = 1.0 - r2 / (Radius * Radius);
        return u > 0 ? Amplitude * u * u * u : 0.0;
    }

    public double RadialDerivative(double r)
    {
        double s = r / Radius;
        if (s >= 1) return 0;
        double u = 1 - s * s;
        return -6.0 * Amplitude * s * u * u / Radius;
    }

    /// <summary>
    /// c |S^{d-1}| r^d B(d/2, 4) / 2: 32 c r / 35 on the line, pi c r^2 / 4 in the plane,
    /// 64 pi c r^3 / 315 in space.
    /// </summary>
    public double Mass(int dimension) => dimension switch
    {
        1 => 32.0 * Amplitude * Radius / 35.0,
        2 => Math.PI * Amplitude * Radius * Radius / 4.0,
        3 => 64.0 * Math.PI * Amplitude * Radius * Radius * Radius / 315.0,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be 1, 2 or 3"),
    };

    /// <summary>sup |chi'| = 96 c / (25 sqrt 5 r), at |x| = r / sqrt 5.</summary>
    public KernelConstant Lipschitz => KernelConstant.Analytic("Lip(chi)", 96.0 * Amplitude / (25.0 * Math.Sqrt(5.0) * Radius));

    /// <summary>
    /// The Hessian's eigenvalues are chi'' = -6c/r^2 (1 - s^2)(1 - 5 s^2) and chi'/|x| = -6c/r^2 (1 - s^2)^2;
    /// both are largest in size at the centre, where the Hessian is -6c/r^2 times the identity.
    /// </summary>
    public KernelConstant GradientLipschitz => KernelConstant.Analytic("Lip(grad chi)", 6.0 * Amplitude / (Radius * Radius));
}
