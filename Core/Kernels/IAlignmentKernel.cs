namespace MeanField.Core.Kernels;

/// <summary>
/// The collective interaction gamma of model (P): particle i feels
/// <c>(1/N) sum_j gamma(x_j - x_i, v_j - v_i)</c>. Any Lipschitz map plugs in through this interface;
/// the direct summation evaluates it pair by pair.
/// </summary>
public interface IAlignmentKernel
{
    /// <summary>A short human-readable description with the parameters.</summary>
    string Description { get; }

    /// <summary>Writes <c>gamma(y, w)</c> into <paramref name="gamma"/> (all three spans have length d).</summary>
    void Evaluate(ReadOnlySpan<double> y, ReadOnlySpan<double> w, Span<double> gamma);

    /// <summary>
    /// Lip(gamma) on the set <c>|y| &lt;= positionDiameter, |w| &lt;= velocityDiameter</c> of R^{2d}
    /// (Euclidean norm on (y, w) together): gamma need only be Lipschitz on bounded sets.
    /// </summary>
    KernelConstant Lipschitz(double positionDiameter, double velocityDiameter);
}

/// <summary>
/// The Cucker-Smale family <c>gamma(y, w) = beta * psi(|y|) * w</c>: alignment weighted by a radial
/// profile. The direct summation has a vectorized path for it that asks for psi in batches.
/// </summary>
public interface IRadialAlignmentKernel : IAlignmentKernel
{
    /// <summary>The coupling strength beta.</summary>
    double Beta { get; }

    /// <summary>psi as a function of the squared distance, <c>psi(sqrt(r2))</c>.</summary>
    double ProfileOfSquaredDistance(double r2);

    /// <summary>psi for a batch of squared distances; kernels given as models override it to evaluate the batch in one call.</summary>
    void ProfileOfSquaredDistances(ReadOnlySpan<double> r2, Span<double> psi)
    {
        for (int k = 0; k < r2.Length; k++) psi[k] = ProfileOfSquaredDistance(r2[k]);
    }
}

/// <summary>
/// A kernel that evaluates gamma for many pairs at once (a model behind a runtime, where one call per
/// pair would cost more than the arithmetic): rows (y_1..y_d, w_1..w_d) in, rows gamma out.
/// </summary>
public interface IBatchAlignmentKernel : IAlignmentKernel
{
    /// <summary>gamma for every row of <paramref name="rows"/> (2d values each) into <paramref name="gamma"/> (d values each).</summary>
    void EvaluateBatch(ReadOnlySpan<double> rows, Span<double> gamma);
}
