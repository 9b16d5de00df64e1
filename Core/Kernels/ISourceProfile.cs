namespace MeanField.Core.Kernels;

/// <summary>
/// The chemotactic source chi of model (P): each cell produces chemical at the rate
/// <c>(1/N) chi(x - x_j)</c>. Profiles are radial and compactly supported; the field takes chi's
/// Fourier transform from its radial profile (<see cref="RadialFourier"/>).
/// </summary>
public interface ISourceProfile
{
    string Description { get; }

    /// <summary>chi vanishes outside the ball of this radius.</summary>
    double SupportRadius { get; }

    /// <summary>chi at a point at squared distance r2 from the centre.</summary>
    double ValueOfSquaredDistance(double r2);

    /// <summary>d chi / d r at distance r (so grad chi(x) = chi'(|x|) x / |x|).</summary>
    double RadialDerivative(double r);

    /// <summary>The integral of chi over R^d.</summary>
    double Mass(int dimension);

    /// <summary>Lip(chi) = sup |grad chi|.</summary>
    KernelConstant Lipschitz { get; }

    /// <summary>Lip(grad chi) = sup of the Hessian's operator norm.</summary>
    KernelConstant GradientLipschitz { get; }
}
