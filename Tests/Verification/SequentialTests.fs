module MeanField.Tests.Verification.SequentialTests

open System
open Expecto
open MeanField.Core.Statistics
open MeanField.Core.Transport
open MeanField.Verification
open MeanField.Verification.Checks

let private tolerance = { Name = "test"; Slope = 0.05; Reason = "test" }
let private xs = [ 100.0; 200.0; 400.0; 800.0; 1600.0 ]

/// The judge of an AtMost -0.5 claim, as the rate checks judge.
let private judge (rungs: Rung list) confidence =
    let fit = Ladder.fitAt confidence FitKind.Plain rungs
    fit, Verdict.decide Claim.AtMost -0.5 tolerance (List.head rungs).Errors.Length fit, ()

let private run (ladder: Ladder) slope spread seed =
    Ladder.runSequential { CheckId = "test"; Root = seed; Design = ladder; Progress = ignore; Measure = (fun x seed -> Measured.error (Calibration.measure { Slope = slope; Spread = spread; Rungs = 5 } x seed)); Control = None } judge

[<Tests>]
let tests =
    testList "MeanField.Verification.Sequential" [
        test "Each look spends its share of alpha: the shares add up to alpha, and one look is the fixed 95% design" {
            let looks = AlphaSpending.DoublingLooks(4, 32)
            Expect.equal (List.ofArray looks) [ 4; 8; 16; 32 ] "doubling to the maximum"
            Expect.equal (List.ofArray (AlphaSpending.DoublingLooks(6, 20))) [ 6; 12; 20 ] "the last capped"
            let confidences = AlphaSpending.Confidences(0.05, looks)
            Expect.floatClose Accuracy.veryHigh (confidences |> Array.sumBy (fun c -> 1.0 - c)) 0.05 "the spent shares sum to alpha"
            Expect.isTrue (confidences |> Array.forall (fun c -> c > 0.95 && c < 1.0)) "every look stricter than 95%"
            Expect.equal (AlphaSpending.Confidences(0.05, [| 8 |])) [| 0.95 |] "one look: 95%"
            Expect.floatClose Accuracy.veryHigh (AlphaSpending.Spent(0.05, 0.5)) (0.05 * log (1.0 + (Math.E - 1.0) * 0.5)) "Pocock-type spending"
        }

        test "A clear verdict stops at the first look; an undecided one adds looks up to its budget" {
            let ladder = Ladder.sequential xs 8 32 0.0
            let _, (_, clear, ()), record = run ladder -1.0 0.3 1
            Expect.equal clear Verdict.Holds "far below the bound"
            Expect.equal record.Looks.Length 1 "one look"
            Expect.equal record.Stop Stop.Decided "decided"
            // On the boundary itself nothing decides: every look is drawn.
            let _, (_, hard, ()), record = run ladder -0.45 0.8 1
            Expect.isTrue hard.IsInconclusive $"on the boundary: {hard.Name}"
            Expect.equal record.Stop Stop.ReplicaBudget $"stopped: {record.Stop.Name}"
            Expect.equal (List.last record.Looks).Replicas 32 "at the budget"
            Expect.isTrue (record.Looks |> List.pairwise |> List.forall (fun (a, b) -> b.Replicas = 2 * a.Replicas)) "doubling looks"
        }

        test "Added looks keep the earlier replicas' bits, and the same seed and budget give the same decisions" {
            let ladder = Ladder.sequential xs 4 32 0.0
            let rungs, (fit, verdict, ()), record = run ladder -0.47 0.8 7
            let again, (fit2, verdict2, ()), record2 = run ladder -0.47 0.8 7
            Expect.equal (again |> List.map (fun r -> r.Errors)) (rungs |> List.map (fun r -> r.Errors)) "same bits"
            Expect.equal (fit2.Slope, verdict2, record2.Looks.Length) (fit.Slope, verdict, record.Looks.Length) "same decisions"
            let fixedRungs = Ladder.run "test" 7 (Ladder.fixedDesign xs record.Replicas 0.0) ignore (Calibration.measure { Slope = -0.47; Spread = 0.8; Rungs = 5 })
            Expect.equal (fixedRungs |> List.map (fun r -> r.Errors)) (rungs |> List.map (fun r -> r.Errors)) "a fixed design of the replicas used draws the same replicas"
        }

        test "A seconds budget stops before a look estimated to end beyond it, and says so" {
            let slow = fun x seed -> Threading.Thread.Sleep 2; Measured.error (Calibration.measure { Slope = -0.45; Spread = 0.8; Rungs = 5 } x seed)
            let ladder = { Ladder.sequential xs 4 64 0.0 with Seconds = Some 0.001 }
            let _, _, record = Ladder.runSequential { CheckId = "test"; Root = 3; Design = ladder; Progress = ignore; Measure = slow; Control = None } judge
            Expect.equal record.Looks.Length 1 "no second look"
            Expect.equal record.Stop Stop.TimeBudget $"stopped: {record.Stop.Name}"
        }

        test "At the boundary of each claim a wrong verdict stays within its half of alpha over 2000 synthetic ladders, and a clear case needs fewer replicas than the fixed design" {
            // Spread 0.5, 4 replicas per rung doubling to 32. On the boundary (slope -0.45 for 'at most -0.5 + 0.05',
            // -0.4 and -0.6 for 'equal to -0.5 within 0.1') Holds and Violated are each a wrong verdict:
            // each must stay within alpha / 2 = 0.025 plus 3 Monte Carlo standard errors.
            let cases =
                [ Calibration.sequential (SequentialCase.standard "at-most boundary" Claim.AtMost 0.05 -0.45) 2000
                  Calibration.sequential (SequentialCase.standard "sharp upper boundary" Claim.Sharp 0.1 -0.4) 2000
                  Calibration.sequential (SequentialCase.standard "sharp lower boundary" Claim.Sharp 0.1 -0.6) 2000 ]
            for row in cases do
                for name, rate in [ "Holds", row.Holds; "Violated", row.Violated ] do
                    Expect.isLessThanOrEqual rate (0.025 + 3.0 * row.MonteCarloError 0.025) $"{row.Case}: P({name}) = {rate}"
            // 0.2 inside the bound the fixed design at 32 replicas holds nearly always; the sequential one
            // as often (within 0.02), with a fraction of the replicas.
            let inside = Calibration.sequential (SequentialCase.standard "inside" Claim.AtMost 0.05 -0.65) 1000
            Expect.isGreaterThan inside.Holds (inside.FixedHolds - 0.02) $"holds {inside.Holds} against the fixed design's {inside.FixedHolds}"
            Expect.isLessThan inside.MeanReplicas (0.5 * float inside.FixedReplicas) $"mean replicas {inside.MeanReplicas} against the fixed {inside.FixedReplicas}"
        }

        test "The control variate keeps the mean and removes the variance it explains" {
            // y = 2 c + e, c ~ N(1, 1), e ~ N(0, 0.25^2): rho^2 = 4 / 4.0625, so the variance ratio is about 0.015.
            let rng = MathNet.Numerics.Random.Xoshiro256StarStar(5, false)
            let normal () = MathNet.Numerics.Distributions.Normal.Sample(rng, 0.0, 1.0)
            let means, ratios =
                Array.init 2000 (fun _ ->
                    let c = Array.init 16 (fun _ -> 1.0 + normal ())
                    let y = c |> Array.map (fun c -> 2.0 * c + 0.25 * normal ())
                    let a = ControlVariate.Adjust(y, c, 1.0)
                    Array.average a.Adjusted, a.VarianceRatio)
                |> Array.unzip
            let mean = Array.average means
            let se = sqrt ((means |> Array.sumBy (fun m -> (m - mean) ** 2.0)) / 1999.0 / 2000.0)
            Expect.isLessThan (abs (mean - 2.0)) (4.0 * se) $"unbiased: {mean} +- {se}"
            Expect.isLessThan (Array.average ratios) 0.03 "variance removed"
            Expect.isGreaterThan (Array.average ratios) 0.008 "not more than it explains"
            let e: ArgumentException = MeanField.Tests.Raises.raises (fun () -> ControlVariate.Adjust([| 1.0; 2.0 |], [| 1.0; 2.0 |], 0.0) |> ignore)
            Expect.stringContains e.Message "at least 3 replicas" "too few"
            let e: ArgumentException = MeanField.Tests.Raises.raises (fun () -> ControlVariate.Adjust([| 1.0; 2.0; 3.0 |], [| 1.0; nan; 2.0 |], 0.0) |> ignore)
            Expect.stringContains e.Message "replica 1" "names the replica"
        }

        test "The square's control has the expectation it claims under the uniform law (Monte Carlo over 4000 pairs of clouds)" {
            let n, m, modes = 64, 256, 8
            let values =
                Array.Parallel.init 4000 (fun seed ->
                    let first = FournierGuillin.unitCube 2 n (2 * seed)
                    let second = FournierGuillin.unitCube 2 m (2 * seed + 1)
                    NegativeSobolev.Difference(first, second, modes))
            let mean = Array.average values
            let se = sqrt ((values |> Array.sumBy (fun v -> (v - mean) ** 2.0)) / 3999.0 / 4000.0)
            let expected = NegativeSobolev.Expected(n, m, modes)
            Expect.isLessThan (abs (mean - expected)) (4.0 * se) $"Monte Carlo {mean} +- {se} against {expected}"
            let cloud = FournierGuillin.unitCube 2 50 9
            Expect.isLessThan (NegativeSobolev.Difference(cloud, cloud, modes)) 1e-30 "a cloud against itself: 0"
        }

        test "The clusters' control has the exact binomial expectation: 1/2 for single points, the normal limit for large samples" {
            Expect.floatClose Accuracy.veryHigh (BinomialImbalance.ExpectedAbsoluteDifference(1, 1)) 0.5 "two fair coins differ half the time"
            // B/n - C/m is nearly normal with variance 1/(4n) + 1/(4m): E|.| = sd sqrt(2/pi), to O(1/n).
            let n, m = 1000, 4000
            let normal = sqrt (0.25 / float n + 0.25 / float m) * sqrt (2.0 / Math.PI)
            Expect.isLessThan (abs (BinomialImbalance.ExpectedAbsoluteDifference(n, m) / normal - 1.0)) 2e-3 "normal limit"
        }

        test "The square's control removes most of the exact W2^2's variance between samples" {
            let ladder = Ladder.fixedDesign [ 256.0 ] 24 0.0
            let control = FournierGuillin.sobolevControl (FournierGuillin.unitCube 2) (FournierGuillin.unitCube 2)
            let measure n seed = Measured.error (FournierGuillin.twoSampleCost (FournierGuillin.unitCube 2) (FournierGuillin.unitCube 2) (int n) seed)
            let judgeAll (rungs: Rung list) _ = LogLogFit.Fit([| 1.0; 2.0; 3.0 |], [| for _ in 1..3 -> (List.head rungs).Estimates :> Collections.Generic.IReadOnlyList<float> |]), Verdict.Informational, ()
            let rungs, _, _ = Ladder.runSequential { CheckId = "control"; Root = 11; Design = ladder; Progress = ignore; Measure = measure; Control = Some control } judgeAll
            let ratio = (List.head rungs).Control.Value.VarianceRatio
            Expect.isLessThan ratio 0.25 $"variance ratio {ratio}"
        }
    ]
