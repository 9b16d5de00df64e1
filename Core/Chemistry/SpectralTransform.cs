using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace MeanField.Core.Chemistry;

/// <summary>
/// In-place FFT of a grid function, unnormalised forward and 1/G inverse (so the zero mode holds the
/// sum of the nodal values), in one, two or three dimensions.
/// </summary>
/// <remarks>
/// MathNet's managed provider transforms one dimension only, so a d-dimensional transform is done as
/// 1-D transforms along each axis in turn (the transform is separable), through a line buffer.
/// </remarks>
internal sealed class SpectralTransform
{
    private readonly PeriodicGrid _grid;
    private readonly Complex[] _line;

    public SpectralTransform(PeriodicGrid grid)
    {
        _grid = grid;
        _line = new Complex[grid.Points];
    }

    public void Forward(Complex[] data) => Transform(data, inverse: false);

    public void Inverse(Complex[] data) => Transform(data, inverse: true);

    private void Transform(Complex[] data, bool inverse)
    {
        int n = _grid.Points;
        for (int axis = 0; axis < _grid.Dimension; axis++)
        {
            int stride = _grid.Strides[axis];
            int lines = data.Length / n;
            for (int l = 0; l < lines; l++)
            {
                // Line l: the index with this axis removed; split it into the part above and below the axis.
                int below = l % stride, above = l / stride;
                int start = above * stride * n + below;
                for (int m = 0; m < n; m++) _line[m] = data[start + m * stride];
                if (inverse) Fourier.Inverse(_line, FourierOptions.Matlab);
                else Fourier.Forward(_line, FourierOptions.Matlab);
                for (int m = 0; m < n; m++) data[start + m * stride] = _line[m];
            }
        }
    }
}
