namespace MeanField.Verification

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open MeanField.Core.Solvers

/// The verification layer as a C# caller (the command line) uses it: sequences, nullables, delegates and
/// out parameters where the F# modules take lists, options, functions and results. Each member is one
/// call into a module; none computes anything of its own.
[<AbstractClass; Sealed>]
type VerificationFacade =

    /// The suite of that name for the model, cut to <paramref name="checks"/> (all when empty, with the
    /// checks they need) and to the budget; false with the message when a name is unknown.
    static member TrySuite
        (
            name: string,
            model: Model,
            checks: IEnumerable<string>,
            maxReplicas: Nullable<int>,
            seconds: Nullable<float>,
            [<Out>] suite: byref<Suite>,
            [<Out>] error: byref<string>
        ) =
        match Suite.byName name model |> Result.bind (Suite.select (List.ofSeq checks)) with
        | Ok chosen ->
            suite <- Suite.withBudget (Option.ofNullable maxReplicas) (Option.ofNullable seconds) chosen
            error <- ""
            true
        | Error message ->
            suite <- Unchecked.defaultof<Suite>
            error <- message
            false

    /// How a suite is run, with progress and each finished check reported to the delegates.
    static member Settings(solver: IParticleSolver, seed: int, scenarioText: string, progress: Action<ProgressStep>, finished: Action<CheckResult>) =
        { Solver = solver
          Seed = seed
          ScenarioText = scenarioText
          Progress = progress.Invoke
          Finished = finished.Invoke }

    /// Each check of the suite with why the solver's declared capabilities leave it out, or null where it runs.
    static member Applicability(suite: Suite, solver: SolverIdentity) : IReadOnlyList<KeyValuePair<string, string | null>> =
        Suite.applicability suite solver
        |> List.map (fun (id, reason) -> KeyValuePair(id, Option.toObj reason))
        |> List.toArray
        :> _

    /// How a suite is run with nothing reported.
    static member Settings(solver: IParticleSolver, seed: int, scenarioText: string) =
        VerificationFacade.Settings(solver, seed, scenarioText, Action<ProgressStep>(ignore), Action<CheckResult>(ignore))

    /// Every check of either run compared (see <see cref="Baseline.compare"/>).
    static member Compare(before: IEnumerable<CheckSummary>, after: IEnumerable<CheckSummary>) : IReadOnlyList<ComparisonRow> =
        Baseline.compare (List.ofSeq before) (List.ofSeq after) |> List.toArray :> _

    /// A run's results compared with a stored run's summaries.
    static member Compare(before: IEnumerable<CheckSummary>, after: IEnumerable<CheckResult>) : IReadOnlyList<ComparisonRow> =
        VerificationFacade.Compare(before, Seq.map Baseline.summarize after)

    /// The configurations the calibration study runs (the coverage grid and the sequential cases).
    static member CalibrationConfigurations =
        let spreads, replicas = Calibration.coverageGrid
        spreads.Length * replicas.Length + Calibration.sequentialCaseCount

    /// The coverage study over its grid, then the sequential study; <paramref name="completed"/> after each configuration.
    static member Calibrate(trials: int, completed: Action) =
        let spreads, replicas = Calibration.coverageGrid
        Calibration.coverage spreads replicas trials completed.Invoke, Calibration.sequentialCases trials completed.Invoke

    /// The first wave of a sharded run, each unit costed by <paramref name="cost"/>.
    static member Plan(suite: Suite, batch: int, cost: Func<WorkUnit, float>) : IReadOnlyList<WorkUnit> =
        WorkUnits.plan suite batch cost.Invoke |> List.toArray :> _

    /// The units of a later wave that measure <paramref name="keys"/>.
    static member Wave(wave: int, batch: int, cost: Func<WorkUnit, float>, keys: IEnumerable<ReplicaKey>) : IReadOnlyList<WorkUnit> =
        WorkUnits.wave wave batch cost.Invoke (List.ofSeq keys) |> List.toArray :> _

    /// The replicas the results measured.
    static member Known(results: IEnumerable<UnitResult>) : IReadOnlyDictionary<ReplicaKey, ReplicaValue> =
        WorkUnits.known (List.ofSeq results) :> _

    /// What a unit is given: the plan's hash, the reference folder and the earlier waves' results.
    static member Inputs(configurationHash: string, referenceFolder: string, earlier: IEnumerable<UnitResult>) =
        { ConfigurationHash = configurationHash
          ReferenceFolder = Some referenceFolder
          Known = WorkUnits.known (List.ofSeq earlier) }

    /// The suite's result from its units' results, or the replicas the next wave must measure.
    static member Merge(suite: Suite, settings: RunSettings, referenceFolder: string, results: IEnumerable<UnitResult>) =
        WorkUnits.merge suite settings (Some referenceFolder) (List.ofSeq results)

    /// The wall time of units of these costs on that many workers (see <see cref="WorkUnits.makespan"/>).
    static member Makespan(workers: int, costs: IEnumerable<float>) = WorkUnits.makespan workers (List.ofSeq costs)

    /// The unit a plan entry names; false with the reason when it names none.
    static member TryWorkUnit(entry: PlannedUnit, [<Out>] unit: byref<WorkUnit>, [<Out>] error: byref<string>) =
        match PlanFile.toWorkUnit entry with
        | Ok u ->
            unit <- u
            error <- ""
            true
        | Error message ->
            unit <- Unchecked.defaultof<WorkUnit>
            error <- message
            false

    /// A reference unit's work, with the other checks of its reference run.
    static member ReferenceWork(also: IEnumerable<string>) = UnitWork.Reference(List.ofSeq also)

    /// The replicas per rung at a ladder's first look (0 for a check that measures nothing itself).
    static member FirstLook(ladder: Ladder) = if ladder.Replicas > 0 then (Ladder.looks ladder)[0] else 0

    /// A ladder's seconds budget, if it has one.
    static member SecondsBudget(ladder: Ladder) = Option.toNullable ladder.Seconds
