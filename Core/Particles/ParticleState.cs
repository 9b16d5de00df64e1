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

    public Span<double> X(int component) => Positions.AsSpan(component * Count, Count);

    public Span<double> V(int component) => Velocities.AsSpan(component * Count, Count);

    public ParticleState Clone()
    {
        var copy = new ParticleState(Dimension, Count);
        CopyTo(copy);
        return copy;
    }

    public void CopyTo(ParticleState target)
    {
        if (target.Dimension != Dimension || target.Count != Count) throw new ArgumentException("states differ in shape", nameof(target));
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
