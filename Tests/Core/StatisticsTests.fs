module MeanField.Tests.Core.StatisticsTests

open System
open Expecto
open MeanField.Core.Statistics
open MeanField.Tests

let private ladder = [| for k in 0..5 -> 100.0 * 2.0 ** float k |]

/// R replicas per rung of C x^s exp(sigma z), z standard normal (Box-Muller).
let private synthetic (rng: Random) slope sigma replicas =
    ladder
    |> Array.map (fun x ->
        Array.init replicas (fun _ ->
            let z = sqrt (-2.0 * log (1.0 - rng.NextDouble())) * cos (2.0 * Math.PI * rng.NextDouble())
            3.0 * x ** slope * exp (sigma * z)) :> Collections.Generic.IReadOnlyList<float>)

let private fit (replicas: Collections.Generic.IReadOnlyList<float>[]) = LogLogFit.Fit(ladder, replicas)

[<Tests>]
let tests =
    testList "MeanField.Core.Statistics" [
        test "An exact power law gives its slope, a zero standard error and the same Theil-Sen slope" {
            let replicas = ladder |> Array.map (fun x -> [| 2.0 * x ** -0.5 |] :> Collections.Generic.IReadOnlyList<float>)
            let r = fit replicas
            Expect.floatClose Accuracy.veryHigh r.Slope -0.5 "slope"
            Expect.floatClose Accuracy.veryHigh r.Intercept (log 2.0) "intercept"
            Expect.isLessThan r.StandardError 1e-12 "standard error"
            Expect.floatClose Accuracy.veryHigh r.TheilSenSlope -0.5 "Theil-Sen"
            Expect.equal r.DegreesOfFreedom 4.0 "K - 2 (one replica per rung: the residuals set the scale)"
        }

        test "The 95% interval covers the true slope within Monte Carlo error for lognormal spreads 0.3 to 0.8 and 4 to 48 replicas" {
            // 2000 ladders per configuration: the binomial standard deviation at p = 0.95 is 0.0049; the
            // band is 3 of them either side (the former weighted fit covered 0.91 at spread 0.8, R = 4).
            let rates =
                [ for spread in [ 0.3; 0.5; 0.8 ] do
                      for replicas in [ 4; 8; 16; 48 ] ->
                          let sigma = sqrt (log (1.0 + spread * spread))
                          let rng = Random(1000 * replicas + int (100.0 * spread))
                          let covered =
                              Seq.init 2000 (fun _ -> fit (synthetic rng -0.5 sigma replicas))
                              |> Seq.filter (fun r -> r.Lower <= -0.5 && -0.5 <= r.Upper)
                              |> Seq.length
                          (spread, replicas), float covered / 2000.0 ]
            let outside = rates |> List.filter (fun (_, rate) -> rate < 0.9353 || rate > 0.9647)
            Expect.isEmpty outside $"coverage outside 0.95 +- 3 MC sd: %A{outside} (all: %A{rates})"
        }

        test "The interval's degrees of freedom are Satterthwaite's from the replicas, between the smallest rung's R - 1 and their sum" {
            let r = fit (synthetic (Random 3) -0.5 (sqrt (log 1.09)) 16)
            Expect.isGreaterThan r.DegreesOfFreedom 15.0 "more than one rung's R - 1 (and than K - 2)"
            Expect.isLessThan r.DegreesOfFreedom (6.0 * 15.0 + 1e-9) "at most the replicas' sum of R - 1"
        }

        test "The jackknife variance of a log mean: the definition on three values, the delta method for a small spread, more for one large replica" {
            let byHand = [ log 2.5; log 2.0; log 1.5 ]
            let average = List.average byHand
            let expected = 2.0 / 3.0 * (byHand |> List.sumBy (fun l -> (l - average) ** 2.0))
            Expect.floatClose Accuracy.veryHigh (LogLogFit.LogMeanVariance [| 1.0; 2.0; 3.0 |]) expected "(R - 1) / R sum of squares of the leave-one-out logs"
            let small = Array.init 8 (fun i -> 1.0 + 0.001 * float (i - 4))
            let mean = Array.average small
            let delta = (small |> Array.sumBy (fun v -> (v - mean) ** 2.0)) / 7.0 / (8.0 * mean * mean)
            Expect.floatClose { absolute = 0.0; relative = 1e-3 } (LogLogFit.LogMeanVariance small) delta "the delta method's s^2 / (R ybar^2) for a small spread"
            let skewed = [| 1.0; 1.0; 1.0; 10.0 |]
            let m = Array.average skewed
            let deltaSkewed = (skewed |> Array.sumBy (fun v -> (v - m) ** 2.0)) / 3.0 / (4.0 * m * m)
            Expect.isGreaterThan (LogLogFit.LogMeanVariance skewed) deltaSkewed "one large replica weighs more than the delta method says"
            Expect.equal (LogLogFit.LogMeanVariance [| 5.0 |]) 0.0 "one value: 0"
            Expect.equal (LogLogFit.LogMeanVariance [| 1.0; 0.0; 0.0 |]) infinity "a mean without one value of 0: undefined"
        }

        test "The standard error narrows as replicas are added, like 1 / sqrt(R), and the interval faster (more degrees of freedom)" {
            let average replicas (f: RateFit -> float) = [ 1..200 ] |> List.averageBy (fun seed -> f (fit (synthetic (Random seed) -1.0 0.3 replicas)))
            let se = average 4 (fun r -> r.StandardError) / average 16 (fun r -> r.StandardError)
            let width = average 4 (fun r -> r.Upper - r.Lower) / average 16 (fun r -> r.Upper - r.Lower)
            Expect.isTrue (se > 1.7 && se < 2.3) $"SE(R = 4) / SE(R = 16) = {se}, expected about 2"
            Expect.isGreaterThan width se "the t quantile falls with the degrees of freedom"
        }

        test "The log-corrected fit recovers s from x^s log x, where the plain fit is biased upwards" {
            let replicas = ladder |> Array.map (fun x -> [| x ** -0.5 * log x |] :> Collections.Generic.IReadOnlyList<float>)
            Expect.floatClose Accuracy.veryHigh (LogLogFit.FitLogCorrected(ladder, replicas)).Slope -0.5 "corrected"
            Expect.isGreaterThan (LogLogFit.Fit(ladder, replicas)).Slope -0.45 "uncorrected sees a slower rate"
        }

        test "Theil-Sen ignores one wild rung that pulls least squares away" {
            let replicas = ladder |> Array.mapi (fun i x -> [| (if i = 5 then 50.0 else 1.0) * x ** -1.0 |] :> Collections.Generic.IReadOnlyList<float>)
            let r = fit replicas
            Expect.isGreaterThan r.Slope -0.8 "least squares is pulled"
            Expect.isLessThan (abs (r.TheilSenSlope + 1.0)) 1e-12 "Theil-Sen is not"
        }

        test "Bad ladders are refused with the rung and the value" {
            let one = [| 1.0 |] :> Collections.Generic.IReadOnlyList<float>
            let bad (f: unit -> unit) (fragment: string) =
                let e: ArgumentException = raises f
                Expect.stringContains e.Message fragment fragment
            bad (fun () -> LogLogFit.Fit([| 1.0; 2.0 |], [| one; one |]) |> ignore) "at least 3 rungs"
            bad (fun () -> LogLogFit.Fit([| 1.0; 2.0; -4.0 |], [| one; one; one |]) |> ignore) "rung 2: x = -4"
            bad (fun () -> LogLogFit.Fit([| 1.0; 2.0; 4.0 |], [| one; one; [| 0.0 |] |]) |> ignore) "rung 2: the mean error 0"
            bad (fun () -> LogLogFit.Fit([| 2.0; 2.0; 2.0 |], [| one; one; one |]) |> ignore) "two distinct x"
            bad (fun () -> LogLogFit.Prefactor([| 1.0 |], [| one |], -0.5, false) |> ignore) "at least 2 rungs"
        }

        test "The prefactor at a fixed slope is exact on an exact power law, with or without the log factor" {
            let plain = ladder |> Array.map (fun x -> [| 2.5 * x ** -0.5 |] :> Collections.Generic.IReadOnlyList<float>)
            let corrected = ladder |> Array.map (fun x -> [| 2.5 * x ** -0.5 * log x |] :> Collections.Generic.IReadOnlyList<float>)
            for name, replicas, logCorrected in [ "plain", plain, false; "log-corrected", corrected, true ] do
                let p = LogLogFit.Prefactor(ladder, replicas, -0.5, logCorrected)
                Expect.floatClose Accuracy.veryHigh p.Prefactor 2.5 name
                Expect.isLessThan p.StandardError 1e-12 $"{name}: standard error"
                Expect.equal p.DegreesOfFreedom 5 $"{name}: K - 1"
        }

        test "The prefactor's 95% interval covers the true one at its nominal rate over 2000 seeds" {
            // The replicas are 3 x^s e^(sigma z): their expectation, which the prefactor estimates, is
            // 3 x^s e^(sigma^2 / 2). Binomial: 2000 draws at p = 0.95 have standard deviation 0.0049;
            // 3 of them either side (replica-estimated weights would give 0.906 here).
            let truth = log 3.0 + 0.3 * 0.3 / 2.0
            let covered =
                [ 1..2000 ]
                |> List.filter (fun seed ->
                    let p = LogLogFit.Prefactor(ladder, synthetic (Random seed) -0.5 0.3 8, -0.5, false)
                    p.Lower <= truth && truth <= p.Upper)
                |> List.length
            let rate = float covered / 2000.0
            Expect.isTrue (rate >= 0.935 && rate <= 0.965) $"coverage {rate}"
        }
    ]
