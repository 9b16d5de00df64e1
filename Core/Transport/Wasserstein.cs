namespace MeanField.Core.Transport;

/// <summary>Which solver computes a distance.</summary>
public enum TransportMethod
{
    /// <summary>The quantile solver for D = 1; the exact assignment for equal sizes and weights up to <see cref="Wasserstein.MaxAssignmentSize"/> points.</summary>
    Auto,

    /// <summary>An exact solver (the assignment for equal sizes and weights).</summary>
    Exact,

    /// <summary>The quantile solver (D = 1 only), any sizes and weights.</summary>
    OneDimensional,
}

/// <summary>W_p between point clouds, choosing a solver.</summary>
public static class Wasserstein
{
    /// <summary>Largest equal-size problem that <see cref="TransportMethod.Auto"/> sends to the exact assignment.</summary>
    public const int MaxAssignmentSize = 20000;

    public static TransportResult Compute(PointCloud a, PointCloud b, double p = 2, TransportMethod method = TransportMethod.Auto)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        GroundCost.CheckExponent(p);
        GroundCost.CheckCompatible(a, b);
        bool assignable = a.Count == b.Count && a.IsUniform && b.IsUniform;
        switch (method)
        {
            case TransportMethod.OneDimensional:
                return OneDimensionalTransport.Solve(a, b, p);
            case TransportMethod.Auto when a.Dimension == 1:
                return OneDimensionalTransport.Solve(a, b, p);
            case TransportMethod.Auto when assignable && a.Count <= MaxAssignmentSize:
            case TransportMethod.Exact when assignable:
                return AssignmentTransport.Solve(a, b, p);
            case TransportMethod.Exact when a.Dimension == 1:
                return OneDimensionalTransport.Solve(a, b, p);
            default:
                throw new NotSupportedException(
                    $"no solver here for {a.Count} and {b.Count} points in D = {a.Dimension}{(a.IsUniform && b.IsUniform ? "" : " with weights")} by method {method}: " +
                    "exact transport in D > 1 needs equal sizes and equal weights (at most " + MaxAssignmentSize + " points for auto)");
        }
    }
}
