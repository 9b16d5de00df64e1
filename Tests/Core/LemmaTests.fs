/// Lemma 3.5 and Corollary 3.6 of the paper as properties (Lemma 3.4 is with the transport tests).
module MeanField.Tests.Core.LemmaTests

open System
open System.Numerics
open Expecto
open FsCheck
open FsCheck.FSharp
open MeanField.Core.Chemistry
open MeanField.Core.Kernels
open MeanField.Core.Transport

/// Two weighted clouds in R^d, a wave vector k and a time t.
type WaveCase =
    { D: int
      A: float[]
      WeightsA: float[]
      B: float[]
      WeightsB: float[]
      K: float[]
      T: float }

let private unit = Gen.choose (0, 10000) |> Gen.map (fun k -> float k / 10000.0)

type Arbitraries =
    static member WaveCase() =
        gen {
            let! d = Gen.choose (1, 3)
            let! n = Gen.choose (1, 7)
            let! m = Gen.choose (1, 7)
            let! a = Gen.arrayOfLength (d * n) (unit |> Gen.map (fun u -> 4.0 * u - 2.0))
            let! b = Gen.arrayOfLength (d * m) (unit |> Gen.map (fun u -> 4.0 * u - 2.0))
            let! wa = Gen.arrayOfLength n (unit |> Gen.map (fun u -> 0.05 + u))
            let! wb = Gen.arrayOfLength m (unit |> Gen.map (fun u -> 0.05 + u))
            let! k = Gen.arrayOfLength d (unit |> Gen.map (fun u -> 6.0 * u - 3.0))
            let! t = unit |> Gen.map (fun u -> 0.5 * u)
            let normalise (w: float[]) = let s = Array.sum w in w |> Array.map (fun x -> x / s)
            return { D = d; A = a; WeightsA = normalise wa; B = b; WeightsB = normalise wb; K = k; T = t }
        }
        |> Arb.fromGen

let private config = { FsCheckConfig.defaultConfig with arbitrary = [ typeof<Arbitraries> ]; maxTest = 200 }

/// sum_i w_i e^{-i k . y_i}: the Fourier transform of a weighted cloud at k.
let private transform (d: int) (points: float[]) (weights: float[]) (k: float[]) =
    let mutable s = Complex.Zero
    for i in 0 .. weights.Length - 1 do
        let phase = Seq.sum (seq { for a in 0 .. d - 1 -> k[a] * points[i * d + a] })
        s <- s + weights[i] * Complex.FromPolarCoordinates(1.0, -phase)
    s

[<Tests>]
let tests =
    testList "MeanField.Core.Lemmas" [
        testPropertyWithConfig config "Lemma 3.5: ||(e^{t Lap} mu) * (rho - rho')||_inf <= Lip(mu) W_p(rho, rho') for p = 1, 2, with mu a plane wave" (fun (c: WaveCase) ->
            // mu(x) = sin(k . x) has Lip(mu) = |k| and e^{t Lap} mu = e^{-|k|^2 t} mu; its convolution with a
            // measure is a plane wave of amplitude |rho^(k)|, so the sup norm on the left is exact:
            // e^{-|k|^2 t} |rho^(k) - rho'^(k)|.
            let k2 = c.K |> Array.sumBy (fun x -> x * x)
            let left = exp (-k2 * c.T) * Complex.Abs(transform c.D c.A c.WeightsA c.K - transform c.D c.B c.WeightsB c.K)
            let a, b = PointCloud(c.D, c.A, c.WeightsA), PointCloud(c.D, c.B, c.WeightsB)
            for p in [ 1.0; 2.0 ] do
                let w = (ExactTransport.Solve(a, b, p)).Distance
                Expect.isLessThanOrEqual left (sqrt k2 * w + 1e-12) $"p = {p}: {left} <= {sqrt k2} x {w}")

        test "Corollary 3.6: the chemical solver's gradients from two static clouds differ by at most t Lip(grad chi) W2" {
            // With a static source the field is phi^t = int_0^t e^{-kappa (t-s)} e^{(t-s) D Lap} chi * rho ds,
            // so Lemma 3.5 applied to grad chi under the integral gives the bound; the ETD step is exact in
            // time for a static source, so the solver's only error is spatial (spectral, far below the slack).
            let rng = Random(36)
            for d in [ 1; 2 ] do
                for trial in 1..4 do
                    let n = 40
                    let grid = PeriodicGrid(d, (if d = 1 then 512 else 128), 16.0, ReadOnlySpan(Array.zeroCreate<float> d))
                    let bump = PolynomialBump(1.0, 1.0)
                    let cloud spread = Array.init (d * n) (fun _ -> spread * (2.0 * rng.NextDouble() - 1.0))
                    let a = cloud 1.0
                    let b = Array.map (fun x -> x + 0.05 * float trial * (rng.NextDouble() - 0.3)) a
                    let t, steps = 0.8, 8
                    let gradients (points: float[]) =
                        let field = ChemicalField(grid, 0.2, 0.5, bump, t / float steps, 1)
                        // Component-major positions, as the particle state holds them.
                        let positions = Array.init (d * n) (fun k -> points[(k % n) * d + k / n])
                        let source = Array.zeroCreate<Complex> grid.NodeCount
                        let predicted = Array.zeroCreate<Complex> grid.NodeCount
                        field.Deposit(positions, n, source)
                        for _ in 1..steps do
                            field.Predict(source, predicted)
                            field.Correct(predicted, source, source)
                        field.UpdateGradient()
                        field.Gradient |> Array.map Array.copy
                    let ga, gb = gradients a, gradients b
                    let difference =
                        Seq.max (seq { for node in 0 .. grid.NodeCount - 1 -> sqrt (Seq.sum (seq { for c in 0 .. d - 1 -> (ga[c][node] - gb[c][node]) ** 2.0 })) })
                    let w2 = (ExactTransport.Solve(PointCloud(d, a), PointCloud(d, b), 2.0)).Distance
                    let bound = t * bump.GradientLipschitz.Value * w2
                    Expect.isGreaterThan difference 0.0 "the clouds differ"
                    Expect.isLessThanOrEqual difference (bound * (1.0 + 1e-6)) $"d = {d}, trial {trial}: {difference} <= {bound}"
        }
    ]
