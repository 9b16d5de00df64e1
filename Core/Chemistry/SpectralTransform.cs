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
        _lineBuffers = new ThreadLocal<Complex[]>(() => new Complex[Batch * grid.Points]);
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
                TransformLines(data, 0, lines, stride, inverse);
            }
            else
            {
                // Blocks of lines per work item; each line is transformed the same way whoever does it.
                const int block = 32;
                Parallel.For(0, (lines + block - 1) / block, _options, b => TransformLines(data, b * block, Math.Min(lines, (b + 1) * block), stride, inverse));
            }
        }
    }

    /// <summary>Lines batched per transform along an axis: how many neighbouring lines are gathered at once.</summary>
    private const int Batch = 8;

    /// <summary>
    /// Transforms lines [first, end) along the axis with the given stride. Contiguous lines are done in
    /// place; strided ones are gathered in batches of neighbours, so each memory row read serves several lines.
    /// </summary>
    private void TransformLines(Complex[] data, int first, int end, int stride, bool inverse)
    {
        int n = _grid.Points;
        var buffer = _lineBuffers.Value!;
        for (int l = first; l < end;)
        {
            // Line l: split its index into the part above and below the axis.
            int below = l % stride, start = l / stride * stride * n + below;
            if (stride == 1)
            {
                TransformOne(data.AsSpan(start, n), inverse);
                l++;
                continue;
            }

            int count = Math.Min(Batch, Math.Min(end - l, stride - below));
            for (int m = 0; m < n; m++)
            {
                int row = start + m * stride;
                for (int b = 0; b < count; b++) buffer[b * n + m] = data[row + b];
            }

            for (int b = 0; b < count; b++) TransformOne(buffer.AsSpan(b * n, n), inverse);
            for (int m = 0; m < n; m++)
            {
                int row = start + m * stride;
                for (int b = 0; b < count; b++) data[row + b] = buffer[b * n + m];
            }

            l += count;
        }
    }

    private void TransformOne(Span<Complex> line, bool inverse)
    {
        if (_radix2 is not null)
        {
            _radix2.Transform(line, inverse);
            return;
        }

        // MathNet takes arrays: lengths that are not powers of two go through a copy.
        var copy = line.ToArray();
        if (inverse) Fourier.Inverse(copy, FourierOptions.NoScaling);
        else Fourier.Forward(copy, FourierOptions.NoScaling);
        copy.CopyTo(line);
    }
}
