namespace MeanField.Verification

open System.Diagnostics
open MeanField.Core.Statistics

/// Where a run is, for progress displays.
type ProgressStep =
    { Check: string
      Rung: int
      Rungs: int
      Replica: int
      /// Replicas per rung every rung had before the current look (0 at the first).
      Before: int
      /// Replicas per rung at the current look (it grows as a sequential ladder adds looks).
      Replicas: int }

    /// Replicas done over the whole ladder, and the total at the current look, for a progress bar.
    member this.Done = this.Rungs * this.Before + this.Rung * (this.Replicas - this.Before) + (this.Replica - this.Before)
    member this.Total = this.Rungs * this.Replicas

/// One replica of a ladder: its check, its rung (from 0) and its index on the rung (from 0). Its seed is
/// <c>Seeds.derive root check [rung; replica]</c>, so the key names the replica's numbers on any machine.
type ReplicaKey = { Check: string; Rung: int; Replica: int }

/// What one replica measured: the error, the control variate's value on the same replica if the ladder
/// has one, and the seconds it took (for the cost model; no verdict reads them).
type ReplicaValue =
    { Error: float
      Control: float option
      /// What else the replica measured that its check folds over every replica (see <see cref="Measured"/>).
      Extras: float[]
      Seconds: float }

/// Where a ladder's replicas come from: those already measured elsewhere (<c>Known</c>, read from other
/// work units), those this process is to measure (<c>Wanted</c>, each passed to <c>Measured</c> when done),
/// and none else. A single process knows none and wants all (<see cref="ReplicaSource.all"/>).
type ReplicaSource =
    { Known: ReplicaKey -> ReplicaValue option
      Wanted: ReplicaKey -> bool
      Measured: ReplicaKey -> ReplicaValue -> unit }

/// A look needs replicas that are neither known nor wanted here: another wave of work units is to measure them.
exception ReplicasMissing of ReplicaKey list

[<RequireQualifiedAccess>]
module ReplicaSource =

    /// Every replica measured here: the single-process run.
    let all = { Known = (fun _ -> None); Wanted = (fun _ -> true); Measured = fun _ _ -> () }

    /// The replicas of <c>known</c> and none measured here: a merge, or a unit that measures no replica.
    let knownOnly (known: Map<ReplicaKey, ReplicaValue>) = { Known = known.TryFind; Wanted = (fun _ -> false); Measured = fun _ _ -> () }

/// A ladder of sizes (or perturbations, or times), each measured by independent replicas drawn in
/// looks: <c>Replicas</c> per rung first, then doubling, until the verdict is decided or the budget
/// (<c>MaxReplicas</c>, <c>Seconds</c>) is spent.
type Ladder =
    { Xs: float list
      /// Replicas per rung at the first look.
      Replicas: int
      /// Replicas per rung at most. Equal to <c>Replicas</c>: a fixed design, one look at the full level.
      MaxReplicas: int
      /// Wall-clock seconds for the check, if bounded: no look starts that is estimated to end beyond them.
      Seconds: float option
      /// Rungs with x below this are pre-asymptotic: measured and shown, not fitted.
      FitFrom: float }

/// A control variate of a ladder's replicas: <c>Value x seed</c> is measured on the same replica as
/// the error (from the same seed), and its expectation at x is known exactly.
type ControlVariateSpec =
    { Description: string
      Value: float -> int -> float
      Expectation: float -> float }

/// What one replica's measurement gives: its error, and whatever else the check folds over every
/// replica besides the fit (Dobrushin's bound: the amplification and the cells' extents). The extras
/// travel with the replica, so a check whose replicas are measured by several work units still sees
/// them all.
type Measured =
    { Error: float
      Extras: float[] }

[<RequireQualifiedAccess>]
module Measured =

    /// An error and nothing else.
    let error (e: float) : Measured = { Error = e; Extras = [||] }

/// A ladder to measure: the check it belongs to (its id and the root seed seed every replica), the
/// design, where progress goes, one replica's measurement (<c>Measure x seed</c>, thread-safe) and the
/// control variate measured beside it, if any.
type LadderRun =
    { CheckId: string
      Root: int
      Design: Ladder
      Progress: ProgressStep -> unit
      Measure: float -> int -> Measured
      Control: ControlVariateSpec option }

[<RequireQualifiedAccess>]
module Ladder =

    /// The error spent over a sequential ladder's looks: the level of a fixed design's 95% interval.
    [<Literal>]
    let Alpha = 0.05

    /// The procedure as the reports state it.
    let sequentialMethod =
        "group-sequential looks at doubling replicas per rung; two-sided error 0.05 spent over the looks by a Pocock-type function alpha ln(1 + (e - 1) tau), tau = replicas / maximum, each look's interval at 1 minus its share (Bonferroni over looks, valid for any correlation between them)"

    /// A fixed design: <c>replicas</c> per rung, one look.
    let fixedDesign (xs: float list) (replicas: int) (fitFrom: float) =
        { Xs = xs; Replicas = replicas; MaxReplicas = replicas; Seconds = None; FitFrom = fitFrom }

    /// A sequential design from <c>replicas</c> per rung up to <c>maximum</c>.
    let sequential (xs: float list) (replicas: int) (maximum: int) (fitFrom: float) =
        { fixedDesign xs replicas fitFrom with MaxReplicas = max replicas maximum }

    /// The replicas per rung at each look.
    let looks (ladder: Ladder) = AlphaSpending.DoublingLooks(ladder.Replicas, max ladder.Replicas ladder.MaxReplicas)

    /// The rate fit over the fitted rungs, at the given confidence.
    let fitAt (confidence: float) (kind: FitKind) (rungs: Rung list) =
        let used = rungs |> List.filter (fun r -> r.Fitted)
        let xs = used |> List.map (fun r -> r.X) |> Array.ofList
        let errors = used |> List.map (fun r -> r.Estimates :> System.Collections.Generic.IReadOnlyList<float>) |> Array.ofList
        match kind with
        | FitKind.Plain -> LogLogFit.Fit(xs, errors, confidence)
        | FitKind.LogCorrected -> LogLogFit.FitLogCorrected(xs, errors, confidence)

    /// The rate fit over the fitted rungs at 95%.
    let fit (kind: FitKind) (rungs: Rung list) = fitAt (1.0 - Alpha) kind rungs

    /// Why a ladder stopped after a look with this verdict, were it the last of its budget.
    let private stopAfter (verdict: Verdict) =
        match verdict with
        | Verdict.Inconclusive None -> Stop.Undecidable
        | Verdict.Inconclusive _ -> Stop.ReplicaBudget
        | _ -> Stop.Decided

    /// The record of a fixed design's one look (a result built without <see cref="runSequential"/>).
    let singleLook (replicas: int) (fit: RateFit) (verdict: Verdict) (seconds: float) =
        { Method = sequentialMethod
          Alpha = 1.0 - fit.Confidence
          MaxReplicas = replicas
          Looks = [ { Replicas = replicas; Confidence = fit.Confidence; Slope = fit.Slope; Lower = fit.Lower; Upper = fit.Upper; Verdict = verdict; Seconds = seconds } ]
          Stop = stopAfter verdict }

    /// Replicas <c>first .. until - 1</c> of every rung, added to the rungs so far (none at the first look).
    /// The replicas of a rung run in parallel, one per core: each is independent and seeded by its index
    /// (<c>Seeds.derive root check [k; r]</c>), so the numbers depend neither on the number of cores nor
    /// on the looks that drew them (<c>measure</c> must be thread-safe).
    let private extend (source: ReplicaSource) (task: LadderRun) (rungs: Rung list option) first until =
        let check, ladder, control = task.CheckId, task.Design, task.Control
        let count = List.length ladder.Xs
        let report = obj ()
        let looked =
            ladder.Xs
            |> List.mapi (fun k x ->
                let clock = Stopwatch.StartNew()
                let seeds = Array.init (until - first) (fun i -> Seeds.derive task.Root check [ k; first + i ])
                let measured =
                    seeds
                    |> Array.Parallel.mapi (fun i seed ->
                        let key = { Check = check; Rung = k; Replica = first + i }
                        match source.Known key with
                        | Some known -> Ok known
                        | None when source.Wanted key ->
                            lock report (fun () -> task.Progress { Check = check; Rung = k; Rungs = count; Replica = first + i; Before = first; Replicas = until })
                            let replica = Stopwatch.StartNew()
                            let measured = task.Measure x seed
                            let value: ReplicaValue =
                                { Error = measured.Error
                                  Control = control |> Option.map (fun c -> c.Value x seed)
                                  Extras = measured.Extras
                                  Seconds = replica.Elapsed.TotalSeconds }
                            source.Measured key value
                            Ok value
                        | None -> Error key)
                k, x, clock.Elapsed.TotalSeconds, seeds, measured)
        match looked |> List.collect (fun (_, _, _, _, m) -> [ for r in m do match r with Error key -> key | Ok _ -> () ]) with
        | [] -> ()
        | missing -> raise (ReplicasMissing missing)
        looked
        |> List.map (fun (k, x, elapsed, seeds, results) ->
            // None is missing here: a missing replica raised above.
            let measured = results |> Array.choose (function Ok v -> Some v | Error _ -> None)
            let before = rungs |> Option.map (fun r -> List.item k r)
            let errors = Array.append (before |> Option.map (fun r -> r.Errors) |> Option.defaultValue [||]) (measured |> Array.map (fun v -> v.Error))
            let allSeeds = Array.append (before |> Option.map (fun r -> r.Seeds) |> Option.defaultValue [||]) seeds
            let extras = Array.append (before |> Option.map (fun r -> r.Extras) |> Option.defaultValue [||]) (measured |> Array.map (fun v -> v.Extras))
            let rungControl =
                control
                |> Option.map (fun c ->
                    let previous = before |> Option.bind (fun r -> r.Control) |> Option.map (fun r -> r.Values) |> Option.defaultValue [||]
                    let values = Array.append previous (measured |> Array.map (fun v -> Option.get v.Control))
                    let expectation = c.Expectation x
                    let adjustment = ControlVariate.Adjust(errors, values, expectation)
                    { Values = values
                      Expectation = expectation
                      Coefficient = adjustment.Coefficient
                      Adjusted = adjustment.Adjusted
                      VarianceRatio = adjustment.VarianceRatio })
            let seconds = elapsed + (before |> Option.map (fun r -> r.Seconds) |> Option.defaultValue 0.0)
            { X = x; Errors = errors; Seeds = allSeeds; Extras = extras; Fitted = x >= ladder.FitFrom; Seconds = seconds; Control = rungControl })

    /// Measures every replica of every rung of a fixed design: <c>measure x seed</c> gives one error.
    let run (check: string) (root: int) (ladder: Ladder) (progress: ProgressStep -> unit) (measure: float -> int -> float) =
        let task = { CheckId = check; Root = root; Design = ladder; Progress = progress; Measure = (fun x seed -> Measured.error (measure x seed)); Control = None }
        extend ReplicaSource.all task None 0 ladder.Replicas

    /// Draws the ladder's replicas in looks (see <see cref="sequentialMethod"/>) and judges each:
    /// <c>judge rungs confidence</c> gives the fit at that confidence, the verdict and whatever else the
    /// check keeps. It stops at a decided verdict, at the budget, or when more replicas cannot decide
    /// (Inconclusive without an estimate). There is no futility stop: stopping an undecided check on an
    /// estimate of the replicas it would need cost a fifth of the power on the synthetic ladders. The same seed and
    /// budget give the same looks and the same bits (a seconds budget aside, which depends on the machine
    /// and is recorded when it binds). Returns the rungs, the last judgement and the record of the looks.
    /// The replicas come from <c>source</c>: a look that needs one it neither knows nor wants raises
    /// <see cref="ReplicasMissing"/> with all such replicas of the look, once the wanted ones are measured.
    /// (The seconds budget counts this process's clock: replayed from known replicas it does not bind.)
    let runSequentialFrom (source: ReplicaSource) (task: LadderRun) (judge: Rung list -> float -> RateFit * Verdict * 'J) =
        let ladder = task.Design
        let clock = Stopwatch.StartNew()
        let looks = looks ladder
        let confidences = AlphaSpending.Confidences(Alpha, looks)
        let last = looks.Length - 1
        let rec go j (rungs: Rung list option) (history: Look list) =
            let first = if j = 0 then 0 else looks[j - 1]
            let rungs = extend source task rungs first looks[j]
            let fit, verdict, kept = judge rungs confidences[j]
            let history =
                { Replicas = looks[j]; Confidence = confidences[j]; Slope = fit.Slope; Lower = fit.Lower; Upper = fit.Upper
                  Verdict = verdict; Seconds = clock.Elapsed.TotalSeconds } :: history
            let stop =
                match verdict with
                | _ when j = last -> Some(stopAfter verdict)
                | Verdict.Inconclusive None -> Some Stop.Undecidable
                | Verdict.Inconclusive _ ->
                    // The next look's cost from this one's: replicas so far cost the elapsed time.
                    let elapsed = clock.Elapsed.TotalSeconds
                    let next = elapsed / float looks[j] * float (looks[j + 1] - looks[j])
                    match ladder.Seconds with
                    | Some budget when elapsed + next > budget -> Some Stop.TimeBudget
                    | _ -> None
                | _ -> Some Stop.Decided
            match stop with
            | Some reason ->
                let record = { Method = sequentialMethod; Alpha = Alpha; MaxReplicas = looks[last]; Looks = List.rev history; Stop = reason }
                rungs, (fit, verdict, kept), record
            | None -> go (j + 1) (Some rungs) history
        go 0 None []

    /// <see cref="runSequentialFrom"/> with every replica measured here.
    let runSequential task judge = runSequentialFrom ReplicaSource.all task judge
