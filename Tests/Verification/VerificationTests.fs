module MeanField.Tests.Verification.VerificationTests

open System
open Expecto
open MeanField.Core.Statistics
open MeanField.Core.Transport
open MeanField.Verification
open MeanField.Verification.Checks
open MeanField.Tests

let private tolerance = { Name = "test"; Slope = 0.05; Reason = "test" }

/// A fit whose interval is [lower, upper] (slope in the middle, 4 degrees of freedom).
let fitBetween lower upper =
    RateFit((lower + upper) / 2.0, 0.0, (upper - lower) / 5.552, 4, 0.95, lower, upper, (lower + upper) / 2.0)

/// A small ladder, fitted from its first rung.
let private smallLadder = (MeanField.Verification.Ladder.fixedDesign [ 64.0; 128.0; 256.0; 512.0 ] 3 64.0)

let private context seed = MeanField.Tests.Solvers.context MeanField.Tests.Solvers.own seed smallLadder

let private summary id verdict slope claim =
    { Id = id; Title = id; Verdict = verdict; Severity = Baseline.severityOf verdict
      Slope = Some { Slope = slope; Lower = slope - 0.05; Upper = slope + 0.05; Theory = -0.5; Claim = claim; ToleranceSlope = 0.05 }
      MaxRatio = None }

/// A rate check's result whose replicas are tau x^-1/2 log x exactly (d = 2), except the unfitted rungs,
/// which are a hundred times off (a derived check must not read them).
let private rateResult (id: string) (tau: float) (xs: float list) (fitFrom: float) =
    let rungs =
        [ for x in xs ->
              let fitted = x >= fitFrom
              let e = tau * x ** -0.5 * log x * (if fitted then 1.0 else 100.0)
              { X = x; Errors = [| e; e |]; Seeds = [| 1; 2 |]; Extras = [| [||]; [||] |]; Fitted = fitted; Seconds = 0.0; Control = None } ]
    { Id = id; Title = id; Source = "test"; Statement = "test"; Parameters = []
      Measurement =
        Measurement.Rate
            { XLabel = "N"; ErrorLabel = "error"; Rungs = rungs; FitKind = FitKind.LogCorrected; Fit = fitBetween -0.6 -0.4
              Claim = Claim.AtMost; Theory = -0.5; Tolerance = tolerance; ReferenceFloor = None
              Sequential = Ladder.singleLook 2 (fitBetween -0.6 -0.4) Verdict.Holds 0.0 }
      Verdict = Verdict.Holds; Reference = FournierGuillin.lawReference; Notes = []; Seconds = 0.0 }

[<Tests>]
let tests =
    testList "MeanField.Verification" [
        test "A bound holds when the whole interval is at or below theory + tolerance, and is violated only when all of it is above" {
            let decide lo hi = Verdict.decide Claim.AtMost -0.5 tolerance 10 (fitBetween lo hi)
            Expect.equal (decide -0.7 -0.45) Verdict.Holds "upper end exactly on the bound"
            Expect.isTrue (decide -0.7 -0.4499).IsInconclusive "upper end just above"
            Expect.isTrue (decide -0.45 -0.3).IsInconclusive "lower end exactly on the bound is not a violation"
            Expect.equal (decide -0.4499 -0.3) Verdict.Violated "the whole interval above"
        }

        test "A sharpness claim holds inside the band, is violated outside it, and straddling is inconclusive" {
            let decide lo hi = Verdict.decide Claim.Sharp -0.5 tolerance 10 (fitBetween lo hi)
            Expect.equal (decide -0.55 -0.45) Verdict.Holds "exactly the band"
            Expect.equal (decide -0.8 -0.5501) Verdict.Violated "faster than the band"
            Expect.equal (decide -0.4499 -0.2) Verdict.Violated "slower than the band"
            Expect.isTrue (decide -0.6 -0.5).IsInconclusive "straddles the lower edge"
        }

        test "The replicas that would resolve an inconclusive verdict shrink the interval to the distance from the boundary" {
            for lo, hi in [ -0.6, -0.42; -0.7, -0.3; -0.52, -0.4 ] do
                let fit = fitBetween lo hi
                match Verdict.decide Claim.AtMost -0.5 tolerance 10 fit with
                | Verdict.Inconclusive(Some r) ->
                    let half = fit.Upper - fit.Slope
                    let distance = abs (fit.Slope - -0.45)
                    Expect.isLessThanOrEqual (half * sqrt (10.0 / float r)) (distance * (1.0 + 1e-12)) "enough replicas"
                    Expect.isGreaterThan (half * sqrt (10.0 / float (r - 1))) distance "and not more than needed"
                | other -> failtestf "expected an inconclusive verdict with a count, got %A" other
            Expect.equal (Verdict.decide Claim.AtMost -0.5 tolerance 10 (fitBetween -0.5 -0.4)) (Verdict.Inconclusive None) "slope on the boundary: no count decides"
        }

        test "Seeds are reproducible and distinct across checks, rungs, replicas and roles" {
            let seeds =
                [ for check in [ "a"; "b"; "fournier-guillin-d1" ] do
                      for k in 0..19 do
                          for r in 0..19 -> Seeds.derive 7 check [ k; r ] ]
            Expect.equal (List.distinct seeds).Length seeds.Length "no two streams share a seed"
            Expect.equal (Seeds.derive 7 "a" [ 3; 4 ]) (Seeds.derive 7 "a" [ 3; 4 ]) "same inputs, same seed"
            Expect.notEqual (Seeds.derive 7 "a" [ 3; 4 ]) (Seeds.derive 8 "a" [ 3; 4 ]) "the root seed matters"
            Expect.isTrue (seeds |> List.forall (fun s -> s >= 0)) "non-negative"
        }

        test "A check run twice with the same seed gives the same bits, and another seed other numbers" {
            let check = FournierGuillin.rate 1 (FournierGuillin.defaultLaw 1) "default"
            let first = check.Run(context 11)
            let again = check.Run(context 11)
            let other = check.Run(context 12)
            let errors (r: CheckResult) = r.Rate.Value.Rungs |> List.collect (fun g -> List.ofArray g.Errors)
            Expect.sequenceEqual (errors again |> List.map BitConverter.DoubleToInt64Bits) (errors first |> List.map BitConverter.DoubleToInt64Bits) "same bits"
            Expect.notEqual (errors other) (errors first) "another seed"
            Expect.equal again.Rate.Value.Fit.Slope first.Rate.Value.Fit.Slope "same slope"
        }

        test "The Fournier-Guillin check turns Violated when the sampler under test is biased" {
            // The samples come from the law shifted by 0.3 in x: W2^2 tends to 0.09, not to 0, so the slope is near 0.
            let law = FournierGuillin.defaultLaw 1
            let shifted = MeanField.Core.Scenarios.UniformDataSpec(MeanField.Core.Scenarios.PositionShape.Ball, [| 0.3 |], 1.0, [| 0.0 |], 0.5)
            let check = FournierGuillin.rateOf 1 (FournierGuillin.phaseSpace shifted 1) (FournierGuillin.phaseSpace law 1) "biased"
            let result = check.Run(context 5)
            Expect.equal result.Verdict Verdict.Violated $"slope {result.Rate.Value.Fit.Slope} [{result.Rate.Value.Fit.Lower}, {result.Rate.Value.Fit.Upper}]"
            let honest = (FournierGuillin.rate 1 law "default").Run(context 5)
            Expect.equal honest.Verdict Verdict.Holds $"the correct sampler on the same ladder holds: slope {honest.Rate.Value.Fit.Slope} [{honest.Rate.Value.Fit.Lower}, {honest.Rate.Value.Fit.Upper}]"
        }

        test "The two-sample cost is the exact transport cost between the sample and its reference cloud" {
            let sampler = FournierGuillin.unitCube 2
            let cost = FournierGuillin.twoSampleCost sampler sampler 40 9
            let a = sampler 40 (Seeds.derive 9 "sample" [])
            let b = sampler (FournierGuillin.ReferenceFactor * 40) (Seeds.derive 9 "reference" [])
            // An independent algorithm: the dense Hungarian, assigning k copies of each sample point to the reference.
            let copies = PointCloud(2, Array.init (2 * 40 * FournierGuillin.ReferenceFactor) (fun k -> a.Coordinates[(k / 2 / FournierGuillin.ReferenceFactor) * 2 + k % 2]))
            let expected = AssignmentTransport.Solve(copies, b, 2.0).Cost
            Expect.floatClose Accuracy.veryHigh cost expected "same cost"
        }

        test "The sharpness checks turn Violated when the transport under test matches the clouds along the first axis only" {
            // A one-dimensional solver applied in D > 1: sort both clouds by the first coordinate and send
            // the i-th sample to the i-th block of k reference points. The other coordinates are not
            // matched, so the cost tends to a constant and the slope to 0.
            let firstAxis (sample: PointCloud) (reference: PointCloud) =
                let d, n, k = sample.Dimension, sample.Count, reference.Count / sample.Count
                let point (c: PointCloud) i = Array.init d (fun a -> c.Coordinates[i * d + a])
                let sorted (c: PointCloud) = Array.init c.Count (point c) |> Array.sortBy (fun p -> p[0])
                let a, b = sorted sample, sorted reference
                let squared (p: float[]) (q: float[]) = Array.fold2 (fun s x y -> s + (x - y) * (x - y)) 0.0 p q
                Seq.sum (seq { for i in 0 .. n - 1 do for j in 0 .. k - 1 -> squared a[i] b[i * k + j] }) / float (n * k)
            let ladder = (MeanField.Verification.Ladder.fixedDesign [ 100.0; 200.0; 400.0; 800.0 ] 4 100.0)
            for case in SharpnessCase.all do
                let result = (FournierGuillin.sharpnessWith firstAxis case).Run(Solvers.context Solvers.own 4 ladder)
                let fit = result.Rate.Value.Fit
                Expect.equal result.Verdict Verdict.Violated $"{case.Name}: slope {fit.Slope} [{fit.Lower}, {fit.Upper}]"
        }

        test "A baseline comparison flags a worse verdict and a slope that worsens beyond the tolerance" {
            let before = [ summary "a" "Holds" -0.7 Claim.AtMost; summary "b" "Holds" -0.6 Claim.AtMost; summary "c" "Holds" -0.5 Claim.Sharp; summary "gone" "Holds" -0.6 Claim.AtMost ]
            let after = [ summary "a" "Inconclusive" -0.7 Claim.AtMost; summary "b" "Holds" -0.45 Claim.AtMost; summary "c" "Holds" -0.46 Claim.Sharp; summary "new" "Holds" -0.6 Claim.AtMost ]
            let rows = Baseline.compare before after |> List.map (fun r -> r.Id, r) |> Map.ofList
            Expect.isTrue rows["a"].Regressed "verdict worsened"
            Expect.isTrue rows["b"].Regressed "a bound's slope rose by 0.15, even though still below theory"
            Expect.isFalse rows["c"].Regressed "0.04 from theory is within the 0.05 tolerance"
            Expect.isFalse rows["new"].Regressed "a new check is not a regression"
            Expect.equal rows["gone"].Reason "not run" "a check left out is reported"
            let within = Baseline.compare [ summary "b" "Holds" -0.6 Claim.AtMost ] [ summary "b" "Holds" -0.56 Claim.AtMost ]
            Expect.isFalse within.Head.Regressed "a rise of 0.04 is within the 0.05 tolerance"
            let faster = Baseline.compare [ summary "b" "Holds" -0.6 Claim.AtMost ] [ summary "b" "Holds" -0.9 Claim.AtMost ]
            Expect.isFalse faster.Head.Regressed "faster decay is never a regression for a bound"
        }
    
        test "The Dobrushin check finds W2(t) linear in W2(0) with the solver, and turns Violated with a solver whose output is not a function of its input" {
            let scenario = MeanField.Core.Scenarios.ScenarioReader.Default()
            let ladder = (MeanField.Verification.Ladder.fixedDesign [ 1e-6; 1e-5; 1e-4; 1e-3 ] 2 0.0)
            let run solver = (Dobrushin.check scenario "default" 0.2 80).Run(Solvers.context solver 3 ladder)
            let honest = run Solvers.own
            Expect.equal honest.Verdict Verdict.Holds $"slope {honest.Rate.Value.Fit.Slope} [{honest.Rate.Value.Fit.Lower}, {honest.Rate.Value.Fit.Upper}]"
            // A broken solver: a fresh random kick of size 0.1 on every call, as an uninitialised buffer or a
            // thread race would give; the perturbation is lost under it.
            let jitter = Random.Shared // thread-safe: replicas run in parallel
            let broken =
                Solvers.mapStates "jitter" (fun state ->
                    for k in 0 .. state.Velocities.Length - 1 do
                        state.Velocities[k] <- state.Velocities[k] + 0.1 * (jitter.NextDouble() - 0.5))
            let result = run broken
            Expect.equal result.Verdict Verdict.Violated $"slope {result.Rate.Value.Fit.Slope} [{result.Rate.Value.Fit.Lower}, {result.Rate.Value.Fit.Upper}]"
        }
    
        test "log Gamma(t) in logs equals the paper's formula (40) computed directly where it fits in a double" {
            for t, lip, eta, lipGrad, lipF in [ 0.1, 0.5, 0.2, 0.3, 0.0; 0.5, 1.0, 0.1, 1.0, 0.2; 1.0, 0.2, 0.0, 0.0, 0.0 ] do
                let lPrime = lip + eta * t * lipGrad + lipF
                let kPrime = lip + eta * t * lipGrad
                let l = 2.0 + 2.0 * lip * lip + 2.0 * lPrime * lPrime
                let direct = t * (l + kPrime * kPrime * exp (t * l))
                Expect.floatClose Accuracy.veryHigh (Dobrushin.logGamma t lip eta lipGrad lipF) (log direct) $"t = {t}"
        }
    
        test "The mean-field check turns Violated when the N-cell solver gets the velocities' scale wrong" {
            let scenario = MeanField.Core.Scenarios.ScenarioReader.Default()
            // A unit bug: the velocities come out five times too large. The N-cell systems then miss rho^t
            // by a fixed amount (about E|4 v|^2), and the error stops falling.
            let broken = Solvers.mapStates "velocities x5" (fun moved -> for k in 0 .. moved.Velocities.Length - 1 do moved.Velocities[k] <- 5.0 * moved.Velocities[k])
            // Four replicas per rung: the interval's variance comes from the replicas from three on.
            let ladder = (MeanField.Verification.Ladder.fixedDesign [ 128.0; 256.0; 512.0; 1024.0 ] 4 0.0)
            // A reference of 32000 cells: its floor (the fitted law at N = M) stays below a tenth of the N = 1024 rung's error.
            let run solver = (MeanFieldRate.check scenario "default" 1.0 32000).Run(Solvers.context solver 8 ladder)
            let result = run broken
            Expect.equal result.Verdict Verdict.Violated $"slope {result.Rate.Value.Fit.Slope} [{result.Rate.Value.Fit.Lower}, {result.Rate.Value.Fit.Upper}]"
            let honest = run Solvers.own
            Expect.equal honest.Verdict Verdict.Holds $"the solver itself Holds: slope {honest.Rate.Value.Fit.Slope} [{honest.Rate.Value.Fit.Lower}, {honest.Rate.Value.Fit.Upper}]"
            Expect.isTrue (honest.Rate.Value.ReferenceFloor.IsSome) "the reference's floor is reported"
        }
    
        test "The d = 1 grid-reference and monokinetic checks turn Violated when the N-cell solver has a unit bug" {
            // Two unit bugs: eta ten times too large (the cells drift together faster than rho^t), and
            // velocities reported five times too large. Either way the cells miss rho^t by a fixed amount
            // whatever N, and the error stops falling. The monokinetic errors are small (a curve in phase
            // space), so the bias dominates from fewer cells.
            let chemotaxisTenfold =
                Solvers.onScenario "eta x10" (Solvers.edit [ "\n  eta: 1\n", "\n  eta: 10\n" ])
            let velocitiesFivefold = Solvers.mapStates "velocities x5" (fun moved -> for k in 0 .. moved.Velocities.Length - 1 do moved.Velocities[k] <- 5.0 * moved.Velocities[k])
            for name, xs, bug, check in
                [ "vlasov-d1", [ 128.0; 256.0; 512.0; 1024.0 ], chemotaxisTenfold, MeanFieldRate.checkGrid
                  "monokinetic-d1", [ 64.0; 128.0; 256.0; 512.0 ], velocitiesFivefold, Monokinetic.check ] do
                let scenario = MeanField.Core.Scenarios.ScenarioReader.Embedded name
                let run solver = (check scenario name 1.0).Run(Solvers.context solver 10 (Ladder.fixedDesign xs 5 0.0))
                let result = run bug
                let means = result.Rate.Value.Rungs |> List.map (fun r -> r.Mean)
                Expect.equal result.Verdict Verdict.Violated $"{name}: slope {result.Rate.Value.Fit.Slope} [{result.Rate.Value.Fit.Lower}, {result.Rate.Value.Fit.Upper}], means {means}"
                let honest = run Solvers.own
                Expect.equal honest.Verdict Verdict.Holds $"{name}: the solver itself Holds: slope {honest.Rate.Value.Fit.Slope} [{honest.Rate.Value.Fit.Lower}, {honest.Rate.Value.Fit.Upper}]"
        }

        test "The a-priori check holds for the solver and turns Violated when the solver's time step is in the wrong unit" {
            let scenario =
                MeanField.Core.Scenarios.ScenarioReader.Parse((MeanField.Core.Scenarios.ScenarioReader.DefaultText()).Replace("horizon: 2.0", "horizon: 0.5"))
            let ladder = (Ladder.fixedDesign [ 100.0 ] 1 0.0)
            let run solver = (APriori.check scenario "default").Run(Solvers.context solver 11 ladder)
            let honest = run Solvers.own
            let ratios = honest.BoundSeries |> List.map (fun s -> s.Source, s.MaxRatio)
            Expect.equal honest.Verdict Verdict.Holds $"ratios {ratios}"
            Expect.equal honest.BoundSeries.Length 7 "seven quantity-bound pairs"
            // The bug: each step advances ten times the time the solver reports.
            let broken =
                { new MeanField.Core.Solvers.IParticleSolver with
                    member _.Identity = Solvers.own.Identity
                    member _.Solve problem =
                        let tenfold = Solvers.edit [ "\n  step: 0.01\n", "\n  step: 0.1\n"; "horizon: 0.5", "horizon: 5"; "output_interval: 0.1", "output_interval: 1" ] problem.Scenario
                        let solution = Solvers.own.Solve(MeanField.Core.Solvers.SolverProblem.Create(tenfold, problem.Initial, 5.0, 1.0))
                        MeanField.Core.Solvers.SolverSolution(problem.OutputTimes, solution.States, null) }
            let result = run broken
            let violated = result.BoundSeries |> List.filter (fun s -> not s.Holds) |> List.map (fun s -> s.Quantity + " " + s.Source)
            Expect.equal result.Verdict Verdict.Violated "the dynamics runs ahead of its clock"
            Expect.contains violated "max_i ||x_i(t)| - |x_i(0)|| Proposition 7.2 (with the forcing)" $"the drift bound ({violated})"
        }

        test "The chemical-gradient check turns Violated when the N-cell solver never fills its gradient" {
            let scenario = MeanField.Core.Scenarios.ScenarioReader.Default()
            // A gradient buffer left at zero: sup |grad phi_N - grad psi|^2 is sup |grad psi|^2 whatever N.
            let broken =
                Solvers.mapped "gradient never filled" (fun _ solution ->
                    for gradient in solution.Gradients do
                        for g in gradient do Array.fill g 0 g.Length 0.0
                    solution)
            let ladder = (MeanField.Verification.Ladder.fixedDesign [ 128.0; 256.0; 512.0; 1024.0 ] 6 0.0)
            let run solver = (ChemicalGradient.check scenario "default" 1.0 32000).Run(Solvers.context solver 9 ladder)
            let result = run broken
            Expect.equal result.Verdict Verdict.Violated $"slope {result.Rate.Value.Fit.Slope} [{result.Rate.Value.Fit.Lower}, {result.Rate.Value.Fit.Upper}]"
            let honest = run Solvers.own
            Expect.equal honest.Verdict Verdict.Holds $"the solver itself Holds: slope {honest.Rate.Value.Fit.Slope} [{honest.Rate.Value.Fit.Lower}, {honest.Rate.Value.Fit.Upper}]"
        }
    
        test "The growth check recovers a double-exponential prefactor from the earlier checks, over the rungs they all fitted" {
            // tau(t) = e^(e^(0.7 t)): the smallest C is 0.7, and log tau = 1, e^0.7, e^1.4 at t = 0, 1, 2
            // has the least-squares slope (e^1.4 - 1) / 2.
            let tau t = exp (exp (0.7 * t))
            let earlier =
                [ rateResult "fournier-guillin-d2" (tau 0.0) [ 125.0; 250.0; 500.0; 1000.0; 2000.0 ] 250.0
                  rateResult "mean-field-d2-t1" (tau 1.0) [ 125.0; 250.0; 500.0; 1000.0 ] 250.0
                  rateResult "mean-field-d2-t2" (tau 2.0) [ 125.0; 250.0; 500.0; 1000.0; 2000.0; 4000.0 ] 500.0 ]
            let result = (Growth.check 2 [ 1.0; 2.0 ]).Run { context 1 with Earlier = earlier }
            let growth = result.Growth.Value
            Expect.equal result.Verdict Verdict.Informational "no verdict"
            Expect.equal growth.Xs [ 500.0; 1000.0 ] "the N every source fitted"
            for p in growth.Points do
                Expect.floatClose Accuracy.veryHigh p.Fit.Prefactor (tau p.Time) $"tau({p.Time})"
            Expect.floatClose Accuracy.veryHigh growth.DoubleExponentialC 0.7 "C"
            Expect.floatClose Accuracy.veryHigh growth.GrowthRate ((exp 1.4 - 1.0) / 2.0) "growth rate of log tau"
            let partial = (Growth.check 2 [ 1.0; 2.0; 4.0 ]).Run { context 1 with Earlier = earlier }
            Expect.equal partial.Growth.Value.Points.Length 3 "a time not run is left out"
            Expect.exists partial.Notes (fun n -> n.Contains "mean-field-d2-t4") "and the report says so"
        }

        test "Every suite has distinct check ids with the default model and with a user's d = 1 or d = 2 scenario" {
            let scenarios =
                ("default", Suite.defaultModel)
                :: [ for name in [ "vlasov-d1"; "monokinetic-d1"; "monokinetic-d2" ] ->
                         name, Suite.withScenario (MeanField.Core.Scenarios.ScenarioReader.Embedded name) name ]
            for name, model in scenarios do
                for suite in [ Suite.quick model; Suite.full model ] do
                    let ids = Suite.ids suite
                    Expect.equal (List.distinct ids) ids $"{name}, {suite.Name}: {ids}"
                    let needed = suite.Entries |> List.collect (fun (c, _) -> c.Needs)
                    Expect.isTrue (needed |> List.forall (fun n -> List.contains n ids)) $"{name}, {suite.Name}: every check a derived check reads is in the suite"
        }

        test "A check that needs grad phi is Not applicable with a solver that gives none, a failing run is an Error, and the suite goes on" {
            let scenario = MeanField.Core.Scenarios.ScenarioReader.Default()
            let noGradient = Solvers.mapped "no gradient" (fun problem solution -> MeanField.Core.Solvers.SolverSolution(problem.OutputTimes, solution.States, null))
            let failing =
                { new MeanField.Core.Solvers.IParticleSolver with
                    member _.Identity = noGradient.Identity
                    member _.Solve _ = raise (MeanField.Core.Solvers.SolverFailureException(MeanField.Core.Solvers.SolverFailure.NonZeroExit, "exit 3", "/tmp/kept", "the solver's last words")) }
            let suite =
                { Name = "test"
                  Entries =
                    [ ChemicalGradient.check scenario "default" 1.0 8000, (MeanField.Verification.Ladder.fixedDesign [ 128.0; 256.0 ] 2 0.0)
                      FournierGuillin.sharpness SharpnessCase.Cube6, (MeanField.Verification.Ladder.fixedDesign [ 100.0; 200.0; 400.0 ] 2 0.0) ] }
            let run solver = Suite.run suite { Solver = solver; Seed = 5; ScenarioText = "test"; Progress = ignore; Finished = ignore }
            let first = run noGradient
            match first.Checks.Head.Verdict with
            | Verdict.NotApplicable reason -> Expect.stringContains reason "no grad phi" "the reason"
            | other -> failtestf "expected Not applicable, got %A" other
            Expect.equal first.Checks.Head.Measurement Measurement.Nothing "nothing measured"
            Expect.equal first.Checks.Head.Verdict.Severity 0 "not a failure, and not a pass either"
            Expect.isTrue first.Checks[1].Rate.IsSome "the next check ran"
            let second = run failing
            match second.Checks.Head.Verdict with
            | Verdict.Error message -> Expect.stringContains message "non-zero exit" "the named failure"
            | other -> failtestf "expected Error, got %A" other
            Expect.exists second.Checks.Head.Notes (fun n -> n.Contains "the solver's last words") "the solver's message"
            Expect.exists second.Checks.Head.Notes (fun n -> n.Contains "/tmp/kept") "the kept work folder"
            Expect.isTrue second.Checks[1].Rate.IsSome "the next check ran"
        }

        test "Selecting a derived check selects the checks it reads, and nothing else" {
            let quick = Suite.quick Suite.defaultModel
            match Suite.select [ "growth-d2" ] quick with
            | Ok chosen -> Expect.equal (Suite.ids chosen) [ "fournier-guillin-d2"; "mean-field-d2-t1"; "mean-field-d2-t2"; "growth-d2" ] "in suite order"
            | Error e -> failtest e
        }
    ]
