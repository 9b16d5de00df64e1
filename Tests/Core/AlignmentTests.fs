module MeanField.Tests.Core.AlignmentTests

open System
open Expecto
open MeanField.Core.Alignment
open MeanField.Core.Kernels
open MeanField.Core.Particles
open MeanField.Tests
open MeanField.Core.Scenarios

/// The naive scalar double loop, written from the formula: the reference for every fast path.
/// Also returns the scale against which round-off is judged: the largest (1/N) sum_j |gamma(y, v_j)| +
/// |gamma(y, v_i)|, the magnitude of the terms a sum of alignment forces adds (a relative error of a
/// sum is measured against the sum of the magnitudes of its terms, not against a cancelled result).
let naive (gamma: float[] -> float[] -> float[]) (s: ParticleState) =
    let n, d = s.Count, s.Dimension
    let result = Array.zeroCreate (d * n)
    let mutable scale = 0.0
    for i in 0 .. n - 1 do
        let magnitude = Array.zeroCreate d
        for j in 0 .. n - 1 do
            let y = Array.init d (fun a -> s.Positions[a * n + j] - s.Positions[a * n + i])
            let w = Array.init d (fun a -> s.Velocities[a * n + j] - s.Velocities[a * n + i])
            let g = gamma y w
            let gj = gamma y (Array.init d (fun a -> s.Velocities[a * n + j]))
            let gi = gamma y (Array.init d (fun a -> s.Velocities[a * n + i]))
            for a in 0 .. d - 1 do
                result[a * n + i] <- result[a * n + i] + g[a] / float n
                magnitude[a] <- magnitude[a] + (abs gj[a] + abs gi[a]) / float n
        scale <- max scale (Array.max magnitude)
    result, scale

let cuckerSmale beta radius sigma (y: float[]) (w: float[]) =
    let r2 = Array.sumBy (fun c -> c * c) y
    let psi = Math.Pow(1.0 + r2 / (radius * radius), -sigma)
    w |> Array.map (fun c -> beta * psi * c)

let private sumSquares (y: ReadOnlySpan<float>) =
    let mutable r2 = 0.0
    for a in 0 .. y.Length - 1 do
        r2 <- r2 + y[a] * y[a]
    r2

/// A kernel outside the Cucker-Smale family: attraction-repulsion in position plus alignment.
type private MorseLikeKernel() =
    interface IAlignmentKernel with
        member _.Description = "test kernel"
        member _.Evaluate(y, w, gamma) =
            let r2 = sumSquares y
            for a in 0 .. y.Length - 1 do
                gamma[a] <- 0.3 * w[a] / (1.0 + r2) + y[a] * exp (-r2)
        member _.Lipschitz(_, _) = KernelConstant.Analytic("Lip(gamma)", nan)

/// A radial kernel that is not Cucker-Smale's class: takes the batched radial path.
type private GaussianRadialKernel() =
    interface IRadialAlignmentKernel with
        member _.Beta = 0.7
        member _.ProfileOfSquaredDistance r2 = exp (-r2)
        member _.Description = "gaussian profile"
        member _.Evaluate(y, w, gamma) =
            let r2 = sumSquares y
            for a in 0 .. y.Length - 1 do
                gamma[a] <- 0.7 * exp (-r2) * w[a]
        member _.Lipschitz(_, _) = KernelConstant.Analytic("Lip(gamma)", nan)

let private agree (kernel: IAlignmentKernel) gamma label =
    for d in 1..3 do
        for n in 1..67 do
            let s = Generators.particleState (Random(1000 * d + n)) d n
            let expected, scale = naive gamma s
            for threads in [ 1; 2 ] do
                let actual = Array.zeroCreate (d * n)
                DirectAlignment.Compute(kernel, s, actual, threads)
                let err = Measure.maxAbsDiff actual expected
                Expect.isLessThanOrEqual err (1e-12 * max scale 1e-300) $"{label}, d = {d}, N = {n}, threads = {threads}"

[<Tests>]
let tests =
    testList "MeanField.Core.Alignment" [
        test "The vectorized Cucker-Smale sum equals the naive loop to 1e-12 of its terms' size for N = 1..67, d = 1, 2, 3, sigma = 1/2" {
            agree (CuckerSmaleKernel(1.3, 0.9, 0.5)) (cuckerSmale 1.3 0.9 0.5) "sigma = 1/2"
        }
        test "The vectorized Cucker-Smale sum equals the naive loop for sigma = 1 and a general sigma = 0.3" {
            agree (CuckerSmaleKernel(0.8, 1.1, 1.0)) (cuckerSmale 0.8 1.1 1.0) "sigma = 1"
            agree (CuckerSmaleKernel(0.8, 1.1, 0.3)) (cuckerSmale 0.8 1.1 0.3) "sigma = 0.3"
        }
        test "A general kernel and a general radial kernel plug in and equal the naive loop" {
            agree (MorseLikeKernel()) (fun y w -> Array.init y.Length (fun a -> 0.3 * w[a] / (1.0 + Array.sumBy (fun c -> c * c) y) + y[a] * exp (-(Array.sumBy (fun c -> c * c) y)))) "general"
            agree (GaussianRadialKernel()) (fun y w -> w |> Array.map (fun c -> 0.7 * exp (-(Array.sumBy (fun c -> c * c) y)) * c)) "radial"
        }
        test "The alignment sum is bit-identical with 1 and 2 threads" {
            let s = Generators.particleState (Random(5)) 2 1000
            let one = Array.zeroCreate 2000
            let two = Array.zeroCreate 2000
            DirectAlignment.Compute(CuckerSmaleKernel(1.0, 1.0, 0.3), s, one, 1)
            DirectAlignment.Compute(CuckerSmaleKernel(1.0, 1.0, 0.3), s, two, 2)
            Expect.sequenceEqual (Array.map BitConverter.DoubleToInt64Bits two) (Array.map BitConverter.DoubleToInt64Bits one) "same bits"
        }
    
        test "The mesh alignment converges to direct summation at order 6 in the spacing, in d = 1, 2, 3" {
            for d in [ 1; 2; 3 ] do
                let s = Generators.particleState (Random(40 + d)) d 300
                let kernel = CuckerSmaleKernel(1.0, 1.0, 0.5)
                let direct = Array.zeroCreate (d * 300)
                DirectAlignment.Compute(kernel, s, direct)
                let scale = direct |> Array.map abs |> Array.max
                let spacings = [| 0.4; 0.2; 0.1; 0.05 |]
                let errors =
                    spacings
                    |> Array.map (fun h ->
                        let mesh = Array.zeroCreate (d * 300)
                        MeshAlignment(kernel, d, h).Compute(s, mesh)
                        (Array.map2 (fun x y -> abs (x - y)) mesh direct |> Array.max) / scale)
                let fit = MeanField.Core.Statistics.LogLogFit.Fit(spacings, errors |> Array.map (fun e -> [| e |] :> Collections.Generic.IReadOnlyList<float>))
                Expect.isGreaterThan fit.Slope 5.5 $"d = {d}: observed order {fit.Slope} (errors {errors})"
                Expect.isLessThan errors[3] 1e-8 $"d = {d}: h = 0.05 is within 1e-8 of the alignment's size"
        }

        test "A run with the mesh alignment follows the direct run to the mesh's accuracy" {
            let text (method: string) =
                ScenarioReader.DefaultText()
                    .Replace("particles: 2000", "particles: 200")
                    .Replace("horizon: 2.0", "horizon: 0.5")
                    .Replace("  sigma: 0.5", $"  sigma: 0.5\n  method: {method}\n  mesh_spacing: 0.05")
            let final (method: string) =
                let scenario = ScenarioReader.Parse(text method)
                let model = MeanField.Core.Dynamics.HybridModel.FromScenario scenario
                let sim = MeanField.Core.Dynamics.HybridSimulation(model, InitialData.Sample(scenario.Initial, 2, 200, scenario.Seed))
                for _ in 1 .. scenario.StepCount do sim.Step()
                sim.State
            let direct, mesh = final "direct", final "mesh"
            let gap = Array.map2 (fun x y -> abs (x - y)) mesh.Velocities direct.Velocities |> Array.max
            Expect.isLessThan gap 1e-8 "velocities agree"
            Expect.isGreaterThan gap 0.0 "and are computed differently"
        }
    
        test "The mesh alignment is bit-identical with 1 and 2 threads" {
            let s = Generators.particleState (Random(6)) 2 5000
            let one = Array.zeroCreate 10000
            let two = Array.zeroCreate 10000
            MeshAlignment(CuckerSmaleKernel(1.0, 1.0, 0.5), 2, 0.1, 1).Compute(s, one)
            MeshAlignment(CuckerSmaleKernel(1.0, 1.0, 0.5), 2, 0.1, 2).Compute(s, two)
            Expect.sequenceEqual (Array.map BitConverter.DoubleToInt64Bits two) (Array.map BitConverter.DoubleToInt64Bits one) "same bits"
        }

        test "The vector deposit and gather give the scalar loops' bits in d = 2 and 3, with and without masses" {
            for d in 2..3 do
                let s = Generators.particleState (Random(30 + d)) d 4000
                let masses = Array.init s.Count (fun i -> float (1 + i % 7))
                let masses = masses |> Array.map (fun m -> m / Array.sum masses)
                for state in [ s; s.WithMasses masses ] do
                    let run vectors =
                        let a = Array.zeroCreate (d * s.Count)
                        MeshAlignment(CuckerSmaleKernel(1.0, 1.0, 0.5), d, 0.1, 2, vectors).Compute(state, a)
                        a
                    let vector, scalar = run true, run false
                    Expect.isGreaterThan (vector |> Array.map abs |> Array.max) 1e-3 $"d = {d}: an alignment that is not zero"
                    Expect.sequenceEqual (Array.map BitConverter.DoubleToInt64Bits vector) (Array.map BitConverter.DoubleToInt64Bits scalar) $"d = {d}, weighted = {state.Masses <> null}"
        }

        test "A box too large for private grids (128^3 nodes) is deposited in parallel slabs with the bits of one thread, in d = 3" {
            let rng = Random(8)
            let n = 3000
            let s = ParticleState(3, n)
            for k in 0 .. 3 * n - 1 do
                s.Positions[k] <- 2.0 * rng.NextDouble() - 1.0
                s.Velocities[k] <- rng.NextDouble() - 0.5
            let run threads vectors =
                let a = Array.zeroCreate (3 * n)
                let mesh = MeshAlignment(CuckerSmaleKernel(1.0, 1.0, 0.5), 3, 0.05, threads, vectors)
                mesh.Compute(s, a)
                Expect.equal mesh.BoxPoints 128 "a box above 2^20 nodes"
                Array.map BitConverter.DoubleToInt64Bits a
            let one = run 1 false
            Expect.sequenceEqual (run 2 false) one "2 threads: same bits"
            Expect.sequenceEqual (run 3 false) one "3 threads: same bits"
            Expect.sequenceEqual (run 2 true) one "2 threads with vectors: same bits"
        }
    ]
