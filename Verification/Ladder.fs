namespace MeanField.Verification

open System.Diagnostics
open MeanField.Core.Statistics

/// Where a run is, for progress displays.
type ProgressStep =
    { Check: string
      Rung: int
      Rungs: int
      Replica: int
      Replicas: int }

/// A ladder of sizes (or perturbations, or times), each measured R times.
type Ladder =
    { Xs: float list
      Replicas: int
      /// Rungs with x below this are pre-asymptotic: measured and shown, not fitted.
      FitFrom: float }

[<RequireQualifiedAccess>]
module Ladder =

    /// Measures every replica of every rung: <c>measure x seed</c> gives one error. The replicas of a rung
    /// run in parallel, one per core: each is independent and seeded, and its error is stored by its
    /// index, so the numbers do not depend on the number of cores (<c>measure</c> must be thread-safe).
    let run (check: string) (root: int) (ladder: Ladder) (progress: ProgressStep -> unit) (measure: float -> int -> float) =
        let rungs = List.length ladder.Xs
        let report = obj ()
        ladder.Xs
        |> List.mapi (fun k x ->
            let clock = Stopwatch.StartNew()
            let seeds = Array.init ladder.Replicas (fun r -> Seeds.derive root check [ k; r ])
            let errors =
                seeds
                |> Array.Parallel.mapi (fun r seed ->
                    lock report (fun () -> progress { Check = check; Rung = k; Rungs = rungs; Replica = r; Replicas = ladder.Replicas })
                    measure x seed)
            { X = x; Errors = errors; Seeds = seeds; Fitted = x >= ladder.FitFrom; Seconds = clock.Elapsed.TotalSeconds })

    /// The rate fit over the fitted rungs.
    let fit (kind: FitKind) (rungs: Rung list) =
        let used = rungs |> List.filter (fun r -> r.Fitted)
        let xs = used |> List.map (fun r -> r.X) |> Array.ofList
        let errors = used |> List.map (fun r -> r.Errors :> System.Collections.Generic.IReadOnlyList<float>) |> Array.ofList
        match kind with
        | FitKind.Plain -> LogLogFit.Fit(xs, errors)
        | FitKind.LogCorrected -> LogLogFit.FitLogCorrected(xs, errors)
