namespace MeanField.Core.Transport;

/// <summary>
/// A weighted cloud of n points in R^D: point i is <c>Coordinates[i * D .. i * D + D)</c> (row-major,
/// so one point's coordinates are contiguous for on-the-fly costs) with weight <c>Weights[i]</c>.
/// Validated on construction: at least one point, finite coordinates, non-negative finite weights
/// with a positive total.
/// </summary>
public sealed class PointCloud
{
    public PointCloud(int dimension, double[] coordinates, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "the dimension must be >= 1");
        if (coordinates.Length == 0) throw new ArgumentException("the cloud is empty: a distance needs at least one point", nameof(coordinates));
        if (coordinates.Length % dimension != 0)
            throw new ArgumentException($"{coordinates.Length} coordinates do not make whole points of dimension {dimension}", nameof(coordinates));
        Dimension = dimension;
        Count = coordinates.Length / dimension;
        for (int k = 0; k < coordinates.Length; k++)
        {
            if (!double.IsFinite(coordinates[k]))
                throw new ArgumentException($"point {k / dimension}, coordinate {k % dimension} is {coordinates[k]}: coordinates must be finite", nameof(coordinates));
        }

        Coordinates = coordinates;
        if (weights is null)
        {
            Weights = Enumerable.Repeat(1.0 / Count, Count).ToArray();
            IsUniform = true;
        }
        else
        {
            if (weights.Length != Count) throw new ArgumentException($"{weights.Length} weights for {Count} points", nameof(weights));
            for (int i = 0; i < weights.Length; i++)
            {
                if (!(weights[i] >= 0) || !double.IsFinite(weights[i]))
                    throw new ArgumentException($"weight {i} is {weights[i]}: weights must be finite and >= 0", nameof(weights));
            }

            if (!(weights.Sum() > 0)) throw new ArgumentException("the weights sum to zero", nameof(weights));
            Weights = weights;
        }

        Mass = Weights.Sum();
    }

    /// <summary>
    /// Cells as a cloud in phase space R^(2d): point i is (x_i, v_i), weighted by the cells' masses
    /// (equal unless the state carries <see cref="Particles.ParticleState.Masses"/>).
    /// </summary>
    public static PointCloud PhaseSpace(Particles.ParticleState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int d = state.Dimension, n = state.Count;
        var coordinates = new double[2 * d * n];
        for (int i = 0; i < n; i++)
        {
            for (int a = 0; a < d; a++)
            {
                coordinates[i * 2 * d + a] = state.Positions[a * n + i];
                coordinates[i * 2 * d + d + a] = state.Velocities[a * n + i];
            }
        }

        return new PointCloud(2 * d, coordinates, state.Masses is null ? null : (double[])state.Masses.Clone());
    }

    public int Dimension { get; }

    /// <summary>Number of points n.</summary>
    public int Count { get; }

    /// <summary>Row-major coordinates, length n D.</summary>
    public double[] Coordinates { get; }

    public double[] Weights { get; }

    /// <summary>Total weight.</summary>
    public double Mass { get; }

    /// <summary>True when every point carries weight 1/n (no weights were given).</summary>
    public bool IsUniform { get; }

    public ReadOnlySpan<double> Point(int i) => Coordinates.AsSpan(i * Dimension, Dimension);
}
