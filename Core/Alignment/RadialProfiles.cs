using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MeanField.Core.Alignment;

/// <summary>
/// psi as a function of the squared distance, scalar and four-wide. Structs, so the summation loop is
/// specialised per profile by the JIT and the exponent is not re-tested per pair.
/// </summary>
internal interface IRadialProfile
{
    double Evaluate(double r2);

    Vector256<double> Evaluate(Vector256<double> r2);
}

/// <summary>(1 + r2/R^2)^(-1/2): one square root and one division per pair.</summary>
internal readonly struct InverseSqrtProfile(double inverseRadiusSquared) : IRadialProfile
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double r2) => 1.0 / Math.Sqrt(1.0 + r2 * inverseRadiusSquared);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Evaluate(Vector256<double> r2) =>
        Vector256<double>.One / Vector256.Sqrt(Vector256.FusedMultiplyAdd(r2, Vector256.Create(inverseRadiusSquared), Vector256<double>.One));
}

/// <summary>(1 + r2/R^2)^(-1).</summary>
internal readonly struct InverseProfile(double inverseRadiusSquared) : IRadialProfile
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double r2) => 1.0 / (1.0 + r2 * inverseRadiusSquared);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Evaluate(Vector256<double> r2) =>
        Vector256<double>.One / Vector256.FusedMultiplyAdd(r2, Vector256.Create(inverseRadiusSquared), Vector256<double>.One);
}

/// <summary>(1 + r2/R^2)^(-sigma) for any sigma, by exp(-sigma log(.)).</summary>
internal readonly struct PowerProfile(double inverseRadiusSquared, double sigma) : IRadialProfile
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double r2) => Math.Exp(-sigma * Math.Log(1.0 + r2 * inverseRadiusSquared));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Evaluate(Vector256<double> r2) =>
        Vector256.Exp(Vector256.Create(-sigma) * Vector256.Log(Vector256.FusedMultiplyAdd(r2, Vector256.Create(inverseRadiusSquared), Vector256<double>.One)));
}

/// <summary>Dimension as a type, so the JIT drops the unused components of the loop.</summary>
internal interface IDimension
{
    static abstract int D { get; }
}

internal readonly struct Dim1 : IDimension
{
    public static int D => 1;
}

internal readonly struct Dim2 : IDimension
{
    public static int D => 2;
}

internal readonly struct Dim3 : IDimension
{
    public static int D => 3;
}
