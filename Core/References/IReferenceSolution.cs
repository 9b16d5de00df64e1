namespace MeanField.Core.References;

/// <summary>
/// A solution of a limit of (P) used as a reference: the Vlasov equation (V) on a grid or as a large
/// cloud, the monokinetic system (E) by characteristics or finite volumes. It is advanced to the times
/// asked for, describes its resolution, and estimates its own error at the time reached from a second
/// run at a coarser resolution; each estimate is tested against a refinement study or a known constant.
/// </summary>
public interface IReferenceSolution
{
    /// <summary>The time reached.</summary>
    double Time { get; }

    /// <summary>Its resolution, in words (grid, cells, labels, step).</summary>
    string Resolution { get; }

    /// <summary>Advances to <paramref name="time"/> (to within half a step); false when the solution ends before it.</summary>
    bool AdvanceTo(double time);

    /// <summary>An estimate of the error at <see cref="Time"/>, from a coarser run advanced to the same time.</summary>
    ErrorEstimate EstimateError();
}
