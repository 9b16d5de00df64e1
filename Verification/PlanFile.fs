namespace MeanField.Verification

open System
open System.IO
open System.Security.Cryptography
open System.Text.Json
open System.Text.Json.Serialization
open MeanField.Core.Solvers

/// The suite options a plan records: everything that determines the numbers.
type SuiteOptions =
    { Suite: string
      Checks: string[]
      Scenario: string | null
      ScenarioSha256: string | null
      Seed: int
      Solver: SolverRequest
      MaxReplicas: Nullable<int>
      CheckSeconds: Nullable<float> }

/// A unit as the plan lists it: its wave and index, its check and what of it (<c>check</c>, the whole;
/// <c>reference</c>, its shared reference run, with the other checks of that run in <c>also</c>;
/// <c>replicas</c>, replicas first to until - 1 of one rung), with its estimated seconds and where the
/// estimate came from.
type PlannedUnit =
    { Index: int
      Wave: int
      Check: string
      Kind: string
      Rung: Nullable<int>
      FirstReplica: Nullable<int>
      UntilReplica: Nullable<int>
      EstimatedSeconds: float
      CostSource: string
      Also: string[] | null }

    /// The unit's name in messages: its index, and its wave after the first.
    [<JsonIgnore>]
    member this.Name = if this.Wave = 0 then string this.Index else $"{this.Index} of wave {this.Wave}"

    /// The file its result is written to in the shared folder.
    [<JsonIgnore>]
    member this.FileName = $"unit-w{this.Wave:D2}-{this.Index:D4}-{this.Check}.json"

/// The simulated wall time of the units on a number of workers, and the speed-up over one.
type Simulated = { Workers: int; Seconds: float; SpeedUp: float }

/// The plan file: the units of its wave (indices 0 to n - 1, one per array task) and those of the waves
/// before, and the measured seconds per replica of each rung the costs came from (the next wave's units
/// are costed from them where the waves so far measured no replica of the rung).
type Plan =
    { Format: string
      ToolVersion: string
      ConfigurationHash: string
      Options: SuiteOptions
      Wave: int
      BatchReplicas: int
      Units: PlannedUnit[]
      EarlierUnits: PlannedUnit[]
      Derived: string[]
      EstimatedSeconds: float
      CriticalPathSeconds: float
      Simulated: Simulated[]
      RungCosts: RungCost[] | null }

/// What every wave's plan of one run shares: the tool, the configuration hash, the options, the batch size
/// and the derived checks (computed at the merge).
type PlanHeader =
    { ToolVersion: string
      ConfigurationHash: string
      Options: SuiteOptions
      BatchReplicas: int
      Derived: string[] }

/// The plan file of a sharded run: its schema (<see cref="Format"/>), how a wave's units become its
/// entries and back, and its JSON.
[<RequireQualifiedAccess>]
module PlanFile =

    /// The plan file's format, checked on reading.
    [<Literal>]
    let Format = "meanfield-verify-plan/5"

    /// The worker counts a plan simulates.
    let simulatedWorkers = [| 1; 2; 16; 64; 256 |]

    let private json =
        JsonSerializerOptions(
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)

    /// The simulated wall time of the units on each of <see cref="simulatedWorkers"/>.
    let simulate (units: PlannedUnit[]) =
        let costs = units |> Array.map _.EstimatedSeconds |> Array.toList
        let one = WorkUnits.makespan 1 costs
        [| for w in simulatedWorkers ->
               let seconds = WorkUnits.makespan w costs
               { Workers = w; Seconds = seconds; SpeedUp = (if seconds > 0.0 then one / seconds else 1.0) } |]

    /// The plan of a wave: its units, those of the waves before, and the rungs' costs they were estimated from.
    let create (header: PlanHeader) (wave: int) (units: PlannedUnit[]) (earlier: PlannedUnit[]) (rungCosts: RungCost[]) =
        { Format = Format
          ToolVersion = header.ToolVersion
          ConfigurationHash = header.ConfigurationHash
          Options = header.Options
          Wave = wave
          BatchReplicas = header.BatchReplicas
          Units = units
          EarlierUnits = earlier
          Derived = header.Derived
          EstimatedSeconds = units |> Array.sumBy _.EstimatedSeconds
          CriticalPathSeconds = (if units.Length = 0 then 0.0 else units |> Array.map _.EstimatedSeconds |> Array.max)
          Simulated = simulate units
          RungCosts = rungCosts }

    /// A unit as the plan lists it, with where its cost estimate came from.
    let planned (unit: WorkUnit) (source: string) : PlannedUnit =
        let entry kind =
            { Index = unit.Index; Wave = unit.Wave; Check = unit.Check; Kind = kind; Rung = Nullable(); FirstReplica = Nullable(); UntilReplica = Nullable()
              EstimatedSeconds = unit.EstimatedSeconds; CostSource = source; Also = null }
        match unit.Work with
        | UnitWork.Replicas batch -> { entry "replicas" with Rung = Nullable batch.Rung; FirstReplica = Nullable batch.First; UntilReplica = Nullable batch.Until }
        | UnitWork.Reference also -> { entry "reference" with Also = List.toArray also }
        | UnitWork.Check -> entry "check"

    /// The unit a plan entry names, or why it names none.
    let toWorkUnit (u: PlannedUnit) : Result<WorkUnit, string> =
        let work =
            match u.Kind with
            | "check" -> Some UnitWork.Check
            | "reference" -> Some(UnitWork.Reference(match u.Also with null -> [] | also -> List.ofArray also))
            | "replicas" when u.Rung.HasValue && u.FirstReplica.HasValue && u.UntilReplica.HasValue && u.FirstReplica.Value < u.UntilReplica.Value ->
                Some(UnitWork.Replicas { Rung = u.Rung.Value; First = u.FirstReplica.Value; Until = u.UntilReplica.Value })
            | _ -> None
        match work with
        | Some work -> Ok { Index = u.Index; Wave = u.Wave; Check = u.Check; Work = work; EstimatedSeconds = u.EstimatedSeconds }
        | None ->
            let show (n: Nullable<int>) = if n.HasValue then string n.Value else ""
            Error $"the plan's unit {u.Name} has the kind '{u.Kind}' (rung {show u.Rung}, replicas {show u.FirstReplica} to {show u.UntilReplica}): not a unit (check, reference, or replicas with a rung and first < until)"

    let write (stream: Stream) (plan: Plan) = JsonSerializer.Serialize(stream, plan, json)

    /// The plan in the stream.
    /// <exception cref="InvalidDataException">Not a plan of this format.</exception>
    /// <exception cref="JsonException">Not JSON of the plan's shape.</exception>
    let read (stream: Stream) : Plan =
        match JsonSerializer.Deserialize<Plan>(stream, json) |> box with
        | :? Plan as plan when plan.Format = Format -> plan
        | _ -> raise (InvalidDataException $"not a plan of format {Format}")

    /// The SHA-256 of a file, lower-case hex: a plan records its scenario's.
    let sha256 (path: string) =
        use stream = File.OpenRead path
        Convert.ToHexString(SHA256.HashData stream).ToLowerInvariant()
