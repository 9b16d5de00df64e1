module MeanField.Tests.Verification.ConvergenceTests

open System
open Expecto
open MeanField.Core.Particles
open MeanField.Core.References
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Verification
open MeanField.Verification.Checks
open MeanField.Tests

let private steps = [| 0.1; 0.05; 0.025; 0.0125; 0.00625 |]
let private seconds = Array.zeroCreate<float> steps.Length
let private judge errors declared = Convergence.judge "dt" steps errors seconds 1e-12 declared

[<Tests>]
let tests =
    testList "MeanField.Verification.Convergence" [
        test "A ladder is held to its declared order, a plateau above the floor is Violated, and rungs at the floor are not judged" {
            let power p = steps |> Array.map (fun dt -> 3.0 * dt ** p)
            let second = judge (power 2.0) (Some 2.0)
            Expect.floatClose Accuracy.veryHigh second.Order 2.0 "the exact order"
            Expect.equal second.Verdict Verdict.Holds second.Reason
            Expect.equal (judge (power 1.0) (Some 2.0)).Verdict Verdict.Violated "first order against a declared second"
            Expect.equal (judge (power 1.75) (Some 2.0)).Verdict Verdict.Holds "within the tolerance of 0.3"
            let drifting = judge (steps |> Array.map (fun dt -> 3.0 * dt * dt + 1e-4)) (Some 2.0)
            Expect.equal drifting.Verdict Verdict.Violated $"a bias of 1e-4 bends the last local order below 1.7: {drifting.Reason}"
            let plateau = steps |> Array.map (fun dt -> 3.0 * dt * dt + 1e-2)
            let flat = judge plateau (Some 2.0)
            Expect.equal flat.Verdict Verdict.Violated flat.Reason
            Expect.stringContains flat.Reason "plateau" "named as a plateau"
            Expect.equal (judge plateau None).Verdict Verdict.Violated "a plateau fails even without a declared order"
            Expect.equal (judge (power 2.0) None).Verdict Verdict.Informational "no declared order, no plateau: informational"
            let atFloor = Convergence.judge "dt" steps (power 2.0) seconds 1.0 (Some 2.0)
            Expect.isTrue (Array.forall not atFloor.Judged) "every rung below 100 x the floor"
            Expect.equal atFloor.Verdict Verdict.Holds "more accurate than the ladder resolves"
            Expect.stringContains atFloor.Reason "more accurate" "and the report says so"
        }

        test "The radial Fourier transform of chi matches a tensor Gauss-Legendre quadrature of the integral in the plane and on the line" {
            let chi = MeanField.Core.Kernels.PolynomialBump(0.5, 1.3)
            let rule = MathNet.Numerics.Integration.GaussLegendreRule(-0.5, 0.5, 200)
            for k in [ 0.0; 1.0; 7.5; 30.0 ] do
                // In d = 2, int chi(x) e^{-i k x_1} dx over the square holding the disc (chi is 0 outside it).
                let mutable plane = 0.0
                for i in 0 .. rule.Order - 1 do
                    for j in 0 .. rule.Order - 1 do
                        let x, y = rule.GetAbscissa i, rule.GetAbscissa j
                        plane <- plane + rule.GetWeight i * rule.GetWeight j * chi.ValueOfSquaredDistance(x * x + y * y) * cos (k * x)
                Expect.floatClose { absolute = 1e-6; relative = 1e-4 } (SpectralReference.RadialTransform(chi, 2, k)) plane $"d = 2, k = {k}"
                let line = Seq.sum (seq { for i in 0 .. rule.Order - 1 -> rule.GetWeight i * chi.ValueOfSquaredDistance(rule.GetAbscissa i ** 2.0) * cos (k * rule.GetAbscissa i) })
                Expect.floatClose { absolute = 1e-10; relative = 1e-9 } (SpectralReference.RadialTransform(chi, 1, k)) line $"d = 1, k = {k}"
            Expect.floatClose Accuracy.high (SpectralReference.RadialTransform(chi, 2, 0.0)) (chi.Mass 2) "at k = 0 the mass (closed form)"
            Expect.floatClose Accuracy.high (SpectralReference.RadialTransform(chi, 3, 0.0)) (chi.Mass 3) "in d = 3 too"
        }

        test "The spectral reference follows the closed form of linear Cucker-Smale to round-off, at fourth order in its step" {
            let scenario = ScenarioReader.Default()
            let linear =
                scenario
                    .WithChemotaxis(ChemotaxisSpec(0.0, 0.1, 0.5, scenario.Chemotaxis.Source, ZeroFieldSpec()))
                    .WithAlignment(CuckerSmaleSpec(1.0, 1.0, 0.0))
                    .WithDomain(6.0, 24)
            let start = InitialData.Sample(scenario.Initial, 2, 30, 4)
            let errorAt (step: float) =
                let reference = SpectralReference(linear, start, 4, step)
                reference.AdvanceTo 1.0
                SpectralReference.Difference(reference.State, ClosedForms.linearCuckerSmale 1.0 start 1.0)
            let coarse, fine = errorAt 0.1, errorAt 0.05
            Expect.isLessThan fine 1e-6 "accurate"
            let order = log (coarse / fine) / log 2.0
            Expect.isGreaterThan order 3.7 $"fourth order: {coarse:E2} -> {fine:E2}"
        }

        test "The spectral reference and the own solver agree on the full model, to the own solver's second order in dt" {
            let scenario = ScenarioReader.Default().WithDomain(6.0, 96)
            let start = InitialData.Sample(scenario.Initial, 2, 20, 8)
            let reference = SpectralReference(scenario, start, 48, 0.0125)
            reference.AdvanceTo 0.5
            let gap (dt: float) =
                let solution = OwnSolver().Solve(SolverProblem.Create(scenario.WithTime(0.5, dt, 0.5), start, 0.5))
                SpectralReference.Difference(solution.Final, reference.State)
            let a, b = gap 0.25, gap 0.125
            Expect.isLessThan b 5e-3 $"close at dt = 0.125: {b:E2}"
            Expect.isGreaterThan (log (a / b) / log 2.0) 1.7 $"and closer at the smaller step at second order: {a:E2} -> {b:E2}"
        }

        test "The code checks catch every mutant on a small suite, and the own solver passes them all" {
            let model = Suite.defaultModel
            let oneDimensional, name = model.OneDimensional
            let suite =
                { Name = "power-test"
                  Entries =
                    [ Convergence.check oneDimensional name
                          { Cells = 32; Horizon = 1.0; OutputInterval = 0.5; Box = 8.0; TimeSteps = [ 0.1; 0.05; 0.025; 0.0125; 0.00625 ]; TimeGrid = 256; Grids = [ 32; 64; 128 ]
                            ReferenceModes = 192; ReferenceStep = 0.003125 }, (Ladder.fixedDesign [] 0 0.0)
                      ClosedForms.momentum model.Scenario model.ScenarioName 100, (Ladder.fixedDesign [] 0 0.0) ] }
            let power = Power.run suite Mutant.all { Solver = Solvers.own; Seed = 3; ScenarioText = "test"; Progress = ignore; Finished = ignore }
            let matrix = power.Rows |> List.map (fun r -> r.Mutant.Id, r.Run.Checks |> List.map (fun c -> c.Id, c.Verdict.Name))
            Expect.isFalse power.FalseAlarm $"the own solver is clean: {power.Own.Checks |> List.map (fun c -> c.Id, c.Verdict.Name)}"
            Expect.equal power.Rows.Length 9 "nine mutants"
            for row in power.Rows do
                Expect.isTrue row.Caught $"{row.Mutant.Id} caught: {matrix}"
            Expect.equal power.Score 1.0 "mutation score 1"
        }
    ]
