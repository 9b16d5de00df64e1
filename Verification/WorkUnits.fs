namespace MeanField.Verification

open System.IO
open System.Text.Json
open System.Text.Json.Serialization

/// One unit of a sharded verification run: one check that measures. The derived checks (those that read
/// other checks' results) cost nothing and are computed at the merge.
type WorkUnit =
    { Index: int
      Check: string
      /// Seconds estimated from the cost model (see <c>WorkUnits.plan</c>).
      EstimatedSeconds: float }

/// What a unit writes: its result, with the plan's configuration hash and the unit it ran, so a merge
/// can tell a result of another plan from its own.
type UnitResult =
    { ConfigurationHash: string
      Unit: WorkUnit
      Result: CheckResult }

/// A suite split into independent work units, each run alone (a Slurm array task, a Kubernetes indexed
/// Job's pod) into a shared folder, then merged into the report a single process would have written.
/// Every replica's seed derives from the root seed, the check, the rung and the replica, never from what
/// ran before it in the same process, so a unit's result has the same bits wherever it runs.
[<RequireQualifiedAccess>]
module WorkUnits =

    /// The units of a suite, in its order: every check that needs no other's results, its cost from
    /// <c>cost</c> (the seconds a stored run of the check took, else its time budget).
    let plan (suite: Suite) (cost: string -> float) =
        suite.Entries
        |> List.filter (fun (c, _) -> c.Needs.IsEmpty)
        |> List.mapi (fun i (c, _) -> { Index = i; Check = c.Id; EstimatedSeconds = cost c.Id })

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

    /// Runs one unit's check.
    let run (suite: Suite) (settings: RunSettings) (unit: WorkUnit) =
        match suite.Entries |> List.tryFind (fun (c, _) -> c.Id = unit.Check) with
        | Some entry -> Suite.runEntry settings [] entry
        | None -> invalidArg (nameof unit) $"the suite has no check {unit.Check}"

    /// The units whose results are not among <c>results</c>.
    let missing (units: WorkUnit list) (results: CheckResult list) =
        let have = results |> List.map (fun r -> r.Id) |> Set.ofList
        units |> List.filter (fun u -> not (have.Contains u.Check))

    /// The suite's result from its units' results: each derived check computed from the results before
    /// it, as the single process does, and every check in the suite's order. The seconds are the units' sum.
    let merge (suite: Suite) (settings: RunSettings) (results: CheckResult list) =
        let byId = results |> List.map (fun r -> r.Id, r) |> Map.ofList
        let checks =
            (([]: CheckResult list), suite.Entries)
            ||> List.fold (fun earlier (check, l) ->
                let result =
                    match byId.TryFind check.Id with
                    | Some r -> r
                    | None when not check.Needs.IsEmpty -> Suite.runEntry settings (List.rev earlier) (check, l)
                    | None -> invalidArg (nameof results) $"no result for the unit {check.Id}"
                result :: earlier)
            |> List.rev
        Suite.assemble suite settings checks (results |> List.sumBy (fun r -> r.Seconds))

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
