using System.Globalization;
using System.Numerics;
using MeanField.Core.Alignment;
using MeanField.Core.Chemistry;
using MeanField.Core.Kernels;
using MeanField.Core.Particles;
using MeanField.Core.Scenarios;

namespace MeanField.Core.Dynamics;

/// <summary>
/// Advances the coupled system (P): cells by Heun's method, the chemical field by ETD-RK2, one
/// second-order step for both (the field's stiff linear part is integrated exactly).
/// </summary>
/// <remarks>
/// One step from (X, V, phi):
/// <code>
/// a_n  = A(X, V) + eta grad phi(X) + F(X)
/// X*   = X + dt V,   V* = V + dt a_n,   phi* = E phi + dt phi1 f(X)
/// a*   = A(X*, V*) + eta grad phi*(X*) + F(X*)
/// X'   = X + dt/2 (V + V*),   V' = V + dt/2 (a_n + a*),   phi' = phi* + dt phi2 (f(X*) - f(X))
/// </code>
/// All buffers are owned by the simulation and reused; a step allocates no arrays.
/// </remarks>
public sealed class HybridSimulation
{
    private readonly ParticleState _predicted;
    private readonly double[] _acceleration;
    private readonly double[] _predictedAcceleration;
    private readonly double[] _chemotaxis;
    private readonly Complex[] _source;
    private readonly Complex[] _predictedSource;
    private readonly Complex[] _predictedField;
    private readonly int _maxThreads;
    private readonly ParallelOptions _options;
    private readonly MeshAlignment? _mesh;
    private readonly StepperDefects _defects;
    private readonly MathNet.Numerics.Random.Xoshiro256StarStar? _kicks;

    /// <param name="defects">Deliberate bugs for measuring a suite's power (<see cref="StepperDefects"/>); none by default.</param>
    public HybridSimulation(HybridModel model, ParticleState initial, int maxThreads = -1, StepperDefects? defects = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(initial);
        if (initial.Dimension != model.Dimension)
            throw new ArgumentException($"the state has dimension {initial.Dimension}, the model {model.Dimension}", nameof(initial));
        Model = model;
        State = initial.Clone();
        _maxThreads = maxThreads;
        _options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads };
        _defects = defects ?? StepperDefects.None;
        if (_defects.KickSize != 0) _kicks = new MathNet.Numerics.Random.Xoshiro256StarStar(_defects.KickSeed, false);
        _predicted = initial.Clone();
        int len = initial.Dimension * initial.Count;
        _acceleration = new double[len];
        _predictedAcceleration = new double[len];
        _chemotaxis = new double[len];
        Field = new ChemicalField(model.Grid, model.Diffusion, model.Decay, model.Source, model.Step, maxThreads);
        _source = new Complex[model.Grid.NodeCount];
        _predictedSource = new Complex[model.Grid.NodeCount];
        _predictedField = new Complex[model.Grid.NodeCount];
        if (model.InitialField is not null) Field.SetNodalValues(model.InitialField);
        if (model.AlignmentMethod == AlignmentMethod.Mesh)
        {
            if (model.Alignment is not IRadialAlignmentKernel radial)
                throw new ArgumentException($"the mesh alignment needs a Cucker-Smale-type kernel, not {model.Alignment.Description}", nameof(model));
            _mesh = new MeshAlignment(radial, model.Dimension, model.MeshSpacing, maxThreads);
        }

        CheckState(State, 0, 0);
        Field.UpdateGradient();
    }

    public HybridModel Model { get; }

    /// <summary>
    /// The bytes a simulation of N cells in d dimensions keeps per cell: its state and the predicted one
    /// (x and v each), the two accelerations and the chemotaxis buffer (the field's deposit keeps
    /// nothing per cell). The caller's initial state is not included.
    /// </summary>
    public static long BytesPerCell(int dimension) => sizeof(double) * (2L * 2 * dimension + 3L * dimension);

    /// <summary>The bytes it keeps per node of the chemical grid besides the field's own: the source, the predicted source and the predicted field (complex).</summary>
    public const int BytesPerNode = 3 * 16;

    /// <summary>The cells at <see cref="Time"/>.</summary>
    public ParticleState State { get; }

    /// <summary>The chemical field at <see cref="Time"/> (its gradient grid is current).</summary>
    public ChemicalField Field { get; }

    /// <summary>Steps taken so far.</summary>
    public int StepIndex { get; private set; }

    /// <summary>t = StepIndex dt (a product, not a running sum, so it does not drift).</summary>
    public double Time => StepIndex * Model.Step;

    /// <summary>Takes one step of size dt.</summary>
    public void Step()
    {
        double dt = Model.Step;
        int len = _acceleration.Length;
        var x = State.Positions;
        var v = State.Velocities;
        var xp = _predicted.Positions;
        var vp = _predicted.Velocities;

        // The gradient grid is current: the constructor and every step leave it so.
        Field.Deposit(x, State.Count, _source, State.Masses);
        Acceleration(State, _acceleration);
        double xStep = _defects.PositionStepFactor * dt;
        InBlocks(len, (start, end) =>
        {
            for (int k = start; k < end; k++)
            {
                xp[k] = x[k] + xStep * v[k];
                vp[k] = v[k] + dt * _acceleration[k];
            }
        });

        Field.Predict(_source, _predictedField);
        CheckState(_predicted, Time + dt, StepIndex + 1);

        Field.Deposit(xp, State.Count, _predictedSource, State.Masses);
        if (!_defects.FrozenGradient) Field.UpdateGradient(_predictedField);
        Acceleration(_predicted, _predictedAcceleration);
        if (_defects.IsNone)
        {
            InBlocks(len, (start, end) =>
            {
                for (int k = start; k < end; k++)
                {
                    x[k] += 0.5 * dt * (v[k] + vp[k]);
                    v[k] += 0.5 * dt * (_acceleration[k] + _predictedAcceleration[k]);
                }
            });
        }
        else
        {
            ApplyDefectiveUpdate(x, v, vp, dt);
        }

        Field.Correct(_predictedField, _source, _predictedSource);
        StepIndex++;
        CheckState(State, Time, StepIndex);
        Field.UpdateGradient();
    }

    /// <summary>The cells' update with the deliberate defects (kept apart so the correct step stays as it is).</summary>
    private void ApplyDefectiveUpdate(double[] x, double[] v, double[] vp, double dt)
    {
        double xStep = _defects.PositionStepFactor * dt;
        for (int k = 0; k < x.Length; k++)
        {
            if (_defects.ForwardEuler)
            {
                x[k] += xStep * v[k];
                v[k] += dt * _acceleration[k];
            }
            else
            {
                x[k] += 0.5 * xStep * (v[k] + vp[k]);
                v[k] += 0.5 * dt * (_acceleration[k] + _predictedAcceleration[k]);
            }
        }

        if (_kicks is not null)
        {
            for (int k = 0; k < v.Length; k++) v[k] += _defects.KickSize * (2 * _kicks.NextDouble() - 1);
        }
    }

    /// <summary>a = A(X, V) + eta grad phi(X) + F_ext(X), using the gradient grid as it stands.</summary>
    private void Acceleration(ParticleState s, double[] a)
    {
        if (_mesh is not null) _mesh.Compute(s, a);
        else DirectAlignment.Compute(Model.Alignment, s, a, _maxThreads);
        int n = s.Count, d = s.Dimension;
        if (_defects.AlignmentOverNMinusOne && n > 1)
        {
            for (int k = 0; k < a.Length; k++) a[k] *= n / (n - 1.0);
        }

        if (Model.Eta != 0)
        {
            if (_defects.LinearGradientInterpolation) Field.InterpolateGradientMultilinear(s.Positions, n, _chemotaxis);
            else Field.InterpolateGradient(s.Positions, n, _chemotaxis);
            if (_defects.FlippedThirdGradient && d == 3)
            {
                for (int i = 0; i < n; i++) _chemotaxis[2 * n + i] = -_chemotaxis[2 * n + i];
            }

            double eta = Model.Eta;
            InBlocks(a.Length, (start, end) =>
            {
                for (int k = start; k < end; k++) a[k] += eta * _chemotaxis[k];
            });
        }

        if (!Model.ExternalForce.IsZero)
        {
            Span<double> xi = stackalloc double[d];
            Span<double> fi = stackalloc double[d];
            for (int i = 0; i < n; i++)
            {
                s.GetPosition(i, xi);
                fi.Clear();
                Model.ExternalForce.Add(xi, fi);
                for (int c = 0; c < d; c++) a[c * n + i] += fi[c];
            }
        }
    }

    /// <summary>
    /// Fails on a non-finite coordinate, a speed above the limit, or a cell whose source would reach
    /// the edge of the periodic box (there the field would wrap round).
    /// </summary>
    private void CheckState(ParticleState s, double time, int step)
    {
        int n = s.Count, d = s.Dimension;
        var grid = Model.Grid;
        double margin = Model.Source.SupportRadius;
        double limit2 = Model.MaxSpeed * Model.MaxSpeed;
        (bool Finite, double V2, bool Inside) Look(int i)
        {
            double v2 = 0;
            bool finite = true, inside = true;
            for (int a = 0; a < d; a++)
            {
                double xa = s.Positions[a * n + i], va = s.Velocities[a * n + i];
                finite &= double.IsFinite(xa) && double.IsFinite(va);
                v2 += va * va;
                inside &= xa >= grid.Origin[a] + margin && xa <= grid.Origin[a] + grid.Box - margin;
            }

            return (finite, v2, inside);
        }

        // The first failing cell, whichever block finds it (blocks in parallel, the least index kept).
        int firstFailure = n;
        InBlocks(n, (start, end) =>
        {
            for (int i = start; i < end && i < Volatile.Read(ref firstFailure); i++)
            {
                var (finite, v2, inside) = Look(i);
                if (finite && v2 <= limit2 && inside) continue;
                KeepLeast(ref firstFailure, i);
                return;
            }
        });

        if (firstFailure < n)
        {
            int i = firstFailure;
            var (finite, v2, inside) = Look(i);
            if (!finite || v2 > limit2)
            {
                string what = finite
                    ? $"speed {Math.Sqrt(v2).ToString("G6", CultureInfo.InvariantCulture)} exceeds max_speed = {Model.MaxSpeed.ToString("G6", CultureInfo.InvariantCulture)}"
                    : "a non-finite position or velocity";
                throw new SimulationFailureException(
                    $"numerical blow-up at t = {Fmt(time)} (step {step}): particle {i} has {what} (x = {Point(s.Positions, i, n, d)}, v = {Point(s.Velocities, i, n, d)}); reduce time.step",
                    time, step, i);
            }

            if (!inside)
            {
                throw new SimulationFailureException(
                    $"particle {i} left the region the periodic box represents at t = {Fmt(time)} (step {step}): x = {Point(s.Positions, i, n, d)} is within the source radius {Fmt(margin)} of the edge of the box [{Fmt(grid.Origin[0])}, {Fmt(grid.Origin[0] + grid.Box)})^{d}; enlarge domain.box",
                    time, step, i);
            }
        }
    }

    /// <summary>Lowers <paramref name="least"/> to <paramref name="value"/> if it is less, whatever other threads do meanwhile.</summary>
    private static void KeepLeast(ref int least, int value)
    {
        int seen;
        while (value < (seen = Volatile.Read(ref least)) && Interlocked.CompareExchange(ref least, value, seen) != seen)
        {
        }
    }

    /// <summary>Below this many elements an element-wise loop runs on the calling thread.</summary>
    private const int ParallelLength = 1 << 16;

    /// <summary>
    /// An element-wise loop over [0, length) in contiguous blocks, in parallel for long loops. Elements are
    /// independent, so the bits do not depend on the threads.
    /// </summary>
    private void InBlocks(int length, Action<int, int> range)
    {
        if (length < ParallelLength || _maxThreads == 1)
        {
            range(0, length);
            return;
        }

        int blocks = 4 * Environment.ProcessorCount;
        Parallel.For(0, blocks, _options, b =>
            range((int)((long)length * b / blocks), (int)((long)length * (b + 1) / blocks)));
    }

    private static string Fmt(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    private static string Point(double[] data, int i, int n, int d) =>
        "(" + string.Join(", ", Enumerable.Range(0, d).Select(a => Fmt(data[a * n + i]))) + ")";
}
