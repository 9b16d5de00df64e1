namespace MeanField.Verification

open System
open System.Collections.Generic

/// One rung of a stored run: its N, its seconds and its replicas.
type MeasuredRung = { N: float; RungSeconds: float; Replicas: int }

/// What a stored run (a results.json) measured of one check's cost: its seconds in all, and each rung's.
type MeasuredCost =
    { CheckId: string
      CheckSeconds: float
      Rungs: MeasuredRung list }

/// A unit's estimated seconds and where the estimate came from.
type CostEstimate = { Seconds: float; Source: string }

/// A rung's measured seconds per replica, as a plan carries it to the next wave's costs.
type RungCost =
    { Check: string
      N: float
      SecondsPerReplica: float
      Source: string }

/// What the cost model knows of a check of the suite being planned.
type private PlannedLadder =
    { Budget: float option
      Xs: float[]
      FirstLook: int
      Cells: int option }

/// <summary>
/// The cost model of a sharded run: the seconds a work unit is estimated to take, and where the estimate
/// came from. Measured costs first: a stored run gives each whole check's seconds, each rung's seconds per
/// replica, and a reference unit's as the check's seconds outside its rungs; the replicas of earlier waves
/// give each rung's mean seconds per replica (core-seconds: a unit's replicas share its cores), and the
/// plan carries the rungs' costs it was made with to the next wave. A rung of a size not measured is
/// extrapolated by the power law in N fitted to the check's measured rungs; a particle reference of another
/// size is scaled by its cells (its cost per step is linear in M: mesh alignment and the field). Without a
/// measurement, a check's time budget, spread evenly over its first wave's units.
/// </summary>
type UnitCosts private (suite: Suite, measured: string) =
    let ladders =
        suite.Entries
        |> List.map (fun (check, ladder) ->
            check.Id,
            { Budget = ladder.Seconds
              Xs = List.toArray ladder.Xs
              FirstLook = (if ladder.Replicas > 0 then (Ladder.looks ladder)[0] else 0)
              Cells = check.Reference.Cells })
        |> dict
    let checks = Dictionary<string, float>()
    let perReplica = Dictionary<string, SortedDictionary<float, struct (float * string)>>()
    let references = Dictionary<string, struct (float * int option)>()

    let addReplica (check: string) (x: float) (secondsPerReplica: float) (source: string) =
        let rungs =
            match perReplica.TryGetValue check with
            | true, rungs -> rungs
            | _ ->
                let rungs = SortedDictionary<float, struct (float * string)>()
                perReplica[check] <- rungs
                rungs
        rungs[x] <- struct (secondsPerReplica, source)

    let budget (seconds: float option) (share: float) =
        match seconds with
        | Some b ->
            b * share,
            (if share = 1.0 then "the check's time budget"
             else String.Format(Globalization.CultureInfo.InvariantCulture, "the check's time budget, times {0:G3} (its share of the first look)", share))
        | None -> 0.0, "no estimate (no measurement, no time budget)"

    member private _.Checks: Dictionary<string, float> = checks
    member private _.References: Dictionary<string, struct (float * int option)> = references
    member private _.Ladders: IDictionary<string, PlannedLadder> = ladders
    member private _.Measured: string = measured
    member private _.AddReplica (check: string) (x: float) (secondsPerReplica: float) (source: string) : unit = addReplica check x secondsPerReplica source

    /// Costs from a stored run (<c>source</c> names it) of the suite <c>storedSuite</c> on the same model: a
    /// particle reference's cells, which its cost scales with, are that suite's (from its table).
    static member FromStored(stored: MeasuredCost seq, storedSuite: string, source: string, suite: Suite, model: Model) =
        let costs = UnitCosts(suite, $"measured in {source}")
        let cells =
            match Suite.byName storedSuite model with
            | Ok run -> run.Entries |> List.choose (fun (c, _) -> c.Reference.Cells |> Option.map (fun m -> c.Id, m)) |> Map.ofList
            | Error _ -> Map.empty
        for check in stored do
            costs.Checks[check.CheckId] <- check.CheckSeconds
            let mutable inRungs = 0.0
            for rung in check.Rungs do
                inRungs <- inRungs + rung.RungSeconds
                if rung.Replicas > 0 then costs.AddReplica check.CheckId rung.N (rung.RungSeconds / float rung.Replicas) costs.Measured
            costs.References[check.CheckId] <- struct (max 0.0 (check.CheckSeconds - inRungs), cells.TryFind check.CheckId)
        costs

    /// Costs from the check's time budgets only.
    static member FromBudgets(suite: Suite) = UnitCosts(suite, "")

    /// Costs from the replicas the waves so far measured, and for a rung they measured none of, from the
    /// costs the plan was made with (<c>planned</c>: a check whose first wave was its reference).
    static member FromReplicas(known: IReadOnlyDictionary<ReplicaKey, ReplicaValue>, planned: RungCost seq, suite: Suite) =
        let costs = UnitCosts(suite, "measured in the waves before")
        for r in planned do
            if costs.Ladders.ContainsKey r.Check then costs.AddReplica r.Check r.N r.SecondsPerReplica r.Source
        for group in known |> Seq.groupBy (fun kv -> kv.Key.Check, kv.Key.Rung) do
            let (check, rung), values = group
            costs.AddReplica check costs.Ladders[check].Xs[rung] (values |> Seq.averageBy (fun kv -> kv.Value.Seconds)) costs.Measured
        costs

    /// Every rung's measured seconds per replica, with where each was measured.
    member _.Rungs() =
        [| for kv in perReplica do
               for r in kv.Value do
                   let struct (seconds, source) = r.Value
                   { Check = kv.Key; N = r.Key; SecondsPerReplica = seconds; Source = source } |]

    /// The unit's estimated seconds and the estimate's source.
    member _.Estimate(unit: WorkUnit) : CostEstimate =
        let ladder = ladders[unit.Check]
        let seconds, source =
            match unit.Work with
            | UnitWork.Replicas batch ->
                let count = batch.Until - batch.First
                let x = ladder.Xs[batch.Rung]
                match perReplica.TryGetValue unit.Check with
                | true, rungs when rungs.ContainsKey x ->
                    let struct (each, source) = rungs[x]
                    each * float count, source
                | true, rungs when rungs.Count >= 2 ->
                    // Seconds per replica as a power of N, fitted in logs to the measured rungs.
                    let struct (intercept, slope) =
                        MathNet.Numerics.Fit.Line(
                            [| for k in rungs.Keys -> log k |],
                            [| for v in rungs.Values -> (let struct (s, _) = v in log (max s 1e-6)) |])
                    exp (intercept + slope * log x) * float count,
                    String.Format(Globalization.CultureInfo.InvariantCulture, "extrapolated from the rungs {0} (seconds per replica as N^{1:F2})", measured, slope)
                | _ -> budget ladder.Budget (float count / float (max 1 (ladder.Xs.Length * ladder.FirstLook)))
            | UnitWork.Reference also ->
                // One run to the last time of its checks. In the measured single process each check's time
                // outside its rungs is the run's stretch from the time before it (none for a time already
                // reached), so the measured stretches of the run's checks add up to the run to its last time.
                let run = unit.Check :: also |> List.filter references.ContainsKey |> List.map (fun c -> references[c])
                match run with
                | [] -> budget ladder.Budget 1.0
                | struct (_, measuredCells) :: _ ->
                    let seconds = run |> List.sumBy (fun (struct (s, _)) -> s)
                    match ladder.Cells, measuredCells with
                    | Some m, Some cells when m <> cells ->
                        seconds * float m / float cells,
                        String.Format(Globalization.CultureInfo.InvariantCulture, "{0}, scaled from {1} to {2} cells", measured, cells, m)
                    | _ -> seconds, measured
            | UnitWork.Check ->
                match checks.TryGetValue unit.Check with
                | true, check -> check, measured
                | _ -> budget ladder.Budget 1.0
        { Seconds = seconds; Source = source }
