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
/// A zero-padded box (a linear convolution) needs fewer lines: <see cref="ForwardPadded"/> skips the
/// lines that are still zero, <see cref="InverseCropped"/> those whose results are not wanted. Every
/// line they do transform is transformed as the full transform does it, so the values they give agree
/// with it bit for bit.
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

    public void Forward(Complex[] data) => Transform(data, inverse: false, _grid.Points);

    public void Inverse(Complex[] data)
    {
        Transform(data, inverse: true, _grid.Points);
        double scale = 1.0 / data.Length;
        for (int k = 0; k < data.Length; k++) data[k] *= scale;
    }

    /// <summary>
    /// The forward transform of a grid function that is zero at every node with an index of
    /// <paramref name="occupied"/> or more along some axis; those nodes are not read (they may hold
    /// anything). Axis by axis, only the lines not yet known to be zero are transformed.
    /// </summary>
    public void ForwardPadded(Complex[] data, int occupied) => Transform(data, inverse: false, Checked(occupied));

    /// <summary>
    /// The inverse transform, correct at the nodes whose index along every axis is below
    /// <paramref name="occupied"/>; the others are left with partial results. Axis by axis, only the
    /// lines those nodes depend on are transformed.
    /// </summary>
    public void InverseCropped(Complex[] data, int occupied)
    {
        occupied = Checked(occupied);
        Transform(data, inverse: true, occupied);
        double scale = 1.0 / data.Length;
        int d = _grid.Dimension, rows = 1;
        for (int a = 0; a < d - 1; a++) rows *= occupied;
        // The occupied nodes by rows of the last axis: row r's indices along the other axes are r's digits base occupied.
        for (int r = 0; r < rows; r++)
        {
            int start = 0;
            for (int a = d - 2, rest = r; a >= 0; a--, rest /= occupied) start += rest % occupied * _grid.Strides[a];
            for (int k = start; k < start + occupied; k++) data[k] *= scale;
        }
    }

    /// <summary>The occupied nodes per axis, refused outside [1, points].</summary>
    private int Checked(int occupied)
    {
        if (occupied < 1 || occupied > _grid.Points) throw new ArgumentOutOfRangeException(nameof(occupied), occupied, $"the occupied nodes per axis must be in [1, {_grid.Points}]");
        return occupied;
    }

    /// <param name="occupied">Nodes per axis that matter: below <see cref="PeriodicGrid.Points"/>, the forward transform takes the others as zero and the inverse leaves them out.</param>
    private void Transform(Complex[] data, bool inverse, int occupied)
    {
        int lines = data.Length / _grid.Points;
        for (int axis = 0; axis < _grid.Dimension; axis++)
        {
            int stride = _grid.Strides[axis];
            var pass = new Pass(stride, inverse, occupied, _grid);
            if (lines < 64 || _maxThreads == 1)
            {
                TransformLines(data, 0, lines, pass);
            }
            else
            {
                // Blocks of lines per work item; each line is transformed the same way whoever does it.
                const int block = 32;
                Parallel.For(0, (lines + block - 1) / block, _options, b => TransformLines(data, b * block, Math.Min(lines, (b + 1) * block), pass));
            }
        }
    }

    /// <summary>
    /// One axis's pass. A line along the axis is indexed by the axes before it (l / stride) and after it
    /// (l % stride). Forward, the axes after it are not yet transformed, so a line with an index of
    /// <see cref="Occupied"/> or more along one of them is zero and skipped, and along the axis itself the
    /// nodes from <see cref="Occupied"/> on are taken as zero. Inverse, the axes before it are done, and
    /// only their first <see cref="Occupied"/> indices are wanted.
    /// </summary>
    private readonly record struct Pass(int Stride, bool Inverse, int Occupied, PeriodicGrid Grid)
    {
        public bool Pruned => Occupied < Grid.Points;

        public bool Needed(int line)
        {
            if (!Pruned) return true;
            // Forward: the digits (base n) of the index after the axis; inverse: those before it.
            int rest = Inverse ? line / Stride : line % Stride, n = Grid.Points;
            for (; rest > 0; rest /= n)
                if (rest % n >= Occupied) return false;
            return true;
        }

        /// <summary>Nodes along the line read from the data; the rest are zero (forward, pruned) or read too.</summary>
        public int Read => Pruned && !Inverse ? Occupied : Grid.Points;
    }

    /// <summary>Lines batched per transform along an axis: how many neighbouring lines are gathered at once.</summary>
    private const int Batch = 8;

    /// <summary>
    /// Transforms lines [first, end) along the axis with the given stride. Contiguous lines are done in
    /// place; strided ones are gathered in batches of neighbours, so each memory row read serves several lines.
    /// </summary>
    private void TransformLines(Complex[] data, int first, int end, Pass pass)
    {
        int n = _grid.Points, stride = pass.Stride, read = pass.Read;
        bool inverse = pass.Inverse;
        var buffer = _lineBuffers.Value!;
        for (int l = first; l < end;)
        {
            if (!pass.Needed(l))
            {
                l++;
                continue;
            }

            // Line l: split its index into the part above and below the axis.
            int below = l % stride, start = l / stride * stride * n + below;
            if (stride == 1)
            {
                var line = data.AsSpan(start, n);
                line[read..].Clear();
                TransformOne(line, inverse);
                l++;
                continue;
            }

            int count = Math.Min(Batch, Math.Min(end - l, stride - below));
            for (int b = 1; b < count; b++)
            {
                if (pass.Needed(l + b)) continue;
                count = b;
                break;
            }

            for (int m = 0; m < read; m++)
            {
                int row = start + m * stride;
                for (int b = 0; b < count; b++) buffer[b * n + m] = data[row + b];
            }

            for (int b = 0; b < count; b++) buffer.AsSpan(b * n + read, n - read).Clear();

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
