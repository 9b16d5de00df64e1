namespace MeanField.Core.Dynamics;

/// <summary>
/// A run that cannot go on: a numerical blow-up (a non-finite state or a speed beyond the limit), or
/// a cell leaving the region the periodic box represents. Names the time, the step and the particle.
/// </summary>
public sealed class SimulationFailureException(string message, double time, int step, int particle)
    : Exception(message)
{
    public double Time { get; } = time;

    public int Step { get; } = step;

    public int Particle { get; } = particle;
}
