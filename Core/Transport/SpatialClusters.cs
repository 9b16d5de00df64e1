namespace MeanField.Core.Transport;

/// <summary>
/// A cloud cut into clusters of nearby points by recursive median bisection along the widest
/// coordinate (the leaves of a k-d tree), each with its bounding box. The points are reordered so
/// that every cluster is a contiguous range; bounds on the cost between two boxes then let a solver
/// skip whole blocks of pairs.
/// </summary>
internal sealed class SpatialClusters
{
    private SpatialClusters(PointCloud cloud, int[] order, int[] starts, double[] lower, double[] upper)
    {
        Cloud = cloud;
        Order = order;
        Starts = starts;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The cloud in cluster order: cluster c is points [Starts[c], Starts[c + 1]).</summary>
    public PointCloud Cloud { get; }

    /// <summary>Point i of <see cref="Cloud"/> is point <c>Order[i]</c> of the cloud it was built from.</summary>
    public int[] Order { get; }

    /// <summary>Cluster boundaries, length <see cref="Count"/> + 1.</summary>
    public int[] Starts { get; }

    /// <summary>Box corners, <c>Lower[c * D + k]</c> and <c>Upper[c * D + k]</c>.</summary>
    public double[] Lower { get; }

    public double[] Upper { get; }

    public int Count => Starts.Length - 1;

    /// <summary>
    /// Clusters of at most <paramref name="leafSize"/> points (and more than half of it, except for
    /// tiny clouds). With <paramref name="equalSizes"/>, when the leaf size divides the count, every
    /// cluster has exactly that many points: each cut falls at a whole number of leaves next to the
    /// median rather than at the median.
    /// </summary>
    public static SpatialClusters Build(PointCloud cloud, int leafSize, bool equalSizes = false)
    {
        int n = cloud.Count, dim = cloud.Dimension;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var starts = new List<int> { 0 };
        var keys = new double[n];
        bool whole = equalSizes && n % leafSize == 0;
        Split(0, n);

        var coordinates = new double[n * dim];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            cloud.Point(order[i]).CopyTo(coordinates.AsSpan(i * dim, dim));
            weights[i] = cloud.Weights[order[i]];
        }

        var reordered = new PointCloud(dim, coordinates, weights);
        int count = starts.Count - 1;
        var lower = new double[count * dim];
        var upper = new double[count * dim];
        for (int c = 0; c < count; c++)
        {
            for (int k = 0; k < dim; k++)
            {
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                for (int i = starts[c]; i < starts[c + 1]; i++)
                {
                    lo = Math.Min(lo, coordinates[i * dim + k]);
                    hi = Math.Max(hi, coordinates[i * dim + k]);
                }

                lower[c * dim + k] = lo;
                upper[c * dim + k] = hi;
            }
        }

        return new SpatialClusters(reordered, order, starts.ToArray(), lower, upper);

        void Split(int start, int end)
        {
            if (end - start <= leafSize)
            {
                starts.Add(end);
                return;
            }

            int widest = 0;
            double width = -1;
            for (int k = 0; k < dim; k++)
            {
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                for (int i = start; i < end; i++)
                {
                    double x = cloud.Coordinates[order[i] * dim + k];
                    lo = Math.Min(lo, x);
                    hi = Math.Max(hi, x);
                }

                if (hi - lo > width) (width, widest) = (hi - lo, k);
            }

            for (int i = start; i < end; i++) keys[i] = cloud.Coordinates[order[i] * dim + widest];
            // Array.Sort is deterministic for a given input, so the clusters (and every sum over them) are reproducible.
            Array.Sort(keys, order, start, end - start);
            int middle = whole ? start + leafSize * ((end - start) / leafSize / 2) : start + (end - start) / 2;
            Split(start, middle);
            Split(middle, end);
        }
    }

    /// <summary>Smallest squared distance between the boxes of cluster <paramref name="c"/> here and cluster <paramref name="d"/> of <paramref name="other"/>.</summary>
    public double MinSquaredDistance(int c, SpatialClusters other, int d)
    {
        int dim = Cloud.Dimension;
        double s = 0;
        for (int k = 0; k < dim; k++)
        {
            double gap = Math.Max(0, Math.Max(other.Lower[d * dim + k] - Upper[c * dim + k], Lower[c * dim + k] - other.Upper[d * dim + k]));
            s += gap * gap;
        }

        return s;
    }

    /// <summary>Largest squared distance from the box of cluster <paramref name="c"/> to the point <paramref name="y"/>.</summary>
    public double MaxSquaredDistance(int c, ReadOnlySpan<double> y)
    {
        int dim = Cloud.Dimension;
        double s = 0;
        for (int k = 0; k < dim; k++)
        {
            double far = Math.Max(Math.Abs(y[k] - Lower[c * dim + k]), Math.Abs(Upper[c * dim + k] - y[k]));
            s += far * far;
        }

        return s;
    }

    /// <summary>The median over clusters of the box diagonal: the scale below which a cluster is not a point.</summary>
    public double MedianDiameter()
    {
        int dim = Cloud.Dimension;
        var diagonals = new double[Count];
        for (int c = 0; c < Count; c++)
        {
            double s = 0;
            for (int k = 0; k < dim; k++) s += (Upper[c * dim + k] - Lower[c * dim + k]) * (Upper[c * dim + k] - Lower[c * dim + k]);
            diagonals[c] = Math.Sqrt(s);
        }

        Array.Sort(diagonals);
        return diagonals[Count / 2];
    }

    /// <summary>One point per cluster at its barycentre (the box centre for a cluster without mass), carrying the cluster's mass.</summary>
    public PointCloud Barycentres()
    {
        int dim = Cloud.Dimension;
        var coordinates = new double[Count * dim];
        var weights = new double[Count];
        for (int c = 0; c < Count; c++)
        {
            double mass = 0;
            for (int i = Starts[c]; i < Starts[c + 1]; i++) mass += Cloud.Weights[i];
            for (int k = 0; k < dim; k++)
            {
                double s = 0;
                for (int i = Starts[c]; i < Starts[c + 1]; i++) s += Cloud.Weights[i] * Cloud.Coordinates[i * dim + k];
                coordinates[c * dim + k] = mass > 0 ? s / mass : 0.5 * (Lower[c * dim + k] + Upper[c * dim + k]);
            }

            weights[c] = mass;
        }

        return new PointCloud(dim, coordinates, weights);
    }
}
