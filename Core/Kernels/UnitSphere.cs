namespace MeanField.Core.Kernels;

/// <summary>The unit sphere S^{d-1} of R^d, for integrals of radial functions: int f(|x|) dx = |S^{d-1}| int_0^inf f(r) r^(d-1) dr.</summary>
public static class UnitSphere
{
    /// <summary>|S^{d-1}|: 2 on the line, 2 pi in the plane, 4 pi in space.</summary>
    public static double Area(int dimension) => dimension switch
    {
        1 => 2.0,
        2 => 2.0 * Math.PI,
        3 => 4.0 * Math.PI,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be 1, 2 or 3"),
    };
}
