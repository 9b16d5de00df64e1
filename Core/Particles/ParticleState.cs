namespace MeanField.Core.Particles;

/// <summary>
/// N particles in R^d as structure-of-arrays: component a of particle i sits at <c>a * N + i</c> in
/// <see cref="Positions"/> and <see cref="Velocities"/>, so each component is one contiguous span.
/// </summary>
public sealed class ParticleState
{
    public ParticleState(int dimension, int count)
    {
        if (dimension is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be 1, 2 or 3");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a particle system needs at least one particle");
        Dimension = dimension;
        Count = count;
        Positions = new double[dimension * count];
        Velocities = new double[dimension * count];
    }

    public int Dimension { get; }

    public int Count { get; }

    /// <summary>x, component-major: <c>Positions[a * Count + i]</c>.</summary>
    public double[] Positions { get; }

    /// <summary>v, component-major: <c>Velocities[a * Count + i]</c>.</summary>
    public double[] Velocities { get; }

    /// <summary>
    /// The particles' masses m_i (positive, summing to 1), or null for the empirical measure
    /// (every m_i = 1/N). Shared, not copied, by <see cref="Clone"/>: the masses never change in a run.
    /// </summary>
    public double[]? Masses
    {
        get => _masses;
        init
        {
            if (value is not null)
            {
                if (value.Length != Count) throw new ArgumentException($"masses has length {value.Length}, expected N = {Count}", nameof(Masses));
                double total = 0;
                for (int i = 0; i < value.Length; i++)
                {
                    if (!(value[i] > 0) || !double.IsFinite(value[i]))
                        throw new ArgumentOutOfRangeException(nameof(Masses), value[i], $"mass of particle {i} must be finite and > 0");
                    total += value[i];
                }

                if (Math.Abs(total - 1) > 1e-9)
                    throw new ArgumentException($"the masses sum to {total:R}, not 1", nameof(Masses));
            }

            _masses = value;
        }
    }

    private readonly double[]? _masses;

    /// <summary>The mass of particle i (1/N for the empirical measure).</summary>
    public double Mass(int i) => _masses is null ? 1.0 / Count : _masses[i];

    public Span<double> X(int component) => Positions.AsSpan(component * Count, Count);

    public Span<double> V(int component) => Velocities.AsSpan(component * Count, Count);

    /// <summary>The smallest and largest position component <paramref name="component"/> over the particles (NaN if any is NaN).</summary>
    public (double Min, double Max) PositionRange(int component)
    {
        ReadOnlySpan<double> x = X(component);
        return (System.Numerics.Tensors.TensorPrimitives.Min(x), System.Numerics.Tensors.TensorPrimitives.Max(x));
    }

    public ParticleState Clone()
    {
        var copy = new ParticleState(Dimension, Count) { Masses = _masses };
        CopyTo(copy);
        return copy;
    }

    /// <summary>A copy with other masses (null: the empirical measure, every m_i = 1/N).</summary>
    public ParticleState WithMasses(double[]? masses)
    {
        var copy = new ParticleState(Dimension, Count) { Masses = masses };
        Positions.CopyTo(copy.Positions, 0);
        Velocities.CopyTo(copy.Velocities, 0);
        return copy;
    }

    public void CopyTo(ParticleState target)
    {
        if (target.Dimension != Dimension || target.Count != Count) throw new ArgumentException("states differ in shape", nameof(target));
        if (!ReferenceEquals(target.Masses, Masses) && !(target.Masses ?? []).AsSpan().SequenceEqual(Masses ?? []))
            throw new ArgumentException("states differ in their masses", nameof(target));
        Positions.CopyTo(target.Positions, 0);
        Velocities.CopyTo(target.Velocities, 0);
    }

    /// <summary>Copies particle i's position into <paramref name="x"/> (length d).</summary>
    public void GetPosition(int i, Span<double> x)
    {
        for (int a = 0; a < Dimension; a++) x[a] = Positions[a * Count + i];
    }

    public void GetVelocity(int i, Span<double> v)
    {
        for (int a = 0; a < Dimension; a++) v[a] = Velocities[a * Count + i];
    }
}
