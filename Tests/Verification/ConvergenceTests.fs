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
let private ladder variable xs errors : MeasuredLadder = { Variable = variable; Xs = xs; Errors = errors; Seconds = Array.zeroCreate xs.Length }
let private judging floor declared : Convergence.Judging = { Floor = floor; Declared = declared; Margins = [] }
let private order (q: float option) = match q with Some q -> DeclaredOrder.Order q | None -> DeclaredOrder.Undeclared
let private judge errors declared = Convergence.judge (ladder "dt" steps errors) (judging 1e-12 (order declared))
let private judgeAt (l: MeasuredLadder) floor declared = Convergence.judge l (judging floor (order declared))

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
        }

        test "A ladder with too few rungs above the floor measured nothing: Inconclusive, never Holds, unless what it saw is already wrong" {
            let power p = steps |> Array.map (fun dt -> 3.0 * dt ** p)
            let atFloor = judgeAt (ladder "dt" steps (power 2.0)) 1.0 (Some 2.0)
            Expect.isTrue (Array.forall not atFloor.Judged) "every rung below 100 x the floor"
            Expect.equal atFloor.Verdict (Verdict.Inconclusive None) atFloor.Reason
            Expect.stringContains atFloor.Reason "nothing was measured" "and the report says so"
            // Floor 2e-8: rungs at or above 2e-6 are judged. 3 dt^2 is 3e-2, 7.5e-3, 1.9e-3, 4.7e-4, 1.2e-4: all five.
            // 3 dt^4 is 3e-4, 1.9e-5, 1.2e-6, ...: two judged, one short of the three a time ladder needs.
            let fourth = judgeAt (ladder "dt" steps (power 4.0)) 2e-8 (Some 4.0)
            Expect.equal (fourth.Judged |> Array.filter id |> Array.length) 2 "two rungs judged"
            Expect.equal fourth.Verdict (Verdict.Inconclusive None) "two rungs of dt cannot Hold"
            let short = judgeAt (ladder "dt" steps (power 1.0 |> Array.map (fun e -> e * 1e-3))) 1e-6 (Some 2.0)
            Expect.equal (short.Judged |> Array.filter id |> Array.length) 2 "two rungs judged"
            Expect.equal short.Verdict Verdict.Violated "but two rungs at first order against a declared second are already wrong"
            let grid = judgeAt (ladder "h" [| 0.4; 0.2; 0.1 |] [| 1e-3; 3e-5; 1e-9 |]) 1e-9 None
            Expect.equal grid.Verdict Verdict.Informational "two rungs of h are enough to show an order"
            let lone = judgeAt (ladder "h" [| 0.4; 0.2; 0.1 |] [| 1e-3; 1e-9; 1e-9 |]) 1e-9 None
            Expect.equal lone.Verdict (Verdict.Inconclusive None) "one rung of h is not, when no margin says what its finer rungs rule out"
            Expect.equal (Convergence.combine fourth (Some grid)) (Verdict.Inconclusive None) "and the check is Inconclusive with it"
        }

        test "A resolved ladder Holds with its bound; rungs at the floor that rule out no term's 5% error, or too few judged with a declared order, are Inconclusive; a plateau is Violated" {
            let margins = [ { Term = Term.Decay; Effect = 1e-5 }; { Term = Term.Alignment; Effect = 1e-2 } ]
            let judged (errors: float[]) floor declared margins =
                Convergence.judge (ladder "dt" (Array.truncate errors.Length steps) errors) { Floor = floor; Declared = declared; Margins = margins }
            // Floor 1e-12, threshold 1e-10: the weakest margin (1e-5) is 1e5 times the threshold.
            let exact = Array.create steps.Length 3e-11
            let resolved = judged exact 1e-12 (DeclaredOrder.Order 4.0) margins
            Expect.equal resolved.Verdict Verdict.Holds resolved.Reason
            Expect.equal resolved.Resolved (Some 3e-11) "its bound, the largest error"
            Expect.stringContains resolved.Reason "No order was measured" "and it says so"
            Expect.stringContains resolved.Reason "decay kappa" "naming the weakest term"
            // The same rungs against a weakest margin only 50 times the threshold: they rule out nothing.
            let close = judged exact 1e-12 (DeclaredOrder.Order 4.0) [ { Term = Term.Decay; Effect = 5e-9 } ]
            Expect.equal close.Verdict (Verdict.Inconclusive None) close.Reason
            Expect.stringContains close.Reason "lower floor" "and what would resolve it"
            Expect.equal (judged exact 1e-12 (DeclaredOrder.Order 4.0) []).Verdict (Verdict.Inconclusive None) "no margin, no resolution"
            // Two judged rungs, then the floor: too few for a declared order...
            let mixed = [| 1e-6; 6e-8; 3e-11; 3e-11; 3e-11 |]
            Expect.equal (judged mixed 1e-12 (DeclaredOrder.Order 4.0) margins).Verdict (Verdict.Inconclusive None) "too few judged rungs for a declared order"
            // ...while a ladder held to no order is resolved from its first rung at the threshold on.
            let tail = judged mixed 1e-12 DeclaredOrder.Undeclared margins
            Expect.equal tail.Verdict Verdict.Holds tail.Reason
            Expect.equal tail.Resolved (Some 3e-11) "bounded by its rungs past the judged ones"
            // A plateau above the floor is Violated, margins or not.
            let plateau = steps |> Array.map (fun dt -> 3.0 * dt * dt + 1e-2)
            Expect.equal (judged plateau 1e-12 (DeclaredOrder.Order 2.0) margins).Verdict Verdict.Violated "a plateau"
            // An adaptive solver is judged on its answer: resolved, or Inconclusive with what would resolve it.
            Expect.equal (judged [| 5e-11 |] 1e-12 DeclaredOrder.Adaptive margins).Verdict Verdict.Holds "an adaptive answer at the floor"
            let loose = judged [| 1e-6 |] 1e-12 DeclaredOrder.Adaptive margins
            Expect.equal loose.Verdict (Verdict.Inconclusive None) loose.Reason
            Expect.stringContains loose.Reason "tighter tolerance" "says what would resolve it"
            Expect.equal (judged [| 1e-6; nan; 1e-8 |] 1e-12 (DeclaredOrder.Order 2.0) margins).Verdict Verdict.Violated "a NaN error is no resolution"
        }

        test "A time ladder is sized to the declared order: the design's where halving keeps three rungs above the threshold, finer ratios from the same first rung where it does not" {
            let design = [ 0.1; 0.05; 0.025; 0.0125; 0.00625 ]
            let size declared coarsest = Convergence.sizeTimeLadder design 0.5 declared 1e-9 coarsest
            Expect.equal (size (DeclaredOrder.Order 2.0) 1e-3) design "a second-order solver far above the threshold: the design's ladder, the same floats"
            Expect.equal (size DeclaredOrder.Undeclared 1e-3) design "no declared order: sized as second order"
            Expect.equal (size DeclaredOrder.Adaptive 1e-3) [ 0.1 ] "an adaptive solver: its answer on the first rung"
            // Fourth order from 1e-7 at dt = 0.1: halving leaves 1e-7 / 256 = 3.9e-10 at the third rung, under 4 x 1e-9.
            let fourth = size (DeclaredOrder.Order 4.0) 1e-7
            Expect.equal fourth.Head 0.1 "no rung coarser than the design's first"
            Expect.equal fourth.Length design.Length "as many rungs"
            Expect.isTrue (fourth |> List.pairwise |> List.forall (fun (a, b) -> b < a && a / b < 2.0)) $"finer ratios: {fourth}"
            for dt in fourth do
                Expect.floatClose Accuracy.veryHigh (0.5 / dt) (Math.Round(0.5 / dt)) $"dt = {dt} divides the output interval"
            let third = 1e-7 * (fourth[2] / 0.1) ** 4.0
            Expect.isGreaterThanOrEqual third (0.99 * 4e-9) $"the third rung's predicted error {third:E2} stands four times above the threshold"
            Expect.equal (size (DeclaredOrder.Order 4.0) 2e-9) design "a first rung too close to the threshold for any ratio: the design's ladder"
        }

        test "A bound series measures something only with a time after 0 and finite bounds and measurements there" {
            let series times measured bound : BoundSeries =
                { Quantity = "q"; Source = "s"; Formula = "f"; Times = times; Measured = measured; Bound = bound; Slack = 0.0 }
            Expect.isTrue (series [| 0.0; 1.0 |] [| 1.0; 2.0 |] [| 1.0; 3.0 |]).Measures "a finite bound at t = 1"
            Expect.isFalse (series [| 0.0; 1.0 |] [| 1.0; 2.0 |] [| 1.0; infinity |]).Measures "an infinite bound holds whatever the solver does"
            Expect.isFalse (series [| 0.0 |] [| 1.0 |] [| 1.0 |]).Measures "t = 0 alone meets its bound by construction"
            Expect.isFalse (series [| 0.0; 1.0 |] [| 1.0; nan |] [| 1.0; 3.0 |]).Measures "a NaN measurement"
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

        test "The manufactured problems switch every term of (P) on, in d = 1, 2 and 3, each term moving the exact trajectories" {
            for d in 1..3 do
                let problem = ConvergenceProblem.Manufactured d
                let cells = Convergence.cellsOf problem 8 5
                Expect.isNotNull cells.Masses $"d = {d}: weighted cells"
                let on = Term.all |> List.filter (Term.isOn problem.Scenario cells)
                Expect.equal on Term.all $"d = {d}: every term on"
                Expect.notEqual (problem.Scenario.Alignment :?> CuckerSmaleSpec).Sigma 0.5 "a kernel other than the default's"
                Expect.isTrue (problem.Scenario.Chemotaxis.Source :? SmoothBumpSpec) "the C-infinity source"
                let margins = Convergence.margins (problem.Scenario.WithTime(0.2, 0.01, 0.2)) cells 12 0.01 [ 0.2 ]
                Expect.equal (margins |> List.map _.Term) Term.all "a margin per term"
                for m in margins do
                    Expect.isGreaterThan m.Effect 1e-5 $"d = {d}: a 5%% error in the {m.Term.Description} moves the cells"
        }

        test "A model whose kernel is an ONNX model gets margins for every term but the one that cannot be scaled" {
            TempFolder.within "onnx-margins" (fun dir ->
                let psi = OnnxModels.write dir "psi.onnx" (OnnxModels.cuckerSmale OnnxModels.Float64 1.0 0.5)
                let text = ScenarioReader.DefaultText().Replace("  kind: cucker_smale\n  beta: 1.0\n  radius: 1.0\n  sigma: 0.5", $"  kind: onnx\n  path: \"{psi}\"\n  beta: 1.0")
                let scenario = (ScenarioReader.Parse text).WithDomain(6.0, 32).WithTime(0.1, 0.05, 0.1)
                let cells = InitialData.Sample(scenario.Initial, 2, 6, 3)
                let margins = Convergence.margins scenario cells 8 0.05 [ 0.1 ]
                Expect.equal (margins |> List.map _.Term) [ Term.Chemotaxis; Term.Diffusion; Term.Decay; Term.Source ] "the alignment (ONNX) is left out, as are the terms that are off")
        }

        test "The own solver Holds on the manufactured problems in d = 1 and 2, and their code checks catch every mutant but the d = 3-only one" {
            let suite =
                { Name = "power-test"
                  Entries = [ for d in 1..2 -> Convergence.check (ConvergenceProblem.Manufactured d) (Suite.manufacturedDesign d), Ladder.fixedDesign [] 0 0.0 ] }
            let mutants = Mutant.all |> List.filter ((<>) Mutant.FlippedThirdGradient)
            let power = Power.run suite mutants { Solver = Solvers.own; Seed = 3; ScenarioText = "test"; Progress = ignore; Finished = ignore }
            let matrix = power.Rows |> List.map (fun r -> r.Mutant.Id, r.Run.Checks |> List.map (fun c -> c.Id, c.Verdict.Name))
            for c in power.Own.Checks do
                Expect.equal c.Verdict Verdict.Holds $"the own solver Holds on {c.Id}: {c.Notes}"
            for row in power.Rows do
                Expect.isTrue row.Caught $"{row.Mutant.Id} caught: {matrix}"
        }

        test "A sign error in the third component of grad phi passes d = 1 and 2 and is Violated in d = 3, where the own solver Holds" {
            let suite =
                { Name = "power-test"
                  Entries = [ for d in [ 1; 3 ] -> Convergence.check (ConvergenceProblem.Manufactured d) (Suite.manufacturedDesign d), Ladder.fixedDesign [] 0 0.0 ] }
            let power = Power.run suite [ Mutant.FlippedThirdGradient ] { Solver = Solvers.own; Seed = 4; ScenarioText = "test"; Progress = ignore; Finished = ignore }
            for c in power.Own.Checks do
                Expect.equal c.Verdict Verdict.Holds $"the own solver Holds on {c.Id}: {c.Notes}"
            let verdicts = power.Rows.Head.Run.Checks |> List.map (fun c -> c.Id, c.Verdict)
            Expect.equal verdicts [ "convergence-d1", Verdict.Holds; "convergence-d3", Verdict.Violated ] "caught in d = 3 only"
        }
    ]
