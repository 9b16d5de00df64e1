using System.Buffers;
using System.Globalization;

namespace MeanField.Core.Kernels.Onnx;

/// <summary>
/// A Cucker-Smale-type kernel <c>gamma(y, w) = beta psi(|y|) w</c> whose profile psi(r) is an ONNX model
/// (input: distances r, output: psi(r)). The direct and mesh paths ask for psi in batches
/// (<see cref="ProfileOfSquaredDistances"/>): one runtime call per batch, never one per pair.
/// </summary>
/// <remarks>
/// The model is checked at construction on the distances a run can meet, [0, <c>reach</c>]: its output
/// must be finite there. Its constants are estimated on the support a run visits (labelled so):
/// Lip(psi) and sup psi from psi sampled at 4097 points.
/// </remarks>
public sealed class OnnxProfileKernel : IRadialAlignmentKernel, IDisposable
{
    private const int Samples = 4097;

    private readonly OnnxFunction _profile;

    /// <param name="profile">psi(r) as a model.</param>
    /// <param name="beta">The coupling strength.</param>
    /// <param name="reach">The largest distance a run can meet (the box diagonal): the model is checked on [0, reach].</param>
    public OnnxProfileKernel(OnnxFunction profile, double beta, double reach)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!(beta >= 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite and >= 0");
        if (!(reach > 0) || !double.IsFinite(reach)) throw new ArgumentOutOfRangeException(nameof(reach), reach, "reach must be finite and > 0");
        _profile = profile;
        Beta = beta;
        Reach = reach;
        Sample(reach, out _, out _);
    }

    public double Beta { get; }

    /// <summary>The distances the model was checked on: [0, Reach].</summary>
    public double Reach { get; }

    public string Description =>
        $"Cucker-Smale type with an ONNX profile psi(r) from {_profile.Path} ({(_profile.IsFloat32 ? "float32" : "float64")}, input '{_profile.InputName}', output '{_profile.OutputName}'; beta = {Beta.ToString("R", CultureInfo.InvariantCulture)})";

    public double ProfileOfSquaredDistance(double r2)
    {
        Span<double> r = [Math.Sqrt(r2)];
        Span<double> psi = stackalloc double[1];
        _profile.Evaluate(r, psi);
        return psi[0];
    }

    /// <summary>psi for a whole batch of squared distances in one call of the runtime.</summary>
    public void ProfileOfSquaredDistances(ReadOnlySpan<double> r2, Span<double> psi)
    {
        double[] r = ArrayPool<double>.Shared.Rent(r2.Length);
        try
        {
            for (int k = 0; k < r2.Length; k++) r[k] = Math.Sqrt(r2[k]);
            _profile.Evaluate(r.AsSpan(0, r2.Length), psi[..r2.Length]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(r);
        }
    }

    public void Evaluate(ReadOnlySpan<double> y, ReadOnlySpan<double> w, Span<double> gamma)
    {
        double r2 = 0;
        for (int a = 0; a < y.Length; a++) r2 += y[a] * y[a];
        double scale = Beta * ProfileOfSquaredDistance(r2);
        for (int a = 0; a < w.Length; a++) gamma[a] = scale * w[a];
    }

    /// <summary>
    /// |gamma(y,w) - gamma(y',w')| &lt;= beta (Lip(psi) |w| |y - y'| + sup psi |w - w'|), so on |w| &lt;= W,
    /// Lip(gamma) = beta sqrt(sup psi^2 + (W Lip(psi))^2), with Lip(psi) and sup |psi| estimated on
    /// [0, positionDiameter] from samples.
    /// </summary>
    public KernelConstant Lipschitz(double positionDiameter, double velocityDiameter)
    {
        Sample(Math.Max(positionDiameter, 1e-12), out double lip, out double sup);
        return new KernelConstant(
            "Lip(gamma)",
            Beta * Math.Sqrt(sup * sup + Math.Pow(velocityDiameter * lip, 2)),
            IsEstimated: true,
            $"|y| <= {positionDiameter:G6}, |w| <= {velocityDiameter:G6}; Lip(psi) and sup psi estimated from {Samples} samples of the model");
    }

    /// <summary>psi on [0, extent] at <see cref="Samples"/> points: the largest difference quotient and the largest |psi|.</summary>
    private void Sample(double extent, out double lipschitz, out double supremum)
    {
        var r = new double[Samples];
        var psi = new double[Samples];
        for (int k = 0; k < Samples; k++) r[k] = extent * k / (Samples - 1);
        _profile.Evaluate(r, psi);
        lipschitz = 0;
        supremum = 0;
        for (int k = 0; k < Samples; k++)
        {
            supremum = Math.Max(supremum, Math.Abs(psi[k]));
            if (k > 0) lipschitz = Math.Max(lipschitz, Math.Abs(psi[k] - psi[k - 1]) / (r[k] - r[k - 1]));
        }
    }

    public void Dispose() => _profile.Dispose();
}
