module MeanField.Tests.Core.DynamicsTests

open System
open Expecto
open MeanField.Core.Dynamics
open MeanField.Core.Kernels
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Tests
open MeanField.Tests.Core.ChemistryTests

/// Positions, velocities and the nodal field as one vector, for convergence studies.
let private snapshot (sim: HybridSimulation) =
    let field = Array.zeroCreate sim.Model.Grid.NodeCount
    sim.Field.GetNodalValues(Span field)
    Array.concat [ sim.State.Positions; sim.State.Velocities; field ]

let private run (m: HybridModel) (initial: ParticleState) steps threads =
    let sim = HybridSimulation(m, initial, threads)
    for _ in 1..steps do
        sim.Step()
    sim

let private spread (s: ParticleState) = (Diagnostics.Summarize(0.0, s, 0.0, 0.0)).VelocitySpread

/// An upper bound of the position diameter: twice the largest distance to the centre of mass.
let private diameterBound (s: ParticleState) =
    let n, d = s.Count, s.Dimension
    let mean = Array.init d (fun a -> Array.average (s.X(a).ToArray()))
    seq { for i in 0 .. n - 1 -> sqrt (Seq.sum (seq { for a in 0 .. d - 1 -> (s.Positions[a * n + i] - mean[a]) ** 2.0 })) }
    |> Seq.max
    |> (*) 2.0

let couplingTests =
    testList "coupled system" [
        test "The coupled particle-field scheme has observed temporal order >= 2 in a dt-halving study" {
            let t = 0.4
            let initial = Generators.particleState (Random(3)) 2 20
            for k in 0 .. initial.Positions.Length - 1 do
                initial.Positions[k] <- 0.6 * initial.Positions[k]
            let solution (dt: float) = snapshot (run (model 2 32 8.0 0.1 0.5 2.0 dt) initial (int (round (t / dt))) 1)
            let steps = [ 0.02; 0.01; 0.005; 0.0025; 0.00125 ]
            let solutions = steps |> List.map solution
            let differences = solutions |> List.pairwise |> List.map (fun (a, b) -> Measure.maxAbsDiff a b)
            let order = Measure.order (List.take differences.Length steps) differences
            Expect.isGreaterThanOrEqual order 1.95 $"observed order {order:F3}; successive differences {differences}"
        }
    ]

let private cuckerSmaleOnly sigma =
    build 2 16 16.0 0.1 0.5 0.0 0.05 (CuckerSmaleKernel(1.0, 1.0, sigma)) NoExternalForce.Instance 1e3

let flockingTests =
    testList "pure Cucker-Smale" [
        test "With eta = 0 the total momentum is conserved to round-off" {
            let initial = Generators.particleState (Random(9)) 2 200
            let sim = HybridSimulation(cuckerSmaleOnly 0.5, initial, 1)
            let mean (s: ParticleState) = (Diagnostics.Summarize(0.0, s, 0.0, 0.0)).MeanVelocity
            let before = mean initial
            for _ in 1..200 do
                sim.Step()
            Expect.isLessThan (Measure.maxAbsDiff (mean sim.State) before) 1e-14 "mean velocity unchanged"
        }

        test "With eta = 0 the velocity spread never increases and decays at least as fast as exp(-beta psi(diameter) t)" {
            // d/dt sum |v_i - mean|^2 = -(beta/N) sum_ij psi_ij |v_i - v_j|^2 <= -2 beta psi(D) sum |v_i - mean|^2 while
            // every distance is at most D; so spread(t) <= spread(0) exp(-beta int_0^t psi(D(s)) ds), which tends
            // to zero (flocking) when psi is not integrable, sigma <= 1/2.
            for sigma in [ 0.5; 0.3 ] do
                let initial = Generators.particleState (Random(10)) 2 200
                for k in 0 .. initial.Velocities.Length - 1 do
                    initial.Velocities[k] <- 0.3 * initial.Velocities[k]
                let m = cuckerSmaleOnly sigma
                let kernel = m.Alignment :?> CuckerSmaleKernel
                let sim = HybridSimulation(m, initial, 1)
                let mutable previous = spread initial
                let mutable exponent = 0.0
                let first = previous
                for _ in 1..600 do
                    let diameter = diameterBound sim.State
                    sim.Step()
                    let after = diameterBound sim.State
                    exponent <- exponent + kernel.Beta * m.Step * kernel.ProfileOfSquaredDistance(max diameter after ** 2.0)
                    let current = spread sim.State
                    Expect.isLessThanOrEqual current (previous * (1.0 + 1e-13)) $"sigma = {sigma}, t = {sim.Time}: non-increasing"
                    Expect.isLessThanOrEqual current (first * exp (-exponent) * (1.0 + 1e-6)) $"sigma = {sigma}, t = {sim.Time}: below the exponential bound"
                    previous <- current
                Expect.isGreaterThan exponent 3.0 $"sigma = {sigma}: the bound itself has fallen by e^-3 by t = {sim.Time}"
                Expect.isLessThan previous (1e-2 * first) $"sigma = {sigma}: spread {first:E3} -> {previous:E3} by t = {sim.Time}"
        }
    ]

let determinismTests =
    testList "determinism" [
        test "The same seed gives the same bits with 1 and 2 threads" {
            let s = ScenarioReader.Parse(ScenarioReader.DefaultText().Replace("particles: 2000", "particles: 300"))
            let m = HybridModel.FromScenario s
            let go threads =
                let initial = InitialData.Sample(s.Initial, s.Dimension, s.Particles, s.Seed)
                snapshot (run m initial 10 threads)
            let bits a = Array.map BitConverter.DoubleToInt64Bits a
            let one = go 1
            Expect.sequenceEqual (bits (go 2)) (bits one) "2 threads"
            Expect.sequenceEqual (bits (go 1)) (bits one) "a second run"
        }

        test "The stepper gives the same bits on 1, 2 and 3 threads at sizes where every thread-dependent path acts, in d = 2 and 3" {
            // The thread-dependent paths and the sizes that cross them: the element-wise loops run in parallel
            // blocks from N d >= 2^16 values; the field's gather in parallel from 20,000 cells; its deposit through
            // private block grids up to 2^20 nodes (d = 2: 128^2) and in slabs above (d = 3: 128^3); the mesh
            // alignment's deposit in private blocks up to 2^20 box nodes (d = 2) and in slabs above (d = 3: h = 0.05
            // over the unit ball gives a 128^3 box).
            let case d cells grid =
                let text =
                    ScenarioReader.DefaultText()
                        .Replace("particles: 2000", sprintf "particles: %d" cells)
                        .Replace("sigma: 0.5", "sigma: 0.5\n  method: mesh\n  mesh_spacing: 0.05")
                        .Replace("grid: 128", sprintf "grid: %d" grid)
                let text = if d = 3 then text.Replace("dimension: 2", "dimension: 3").Replace("[0.0, 0.0]", "[0.0, 0.0, 0.0]") else text
                let s = ScenarioReader.Parse text
                let initial = InitialData.Sample(s.Initial, d, cells, s.Seed)
                let extent =
                    Seq.init d (fun a -> let x = initial.Positions[a * cells .. (a + 1) * cells - 1] in Array.max x - Array.min x) |> Seq.max
                let box = pown (int64 (MeanField.Core.Alignment.MeshAlignment.BoxPointsFor(extent, 0.05))) d
                let nodes = pown (int64 grid) d
                Expect.isGreaterThanOrEqual (cells * d) (1 <<< 16) $"d = {d}: the element-wise loops in parallel blocks"
                Expect.isGreaterThanOrEqual cells 20_000 $"d = {d}: the field's parallel gather"
                if d = 2 then
                    Expect.isLessThanOrEqual nodes (1L <<< 20) "d = 2: the field's block deposit"
                    Expect.isLessThanOrEqual box (1L <<< 20) "d = 2: the mesh alignment's block deposit"
                else
                    Expect.isGreaterThan nodes (1L <<< 20) "d = 3: the field's slab deposit"
                    Expect.isGreaterThan box (1L <<< 20) $"d = 3: the mesh alignment's slab deposit (box {box} nodes)"
                let m = HybridModel.FromScenario s
                let go threads = snapshot (run m (InitialData.Sample(s.Initial, d, cells, s.Seed)) 2 threads) |> Array.map BitConverter.DoubleToInt64Bits
                let one = go 1
                for threads in [ 2; 3 ] do
                    Expect.sequenceEqual (go threads) one $"d = {d}: {threads} threads give one thread's bits"
            case 2 40_000 128
            case 3 25_000 128
        }

        test "Different seeds give different initial data" {
            let s = ScenarioReader.Default()
            let a = InitialData.Sample(s.Initial, 2, 100, 1)
            let b = InitialData.Sample(s.Initial, 2, 100, 2)
            Expect.isGreaterThan (Measure.maxAbsDiff a.Positions b.Positions) 0.0 "seeds matter"
        }
    ]

let failureTests =
    testList "failure detection" [
        test "A speed beyond the limit stops the run naming the step and the particle" {
            let m = build 1 32 8.0 0.1 0.5 0.0 0.01 NoAlignmentKernel.Instance (ConstantForce([| 1.0 |])) 1.0
            let initial = ParticleState(1, 3)
            initial.Positions[0] <- -1.0
            initial.Positions[2] <- 1.0
            initial.Velocities[1] <- 0.955
            let sim = HybridSimulation(m, initial, 1)
            let e = raises<SimulationFailureException> (fun () -> for _ in 1..100 do sim.Step())
            Expect.equal (e.Step, e.Particle) (5, 1) e.Message
            Expect.stringContains e.Message "blow-up" "says what happened"
        }

        test "A non-finite acceleration is reported as a blow-up, never written out" {
            let nanKernel =
                { new IAlignmentKernel with
                    member _.Description = "nan"
                    member _.Evaluate(_, _, g) = g.Fill nan
                    member _.Lipschitz(_, _) = KernelConstant.Analytic("Lip", nan) }
            let m = build 2 16 8.0 0.1 0.5 0.0 0.01 nanKernel NoExternalForce.Instance 1e3
            let sim = HybridSimulation(m, Generators.particleState (Random(1)) 2 4, 1)
            let e = raises<SimulationFailureException> (fun () -> sim.Step())
            Expect.stringContains e.Message "non-finite" e.Message
        }

        test "Among many failing cells in a large cloud (checked in parallel blocks) the one named is the first, on any thread count" {
            let m = build 1 32 8.0 0.1 0.5 0.0 0.01 NoAlignmentKernel.Instance NoExternalForce.Instance 1.0
            let n = 300_000
            let initial = ParticleState(1, n)
            // Failures at the end of one block and the start of others: too fast, non-finite, outside the box.
            for i, v in [ 250_001, 5.0; 180_000, nan; 120_007, 2.0; 270_000, 3.0 ] do
                initial.Velocities[i] <- v
            initial.Positions[199_999] <- 100.0
            for threads in [ 1; 2; -1 ] do
                let e = raises<SimulationFailureException> (fun () -> HybridSimulation(m, initial, threads) |> ignore)
                Expect.equal (e.Step, e.Particle) (0, 120_007) $"{threads} threads: {e.Message}"
                Expect.stringContains e.Message "speed 2 exceeds" "and its failure"
        }

        test "A cell that reaches the edge of the periodic box stops the run" {
            let m = build 1 32 8.0 0.1 0.5 0.0 0.01 NoAlignmentKernel.Instance NoExternalForce.Instance 1e3
            let initial = ParticleState(1, 2)
            initial.Positions[0] <- 3.0
            initial.Velocities[0] <- 1.0
            let sim = HybridSimulation(m, initial, 1)
            let e = raises<SimulationFailureException> (fun () -> for _ in 1..100 do sim.Step())
            Expect.isTrue (e.Step = 50 || e.Step = 51) $"leaves x <= 3.5 at t = 0.5 (step {e.Step})"
            Expect.equal e.Particle 0 "particle 0"
            Expect.stringContains e.Message "domain.box" "names the remedy"
        }
    ]

[<Tests>]
let tests = testList "MeanField.Core.Dynamics" [ couplingTests; flockingTests; determinismTests; failureTests ]
