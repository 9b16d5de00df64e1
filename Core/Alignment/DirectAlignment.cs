using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;

namespace MeanField.Core.Alignment;

/// <summary>
/// The alignment term of (P) by exact direct summation,
/// <c>A_i = (1/N) sum_j gamma(x_j - x_i, v_j - v_i)</c>, in O(N^2): the reference for every faster path.
/// </summary>
/// <remarks>
/// Particles i are split into fixed blocks over threads; each A_i is summed by one thread in a fixed
/// order (four SIMD lanes over j, lanes added in a fixed order, then the scalar tail), so the result
/// does not depend on the number of threads. For Cucker-Smale kernels the sum is split as
/// <c>beta/N (sum_j psi_ij v_j - v_i sum_j psi_ij)</c>. A weighted cloud (<see cref="ParticleState.Masses"/>)
/// replaces 1/N by each partner's mass m_j.
/// </remarks>
public static class DirectAlignment
{
    /// <summary>Particles per work item: small enough to balance, large enough to amortise scheduling.</summary>
    private const int BlockSize = 64;

    /// <summary>
    /// Writes A (component-major, length d N) for the particles in <paramref name="state"/>.
    /// </summary>
    /// <param name="maxThreads">Upper bound on worker threads; -1 for the runtime's choice.</param>
    public static void Compute(IAlignmentKernel kernel, ParticleState state, double[] alignment, int maxThreads = -1)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(state);
        if (alignment.Length != state.Dimension * state.Count)
            throw new ArgumentException($"alignment has length {alignment.Length}, expected d N = {state.Dimension * state.Count}", nameof(alignment));

        switch (kernel)
        {
            case NoAlignmentKernel:
                Array.Clear(alignment);
                return;
            case CuckerSmaleKernel cs:
                ComputeCuckerSmale(cs, state, alignment, maxThreads);
                return;
            case IRadialAlignmentKernel radial:
                RunBlocks(state.Count, maxThreads, (start, end) => RadialBlock(radial, state, alignment, start, end));
                return;
            case IBatchAlignmentKernel batch:
                RunBlocks(state.Count, maxThreads, (start, end) => BatchBlock(batch, state, alignment, start, end));
                return;
            default:
                RunBlocks(state.Count, maxThreads, (start, end) => GeneralBlock(kernel, state, alignment, start, end));
                return;
        }
    }

    private static void ComputeCuckerSmale(CuckerSmaleKernel cs, ParticleState state, double[] alignment, int maxThreads)
    {
        double ir2 = cs.InverseRadiusSquared;
        switch (cs.Sigma)
        {
            case 0.5:
                Dispatch(new InverseSqrtProfile(ir2), cs.Beta, state, alignment, maxThreads);
                break;
            case 1.0:
                Dispatch(new InverseProfile(ir2), cs.Beta, state, alignment, maxThreads);
                break;
            default:
                Dispatch(new PowerProfile(ir2, cs.Sigma), cs.Beta, state, alignment, maxThreads);
                break;
        }
    }

    private static void Dispatch<TProfile>(TProfile profile, double beta, ParticleState state, double[] alignment, int maxThreads)
        where TProfile : struct, IRadialProfile
    {
        if (state.Masses is { } masses) Dispatch(profile, new ExplicitMasses(masses, beta), state, alignment, maxThreads);
        else Dispatch(profile, new EqualMasses(beta / state.Count), state, alignment, maxThreads);
    }

    private static void Dispatch<TProfile, TMasses>(TProfile profile, TMasses masses, ParticleState state, double[] alignment, int maxThreads)
        where TProfile : struct, IRadialProfile
        where TMasses : struct, IMasses
    {
        switch (state.Dimension)
        {
            case 1:
                RunBlocks(state.Count, maxThreads, (s, e) => CuckerSmaleBlock<TProfile, TMasses, Dim1>(profile, masses, state, alignment, s, e));
                break;
            case 2:
                RunBlocks(state.Count, maxThreads, (s, e) => CuckerSmaleBlock<TProfile, TMasses, Dim2>(profile, masses, state, alignment, s, e));
                break;
            default:
                RunBlocks(state.Count, maxThreads, (s, e) => CuckerSmaleBlock<TProfile, TMasses, Dim3>(profile, masses, state, alignment, s, e));
                break;
        }
    }

    /// <summary>How partner j's profile value is weighted: the sums take <c>Weigh(psi_ij)</c>, then scale by <see cref="Scale"/>.</summary>
    private interface IMasses
    {
        double Scale { get; }

        Vector256<double> Weigh(Vector256<double> psi, int j);

        double Weigh(double psi, int j);
    }

    /// <summary>The empirical measure: every m_j = 1/N, folded into the scale beta/N.</summary>
    private readonly struct EqualMasses(double scale) : IMasses
    {
        public double Scale => scale;

        public Vector256<double> Weigh(Vector256<double> psi, int j) => psi;

        public double Weigh(double psi, int j) => psi;
    }

    /// <summary>A weighted cloud: psi_ij m_j, scaled by beta.</summary>
    private readonly struct ExplicitMasses(double[] masses, double beta) : IMasses
    {
        public double Scale => beta;

        public Vector256<double> Weigh(Vector256<double> psi, int j) => psi * Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(masses), (nuint)j);

        public double Weigh(double psi, int j) => psi * masses[j];
    }

    private static void RunBlocks(int count, int maxThreads, Action<int, int> block)
    {
        int blocks = (count + BlockSize - 1) / BlockSize;
        if (maxThreads == 1 || blocks == 1)
        {
            block(0, count);
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads };
        Parallel.For(0, blocks, options, b => block(b * BlockSize, Math.Min(count, (b + 1) * BlockSize)));
    }

    /// <summary>The SIMD loop, written once for every dimension and profile.</summary>
    private static void CuckerSmaleBlock<TProfile, TMasses, TDim>(TProfile profile, TMasses masses, ParticleState state, double[] alignment, int start, int end)
        where TProfile : struct, IRadialProfile
        where TMasses : struct, IMasses
        where TDim : struct, IDimension
    {
        int n = state.Count;
        int d = TDim.D;
        ref double x0 = ref MemoryMarshal.GetArrayDataReference(state.Positions);
        ref double v0 = ref MemoryMarshal.GetArrayDataReference(state.Velocities);
        ref double x1 = ref d >= 2 ? ref Unsafe.Add(ref x0, n) : ref x0;
        ref double v1 = ref d >= 2 ? ref Unsafe.Add(ref v0, n) : ref v0;
        ref double x2 = ref d >= 3 ? ref Unsafe.Add(ref x0, 2 * n) : ref x0;
        ref double v2 = ref d >= 3 ? ref Unsafe.Add(ref v0, 2 * n) : ref v0;
        int vectorEnd = n - n % Vector256<double>.Count;
        double scale = masses.Scale;

        for (int i = start; i < end; i++)
        {
            var xi0 = Vector256.Create(Unsafe.Add(ref x0, i));
            var xi1 = Vector256.Create(Unsafe.Add(ref x1, i));
            var xi2 = Vector256.Create(Unsafe.Add(ref x2, i));
            var sumPsi = Vector256<double>.Zero;
            var sum0 = Vector256<double>.Zero;
            var sum1 = Vector256<double>.Zero;
            var sum2 = Vector256<double>.Zero;
            int j = 0;
            for (; j < vectorEnd; j += Vector256<double>.Count)
            {
                var dx = Vector256.LoadUnsafe(ref x0, (nuint)j) - xi0;
                var r2 = dx * dx;
                if (d >= 2)
                {
                    dx = Vector256.LoadUnsafe(ref x1, (nuint)j) - xi1;
                    r2 = Vector256.FusedMultiplyAdd(dx, dx, r2);
                }

                if (d >= 3)
                {
                    dx = Vector256.LoadUnsafe(ref x2, (nuint)j) - xi2;
                    r2 = Vector256.FusedMultiplyAdd(dx, dx, r2);
                }

                var psi = masses.Weigh(profile.Evaluate(r2), j);
                sumPsi += psi;
                sum0 = Vector256.FusedMultiplyAdd(psi, Vector256.LoadUnsafe(ref v0, (nuint)j), sum0);
                if (d >= 2) sum1 = Vector256.FusedMultiplyAdd(psi, Vector256.LoadUnsafe(ref v1, (nuint)j), sum1);
                if (d >= 3) sum2 = Vector256.FusedMultiplyAdd(psi, Vector256.LoadUnsafe(ref v2, (nuint)j), sum2);
            }

            double sp = Vector256.Sum(sumPsi);
            double s0 = Vector256.Sum(sum0);
            double s1 = Vector256.Sum(sum1);
            double s2 = Vector256.Sum(sum2);
            double xs0 = Unsafe.Add(ref x0, i), xs1 = Unsafe.Add(ref x1, i), xs2 = Unsafe.Add(ref x2, i);
            for (; j < n; j++)
            {
                double dx = Unsafe.Add(ref x0, j) - xs0;
                double r2 = dx * dx;
                if (d >= 2)
                {
                    dx = Unsafe.Add(ref x1, j) - xs1;
                    r2 = Math.FusedMultiplyAdd(dx, dx, r2);
                }

                if (d >= 3)
                {
                    dx = Unsafe.Add(ref x2, j) - xs2;
                    r2 = Math.FusedMultiplyAdd(dx, dx, r2);
                }

                double psi = masses.Weigh(profile.Evaluate(r2), j);
                sp += psi;
                s0 = Math.FusedMultiplyAdd(psi, Unsafe.Add(ref v0, j), s0);
                if (d >= 2) s1 = Math.FusedMultiplyAdd(psi, Unsafe.Add(ref v1, j), s1);
                if (d >= 3) s2 = Math.FusedMultiplyAdd(psi, Unsafe.Add(ref v2, j), s2);
            }

            alignment[i] = scale * (s0 - Unsafe.Add(ref v0, i) * sp);
            if (d >= 2) alignment[n + i] = scale * (s1 - Unsafe.Add(ref v1, i) * sp);
            if (d >= 3) alignment[2 * n + i] = scale * (s2 - Unsafe.Add(ref v2, i) * sp);
        }
    }

    /// <summary>Pairs per batch of a radial kernel's profile: large enough to amortise a model's per-call cost, small enough to stay in cache.</summary>
    private const int ProfileBatch = 1 << 16;

    /// <summary>Any radial kernel: psi asked for over all j of several particles i at once (one batch of about <see cref="ProfileBatch"/> pairs).</summary>
    private static void RadialBlock(IRadialAlignmentKernel kernel, ParticleState state, double[] alignment, int start, int end)
    {
        int n = state.Count, d = state.Dimension;
        int rows = Math.Clamp(ProfileBatch / n, 1, end - start);
        double[] psi = ArrayPool<double>.Shared.Rent(rows * n);
        double[] r2 = ArrayPool<double>.Shared.Rent(rows * n);
        try
        {
            var x = state.Positions;
            var v = state.Velocities;
            var masses = state.Masses;
            double scale = masses is null ? kernel.Beta / n : kernel.Beta;
            for (int first = start; first < end; first += rows)
            {
                int count = Math.Min(rows, end - first);
                for (int row = 0; row < count; row++)
                {
                    int i = first + row;
                    for (int j = 0; j < n; j++)
                    {
                        double s = 0;
                        for (int a = 0; a < d; a++)
                        {
                            double dx = x[a * n + j] - x[a * n + i];
                            s += dx * dx;
                        }

                        r2[row * n + j] = s;
                    }
                }

                kernel.ProfileOfSquaredDistances(r2.AsSpan(0, count * n), psi.AsSpan(0, count * n));
                for (int row = 0; row < count; row++)
                {
                    int i = first + row, offset = row * n;
                    if (masses is not null)
                    {
                        for (int j = 0; j < n; j++) psi[offset + j] *= masses[j];
                    }

                    double sp = 0;
                    for (int j = 0; j < n; j++) sp += psi[offset + j];
                    for (int a = 0; a < d; a++)
                    {
                        double sum = 0;
                        for (int j = 0; j < n; j++) sum += psi[offset + j] * v[a * n + j];
                        alignment[a * n + i] = scale * (sum - v[a * n + i] * sp);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(psi);
            ArrayPool<double>.Shared.Return(r2);
        }
    }

    /// <summary>A batch kernel: for each particle i, the rows (x_j - x_i, v_j - v_i) of all j in one call.</summary>
    private static void BatchBlock(IBatchAlignmentKernel kernel, ParticleState state, double[] alignment, int start, int end)
    {
        int n = state.Count, d = state.Dimension;
        double[] rows = ArrayPool<double>.Shared.Rent(2 * d * n);
        double[] gamma = ArrayPool<double>.Shared.Rent(d * n);
        try
        {
            var x = state.Positions;
            var v = state.Velocities;
            var masses = state.Masses;
            for (int i = start; i < end; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int a = 0; a < d; a++)
                    {
                        rows[j * 2 * d + a] = x[a * n + j] - x[a * n + i];
                        rows[j * 2 * d + d + a] = v[a * n + j] - v[a * n + i];
                    }
                }

                kernel.EvaluateBatch(rows.AsSpan(0, 2 * d * n), gamma.AsSpan(0, d * n));
                for (int a = 0; a < d; a++)
                {
                    double sum = 0;
                    for (int j = 0; j < n; j++) sum += (masses is null ? 1 : masses[j]) * gamma[j * d + a];
                    alignment[a * n + i] = masses is null ? sum / n : sum;
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rows);
            ArrayPool<double>.Shared.Return(gamma);
        }
    }

    /// <summary>A general gamma, one pair at a time.</summary>
    private static void GeneralBlock(IAlignmentKernel kernel, ParticleState state, double[] alignment, int start, int end)
    {
        int n = state.Count, d = state.Dimension;
        Span<double> y = stackalloc double[d];
        Span<double> w = stackalloc double[d];
        Span<double> g = stackalloc double[d];
        Span<double> sum = stackalloc double[d];
        var x = state.Positions;
        var v = state.Velocities;
        var masses = state.Masses;
        for (int i = start; i < end; i++)
        {
            sum.Clear();
            for (int j = 0; j < n; j++)
            {
                for (int a = 0; a < d; a++)
                {
                    y[a] = x[a * n + j] - x[a * n + i];
                    w[a] = v[a * n + j] - v[a * n + i];
                }

                kernel.Evaluate(y, w, g);
                double m = masses is null ? 1 : masses[j];
                for (int a = 0; a < d; a++) sum[a] += m * g[a];
            }

            for (int a = 0; a < d; a++) alignment[a * n + i] = masses is null ? sum[a] / n : sum[a];
        }
    }
}
