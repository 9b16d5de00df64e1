/// An independent oracle for grad phi: direct quadrature of the Duhamel formula with the free-space
/// heat kernel over a stored particle history,
///   grad phi(t, z) = (1/N) sum_j int_0^t e^{-kappa (t-s)} [grad chi * G_{t-s}](z - x_j(s)) ds,
/// with G_tau the heat kernel of variance 2 D tau per axis. It shares nothing with the grid solver:
/// no FFT, no grid, no interpolation of the field.
module MeanField.Tests.DuhamelOracle

open System
open MathNet.Numerics
open MeanField.Core.Kernels

/// Positions and velocities after every step (component-major), step 0 being the initial state.
type History =
    { Dimension: int
      Count: int
      Step: float
      Positions: ResizeArray<float[]>
      Velocities: ResizeArray<float[]> }

/// x_j(s) by cubic Hermite interpolation of the stored positions and velocities (error O(dt^4)).
let position (h: History) (s: float) (j: int) =
    let k = min (int (Math.Floor(s / h.Step))) (h.Positions.Count - 2) |> max 0
    let dt = h.Step
    let u = (s - float k * dt) / dt
    let h00 = (1.0 + 2.0 * u) * (1.0 - u) * (1.0 - u)
    let h10 = u * (1.0 - u) * (1.0 - u)
    let h01 = u * u * (3.0 - 2.0 * u)
    let h11 = u * u * (u - 1.0)
    Array.init h.Dimension (fun a ->
        let i = a * h.Count + j
        h00 * h.Positions[k][i] + h10 * dt * h.Velocities[k][i] + h01 * h.Positions[k + 1][i] + h11 * dt * h.Velocities[k + 1][i])

/// Composite Gauss-Legendre over [a, b] split at the given interior points.
let private integrate (f: float -> float) (cuts: float list) order =
    cuts
    |> List.pairwise
    |> List.sumBy (fun (a, b) -> if b > a then Integrate.GaussLegendre(Func<float, float>(f), a, b, order) else 0.0)

/// e^{-a} I_1(a). MathNet's scaled Bessel function returns NaN beyond a ~ 1e10; there the
/// asymptotic series 1/sqrt(2 pi a) (1 - 3/(8a) - 15/(128 a^2)) is exact to round-off.
let private besselI1Scaled (a: float) =
    if a < 1e8 then SpecialFunctions.BesselIScaled(1.0, a)
    else (1.0 - 3.0 / (8.0 * a) - 15.0 / (128.0 * a * a)) / sqrt (2.0 * Math.PI * a)

/// [grad chi * G_tau](y): in 1-D an integral over the support; in 2-D, after the angular integral
/// (which gives 2 pi I_1), an integral over the radius. The Gaussian peak of width sqrt(2 D tau) is
/// given its own panel so small tau is resolved.
let kernelGradient (chi: ISourceProfile) (diffusion: float) (tau: float) (y: float[]) =
    let r = chi.SupportRadius
    let var = 2.0 * diffusion * tau
    let gradChi (y: float[]) =
        let n = sqrt (Array.sumBy (fun c -> c * c) y)
        if n = 0.0 then Array.zeroCreate y.Length else y |> Array.map (fun c -> chi.RadialDerivative n * c / n)
    if var < 1e-16 then gradChi y
    else
        let sigma = sqrt var
        match y.Length with
        | 1 ->
            let y0 = y[0]
            let clamp x = max -r (min r x)
            let cuts = [ -r; clamp (y0 - 12.0 * sigma); clamp (y0 + 12.0 * sigma); r ]
            let f u =
                let g = chi.RadialDerivative(abs u) * float (sign u)
                g * exp (-(y0 - u) * (y0 - u) / (2.0 * var)) / sqrt (2.0 * Math.PI * var)
            [| integrate f cuts 48 |]
        | 2 ->
            let ny = sqrt (y[0] * y[0] + y[1] * y[1])
            if ny = 0.0 then [| 0.0; 0.0 |]
            else
                let clamp x = max 0.0 (min r x)
                let cuts = [ 0.0; clamp (ny - 12.0 * sigma); clamp (ny + 12.0 * sigma); r ]
                let f rho =
                    let a = rho * ny / var
                    chi.RadialDerivative rho * rho / var * besselI1Scaled a * exp (-(ny - rho) * (ny - rho) / (2.0 * var))
                let m = integrate f cuts 48
                [| m * y[0] / ny; m * y[1] / ny |]
        | d -> invalidArg "y" $"the oracle is written for d = 1, 2, not {d}"

/// grad phi(t, z) for phi_in = 0. Each step interval gets an 8-point Gauss-Legendre rule; the
/// last one is split geometrically towards s = t, where the integrand has a weak singularity.
let gradPhi (chi: ISourceProfile) diffusion decay (h: History) (t: float) (z: float[]) =
    let d = h.Dimension
    let steps = int (Math.Round(t / h.Step))
    let panels =
        [ for k in 0 .. steps - 2 -> float k * h.Step, float (k + 1) * h.Step
          let mutable a = float (steps - 1) * h.Step
          let mutable w = h.Step / 2.0
          while w > 1e-9 * h.Step do
              yield a, a + w
              a <- a + w
              w <- w / 2.0
          yield a, t ]
    let rule = Integration.GaussLegendreRule(-1.0, 1.0, 8)
    let result = Array.zeroCreate d
    for (a, b) in panels do
        for q in 0 .. 7 do
            let s = 0.5 * (a + b) + 0.5 * (b - a) * rule.Abscissas[q]
            let w = 0.5 * (b - a) * rule.Weights[q] * exp (-decay * (t - s)) / float h.Count
            for j in 0 .. h.Count - 1 do
                let x = position h s j
                let k = kernelGradient chi diffusion (t - s) (Array.init d (fun c -> z[c] - x[c]))
                for c in 0 .. d - 1 do
                    result[c] <- result[c] + w * k[c]
    result
