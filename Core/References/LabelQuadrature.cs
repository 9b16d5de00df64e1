using MathNet.Numerics.Integration;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Core.References;

/// <summary>
/// A quadrature of the initial labels y in supp(mu_in) for monokinetic data: each label is a weighted
/// particle at y with mass mu_in(y) dy and velocity u_in(y). In d = 1 the support [c - R, c + R] is cut
/// into equal cells with <see cref="Order"/> Gauss-Legendre nodes each; in d = 2 the disc is mapped to
/// polar coordinates (r, theta): Gauss-Legendre cells in r, and <see cref="Angles"/> equally spaced
/// angles (the trapezoidal rule, spectrally accurate for periodic integrands).
/// </summary>
/// <remarks>
/// Labels are stored cell by cell: in d = 1 label <c>cell * Order + k</c>; in d = 2 label
/// <c>(angle * Cells + cell) * Order + k</c>. The masses are normalised to sum to 1, so mu_in need only
/// be known up to its constant. The layout is what <see cref="RelativeJacobians"/> differentiates.
/// </remarks>
public sealed class LabelQuadrature
{
    private readonly double[] _derivative;
    private readonly double[] _initialJacobian;

    private LabelQuadrature(MonokineticSpec data, int dimension, int cells, int order, int angles)
    {
        Data = data;
        Dimension = dimension;
        Cells = cells;
        Order = order;
        Angles = angles;
        var rule = new GaussLegendreRule(-1, 1, order);
        double[] xi = rule.Abscissas, weight = rule.Weights;
        Labels = cells * order * angles;
        double width = (dimension == 1 ? 2 * data.Radius : data.Radius) / cells;
        _derivative = DerivativeMatrix(xi, 2 / width);
        Initial = new double[dimension * Labels];
        InitialVelocities = new double[dimension * Labels];
        Density = new double[Labels];
        var masses = new double[Labels];
        Span<double> y = stackalloc double[dimension];
        Span<double> u = stackalloc double[dimension];
        for (int m = 0; m < angles; m++)
        {
            double theta = 2 * Math.PI * m / angles;
            for (int c = 0; c < cells; c++)
            {
                for (int k = 0; k < order; k++)
                {
                    int label = (m * cells + c) * order + k;
                    double s = (c + 0.5 * (xi[k] + 1)) * width;
                    double measure = 0.5 * width * weight[k];
                    if (dimension == 1)
                    {
                        y[0] = data.Center[0] - data.Radius + s;
                    }
                    else
                    {
                        y[0] = data.Center[0] + s * Math.Cos(theta);
                        y[1] = data.Center[1] + s * Math.Sin(theta);
                        measure *= s * 2 * Math.PI / angles;
                    }

                    Density[label] = data.UnnormalisedDensity(y);
                    masses[label] = measure * Density[label];
                    data.Velocity.Evaluate(y, u);
                    for (int a = 0; a < dimension; a++)
                    {
                        Initial[a * Labels + label] = y[a];
                        InitialVelocities[a * Labels + label] = u[a];
                    }
                }
            }
        }

        double total = masses.Sum();
        for (int j = 0; j < Labels; j++)
        {
            masses[j] /= total;
            Density[j] /= total;
        }

        Masses = masses;
        _initialJacobian = new double[Labels];
        RawJacobians(Initial, _initialJacobian);
    }

    /// <summary>Labels for <paramref name="data"/> in dimension 1 or 2 with <paramref name="cells"/> cells (in r for d = 2) of <paramref name="order"/> nodes.</summary>
    /// <param name="angles">Angles in d = 2 (default 4 pi cells order / 2, rounded to a multiple of 4); ignored in d = 1.</param>
    public static LabelQuadrature Create(MonokineticSpec data, int dimension, int cells, int order = 4, int angles = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (dimension is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "the Lagrangian labels are built in d = 1 and 2");
        if (cells < 1) throw new ArgumentOutOfRangeException(nameof(cells), cells, "at least one cell");
        if (order is < 2 or > 12) throw new ArgumentOutOfRangeException(nameof(order), order, "Gauss-Legendre order must be in 2..12");
        if (dimension == 1) angles = 1;
        else if (angles == 0) angles = Math.Max(16, 4 * (int)Math.Ceiling(Math.PI * cells * order / 2));
        else if (angles < 8) throw new ArgumentOutOfRangeException(nameof(angles), angles, "at least 8 angles");
        return new LabelQuadrature(data, dimension, cells, order, angles);
    }

    public MonokineticSpec Data { get; }

    public int Dimension { get; }

    /// <summary>Cells along the support (d = 1) or along the radius (d = 2).</summary>
    public int Cells { get; }

    /// <summary>Gauss-Legendre nodes per cell.</summary>
    public int Order { get; }

    /// <summary>Equally spaced angles (d = 2; 1 in d = 1).</summary>
    public int Angles { get; }

    public int Labels { get; }

    /// <summary>The labels y (component-major).</summary>
    public double[] Initial { get; }

    /// <summary>u_in(y) at the labels (component-major).</summary>
    public double[] InitialVelocities { get; }

    /// <summary>Each label's mass mu_in(y_j) dy_j (summing to 1).</summary>
    public double[] Masses { get; }

    /// <summary>mu_in(y_j), normalised consistently with <see cref="Masses"/>.</summary>
    public double[] Density { get; }

    /// <summary>The labels as a weighted cloud at t = 0 (v = u_in(y)).</summary>
    public ParticleState ToState()
    {
        var state = new ParticleState(Dimension, Labels) { Masses = Masses };
        Initial.CopyTo(state.Positions, 0);
        InitialVelocities.CopyTo(state.Velocities, 0);
        return state;
    }

    /// <summary>
    /// The Jacobian det(dx(t, y)/dy) of the flow at every label, from the positions the labels have
    /// reached: differentiation of the degree-(Order - 1) interpolant within each Gauss cell (and, in
    /// d = 2, fourth-order periodic differences in the angle), divided by the same quantity at t = 0.
    /// It is 1 at t = 0; it reaches 0 where characteristics cross.
    /// </summary>
    public void RelativeJacobians(double[] positions, Span<double> jacobians)
    {
        RawJacobians(positions, jacobians);
        for (int j = 0; j < Labels; j++) jacobians[j] /= _initialJacobian[j];
    }

    private void RawJacobians(double[] positions, Span<double> jacobians)
    {
        int p = Order, n = Labels;
        double dTheta = 2 * Math.PI / Angles;
        for (int m = 0; m < Angles; m++)
        {
            for (int c = 0; c < Cells; c++)
            {
                int first = (m * Cells + c) * p;
                for (int k = 0; k < p; k++)
                {
                    int label = first + k;
                    double dx0 = 0, dx1 = 0;
                    for (int l = 0; l < p; l++)
                    {
                        dx0 += _derivative[k * p + l] * positions[first + l];
                        if (Dimension == 2) dx1 += _derivative[k * p + l] * positions[n + first + l];
                    }

                    if (Dimension == 1)
                    {
                        jacobians[label] = dx0;
                        continue;
                    }

                    // d/dtheta by the fourth-order central difference over the neighbouring angles.
                    int Wrap(int q) => ((q % Angles) + Angles) % Angles;
                    int At(int q) => (Wrap(m + q) * Cells + c) * p + k;
                    double t0 = (8 * (positions[At(1)] - positions[At(-1)]) - (positions[At(2)] - positions[At(-2)])) / (12 * dTheta);
                    double t1 = (8 * (positions[n + At(1)] - positions[n + At(-1)]) - (positions[n + At(2)] - positions[n + At(-2)])) / (12 * dTheta);
                    jacobians[label] = dx0 * t1 - dx1 * t0;
                }
            }
        }
    }

    /// <summary>D[k, l] = l_l'(xi_k) times the scale: the derivative of the Lagrange interpolant through the nodes.</summary>
    private static double[] DerivativeMatrix(double[] xi, double scale)
    {
        int p = xi.Length;
        var d = new double[p * p];
        var barycentric = new double[p];
        for (int l = 0; l < p; l++)
        {
            double product = 1;
            for (int q = 0; q < p; q++) if (q != l) product *= xi[l] - xi[q];
            barycentric[l] = 1 / product;
        }

        for (int k = 0; k < p; k++)
        {
            double diagonal = 0;
            for (int l = 0; l < p; l++)
            {
                if (l == k) continue;
                d[k * p + l] = barycentric[l] / barycentric[k] / (xi[k] - xi[l]) * scale;
                diagonal -= d[k * p + l];
            }

            d[k * p + k] = diagonal;
        }

        return d;
    }
}
