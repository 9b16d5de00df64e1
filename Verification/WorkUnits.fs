namespace MeanField.Verification

open System.Collections.Concurrent
open System.IO
open System.Text.Json
open System.Text.Json.Serialization

/// Replicas <c>First .. Until - 1</c> of one rung of a check's ladder.
type ReplicaBatch = { Rung: int; First: int; Until: int }

/// What a work unit does for its check.
[<RequireQualifiedAccess>]
type UnitWork =
    /// The whole check (see <see cref="Sharding.Whole"/>).
    | Check
    /// The check's shared reference run, into the reference folder, and nothing else; in the same run, at
    /// each of their times, the references of the checks <c>also</c> (those of the same reference run).
    | Reference of also: string list
    /// One batch of replicas of the check's ladder.
    | Replicas of ReplicaBatch

/// One unit of a sharded verification run. The derived checks (those that read other checks' results)
/// cost nothing and are computed at the merge.
type WorkUnit =
    { Index: int
      /// 0 first; each later wave measures the replicas that the merge of the waves before found missing
      /// (the next look of a sequential ladder).
      Wave: int
      Check: string
      Work: UnitWork
      /// Seconds estimated from the cost model (see <c>WorkUnits.plan</c>).
      EstimatedSeconds: float }

/// A replica a unit measured.
type MeasuredReplica = { Key: ReplicaKey; Value: ReplicaValue }

/// What a unit writes: the check's result if the unit ended it (a whole check, or a check whose solver
/// failed), the replicas it measured, the plan's configuration hash and the unit itself, so a merge can
/// tell a result of another plan from its own.
type UnitResult =
    { ConfigurationHash: string
      Unit: WorkUnit
      Result: CheckResult option
      Replicas: MeasuredReplica list
      /// The unit's wall-clock seconds, from start to result (the measured cost).
      Seconds: float }

    /// How the unit ended, in a word: the check's verdict if it ended the check, else the replicas it measured.
    member this.Ended =
        match this.Result with
        | Some result -> result.Verdict.Name
        | None -> $"{this.Replicas.Length} replicas"

/// What a unit is given besides the suite: the plan's configuration hash (written with its result), the
/// folder of reference files, and the replicas the waves before it measured.
type UnitInputs =
    { ConfigurationHash: string
      ReferenceFolder: string option
      Known: Map<ReplicaKey, ReplicaValue> }

/// What a merge of the units so far gives: the run's result, or the replicas another wave must measure.
[<RequireQualifiedAccess>]
type MergeOutcome =
    | Complete of RunResult
    | NextWave of ReplicaKey list

/// A suite split into independent work units, each run alone (a Slurm array task, a Kubernetes indexed
/// Job's pod) into a shared folder, then merged into the report a single process would have written.
/// Every replica's seed derives from the root seed, the check, the rung and the replica, never from what
/// ran before it in the same process, so a unit's numbers have the same bits wherever it runs.
///
/// A check whose replicas are independent (<see cref="Sharding.Replicas"/>) is split into batches of
/// replicas of one rung; the merge replays its ladder from the measured replicas. A sequential ladder
/// maps onto waves: wave 0 measures every rung's first look; the merge judges each look as the single
/// process would and, where a look is undecided, names the next look's replicas, which the next wave
/// measures. A check with a shared reference (<see cref="Sharding.ReferenceThenReplicas"/>) has its
/// reference computed in wave 0 and its first look in wave 1.
[<RequireQualifiedAccess>]
module WorkUnits =

    /// The keys in batches of at most <c>batch</c> replicas of one rung, in the order of check, rung and replica.
    let batches (batch: int) (keys: ReplicaKey list) =
        if batch < 1 then invalidArg (nameof batch) $"batches of {batch} replicas: at least one is needed"
        keys
        |> List.distinct
        |> List.groupBy (fun k -> k.Check, k.Rung)
        |> List.collect (fun ((check, rung), ks) ->
            // Contiguous runs of replica indices, each cut into batches.
            let indices = ks |> List.map (fun k -> k.Replica) |> List.sort
            let runs =
                (([]: (int * int) list), indices)
                ||> List.fold (fun acc i ->
                    match acc with
                    | (first, until) :: rest when until = i && until - first < batch -> (first, i + 1) :: rest
                    | _ -> (i, i + 1) :: acc)
                |> List.rev
            runs |> List.map (fun (first, until) -> check, { Rung = rung; First = first; Until = until }))

    /// Numbers units of a wave from 0, each costed by <c>cost</c>.
    let private number (wave: int) (cost: WorkUnit -> float) (work: (string * UnitWork) list) =
        work
        |> List.mapi (fun i (check, w) ->
            let u = { Index = i; Wave = wave; Check = check; Work = w; EstimatedSeconds = 0.0 }
            { u with EstimatedSeconds = cost u })

    /// The first wave of a suite, in its order: a unit per whole check; a unit per batch of at most
    /// <c>batch</c> replicas of each rung's first look for a check of independent replicas; one reference
    /// unit per shared reference run, on its first check, computing the times of every check of that run
    /// (so the run is computed once, to its last time). <c>cost</c> estimates a unit's seconds.
    let plan (suite: Suite) (batch: int) (cost: WorkUnit -> float) =
        let independent = suite.Entries |> List.filter (fun (c, _) -> c.Needs.IsEmpty)
        let ofRun run =
            independent |> List.choose (fun (c, _) -> match c.Sharding with Sharding.ReferenceThenReplicas r when r = run -> Some c.Id | _ -> None)
        independent
        |> List.collect (fun (c, ladder) ->
            match c.Sharding with
            | Sharding.Whole -> [ c.Id, UnitWork.Check ]
            | Sharding.ReferenceThenReplicas run ->
                match ofRun run with
                | first :: also when first = c.Id -> [ c.Id, UnitWork.Reference also ]
                | _ -> []
            | Sharding.Replicas ->
                let first = (Ladder.looks ladder)[0]
                [ for k in 0 .. ladder.Xs.Length - 1 do
                      for r in 0 .. first - 1 -> { Check = c.Id; Rung = k; Replica = r } ]
                |> batches batch
                |> List.map (fun (check, b) -> check, UnitWork.Replicas b))
        |> number 0 cost

    /// The units of wave <c>wave</c> that measure <c>keys</c>, in batches of at most <c>batch</c>.
    let wave (wave: int) (batch: int) (cost: WorkUnit -> float) (keys: ReplicaKey list) =
        batches batch keys |> List.map (fun (check, b) -> check, UnitWork.Replicas b) |> number wave cost

    /// The wall time of the units on <c>workers</c> workers, simulated from their costs: longest first, each
    /// to the least loaded worker (Graham's LPT list schedule, within 4/3 of the best schedule). It is at
    /// least the longest unit (the critical path: the units are independent) and the total over the workers.
    let makespan (workers: int) (costs: float list) =
        if workers < 1 then invalidArg (nameof workers) $"{workers} workers: at least one is needed"
        let loads = Array.zeroCreate<float> workers
        for c in List.sortDescending costs do
            let k = Array.findIndex ((=) (Array.min loads)) loads
            loads[k] <- loads[k] + c
        Array.max loads

    /// The checks computed at the merge, from the units' results.
    let derived (suite: Suite) =
        suite.Entries |> List.filter (fun (c, _) -> not c.Needs.IsEmpty) |> List.map (fun (c, _) -> c.Id)

    let private entry (suite: Suite) (check: string) =
        match suite.Entries |> List.tryFind (fun (c, _) -> c.Id = check) with
        | Some e -> e
        | None -> invalidArg (nameof check) $"the suite has no check {check}"

    /// Runs one unit: the check's result if the unit ended the check, and the replicas it measured.
    let run (suite: Suite) (settings: RunSettings) (inputs: UnitInputs) (unit: WorkUnit) =
        let clock = System.Diagnostics.Stopwatch.StartNew()
        let e = entry suite unit.Check
        match unit.Work with
        | UnitWork.Check ->
            let result = Suite.runEntry settings [] e
            { ConfigurationHash = inputs.ConfigurationHash; Unit = unit; Result = Some result; Replicas = []; Seconds = clock.Elapsed.TotalSeconds }
        | UnitWork.Reference also ->
            // Each check of the run up to its first replica, in the suite's order (increasing time): the
            // run steps on from one check's time to the next, writing each time's file.
            // A check ended here (its reference failed) is the unit's result for its own check; another check
            // of the run would fail the same way at the merge, which has no file of its time.
            let source = ReplicaSource.knownOnly inputs.Known
            let ended check =
                try
                    Some(Suite.runEntryFrom source inputs.ReferenceFolder settings [] (entry suite check))
                with ReplicasMissing _ ->
                    None
            let result = ended unit.Check
            for check in also do ended check |> ignore
            { ConfigurationHash = inputs.ConfigurationHash; Unit = unit; Result = result; Replicas = []; Seconds = clock.Elapsed.TotalSeconds }
        | UnitWork.Replicas b ->
            let measured = ConcurrentBag<MeasuredReplica>()
            let wanted (key: ReplicaKey) = key.Check = unit.Check && key.Rung = b.Rung && key.Replica >= b.First && key.Replica < b.Until
            let source = { Known = inputs.Known.TryFind; Wanted = wanted; Measured = fun key value -> measured.Add { Key = key; Value = value } }
            let result =
                try
                    Some(Suite.runEntryFrom source inputs.ReferenceFolder settings [] e)
                with ReplicasMissing _ ->
                    None
            let replicas = measured |> List.ofSeq |> List.sortBy (fun m -> m.Key.Rung, m.Key.Replica)
            { ConfigurationHash = inputs.ConfigurationHash; Unit = unit; Result = result; Replicas = replicas; Seconds = clock.Elapsed.TotalSeconds }

    /// The replicas the results measured.
    let known (results: UnitResult list) =
        results |> List.collect (fun r -> r.Replicas) |> List.map (fun m -> m.Key, m.Value) |> Map.ofList

    /// The units whose results are not among <c>results</c>.
    let missing (units: WorkUnit list) (results: UnitResult list) =
        let have = results |> List.map (fun r -> r.Unit.Wave, r.Unit.Index) |> Set.ofList
        units |> List.filter (fun u -> not (have.Contains(u.Wave, u.Index)))

    /// The suite's result from its units' results (of every wave so far), or the replicas the next wave must
    /// measure. A whole check's result is its unit's; a check of replica batches is replayed from the known
    /// replicas, look by look, as the single process judged it; a derived check is computed from the results
    /// before it. A check whose units ended it without its replicas (its solver failed) takes that result.
    /// The seconds are the units' sum (their wall-clock seconds, as if run one after another).
    let merge (suite: Suite) (settings: RunSettings) (folder: string option) (results: UnitResult list) =
        let known = known results
        let source = ReplicaSource.knownOnly known
        let ended (check: string) = results |> List.tryPick (fun r -> if r.Unit.Check = check then r.Result else None)
        let outcomes =
            (([]: Result<CheckResult, ReplicaKey list> list), suite.Entries)
            ||> List.fold (fun earlier (check, l) ->
                let before = earlier |> List.rev |> List.choose (function Ok r -> Some r | Error _ -> None)
                let outcome =
                    match check.Sharding with
                    | _ when not check.Needs.IsEmpty ->
                        let pending = earlier |> List.exists (function Error _ -> true | Ok _ -> false)
                        if pending then Error [] else Ok(Suite.runEntry settings before (check, l))
                    | Sharding.Whole ->
                        match ended check.Id with
                        | Some r -> Ok r
                        | None -> invalidArg (nameof results) $"no result for the unit {check.Id}"
                    | Sharding.Replicas
                    | Sharding.ReferenceThenReplicas _ ->
                        try
                            Ok(Suite.runEntryFrom source folder settings before (check, l))
                        with ReplicasMissing keys ->
                            match ended check.Id with
                            | Some r -> Ok r
                            | None -> Error keys
                outcome :: earlier)
            |> List.rev
        match outcomes |> List.collect (function Error keys -> keys | Ok _ -> []) with
        | [] ->
            let checks = outcomes |> List.choose (function Ok r -> Some r | Error _ -> None)
            let seconds = results |> List.sumBy (fun r -> r.Seconds)
            MergeOutcome.Complete(Suite.assemble suite settings checks seconds)
        | keys -> MergeOutcome.NextWave keys

    let private json =
        let options = JsonSerializerOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, WriteIndented = false)
        options.Converters.Add(JsonFSharpConverter())
        options

    /// A unit's result as JSON: every field, each double in the shortest form that reads back to the same bits
    /// (NaN and the infinities by name).
    let writeResult (stream: Stream) (result: UnitResult) = JsonSerializer.Serialize(stream, result, json)

    /// A result written by <see cref="writeResult"/>.
    let readResult (stream: Stream) : UnitResult =
        let read =
            try
                JsonSerializer.Deserialize<UnitResult>(stream, json)
            with :? JsonException as e ->
                raise (InvalidDataException($"not a unit's result: {e.Message}", e))
        match read with
        | null -> raise (InvalidDataException "the unit's result file holds null")
        | r -> r
