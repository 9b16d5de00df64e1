namespace MeanField.Core.Kernels;

/// <summary>
/// <c>chi(x) = c exp(-a s^2 / (1 - s^2))</c> with <c>s = |x| / r</c> inside the ball of radius r, 0
/// outside: C-infinity with compact support, every derivative vanishing on the sphere. Its Fourier
/// transform falls faster than any power of |k| (near <c>exp(-k^2 r^2 / (4 a))</c> while
/// <c>k r</c> is below about <c>a</c>, then as <c>exp(-sqrt(2 a k r))</c>), so a truncated Fourier
/// series of the field reaches round-off with few modes: the source of the manufactured problems of
/// code verification. The sharpness <c>a</c> trades the two regimes; <c>a = 16</c> puts the transform
/// below 1e-11 of its peak at <c>k r = 80</c>.
/// </summary>
/// <remarks>
/// With <c>u = s^2</c> and <c>E = exp(-a u / (1 - u))</c>:
/// <c>chi'(|x|) = -2 a c s E / (r (1 - u)^2)</c>,
/// <c>chi''(|x|) = c E (4 a^2 u / (1 - u)^4 - 2 a (1 + 3 u) / (1 - u)^3) / r^2</c>.
/// The Hessian's eigenvalues are <c>chi''</c> and <c>chi'/|x|</c>. Their suprema, and the mass, have
/// no closed form: they are computed once from these formulas (a scan of 2^16 radii, the mass by
/// Gauss-Legendre), and the Lipschitz constants are labelled as estimated.
/// </remarks>
public sealed class SmoothBump : ISourceProfile
{
    private const int ScanPoints = 1 << 16;
    private readonly double _lipschitz, _gradientLipschitz;

    public SmoothBump(double radius, double amplitude, double sharpness)
    {
        if (!(radius > 0) || !double.IsFinite(radius)) throw new ArgumentOutOfRangeException(nameof(radius), radius, "radius must be finite and > 0");
        if (!(amplitude >= 0) || !double.IsFinite(amplitude)) throw new ArgumentOutOfRangeException(nameof(amplitude), amplitude, "amplitude must be finite and >= 0");
        if (!(sharpness > 0) || !double.IsFinite(sharpness)) throw new ArgumentOutOfRangeException(nameof(sharpness), sharpness, "sharpness must be finite and > 0");
        Radius = radius;
        Amplitude = amplitude;
        Sharpness = sharpness;
        for (int q = 0; q < ScanPoints; q++)
        {
            double s = (double)q / ScanPoints;
            double first = Math.Abs(RadialDerivative(s * radius));
            _lipschitz = Math.Max(_lipschitz, first);
            double u = s * s, e = Amplitude * Envelope(u) / (radius * radius);
            double second = e * Math.Abs(4 * sharpness * sharpness * u / Math.Pow(1 - u, 4) - 2 * sharpness * (1 + 3 * u) / Math.Pow(1 - u, 3));
            double radial = e * 2 * sharpness / ((1 - u) * (1 - u));
            _gradientLipschitz = Math.Max(_gradientLipschitz, Math.Max(second, radial));
        }
    }

    public double Radius { get; }

    public double Amplitude { get; }

    /// <summary>a: how fast chi falls inside its ball.</summary>
    public double Sharpness { get; }

    public string Description => $"smooth bump c exp(-a s^2/(1 - s^2)), s = |x|/r (r = {Radius:R}, c = {Amplitude:R}, a = {Sharpness:R})";

    public double SupportRadius => Radius;

    private double Envelope(double u) => u < 1 ? Math.Exp(-Sharpness * u / (1 - u)) : 0.0;

    public double ValueOfSquaredDistance(double r2) => Amplitude * Envelope(r2 / (Radius * Radius));

    public double RadialDerivative(double r)
    {
        double s = r / Radius;
        if (s >= 1) return 0;
        double u = s * s;
        return -2.0 * Sharpness * Amplitude * s * Envelope(u) / (Radius * (1 - u) * (1 - u));
    }

    /// <summary>c |S^{d-1}| r^d int_0^1 exp(-a s^2/(1 - s^2)) s^{d-1} ds, by Gauss-Legendre on 16 panels of 32 nodes.</summary>
    public double Mass(int dimension)
    {
        double sphere = UnitSphere.Area(dimension);
        const int panels = 16;
        double sum = 0;
        for (int p = 0; p < panels; p++)
            sum += MathNet.Numerics.Integration.GaussLegendreRule.Integrate(s => Envelope(s * s) * Math.Pow(s, dimension - 1), (double)p / panels, (p + 1.0) / panels, 32);
        return Amplitude * sphere * Math.Pow(Radius, dimension) * sum;
    }

    /// <summary>sup |chi'|, from a scan of 2^16 radii.</summary>
    public KernelConstant Lipschitz => new("Lip(chi)", _lipschitz, true, "");

    /// <summary>The sup over radii of max(|chi''|, |chi'|/|x|), from a scan of 2^16 radii.</summary>
    public KernelConstant GradientLipschitz => new("Lip(grad chi)", _gradientLipschitz, true, "");
}
