using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace MeanField.Core.Chemistry;

/// <summary>
/// In-place FFT of a grid function, unnormalised forward and 1/G inverse (so the zero mode holds the
/// sum of the nodal values), in one, two or three dimensions.
/// </summary>
/// <remarks>
/// A d-dimensional transform is done as 1-D transforms along each axis in turn (the transform is
/// separable). Lines are independent, so they are spread over threads without changing any result.
/// </remarks>
internal sealed class SpectralTransform
{
    private readonly PeriodicGrid _grid;
    private readonly Radix2Fft? _radix2;
    private readonly int _maxThreads;
    private readonly ThreadLocal<Complex[]> _lineBuffers;
    private readonly ParallelOptions _options;

    public SpectralTransform(PeriodicGrid grid, int maxThreads = -1)
    {
        _grid = grid;
        _maxThreads = maxThreads;
        _options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads };
        _lineBuffers = new ThreadLocal<Complex[]>(() => new Complex[grid.Points]);
        if (Radix2Fft.IsPowerOfTwo(grid.Points)) _radix2 = new Radix2Fft(grid.Points);
    }

    public void Forward(Complex[] data) => Transform(data, inverse: false);

    public void Inverse(Complex[] data)
    {
        Transform(data, inverse: true);
        double scale = 1.0 / data.Length;
        for (int k = 0; k < data.Length; k++) data[k] *= scale;
    }

    private void Transform(Complex[] data, bool inverse)
    {
        int lines = data.Length / _grid.Points;
        for (int axis = 0; axis < _grid.Dimension; axis++)
        {
            int stride = _grid.Strides[axis];
            if (lines < 64 || _maxThreads == 1)
            {
                var buffer = _lineBuffers.Value!;
                for (int l = 0; l < lines; l++) TransformLine(data, l, stride, buffer, inverse);
            }
            else
            {
                // Blocks of lines per work item; each line is transformed the same way whoever does it.
                const int block = 32;
                Parallel.For(0, (lines + block - 1) / block, _options, b =>
                {
                    var buffer = _lineBuffers.Value!;
                    for (int l = b * block; l < Math.Min(lines, (b + 1) * block); l++) TransformLine(data, l, stride, buffer, inverse);
                });
            }
        }
    }

    private void TransformLine(Complex[] data, int line, int stride, Complex[] buffer, bool inverse)
    {
        int n = _grid.Points;

        // Line l: split its index into the part above and below the axis.
        int start = line / stride * stride * n + line % stride;
        if (stride == 1 && _radix2 is not null)
        {
            _radix2.Transform(data.AsSpan(start, n), inverse);
            return;
        }

        for (int m = 0; m < n; m++) buffer[m] = data[start + m * stride];
        if (_radix2 is not null) _radix2.Transform(buffer, inverse);
        else if (inverse) Fourier.Inverse(buffer, FourierOptions.NoScaling);
        else Fourier.Forward(buffer, FourierOptions.NoScaling);
        for (int m = 0; m < n; m++) data[start + m * stride] = buffer[m];
    }
}
