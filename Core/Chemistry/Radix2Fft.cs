using System.Numerics;
using System.Runtime.CompilerServices;

namespace MeanField.Core.Chemistry;

/// <summary>
/// An in-place iterative radix-2 FFT of one power-of-two length, with the bit-reversal permutation
/// and the twiddle factors computed once. Unnormalised in both directions.
/// </summary>
/// <remarks>
/// MathNet's managed transform costs about 38 us for one line of 256 points here, and a grid
/// transform is hundreds of lines, so the stepper's transforms run through this table-driven kernel
/// instead; MathNet remains the path for lengths that are not powers of two, and the oracle in tests.
/// </remarks>
internal sealed class Radix2Fft
{
    private readonly int[] _reversed;
    private readonly Complex[] _twiddles;

    public Radix2Fft(int length)
    {
        if (!IsPowerOfTwo(length)) throw new ArgumentOutOfRangeException(nameof(length), length, "length must be a power of two");
        Length = length;
        int bits = BitOperations.Log2((uint)length);
        _reversed = new int[length];
        for (int i = 0; i < length; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _reversed[i] = r;
        }

        _twiddles = new Complex[Math.Max(1, length / 2)];
        for (int k = 0; k < _twiddles.Length; k++)
        {
            double angle = -2 * Math.PI * k / length;
            _twiddles[k] = new Complex(Math.Cos(angle), Math.Sin(angle));
        }
    }

    public int Length { get; }

    public static bool IsPowerOfTwo(int n) => n > 0 && (n & (n - 1)) == 0;

    /// <summary>Transforms <paramref name="data"/> in place: e^{-2 pi i jk/n} forward, e^{+...} inverse.</summary>
    public void Transform(Span<Complex> data, bool inverse)
    {
        int n = Length;
        for (int i = 0; i < n; i++)
        {
            int r = _reversed[i];
            if (r > i) (data[i], data[r]) = (data[r], data[i]);
        }

        for (int half = 1, stride = n / 2; half < n; half *= 2, stride /= 2)
        {
            for (int start = 0; start < n; start += 2 * half)
            {
                for (int j = 0; j < half; j++)
                {
                    var w = _twiddles[j * stride];
                    if (inverse) w = Complex.Conjugate(w);
                    ref Complex a = ref data[start + j];
                    ref Complex b = ref data[start + j + half];
                    var t = Multiply(w, b);
                    b = a - t;
                    a += t;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Complex Multiply(Complex w, Complex b) =>
        new(w.Real * b.Real - w.Imaginary * b.Imaginary, w.Real * b.Imaginary + w.Imaginary * b.Real);
}
