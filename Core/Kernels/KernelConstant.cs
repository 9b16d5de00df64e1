namespace MeanField.Core.Kernels;

/// <summary>
/// A constant that a theorem's bound uses (a Lipschitz constant, a supremum), with its provenance.
/// Analytic constants are exact; estimated ones come from sampling and are labelled so in every
/// output that uses them.
/// </summary>
/// <param name="Name">What the constant is, e.g. <c>Lip(grad chi)</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="IsEstimated">False for a closed form, true for a sampled estimate.</param>
/// <param name="Domain">Where it holds, e.g. <c>|y| &lt;= 3, |w| &lt;= 2</c>; empty for all of space.</param>
public sealed record KernelConstant(string Name, double Value, bool IsEstimated, string Domain)
{
    public static KernelConstant Analytic(string name, double value, string domain = "") =>
        new(name, value, false, domain);
}
