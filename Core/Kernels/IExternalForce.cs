namespace MeanField.Core.Kernels;

/// <summary>The external force F_ext(x) of model (P), with the constants the bounds use.</summary>
public interface IExternalForce
{
    string Description { get; }

    /// <summary>Adds F_ext(x) to <paramref name="acceleration"/> (both of length d).</summary>
    void Add(ReadOnlySpan<double> x, Span<double> acceleration);

    /// <summary>sup |F_ext| over R^d.</summary>
    KernelConstant Supremum { get; }

    /// <summary>Lip(F_ext).</summary>
    KernelConstant Lipschitz { get; }

    /// <summary>True when F_ext is identically zero (the stepper then skips it).</summary>
    bool IsZero { get; }
}

/// <summary>F_ext = 0.</summary>
/// <summary>Helpers over any external force.</summary>
public static class ExternalForces
{
    /// <summary>F_ext at each of the points of a line (d = 1): the grid solvers' forcing.</summary>
    public static double[] OnLine(this IExternalForce force, ReadOnlySpan<double> points)
    {
        ArgumentNullException.ThrowIfNull(force);
        var values = new double[points.Length];
        Span<double> value = stackalloc double[1];
        for (int i = 0; i < points.Length; i++)
        {
            value[0] = 0;
            force.Add(points.Slice(i, 1), value);
            values[i] = value[0];
        }

        return values;
    }
}

public sealed class NoExternalForce : IExternalForce
{
    public static readonly NoExternalForce Instance = new();

    private NoExternalForce() { }

    public string Description => "none";

    public void Add(ReadOnlySpan<double> x, Span<double> acceleration) { }

    public KernelConstant Supremum => KernelConstant.Analytic("sup|F_ext|", 0);

    public KernelConstant Lipschitz => KernelConstant.Analytic("Lip(F_ext)", 0);

    public bool IsZero => true;
}

/// <summary>A uniform force F_ext = a (gravity-like drift).</summary>
public sealed class ConstantForce(double[] vector) : IExternalForce
{
    private readonly double[] _vector = (double[])vector.Clone();

    public string Description => $"constant ({string.Join(", ", _vector.Select(c => c.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))})";

    public void Add(ReadOnlySpan<double> x, Span<double> acceleration)
    {
        for (int a = 0; a < _vector.Length; a++) acceleration[a] += _vector[a];
    }

    public KernelConstant Supremum => KernelConstant.Analytic("sup|F_ext|", Math.Sqrt(_vector.Sum(c => c * c)));

    public KernelConstant Lipschitz => KernelConstant.Analytic("Lip(F_ext)", 0);

    public bool IsZero => _vector.All(c => c == 0);
}

/// <summary>
/// A bounded confinement toward the origin, <c>F_ext(x) = -k x / sqrt(1 + |x|^2 / l^2)</c>: linear
/// (spring constant k) near the origin, saturating at magnitude k l far away, so sup |F_ext| = k l
/// and Lip(F_ext) = k.
/// </summary>
public sealed class ConfinementForce : IExternalForce
{
    public ConfinementForce(double strength, double length)
    {
        if (!(strength >= 0) || !double.IsFinite(strength)) throw new ArgumentOutOfRangeException(nameof(strength), strength, "strength must be finite and >= 0");
        if (!(length > 0) || !double.IsFinite(length)) throw new ArgumentOutOfRangeException(nameof(length), length, "length must be finite and > 0");
        Strength = strength;
        Length = length;
    }

    public double Strength { get; }

    public double Length { get; }

    public string Description => $"bounded confinement -k x / sqrt(1 + |x|^2/l^2) (k = {Strength:R}, l = {Length:R})";

    public void Add(ReadOnlySpan<double> x, Span<double> acceleration)
    {
        double r2 = 0;
        for (int a = 0; a < x.Length; a++) r2 += x[a] * x[a];
        double s = -Strength / Math.Sqrt(1 + r2 / (Length * Length));
        for (int a = 0; a < x.Length; a++) acceleration[a] += s * x[a];
    }

    public KernelConstant Supremum => KernelConstant.Analytic("sup|F_ext|", Strength * Length);

    public KernelConstant Lipschitz => KernelConstant.Analytic("Lip(F_ext)", Strength);

    public bool IsZero => Strength == 0;
}
