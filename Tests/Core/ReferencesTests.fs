module MeanField.Tests.Core.ReferencesTests

open System
open Expecto
open MeanField.Core.Alignment
open MeanField.Core.Chemistry
open MeanField.Core.Dynamics
open MeanField.Core.Kernels
open MeanField.Core.Particles
open MeanField.Core.References
open MeanField.Core.Scenarios
open MeanField.Core.Transport
open MeanField.Tests

/// An embedded scenario with whole lines replaced (line-exact, so "eta" never touches "beta").
let scenario name (lines: (string * string) list) =
    let replaced =
        (ScenarioReader.EmbeddedText name).Split('\n')
        |> Array.map (fun line ->
            match lines |> List.tryFind (fun (old, _) -> line.TrimEnd() = old) with
            | Some(_, replacement) -> replacement
            | None -> line)
    for (old, _) in lines do
        if not ((ScenarioReader.EmbeddedText name).Split('\n') |> Array.exists (fun l -> l.TrimEnd() = old)) then
            failtestf "scenario %s has no line %A" name old
    ScenarioReader.Parse(String.Join("\n", replaced))

let private noAlignment = [ "  beta: 1.0", "  beta: 0.0" ]
let private noChemotaxis = [ "  eta: 1.0", "  eta: 0.0" ]
let private step (dt: float) (output: float) =
    [ "  step: 0.01", $"  step: {dt:R}"; "  step: 0.005", $"  step: {dt:R}"; "  output_interval: 0.25", $"  output_interval: {output:R}" ]
let private grid (points: int) = [ "  grid: 256", $"  grid: {points}" ]

/// Lines of `changes` that exist in the named scenario (step lines differ between the files).
let private applicable name changes =
    let text = (ScenarioReader.EmbeddedText name).Split('\n') |> Array.map (fun l -> l.TrimEnd())
    changes |> List.filter (fun (old, _) -> Array.contains old text)

let private variant name changes = scenario name (applicable name changes)

/// Harmonic confinement F(x) = -x: (V) rotates phase space rigidly, f(t, x, v) = f_in(x cos t - v sin t, x sin t + v cos t).
type private Harmonic() =
    interface IExternalForce with
        member _.Description = "harmonic -x"
        member _.Add(x, a) = a[0] <- a[0] - x[0]
        member _.Supremum = KernelConstant.Analytic("sup|F_ext|", infinity)
        member _.Lipschitz = KernelConstant.Analytic("Lip(F_ext)", 1.0)
        member _.IsZero = false

let private gaussian (x: float) (v: float) = exp (-(x * x) / (2.0 * 0.25) - v * v / (2.0 * 0.09)) / (2.0 * Math.PI * 0.5 * 0.3)

/// Velocity-cell averages of an exact solution by four-point Gauss-Legendre, as the solver stores them.
let private cellError (solver: VlasovGrid1D) (exact: float -> float -> float) =
    let rule = MathNet.Numerics.Integration.GaussLegendreRule(-1.0, 1.0, 4)
    let nv = solver.VelocityCells
    let mutable worst = 0.0
    for i in 0 .. solver.Grid.Points - 1 do
        let x = solver.Grid.NodeCoordinate(0, i)
        for j in 0 .. nv - 1 do
            let average =
                Seq.sum [ for g in 0 .. 3 -> 0.5 * rule.Weights[g] * exact x (solver.VelocityMin + (float j + 0.5 * (rule.Abscissas[g] + 1.0)) * solver.VelocitySpacing) ]
            worst <- max worst (abs (solver.Values[i * nv + j] - average))
    worst

let private vlasov (s: Scenario) (model: HybridModel) cells density =
    VlasovGrid1D(model, Func<_, _, _>(density), -3.0, 3.0, cells)

/// The refinement ladder of the grid tests: (x points, dt, velocity cells).
let private ladder = [ 64, 0.05, 64; 128, 0.025, 128; 256, 0.0125, 256 ]

let private freeModel points dt = HybridModel.FromScenario(variant "vlasov-d1" (noAlignment @ noChemotaxis @ grid points @ step dt 0.25))

let private weightedTests =
    testList "weighted clouds" [
        test "a cloud of duplicated cells and the weighted cloud of the originals give the same alignment and source" {
            let original = InitialData.Sample(GaussianDataSpec([| 0.0; 0.0 |], 0.5, [| 0.1; 0.0 |], 0.3, 3.0), 2, 150, 7)
            let n = original.Count
            // Cell i carries mass 2/(3n) for even i and 4/(3n) for odd i; the duplicated cloud holds
            // one copy of each even cell and two of each odd one: the same measure.
            let masses = Array.init n (fun i -> if i % 2 = 0 then 2.0 / (3.0 * float n) else 4.0 / (3.0 * float n))
            let weighted = ParticleState(2, n, Masses = masses)
            original.Positions.CopyTo(weighted.Positions, 0)
            original.Velocities.CopyTo(weighted.Velocities, 0)
            let copies = [| for i in 0 .. n - 1 do yield i; if i % 2 = 1 then yield i |]
            let duplicated = ParticleState(2, copies.Length)
            copies |> Array.iteri (fun k i ->
                for a in 0 .. 1 do
                    duplicated.Positions[a * copies.Length + k] <- original.Positions[a * n + i]
                    duplicated.Velocities[a * copies.Length + k] <- original.Velocities[a * n + i])
            let kernel = CuckerSmaleKernel(1.0, 1.0, 0.5)
            let aw = Array.zeroCreate (2 * n)
            let ad = Array.zeroCreate (2 * copies.Length)
            DirectAlignment.Compute(kernel, weighted, aw)
            DirectAlignment.Compute(kernel, duplicated, ad)
            let firstCopy = copies |> Array.mapi (fun k i -> i, k) |> Array.distinctBy fst |> Array.map snd
            let adOriginal = Array.init (2 * n) (fun c -> ad[(c / n) * copies.Length + firstCopy[c % n]])
            Expect.isLessThan (Measure.maxAbsDiff aw adOriginal) 1e-14 "direct alignment"
            let mesh = MeshAlignment(kernel, 2, 0.1)
            mesh.Compute(weighted, aw)
            mesh.Compute(duplicated, ad)
            let adOriginal = Array.init (2 * n) (fun c -> ad[(c / n) * copies.Length + firstCopy[c % n]])
            Expect.isLessThan (Measure.maxAbsDiff aw adOriginal) 1e-13 "mesh alignment"
            let gridOf = PeriodicGrid(2, 64, 8.0, ReadOnlySpan [| 0.0; 0.0 |])
            let field = ChemicalField(gridOf, 0.1, 0.5, PolynomialBump(0.5, 1.0), 0.01)
            let sw = Array.zeroCreate<Numerics.Complex> gridOf.NodeCount
            let sd = Array.zeroCreate<Numerics.Complex> gridOf.NodeCount
            field.Deposit(weighted.Positions, n, sw, masses)
            field.Deposit(duplicated.Positions, copies.Length, sd)
            let gap = Array.map2 (fun (a: Numerics.Complex) (b: Numerics.Complex) -> (a - b).Magnitude) sw sd |> Array.max
            Expect.isLessThan gap 1e-12 "chemical source"
        }

        test "masses must be positive and sum to 1" {
            let e = raises<ArgumentOutOfRangeException> (fun () -> ParticleState(1, 2, Masses = [| 1.5; -0.5 |]) |> ignore)
            Expect.stringContains e.Message "mass of particle 1" "names the particle"
            let e = raises<ArgumentException> (fun () -> ParticleState(1, 2, Masses = [| 0.4; 0.4 |]) |> ignore)
            Expect.stringContains e.Message "sum to 0.8" "names the total"
        }
    ]

let private lagrangianTests =
    testList "Lagrangian" [
        test "free transport of u_in = -x is detected to cross at t = 1 in d = 1" {
            let data = MonokineticSpec([| 0.0 |], 1.0, LinearVelocitySpec(-1.0))
            let model = HybridModel.FromScenario(variant "monokinetic-d1" (noAlignment @ noChemotaxis @ step 0.01 0.25))
            let reference = LagrangianReference(model, LabelQuadrature.Create(data, 1, 8, 4))
            Expect.isFalse (reference.AdvanceTo 2.0) "the run stops at the crossing"
            Expect.floatClose Accuracy.veryHigh reference.CrossingTime.Value 1.0 "crossing time"
            Expect.throwsT<InvalidOperationException> (fun () -> reference.Step() |> ignore) "no step past the crossing"
        }

        test "a compression along one axis crosses at t = 1 in d = 2 and the Jacobian is 1 - t before" {
            let data = MonokineticSpec([| 0.0; 0.0 |], 1.0, LinearVelocitySpec(-1.0))
            let model = HybridModel.FromScenario(variant "monokinetic-d2" (noAlignment @ noChemotaxis @ step 0.01 0.25))
            let reference = LagrangianReference(model, LabelQuadrature.Create(data, 2, 4, 4))
            Expect.isTrue (reference.AdvanceTo 0.5) "no crossing before t = 0.5"
            // u = -x in d = 2 is an isotropic focus: det = (1 - t)^2, touching 0 at t = 1.
            Expect.floatClose Accuracy.high reference.MinJacobian 0.25 "det = (1 - t)^2 at t = 1/2"
            Expect.isFalse (reference.AdvanceTo 2.0) "the focus is a crossing"
            Expect.isLessThan (abs (reference.CrossingTime.Value - 1.0)) 0.011 "at t = 1 (within a step)"
        }

        test "the labels integrate the initial moments exactly where the quadrature is exact" {
            // d = 1 uniform on [-1, 1]: E x^2 = 1/3. d = 2 bump (1 - r^2)^4 on the unit disc: E |x|^2 = 1/6,
            // whose integrand r^3 (1 - r^2)^4 has degree 11 in r: exact with six Gauss-Legendre nodes.
            let moment (q: LabelQuadrature) =
                Seq.sum [ for j in 0 .. q.Labels - 1 -> q.Masses[j] * Seq.sum [ for a in 0 .. q.Dimension - 1 -> q.Initial[a * q.Labels + j] ** 2.0 ] ]
            let uniform = LabelQuadrature.Create(MonokineticSpec([| 0.0 |], 1.0, ConstantVelocitySpec([| 0.0 |])), 1, 3, 2)
            Expect.floatClose Accuracy.veryHigh (moment uniform) (1.0 / 3.0) "d = 1"
            let bump = LabelQuadrature.Create(MonokineticSpec([| 0.0; 0.0 |], 1.0, ConstantVelocitySpec([| 0.0; 0.0 |]), Profile = DensityProfile.Bump), 2, 3, 6)
            Expect.floatClose Accuracy.veryHigh (moment bump) (1.0 / 6.0) "d = 2"
            Expect.floatClose Accuracy.veryHigh (Array.sum bump.Masses) 1.0 "masses sum to 1"
        }

        test "the Lagrangian solution converges at the quadrature's order 2p under refinement of the labels" {
            // Alignment on, chemotaxis off (chi's C^2 kink limits a quadrature over the chemical source).
            let s = variant "monokinetic-d1" (noChemotaxis @ [ "  horizon: 1.0", "  horizon: 0.5" ])
            let model = HybridModel.FromScenario s
            let data = s.Initial :?> MonokineticSpec
            let secondMoment cells =
                let reference = LagrangianReference(model, LabelQuadrature.Create(data, 1, cells, 4))
                Expect.isTrue (reference.AdvanceTo 0.5) "no crossing"
                let x = reference.Simulation.State.Positions
                Array.fold2 (fun acc m xi -> acc + m * xi * xi) 0.0 reference.Labels.Masses x
            let values = [ 4; 8; 16; 32 ] |> List.map secondMoment
            let differences = values |> List.pairwise |> List.map (fun (a, b) -> abs (a - b))
            let observed = (Measure.order [ 1.0; 0.5; 0.25 ] differences)
            Expect.isGreaterThan observed 7.0 $"observed order {observed:F2} (2p = 8; differences {differences})"
        }

        test "the Lagrangian and the finite-volume solutions agree, the gap falling at second order" {
            let lagrangianScenario = variant "monokinetic-d1" (step 0.00125 0.25)
            let data = lagrangianScenario.Initial :?> MonokineticSpec
            let lagrangian = LagrangianReference(HybridModel.FromScenario lagrangianScenario, LabelQuadrature.Create(data, 1, 64, 4))
            Expect.isTrue (lagrangian.AdvanceTo 1.0) "subcritical: no crossing"
            let gaps =
                [ 200, 0.02; 400, 0.01; 800, 0.005 ]
                |> List.map (fun (cells, dt) ->
                    let euler = PressurelessEuler1D(HybridModel.FromScenario(variant "monokinetic-d1" (step dt 0.5)), data, cells)
                    euler.AdvanceTo 1.0
                    Expect.floatClose Accuracy.veryHigh euler.Mass 1.0 "mass kept"
                    Expect.isGreaterThanOrEqual euler.MinimumDensity 0.0 "density stays >= 0"
                    MonokineticComparison.Compare(lagrangian, euler))
            let densityOrder = (Measure.order [ 1.0; 0.5; 0.25 ] (gaps |> List.map _.DensityL1))
            Expect.isGreaterThan densityOrder 1.8 $"density gap order {densityOrder:F2} ({gaps})"
            Expect.isLessThan gaps[2].DensityL1 4e-4 "density gap at 800 cells"
            Expect.isLessThan gaps[2].VelocityMax 3e-4 "velocity gap at 800 cells"
        }
    ]

let private gridTests =
    testList "Vlasov grid" [
        test "free transport matches f_in(x - v t, v) and the error falls at second order" {
            let errors =
                ladder |> List.map (fun (points, dt, cells) ->
                    let solver = VlasovGrid1D(freeModel points dt, Func<_, _, _>(gaussian), -3.0, 3.0, cells)
                    solver.AdvanceTo 1.0
                    cellError solver (fun x v -> gaussian (x - v) v))
            let observed = (Measure.order [ 1.0; 0.5; 0.25 ] errors)
            Expect.isGreaterThan observed 1.8 $"observed order {observed:F2} ({errors})"
            Expect.isLessThan errors[2] 2e-4 "error at 256 x 256"
        }

        test "a harmonic force rotates phase space as the exact solution does, at second order" {
            let errors =
                ladder |> List.map (fun (points, dt, cells) ->
                    let model = freeModel points dt
                    let harmonic = HybridModel(Dimension = 1, Alignment = model.Alignment, Eta = 0.0, Diffusion = model.Diffusion, Decay = model.Decay,
                                               Source = model.Source, ExternalForce = Harmonic(), Grid = model.Grid, Step = dt, MaxSpeed = model.MaxSpeed)
                    let solver = VlasovGrid1D(harmonic, Func<_, _, _>(gaussian), -3.0, 3.0, cells)
                    solver.AdvanceTo 1.0
                    let c, s = cos 1.0, sin 1.0
                    cellError solver (fun x v -> gaussian (x * c - v * s) (x * s + v * c)))
            let observed = (Measure.order [ 1.0; 0.5; 0.25 ] errors)
            Expect.isGreaterThan observed 1.8 $"observed order {observed:F2} ({errors})"
        }

        test "mass is conserved to round-off and momentum under pure alignment converges to conservation" {
            let skewed (x: float) (v: float) =
                exp (-((x - 0.3) ** 2.0) / 0.5 - ((v - 0.4 * x - 0.2) ** 2.0) / 0.18) * (1.0 + 0.5 * sin (3.0 * x))
            let drifts =
                ladder |> List.map (fun (points, dt, cells) ->
                    let model = HybridModel.FromScenario(variant "vlasov-d1" (noChemotaxis @ grid points @ step dt 0.25))
                    let solver = VlasovGrid1D(model, Func<_, _, _>(skewed), -3.0, 3.0, cells)
                    let momentum = solver.Momentum
                    solver.AdvanceTo 1.0
                    Expect.isLessThan (abs (solver.Mass - solver.InitialMass)) (1e-13 * solver.InitialMass) "mass to round-off"
                    Expect.equal solver.BoundaryFlux 0.0 "nothing reaches the ends of the velocity interval"
                    abs (solver.Momentum - momentum) / momentum)
            let observed = (Measure.order [ 1.0; 0.5; 0.25 ] drifts)
            Expect.isGreaterThan observed 2.0 $"momentum drift order {observed:F2} ({drifts})"
            Expect.isLessThan drifts[2] 1e-7 "relative momentum drift at 256 x 256"
        }

        test "the full model converges under refinement of x, v and t together at second order" {
            let s = ScenarioReader.Embedded "vlasov-d1"
            let densities =
                [ 64, 0.04, 64; 128, 0.02, 128; 256, 0.01, 256 ]
                |> List.map (fun (points, dt, cells) ->
                    let model = HybridModel.FromScenario(variant "vlasov-d1" (grid points @ step dt 0.2))
                    let struct (lo, hi) = InitialDensity.VelocityInterval s.Initial
                    let solver = VlasovGrid1D(model, InitialDensity.OneDimensional s.Initial, lo, hi, cells)
                    solver.AdvanceTo 1.0
                    solver.SpatialDensity.ToArray())
            let differences =
                densities |> List.pairwise |> List.map (fun (coarse, fine) -> Array.init coarse.Length (fun i -> abs (coarse[i] - fine[2 * i])) |> Array.max)
            let observed = Math.Log2(differences[0] / differences[1])
            Expect.isGreaterThan observed 1.8 $"observed order {observed:F2} ({differences})"
        }

        test "the particle reference and the grid reference agree to the sampling error, and a wrong grid solution does not" {
            let s = ScenarioReader.Embedded "vlasov-d1"
            let struct (lo, hi) = InitialDensity.VelocityInterval s.Initial
            let solve (model: HybridModel) =
                let solver = VlasovGrid1D(model, InitialDensity.OneDimensional s.Initial, lo, hi, 256)
                solver.AdvanceTo 1.0
                solver
            let right = solve (HybridModel.FromScenario s)
            let wrong = solve (HybridModel.FromScenario(variant "vlasov-d1" [ "  eta: 1.0", "  eta: 3.0" ]))
            let particles count seed =
                let sim = HybridSimulation(HybridModel.FromScenario s, InitialData.Sample(s.Initial, 1, count, seed))
                while sim.StepIndex < 100 do sim.Step()
                sim.State
            let w2 a b = Wasserstein.Compute(PointCloud.PhaseSpace a, PointCloud.PhaseSpace b).Cost
            let measure count =
                let cloud = particles count 11
                w2 cloud (particles count 12), w2 cloud (right.Sample(count, 13)), w2 cloud (wrong.Sample(count, 13))
            let pp500, pg500, _ = measure 500
            let pp, pg, wrongGap = measure 2000
            Expect.isLessThan pg (3.0 * pp) $"grid vs particles {pg:E2} against particles vs particles {pp:E2} at M = 2000"
            Expect.isLessThan pg (pg500 / 2.0) $"falls with M: {pg500:E2} at 500, {pg:E2} at 2000"
            Expect.isGreaterThan wrongGap (5.0 * pp) $"a grid solution with eta tripled is told apart ({wrongGap:E2})"
            ignore pp500
        }
    ]

/// Each reference's estimate of its own error against an oracle: a finer run or a known constant.
let private errorEstimateTests =
    testList "error estimates" [
        test "the grid's Richardson estimate of the 128-node run's error is within a factor 2 above its difference to the 256-node run" {
            // Second order: with e the 128 run's error, the estimate is (4e - e) / 3 = e and the difference to
            // the 256 run e - e / 4; their ratio 2^p / 3 is 1.33 at p = 2, below 1 for a first-order solver.
            let at points dt = variant "vlasov-d1" (grid points @ step dt 0.2)
            let fine = GridSolution(at 128 0.02, 128)
            fine.AdvanceTo 1.0 |> ignore
            let estimate = fine.EstimateError().Value
            let finer = GridSolution(at 256 0.01, 256)
            finer.AdvanceTo 1.0 |> ignore
            let a, b = fine.Solver.SpatialDensity.ToArray(), finer.Solver.SpatialDensity.ToArray()
            let difference = Array.init a.Length (fun i -> abs (a[i] - b[2 * i])) |> Array.max
            let ratio = estimate / difference
            Expect.isTrue (ratio >= 1.0 && ratio <= 2.0) $"estimate {estimate:E3}, difference to the finer run {difference:E3}, ratio {ratio:F2}"
        }

        test "the grid's W2 floor measures how slowly a law with jumps converges: it bounds the run at half the resolution by more than its gap to the full run" {
            // Uniform in x and v (jumps at the edges): W2^2 between runs falls about 4 times per halving, not 16.
            // The floor is for the run at half the resolution, whose error is at least its W2^2 gap to the full run
            // less the full run's own error; assuming the second order's 16 put it 2.3 times below that gap.
            let uniform =
                ScenarioReader.Parse(
                    ScenarioReader.DefaultText()
                        .Replace("dimension: 2", "dimension: 1").Replace("[0.0, 0.0]", "[0.0]")
                        .Replace("box: 16.0", "box: 8.0").Replace("grid: 128", "grid: 64").Replace("horizon: 2.0", "horizon: 0.5"))
            let full = GridSolution(uniform, 64)
            full.AdvanceTo 0.5 |> ignore
            let estimate = full.EstimateTransportError()
            let half = GridSolution(uniform.WithResolution(32, 2.0 * uniform.Time.Step), 32)
            half.AdvanceTo 0.5 |> ignore
            let gap = Wasserstein.Compute(full.Solver.ToCloud(1e-6), half.Solver.ToRefinedCloud(1e-6), 2.0, TransportMethod.Exact).Cost
            Expect.stringContains estimate.Method "measured fall" $"the measured factor is used: {estimate.Method}"
            Expect.isGreaterThan estimate.Value gap $"floor {estimate.Value:E3} above the half run's gap to the full run {gap:E3}"
        }

        test "the finite volumes' Richardson estimate is within a factor 2 of their L1 gap to the Lagrangian solution, at 400 and 800 cells" {
            // At 200 cells the runs are pre-asymptotic (the gap falls 4.1x from 200 to 400 cells, the estimate
            // from 100 and 200 cells is 0.4 of it); from 400 cells (the command's default is 800) it holds.
            let s = variant "monokinetic-d1" (step 0.01 0.25)
            let exact = LagrangianReference(HybridModel.FromScenario(variant "monokinetic-d1" (step 0.00125 0.25)), LabelQuadrature.Create(s.Initial :?> MonokineticSpec, 1, 64, 4))
            Expect.isTrue (exact.AdvanceTo 1.0) "subcritical: no crossing"
            for cells in [ 400; 800 ] do
                let euler = EulerSolution(s, cells)
                euler.AdvanceTo 1.0 |> ignore
                let estimate = euler.EstimateError().Value
                let gap = MonokineticComparison.Compare(exact, euler.Solver).DensityL1
                let ratio = estimate / gap
                Expect.isTrue (ratio >= 0.5 && ratio <= 2.0) $"{cells} cells: estimate {estimate:E3}, gap to the Lagrangian solution {gap:E3}, ratio {ratio:F2}"
        }

        test "the Lagrangian estimate bounds the error of both runs it compares, measured against 64 label cells" {
            // Alignment on, chemotaxis off (chi's C^2 kink limits a quadrature over the chemical source).
            let s = variant "monokinetic-d1" (noChemotaxis @ [ "  horizon: 1.0", "  horizon: 0.5" ])
            let solve cells =
                let solution = LagrangianSolution(s, cells)
                Expect.isTrue (solution.AdvanceTo 0.5) "no crossing"
                solution
            let fine = solve 8
            let estimate = fine.EstimateError().Value
            let struct (truthX, truthV) = LagrangianSolution.SecondMoments (solve 64).Solver
            let error (solution: LagrangianSolution) =
                let struct (x, v) = LagrangianSolution.SecondMoments solution.Solver
                max (abs (x - truthX)) (abs (v - truthV))
            let coarseError, fineError = error (solve 4), error fine
            Expect.isGreaterThanOrEqual estimate (0.95 * coarseError) $"estimate {estimate:E3} against the 4-cell run's error {coarseError:E3}"
            Expect.isLessThanOrEqual estimate (1.05 * coarseError) $"estimate {estimate:E3}: the coarse run's error {coarseError:E3}, no more"
            Expect.isLessThan fineError estimate $"the 8-cell run's error {fineError:E3} lies below"
        }

        test "the particle cloud's sampling estimate has the exact mean 1/(3(n + 1)) on the uniform law of an interval" {
            // Two independent n-samples of U(0, 1): E W2^2 = (2/n) sum_i Var U_(i) = 1/(3(n + 1)).
            let n, trials = 200, 400
            let estimates =
                Array.init trials (fun seed ->
                    let rng = MathNet.Numerics.Random.Xoshiro256StarStar(seed, false)
                    let struct (half, cost) = ParticleSolution.SamplingError(PointCloud(1, Array.init (2 * n) (fun _ -> rng.NextDouble())))
                    Expect.equal half n "halves of the cloud"
                    cost)
            let estimates: float[] = estimates
            let mean = Array.average estimates
            let standardError = MathNet.Numerics.Statistics.Statistics.StandardDeviation estimates / sqrt (float trials)
            let exact = 1.0 / (3.0 * float (n + 1))
            Expect.isLessThan (abs (mean - exact)) (4.0 * standardError) $"mean {mean:E4} against {exact:E4} (standard error {standardError:E2})"
        }
    ]

[<Tests>]
let tests = testList "MeanField.Core.References" [ weightedTests; lagrangianTests; gridTests; errorEstimateTests ]
