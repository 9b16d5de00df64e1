using System.Globalization;

namespace MeanField.Core.Kernels.Onnx;

/// <summary>
/// A radial chemotactic source chi(|x|) given as an ONNX model (input: distances r, output: chi(r)),
/// supported in the ball of <see cref="SupportRadius"/>. The model is evaluated once, in one batch, on a
/// table of 2^16 + 1 radii; the run interpolates the table (cubic Hermite with the table's own
/// derivatives), so the deposit never calls the runtime.
/// </summary>
/// <remarks>
/// Checked at load: finite values, and chi(R) = 0 at the support radius (to 1e-12 of the largest value)
/// so that chi is continuous as a compactly supported source must be. The mass and the constants are
/// computed from the table and labelled as estimated.
/// </remarks>
public sealed class OnnxSourceProfile : ISourceProfile
{
    private const int Intervals = 1 << 16;

    private readonly double[] _values;
    private readonly double[] _slopes;
    private readonly double _step;
    private readonly string _path;
    private readonly bool _float32;

    public OnnxSourceProfile(OnnxFunction chi, double supportRadius)
    {
        ArgumentNullException.ThrowIfNull(chi);
        if (!(supportRadius > 0) || !double.IsFinite(supportRadius)) throw new ArgumentOutOfRangeException(nameof(supportRadius), supportRadius, "the support radius must be finite and > 0");
        SupportRadius = supportRadius;
        _path = chi.Path;
        _float32 = chi.IsFloat32;
        _step = supportRadius / Intervals;
        var r = new double[Intervals + 1];
        for (int k = 0; k <= Intervals; k++) r[k] = k * _step;
        _values = new double[Intervals + 1];
        chi.Evaluate(r, _values);
        double peak = _values.Max(Math.Abs);
        if (Math.Abs(_values[Intervals]) > 1e-12 * Math.Max(peak, double.Epsilon))
        {
            throw new OnnxModelException(chi.Path,
                $"chi({supportRadius.ToString("G6", CultureInfo.InvariantCulture)}) = {_values[Intervals].ToString("G6", CultureInfo.InvariantCulture)} at the support radius: a compactly supported source must vanish there");
        }

        // Slopes by fourth-order differences (one-sided at the ends), for the Hermite interpolant.
        _slopes = new double[Intervals + 1];
        for (int k = 0; k <= Intervals; k++)
        {
            _slopes[k] = k is >= 2 and <= Intervals - 2
                ? (8 * (_values[k + 1] - _values[k - 1]) - (_values[k + 2] - _values[k - 2])) / (12 * _step)
                : k < 2
                    ? (-25 * _values[k] + 48 * _values[k + 1] - 36 * _values[k + 2] + 16 * _values[k + 3] - 3 * _values[k + 4]) / (12 * _step)
                    : (25 * _values[k] - 48 * _values[k - 1] + 36 * _values[k - 2] - 16 * _values[k - 3] + 3 * _values[k - 4]) / (12 * _step);
        }

        double lip = _slopes.Max(Math.Abs);
        // |Hessian| = max(|chi''|, |chi'/r|); chi'' from the slopes' differences.
        double hessian = 0;
        for (int k = 1; k < Intervals; k++)
        {
            hessian = Math.Max(hessian, Math.Abs(_slopes[k + 1] - _slopes[k - 1]) / (2 * _step));
            hessian = Math.Max(hessian, Math.Abs(_slopes[k] / (k * _step)));
        }

        Lipschitz = new KernelConstant("Lip(chi)", lip, IsEstimated: true, $"from {Intervals + 1} samples of the model");
        GradientLipschitz = new KernelConstant("Lip(grad chi)", hessian, IsEstimated: true, $"from {Intervals + 1} samples of the model");
    }

    public string Description =>
        $"radial ONNX source chi(r) from {_path} ({(_float32 ? "float32" : "float64")}; support radius {SupportRadius.ToString("R", CultureInfo.InvariantCulture)}; tabulated at {Intervals + 1} radii)";

    public double SupportRadius { get; }

    public double ValueOfSquaredDistance(double r2)
    {
        double r = Math.Sqrt(r2);
        if (r >= SupportRadius) return 0;
        double s = r / _step;
        int k = Math.Min((int)s, Intervals - 1);
        double t = s - k, t2 = t * t, t3 = t2 * t;
        return (2 * t3 - 3 * t2 + 1) * _values[k] + (t3 - 2 * t2 + t) * _step * _slopes[k]
            + (-2 * t3 + 3 * t2) * _values[k + 1] + (t3 - t2) * _step * _slopes[k + 1];
    }

    public double RadialDerivative(double r)
    {
        if (r >= SupportRadius) return 0;
        double s = r / _step;
        int k = Math.Min((int)s, Intervals - 1);
        double t = s - k, t2 = t * t;
        return ((6 * t2 - 6 * t) * _values[k] + (-6 * t2 + 6 * t) * _values[k + 1]) / _step
            + (3 * t2 - 4 * t + 1) * _slopes[k] + (3 * t2 - 2 * t) * _slopes[k + 1];
    }

    /// <summary>int chi over R^d = |S^{d-1}| int_0^R chi(r) r^(d-1) dr, by Simpson's rule on the table.</summary>
    public double Mass(int dimension)
    {
        double sphere = UnitSphere.Area(dimension);
        double sum = 0;
        for (int k = 0; k <= Intervals; k++)
        {
            double weight = k == 0 || k == Intervals ? 1 : k % 2 == 1 ? 4 : 2;
            sum += weight * _values[k] * Math.Pow(k * _step, dimension - 1);
        }

        return sphere * sum * _step / 3;
    }

    public KernelConstant Lipschitz { get; }

    public KernelConstant GradientLipschitz { get; }
}
