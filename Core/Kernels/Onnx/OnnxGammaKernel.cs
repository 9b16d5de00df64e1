using System.Globalization;

namespace MeanField.Core.Kernels.Onnx;

/// <summary>
/// A general interaction gamma(y, w) given as an ONNX model: input rows (y_1..y_d, w_1..w_d) of shape
/// [batch, 2d], output rows gamma of shape [batch, d]. The direct sum evaluates it for all partners of
/// a particle in one batch (<see cref="EvaluateBatch"/>); there is no mesh path for a general gamma.
/// </summary>
/// <remarks>
/// Checked at construction on a sample of the region a run can meet (|y| up to the box's diagonal,
/// |w| up to <c>speedScale</c>): finite outputs. Lip(gamma) is estimated from difference quotients
/// between nearby sample points and labelled as estimated.
/// </remarks>
public sealed class OnnxGammaKernel : IBatchAlignmentKernel, IDisposable
{
    private const int Samples = 4096;

    private readonly OnnxFunction _gamma;

    public OnnxGammaKernel(OnnxFunction gamma, int dimension, double reach, double speedScale)
    {
        ArgumentNullException.ThrowIfNull(gamma);
        if (gamma.InputWidth != 2 * dimension || gamma.OutputWidth != dimension)
            throw new OnnxModelException(gamma.Path, $"maps rows of {gamma.InputWidth} to rows of {gamma.OutputWidth}; gamma(y, w) in d = {dimension} maps rows of {2 * dimension} to rows of {dimension}");
        _gamma = gamma;
        Dimension = dimension;
        Estimate(reach, speedScale);
    }

    public int Dimension { get; }

    public string Description =>
        $"ONNX gamma(y, w) from {_gamma.Path} ({(_gamma.IsFloat32 ? "float32" : "float64")}, input '{_gamma.InputName}' [batch, {2 * Dimension}], output '{_gamma.OutputName}' [batch, {Dimension}])";

    public void Evaluate(ReadOnlySpan<double> y, ReadOnlySpan<double> w, Span<double> gamma)
    {
        Span<double> row = stackalloc double[2 * Dimension];
        y.CopyTo(row);
        w.CopyTo(row[Dimension..]);
        _gamma.Evaluate(row, gamma[..Dimension]);
    }

    public void EvaluateBatch(ReadOnlySpan<double> rows, Span<double> gamma) => _gamma.Evaluate(rows, gamma);

    public KernelConstant Lipschitz(double positionDiameter, double velocityDiameter) =>
        new("Lip(gamma)", Estimate(Math.Max(positionDiameter, 1e-12), Math.Max(velocityDiameter, 1e-12)), IsEstimated: true,
            $"|y| <= {positionDiameter.ToString("G6", CultureInfo.InvariantCulture)}, |w| <= {velocityDiameter.ToString("G6", CultureInfo.InvariantCulture)}; from {Samples} pairs of nearby sample points");

    /// <summary>
    /// The largest |gamma(p) - gamma(q)| / |p - q| over pairs of points q = p + small step, p drawn in
    /// |y| &lt;= reach, |w| &lt;= speed (a fixed sequence, so the estimate is reproducible); evaluating it
    /// also checks that the model is finite there.
    /// </summary>
    private double Estimate(double reach, double speed)
    {
        int d = Dimension, width = 2 * d;
        var random = new Random(20261124);
        var points = new double[2 * Samples * width];
        double step = 1e-4 * Math.Max(reach, speed);
        for (int s = 0; s < Samples; s++)
        {
            int p = 2 * s * width, q = p + width;
            for (int a = 0; a < width; a++)
            {
                double scale = a < d ? reach : speed;
                points[p + a] = scale * (2 * random.NextDouble() - 1) / Math.Sqrt(d);
                points[q + a] = points[p + a] + step * (2 * random.NextDouble() - 1);
            }
        }

        var values = new double[2 * Samples * d];
        _gamma.Evaluate(points, values);
        double lipschitz = 0;
        for (int s = 0; s < Samples; s++)
        {
            double dz = 0, dg = 0;
            for (int a = 0; a < width; a++) dz += Math.Pow(points[(2 * s + 1) * width + a] - points[2 * s * width + a], 2);
            for (int a = 0; a < d; a++) dg += Math.Pow(values[(2 * s + 1) * d + a] - values[2 * s * d + a], 2);
            if (dz > 0) lipschitz = Math.Max(lipschitz, Math.Sqrt(dg / dz));
        }

        return lipschitz;
    }

    public void Dispose() => _gamma.Dispose();
}
