using MeanField.Core.Kernels;

namespace MeanField.Core.Scenarios;

/// <summary>
/// Everything that defines a run of the hybrid model (P): the same scenario and seed give the same
/// bits. Read from YAML by <see cref="ScenarioReader"/>, written back by <see cref="ScenarioWriter"/>.
/// </summary>
public sealed record Scenario
{
    /// <summary>The same scenario with <paramref name="points"/> grid nodes per axis and time step <paramref name="step"/> (for refinement studies; the output interval is kept when it is still a whole number of steps, else set to the horizon).</summary>
    public Scenario WithResolution(int points, double step)
    {
        double steps = Time.OutputInterval / step;
        double output = Math.Abs(steps - Math.Round(steps)) < 1e-9 ? Time.OutputInterval : Time.Horizon;
        return this with { Domain = Domain with { Grid = points }, Time = Time with { Step = step, OutputInterval = output } };
    }

    /// <summary>The same scenario with other time settings (for refinement studies).</summary>
    public Scenario WithTime(double horizon, double step, double outputInterval) =>
        this with { Time = new TimeSettings(horizon, step, outputInterval) };

    /// <summary>The same scenario on another periodic box: side <paramref name="box"/> with <paramref name="points"/> nodes per axis, the same centre.</summary>
    public Scenario WithDomain(double box, int points) => this with { Domain = Domain with { Box = box, Grid = points } };

    /// <summary>The same scenario with another alignment kernel (the evaluation method kept).</summary>
    public Scenario WithAlignment(AlignmentSpec alignment) =>
        this with { Alignment = alignment with { Method = Alignment.Method, MeshSpacing = Alignment.MeshSpacing } };

    /// <summary>The same scenario with other chemotaxis constants.</summary>
    public Scenario WithChemotaxis(ChemotaxisSpec chemotaxis) => this with { Chemotaxis = chemotaxis };

    /// <summary>The same scenario with another external force.</summary>
    public Scenario WithExternalForce(ExternalForceSpec force) => this with { ExternalForce = force };

    /// <summary>
    /// The same model in dimension <paramref name="dimension"/> with the initial law <paramref name="law"/>
    /// (of that dimension), the box centred at the origin; kernels and field constants are dimension-free.
    /// </summary>
    /// <exception cref="ArgumentException">A part of the scenario that has a dimension of its own (a constant force, a Gaussian initial field).</exception>
    public Scenario InDimension(int dimension, InitialDataSpec law)
    {
        ArgumentNullException.ThrowIfNull(law);
        if (dimension == Dimension) return this with { Initial = law };
        if (ExternalForce is ConstantForceSpec) throw new ArgumentException("a constant external force has the scenario's dimension", nameof(dimension));
        if (Chemotaxis.InitialField is GaussianFieldSpec) throw new ArgumentException("a Gaussian initial field has the scenario's dimension", nameof(dimension));
        return this with { Dimension = dimension, Initial = law, Domain = Domain with { Center = new double[dimension] } };
    }

    /// <summary>Space dimension d in {1, 2, 3}; phase space has dimension 2d.</summary>
    public required int Dimension { get; init; }

    /// <summary>Number of cells N.</summary>
    public required int Particles { get; init; }

    /// <summary>Seed of the initial-data sampler.</summary>
    public required int Seed { get; init; }

    public required TimeSettings Time { get; init; }

    public required AlignmentSpec Alignment { get; init; }

    public required ChemotaxisSpec Chemotaxis { get; init; }

    public required ExternalForceSpec ExternalForce { get; init; }

    public required DomainSpec Domain { get; init; }

    public required InitialDataSpec Initial { get; init; }

    /// <summary>A speed above which the run is declared blown up.</summary>
    public required double MaxSpeed { get; init; }

    /// <summary>Number of time steps, T / dt (validated to be a whole number).</summary>
    public int StepCount => (int)Math.Round(Time.Horizon / Time.Step);

    /// <summary>Steps between two outputs.</summary>
    public int StepsPerOutput => (int)Math.Round(Time.OutputInterval / Time.Step);
}

/// <summary>Horizon T, step dt and output interval; T and the interval are whole multiples of dt.</summary>
public sealed record TimeSettings(double Horizon, double Step, double OutputInterval);

/// <summary>How the alignment sum is evaluated.</summary>
public enum AlignmentMethod
{
    /// <summary>Exact direct summation, O(N^2): the reference.</summary>
    Direct,

    /// <summary>Particle-mesh convolutions, O(N + G log G), for Cucker-Smale kernels: error O(h^6) in the spacing h.</summary>
    Mesh,
}

/// <summary>The alignment kernel gamma, and how its sum is evaluated.</summary>
public abstract record AlignmentSpec
{
    public abstract IAlignmentKernel Build();

    /// <summary><c>alignment.method</c>: direct (default) or mesh.</summary>
    public AlignmentMethod Method { get; init; } = AlignmentMethod.Direct;

    /// <summary><c>alignment.mesh_spacing</c>: the grid spacing h of the mesh method.</summary>
    public double MeshSpacing { get; init; } = DefaultMeshSpacing;

    /// <summary>h = 0.05: an error near 1e-9 of the alignment for profiles varying on the unit scale.</summary>
    public const double DefaultMeshSpacing = 0.05;

    /// <summary>Whether the mesh method can sum it: a Cucker-Smale-type kernel, gamma = beta psi(|y|) w.</summary>
    public virtual bool SupportsMesh => false;

    /// <summary>Whether the kernel acts at all (a zero constant or no alignment leaves the term off).</summary>
    public virtual bool IsOn => true;

    /// <summary>
    /// Whether gamma(-y, -w) = -gamma(y, w) is known to hold (Cucker-Smale-type kernels), so pure
    /// alignment conserves the total momentum.
    /// </summary>
    public virtual bool IsSymmetric => false;

    /// <summary>The kernel times <paramref name="factor"/>, or null where it cannot be scaled (a general ONNX model).</summary>
    public virtual AlignmentSpec? Scaled(double factor) => null;
}

/// <summary>Cucker-Smale, <c>gamma(y, w) = beta (1 + |y|^2/R^2)^(-sigma) w</c>.</summary>
public sealed record CuckerSmaleSpec(double Beta, double Radius, double Sigma) : AlignmentSpec
{
    public override IAlignmentKernel Build() => new CuckerSmaleKernel(Beta, Radius, Sigma);

    public override bool IsOn => Beta != 0;

    public override bool IsSymmetric => true;

    public override bool SupportsMesh => true;

    public override AlignmentSpec Scaled(double factor) => this with { Beta = factor * Beta };
}

/// <summary>
/// A Cucker-Smale-type kernel with its profile psi(r) given as an ONNX model at <c>Path</c> (resolved
/// against the scenario file's folder): <c>gamma(y, w) = beta psi(|y|) w</c>. The model is checked
/// on [0, <c>Reach</c>] (the box's diagonal) when the scenario is read.
/// </summary>
public sealed record OnnxProfileSpec(string Path, double Beta, double Reach) : AlignmentSpec
{
    public override IAlignmentKernel Build() => new Kernels.Onnx.OnnxProfileKernel(Kernels.Onnx.OnnxFunction.Load(Path), Beta, Reach);

    /// <summary>A radial profile times w: symmetric, whatever the profile.</summary>
    public override bool IsSymmetric => true;

    public override bool SupportsMesh => true;
}

/// <summary>
/// A general interaction gamma(y, w) given as an ONNX model at <c>Path</c> (rows (y, w) of 2d values in,
/// rows of d values out), checked at load on |y| up to <c>Reach</c> and |w| up to <c>SpeedScale</c>.
/// </summary>
public sealed record OnnxGammaSpec(string Path, int Dimension, double Reach, double SpeedScale) : AlignmentSpec
{
    public override IAlignmentKernel Build() =>
        new Kernels.Onnx.OnnxGammaKernel(Kernels.Onnx.OnnxFunction.Load(Path, 2 * Dimension, Dimension), Dimension, Reach, SpeedScale);
}

/// <summary>No alignment, gamma = 0.</summary>
public sealed record NoAlignmentSpec : AlignmentSpec
{
    public override IAlignmentKernel Build() => NoAlignmentKernel.Instance;

    public override bool IsOn => false;

    public override bool IsSymmetric => true;
}

/// <summary>
/// Chemotaxis: the force <c>eta grad phi</c> and the field equation
/// <c>d phi/dt = D Lap phi - kappa phi + (1/N) sum_j chi(x - x_j)</c>.
/// </summary>
public sealed record ChemotaxisSpec(double Eta, double Diffusion, double Decay, SourceSpec Source, InitialFieldSpec InitialField);

/// <summary>The source profile chi.</summary>
public abstract record SourceSpec
{
    public abstract ISourceProfile Build();

    /// <summary>The profile times <paramref name="factor"/>, or null where it cannot be scaled (an ONNX model).</summary>
    public virtual SourceSpec? Scaled(double factor) => null;
}

/// <summary><c>chi(x) = amplitude (1 - |x|^2/radius^2)^3</c> on the ball.</summary>
public sealed record PolynomialBumpSpec(double Radius, double Amplitude) : SourceSpec
{
    public override ISourceProfile Build() => new PolynomialBump(Radius, Amplitude);

    public override SourceSpec Scaled(double factor) => this with { Amplitude = factor * Amplitude };
}

/// <summary><c>chi(x) = amplitude exp(-sharpness s^2 / (1 - s^2))</c>, <c>s = |x| / radius</c>, on the ball: C-infinity, for manufactured problems.</summary>
public sealed record SmoothBumpSpec(double Radius, double Amplitude, double Sharpness) : SourceSpec
{
    public override ISourceProfile Build() => new SmoothBump(Radius, Amplitude, Sharpness);

    public override SourceSpec Scaled(double factor) => this with { Amplitude = factor * Amplitude };
}

/// <summary>A radial source chi(r) given as an ONNX model at <c>Path</c>, supported in the ball of <c>Radius</c>.</summary>
public sealed record OnnxSourceSpec(string Path, double Radius) : SourceSpec
{
    public override ISourceProfile Build()
    {
        using var chi = Kernels.Onnx.OnnxFunction.Load(Path);
        return new Kernels.Onnx.OnnxSourceProfile(chi, Radius);
    }
}

/// <summary>The initial chemical field phi_in.</summary>
public abstract record InitialFieldSpec
{
    /// <summary>Whether phi_in is not identically zero.</summary>
    public virtual bool IsOn => true;

    /// <summary>phi_in times <paramref name="factor"/> (zero gives the zero field).</summary>
    public abstract InitialFieldSpec Scaled(double factor);
}

/// <summary>phi_in = 0 (the paper's choice).</summary>
public sealed record ZeroFieldSpec : InitialFieldSpec
{
    public override bool IsOn => false;

    public override InitialFieldSpec Scaled(double factor) => this;
}

/// <summary><c>phi_in(x) = amplitude exp(-|x - center|^2 / (2 width^2))</c>.</summary>
public sealed record GaussianFieldSpec(double Amplitude, double Width, double[] Center) : InitialFieldSpec
{
    public override InitialFieldSpec Scaled(double factor) => factor == 0 ? new ZeroFieldSpec() : this with { Amplitude = factor * Amplitude };
}

/// <summary>The external force F_ext.</summary>
public abstract record ExternalForceSpec
{
    public abstract IExternalForce Build();

    /// <summary>Whether there is a force at all.</summary>
    public virtual bool IsOn => true;

    /// <summary>The force times <paramref name="factor"/>.</summary>
    public abstract ExternalForceSpec Scaled(double factor);
}

public sealed record NoForceSpec : ExternalForceSpec
{
    public override IExternalForce Build() => NoExternalForce.Instance;

    public override bool IsOn => false;

    public override ExternalForceSpec Scaled(double factor) => this;
}

public sealed record ConstantForceSpec(double[] Vector) : ExternalForceSpec
{
    public override IExternalForce Build() => new ConstantForce(Vector);

    public override ExternalForceSpec Scaled(double factor) => new ConstantForceSpec(Array.ConvertAll(Vector, x => factor * x));
}

public sealed record ConfinementForceSpec(double Strength, double Length) : ExternalForceSpec
{
    public override IExternalForce Build() => new ConfinementForce(Strength, Length);

    public override ExternalForceSpec Scaled(double factor) => this with { Strength = factor * Strength };
}

/// <summary>
/// The periodic box <c>center + [-box/2, box/2)^d</c> of the chemical solver, with <c>grid</c> points
/// per dimension.
/// </summary>
public sealed record DomainSpec(double Box, int Grid, double[] Center);

/// <summary>How the initial cells are drawn (i.i.d. from rho_in).</summary>
public abstract record InitialDataSpec
{
    /// <summary>A radius about the origin that holds the support of rho_in in x.</summary>
    public abstract double PositionExtent(int dimension);
}

/// <summary>Shape of a uniform position law.</summary>
public enum PositionShape
{
    Ball,
    Box,
}

/// <summary>Positions uniform in a ball (or a cube of half-width <c>Radius</c>), velocities uniform in a ball.</summary>
public sealed record UniformDataSpec(PositionShape Shape, double[] Center, double Radius, double[] VelocityCenter, double VelocityRadius) : InitialDataSpec
{
    public override double PositionExtent(int dimension) =>
        Norm(Center) + (Shape == PositionShape.Ball ? Radius : Radius * Math.Sqrt(dimension));

    internal static double Norm(double[] v) => Math.Sqrt(v.Sum(c => c * c));
}

/// <summary>Gaussians in x and in v, each truncated to the ball of <c>cutoff</c> standard deviations.</summary>
public sealed record GaussianDataSpec(double[] Center, double Std, double[] VelocityCenter, double VelocityStd, double Cutoff) : InitialDataSpec
{
    public override double PositionExtent(int dimension) => UniformDataSpec.Norm(Center) + Cutoff * Std;
}

/// <summary>
/// Two equal clusters, uniform balls of radius <c>Radius</c> centred at +-separation/2 on the first
/// axis, with velocities uniform in a ball of radius <c>VelocityRadius</c> about +-drift on that axis.
/// </summary>
public sealed record TwoClustersSpec(double Separation, double Radius, double VelocityRadius, double Drift) : InitialDataSpec
{
    public override double PositionExtent(int dimension) => Separation / 2 + Radius;
}

/// <summary>
/// Monokinetic data rho_in = mu_in(x) delta(v - u_in(x)): mu_in supported in the ball of
/// <c>Radius</c> about <c>Center</c> with the given <see cref="DensityProfile"/>, v = u_in(x) exactly.
/// </summary>
public sealed record MonokineticSpec(double[] Center, double Radius, VelocityFieldSpec Velocity) : InitialDataSpec
{
    /// <summary>The shape of mu_in in its ball (uniform unless stated).</summary>
    public DensityProfile Profile { get; init; } = DensityProfile.Uniform;

    public override double PositionExtent(int dimension) => UniformDataSpec.Norm(Center) + Radius;

    /// <summary>mu_in(x) up to its normalising constant: 1 (uniform) or (1 - s)^4 (bump), s = |x - c|^2 / R^2 &lt; 1; 0 outside.</summary>
    public double UnnormalisedDensity(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int a = 0; a < x.Length; a++)
        {
            double y = (x[a] - Center[a]) / Radius;
            s += y * y;
        }

        if (s >= 1) return 0;
        return Profile == DensityProfile.Uniform ? 1 : Math.Pow(1 - s, 4);
    }
}

/// <summary>The shape of a monokinetic density in its ball.</summary>
public enum DensityProfile
{
    /// <summary>Constant in the ball (a jump at its edge).</summary>
    Uniform,

    /// <summary>(1 - |x - c|^2 / R^2)^4: C^3, vanishing smoothly at the edge (smooth data for the Euler solvers).</summary>
    Bump,
}

/// <summary>A named initial velocity field u_in.</summary>
public abstract record VelocityFieldSpec
{
    /// <summary>Writes u_in(x) into <paramref name="u"/>.</summary>
    public abstract void Evaluate(ReadOnlySpan<double> x, Span<double> u);
}

/// <summary>u_in(x) = u0.</summary>
public sealed record ConstantVelocitySpec(double[] Value) : VelocityFieldSpec
{
    public override void Evaluate(ReadOnlySpan<double> x, Span<double> u) => Value.CopyTo(u);
}

/// <summary>u_in(x) = rate * x: expansion for rate &gt; 0, compression (crossing at t = -1/rate) for rate &lt; 0.</summary>
public sealed record LinearVelocitySpec(double Rate) : VelocityFieldSpec
{
    public override void Evaluate(ReadOnlySpan<double> x, Span<double> u)
    {
        for (int a = 0; a < x.Length; a++) u[a] = Rate * x[a];
    }
}

/// <summary>u_in(x) = rate * (-x_2, x_1, 0): rigid rotation in the first two coordinates (d &gt;= 2).</summary>
public sealed record RotationVelocitySpec(double Rate) : VelocityFieldSpec
{
    public override void Evaluate(ReadOnlySpan<double> x, Span<double> u)
    {
        u.Clear();
        u[0] = -Rate * x[1];
        u[1] = Rate * x[0];
    }
}

/// <summary>u_in(x) = amplitude sin(wavenumber x_1) e_1: a smooth shear-free compression wave.</summary>
public sealed record SineVelocitySpec(double Amplitude, double Wavenumber) : VelocityFieldSpec
{
    public override void Evaluate(ReadOnlySpan<double> x, Span<double> u)
    {
        u.Clear();
        u[0] = Amplitude * Math.Sin(Wavenumber * x[0]);
    }
}
