namespace MeanField.Verification.Checks

open System
open System.Diagnostics
open MeanField.Core.Statistics
open MeanField.Verification

/// Theorem 2.1's prefactor in time: E W2^2(mu_N^t, rho^t) <= tau(t) eps_N with tau(t) <= e^{e^{Ct}}, C
/// not given. Informational: the prefactor is fitted, with the slope fixed at the theory's exponent, to
/// the rungs of the Fournier-Guillin check (t = 0: the same estimator on the initial law) and of the
/// mean-field checks at each t the suite ran, over the N they share; the report shows its growth beside
/// the double exponential.
[<RequireQualifiedAccess>]
module Growth =

    /// The check of dimension d reading the Fournier-Guillin check and the mean-field checks at <c>times</c>.
    let check (d: int) (times: float list) : Check =
        let id = CheckId.Growth(d).Text
        let title = sprintf "Growth in time of the mean-field prefactor, d = %d" d
        let sources = (0.0, CheckId.FournierGuillin(d).Text) :: [ for t in times -> t, CheckId.MeanField(d, t).Text ]
        // It reads the mean-field checks' rungs, so it shares their particle reference.
        let reference =
            { Description = "derived: the rungs of " + String.Join(", ", List.map snd sources)
              Components = (MeanFieldRate.particleReference 0).Components
              UsesSolver = true
              Cells = None }
        { Id = id
          Title = title
          Needs = List.map snd sources
          Sharding = Sharding.Whole
          Problems = []
          Reference = reference
          Run =
            fun context ->
                let clock = Stopwatch.StartNew()
                let theory, kind = FournierGuillin.exponent (2 * d)
                let found =
                    [ for t, source in sources do
                          match context.Earlier |> List.tryFind (fun c -> c.Id = source) |> Option.bind _.Rate with
                          | Some rate -> t, source, rate
                          | None -> () ]
                // The N every source fitted: the prefactors are comparable only over the same ladder.
                let shared =
                    match found with
                    | [] -> []
                    | (_, _, first) :: rest ->
                        let fitted (rate: RateMeasurement) = rate.Rungs |> List.filter _.Fitted |> List.map _.X |> Set.ofList
                        rest |> List.fold (fun s (_, _, r) -> Set.intersect s (fitted r)) (fitted first) |> Set.toList
                let points =
                    if shared.Length < 2 then []
                    else
                        [ for t, source, rate in found ->
                              let rungs = rate.Rungs |> List.filter (fun r -> List.contains r.X shared)
                              let fit =
                                  LogLogFit.Prefactor(
                                      [| for r in rungs -> r.X |],
                                      [| for r in rungs -> r.Estimates :> Collections.Generic.IReadOnlyList<float> |],
                                      theory,
                                      (kind = FitKind.LogCorrected))
                              { Time = t; Source = source; Fit = fit } ]
                let growthRate =
                    if points.Length < 2 then nan
                    else
                        let struct (_, slope) = MathNet.Numerics.Fit.Line([| for p in points -> p.Time |], [| for p in points -> p.Fit.LogPrefactor |])
                        slope
                // e^{e^{Ct}} >= tau  <=>  C >= log(log tau) / t, binding only where tau > e.
                let c =
                    points
                    |> List.filter (fun p -> p.Time > 0.0 && p.Fit.LogPrefactor > 1.0)
                    |> List.map (fun p -> log p.Fit.LogPrefactor / p.Time)
                    |> List.fold max 0.0
                let rate = FournierGuillin.rateText (2 * d)
                let missing = sources |> List.filter (fun (_, s) -> not (found |> List.exists (fun (_, f, _) -> f = s))) |> List.map snd
                { Id = id
                  Title = title
                  Source = "Theorem 2.1 (tau(t) <= e^{e^{Ct}})"
                  Statement = sprintf "E W2^2(mu_N^t, rho^t) <= tau(t) %s with tau(t) <= e^{e^{Ct}} for a constant C the paper does not give: the prefactor may grow at most double-exponentially in t. Informational, no verdict." rate
                  Parameters =
                    [ "prefactor", sprintf "tau(t), fitted with the slope fixed at %g%s (rungs weighted equally)" theory (if kind = FitKind.LogCorrected then " and the log N factor" else "")
                      "t = 0", sprintf "the Fournier-Guillin check %s (the same estimator on the initial law)" (CheckId.FournierGuillin(d).Text)
                      "times", String.Join(", ", [ for p in points -> sprintf "%g" p.Time ])
                      "N fitted", String.Join(", ", [ for x in shared -> sprintf "%g" x ]) ]
                  Measurement =
                      Measurement.Growth
                          { Points = points
                            Xs = shared
                            Theory = theory
                            FitKind = kind
                            GrowthRate = growthRate
                            DoubleExponentialC = c }
                  Verdict = Verdict.Informational
                  Reference = reference
                  Notes =
                    [ if not missing.IsEmpty then
                          sprintf "Not in this run, so left out: %s." (String.Join(", ", missing))
                      if points.Length < 2 then
                          "Fewer than two times with shared fitted rungs: nothing to show."
                      else
                          let first, last = List.head points, List.last points
                          sprintf "From t = %g to t = %g the prefactor changes by a factor %.3g: log tau changes at %.3g per unit time (a least-squares line through the points; negative when the prefactor shrinks); the double exponential e^{e^{Ct}} bounds every measured prefactor for C >= %.3g%s." first.Time last.Time (exp (last.Fit.LogPrefactor - first.Fit.LogPrefactor)) growthRate c (if c = 0.0 then " (every tau(t) is below e = e^{e^0}, so the bound's form holds for any C >= 0 and says nothing more at these t)" else "") ]
                  Seconds = clock.Elapsed.TotalSeconds } }
