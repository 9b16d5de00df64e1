namespace MeanField.Core.Kernels;

/// <summary>gamma = 0: particles feel only chemotaxis and the external force.</summary>
public sealed class NoAlignmentKernel : IAlignmentKernel
{
    public static readonly NoAlignmentKernel Instance = new();

    private NoAlignmentKernel() { }

    public string Description => "none";

    public void Evaluate(ReadOnlySpan<double> y, ReadOnlySpan<double> w, Span<double> gamma) => gamma.Clear();

    public KernelConstant Lipschitz(double positionDiameter, double velocityDiameter) =>
        KernelConstant.Analytic("Lip(gamma)", 0);
}
