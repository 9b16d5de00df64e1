namespace MeanField.Core.Dynamics;

/// <summary>
/// Deliberate defects of <see cref="HybridSimulation"/>'s stepper, each a plausible bug, for measuring
/// which bugs a verification suite catches (<c>meanfield verify --power</c>). The references never use them.
/// </summary>
public sealed record StepperDefects
{
    /// <summary>No defect: the stepper as it is.</summary>
    public static StepperDefects None { get; } = new();

    /// <summary>Drop Heun's corrector for the cells: forward Euler, first order.</summary>
    public bool ForwardEuler { get; init; }

    /// <summary>Positions advance by this multiple of the step (1: correct; 0.5: the bug "x += dt/2 v").</summary>
    public double PositionStepFactor { get; init; } = 1;

    /// <summary>grad phi at the cells by multilinear (second-order) interpolation instead of the six-point one.</summary>
    public bool LinearGradientInterpolation { get; init; }

    /// <summary>A uniform random kick in [-size, size] on every velocity component after each step (0: none).</summary>
    public double KickSize { get; init; }

    /// <summary>The corrector's chemotactic force read from the field at the start of the step (grad phi frozen over the step): a first-order coupling of cells and field.</summary>
    public bool FrozenGradient { get; init; }

    /// <summary>The alignment normalised by N - 1 instead of N (times N / (N - 1)).</summary>
    public bool AlignmentOverNMinusOne { get; init; }

    /// <summary>In d = 3 only, the third component of grad phi at the cells with the wrong sign.</summary>
    public bool FlippedThirdGradient { get; init; }

    /// <summary>The kicks' seed.</summary>
    public int KickSeed { get; init; } = 1;

    /// <summary>Whether this is <see cref="None"/>'s behaviour.</summary>
    public bool IsNone => !ForwardEuler && PositionStepFactor == 1 && !LinearGradientInterpolation && KickSize == 0 && !FrozenGradient && !AlignmentOverNMinusOne && !FlippedThirdGradient;
}
