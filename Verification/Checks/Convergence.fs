namespace MeanField.Verification.Checks

open System
open System.Diagnostics
open MeanField.Core.Particles
open MeanField.Core.References
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Verification

/// How a convergence check is sized: the cells, the horizon, the two ladders and the reference.
type ConvergenceDesign =
    { Cells: int
      Horizon: float
      OutputInterval: float
      /// The periodic box (smaller than a model's: the reference's cost grows with its modes).
      Box: float
      /// The time ladder, coarsest first, run on <c>TimeGrid</c> nodes per axis.
      TimeSteps: float list
      TimeGrid: int
      /// The grid ladder, coarsest first, run at <c>GridStep</c>.
      Grids: int list
      /// The grid ladder's time step: small enough that the solver's time error leaves its spatial error to be measured.
      GridStep: float
      /// The reference's modes -K .. K per axis and its step; its floor from a run with 3/2 K modes and half the step.
      ReferenceModes: int
      ReferenceStep: float }

/// What a convergence check solves.
[<RequireQualifiedAccess>]
type ConvergenceProblem =
    /// The embedded manufactured problem of this dimension (<c>manufactured-d{d}</c>): every term of (P) on,
    /// the cells weighted.
    | Manufactured of dimension: int
    /// The model under verification (a user's scenario), with a name for it; its cells of equal mass.
    | Model of scenario: Scenario * name: string

    member this.Scenario =
        match this with
        | Manufactured d -> ScenarioReader.Embedded(sprintf "manufactured-d%d" d)
        | Model(s, _) -> s

    member this.Name =
        match this with
        | Manufactured d -> sprintf "the embedded scenario manufactured-d%d (every term of (P) on, weighted cells)" d
        | Model(_, name) -> name

    /// The check's id (built here only): <c>convergence-d{d}</c> on the manufactured problem, <c>convergence-model-d{d}</c> on the model.
    member this.Id =
        match this with
        | Manufactured d -> CheckId.Convergence(d).Text
        | Model(s, _) -> CheckId.ConvergenceModel(s.Dimension).Text

/// One refinement ladder's measurements, before judging.
type MeasuredLadder =
    { /// "dt" or "h".
      Variable: string
      Xs: float[]
      Errors: float[]
      Seconds: float[] }

/// Convergence to the exact solution of (P) (METHODS.md section 8): for fixed cells, the solver under
/// test's trajectory error, max over cells and output times of |x - x_ref| and |v - v_ref|, on a ladder of
/// time steps and one of grids, against an independent reference (<see cref="SpectralReference"/>), or
/// against a closed form. The observed order in dt is held to the solver's declared order; an error that
/// stops falling above the reference's floor (a plateau) is the signature of a wrong model.
[<RequireQualifiedAccess>]
module Convergence =

    /// A judged rung's error is at least this many times the reference's floor.
    [<Literal>]
    let FloorFactor = 100.0

    /// The observed order may fall this far short of the declared one.
    let orderTolerance =
        { Name = "convergence-order"
          Slope = 0.3
          Reason = "the ladder's coarsest rungs are not fully asymptotic" }

    /// Below this local order the error has stopped falling: a plateau.
    let plateauTolerance =
        { Name = "convergence-plateau"
          Slope = 0.5
          Reason = "an error that falls slower than h^0.5 between two rungs above the floor has stopped falling" }

    /// Least-squares slope of log y on log x.
    let private slope (xs: float[]) (ys: float[]) =
        if xs.Length < 2 then nan
        else
            let struct (_, b) = MathNet.Numerics.Fit.Line(Array.map log xs, Array.map log ys)
            b

    /// Judged rungs a ladder needs before it can Hold: three in dt (two rungs give one local order, which
    /// cannot show a bend), two in h.
    let minimumRungs (variable: string) = if variable = "dt" then 3 else 2

    /// The ladder's orders and verdict: rungs above FloorFactor x floor are judged. A local order below the
    /// plateau tolerance is Violated; so is an order (fitted, or the last local one) short of the declared
    /// one by more than the tolerance. Fewer judged rungs than <see cref="minimumRungs"/> measured nothing:
    /// Inconclusive, never Holds. Without a declared order only a plateau decides (Informational otherwise).
    let judge (ladder: MeasuredLadder) (floor: float) (declared: float option) =
        let { Variable = variable; Xs = xs; Errors = errors } = ladder
        let judged = errors |> Array.map (fun e -> e >= FloorFactor * floor && e > 0.0)
        let local =
            Array.init (max 0 (xs.Length - 1)) (fun k ->
                if judged[k] && judged[k + 1] then log (errors[k] / errors[k + 1]) / log (xs[k] / xs[k + 1]) else nan)
        let usedX = Array.zip xs judged |> Array.filter snd |> Array.map fst
        let usedE = Array.zip errors judged |> Array.filter snd |> Array.map fst
        let order = slope usedX usedE
        let resolved = local |> Array.filter (fun o -> not (Double.IsNaN o))
        let needed = minimumRungs variable
        let last = if resolved.Length > 0 then resolved[resolved.Length - 1] else order
        let short q = usedX.Length >= 2 && min order last < q - orderTolerance.Slope
        let verdict, reason =
            if resolved |> Array.exists (fun o -> o < plateauTolerance.Slope) then
                Verdict.Violated, sprintf "the error stops falling above the reference's floor (a local order %.2f, below %g): a plateau, the signature of a wrong model" (Array.min resolved) plateauTolerance.Slope
            elif declared |> Option.exists short then
                Verdict.Violated, sprintf "observed order %.2f (last local order %.2f) falls short of the declared %g by more than %g" order last declared.Value orderTolerance.Slope
            elif usedX.Length < needed then
                Verdict.Inconclusive None,
                sprintf "%d of %d rungs stand %g times above the reference's floor (%.1e), and %d are needed: nothing was measured. Coarser rungs (a larger %s), or a reference with a lower floor, would resolve it" usedX.Length xs.Length FloorFactor floor needed variable
            else
                match declared with
                | Some q -> Verdict.Holds, sprintf "observed order %.2f (last local order %.2f) against the declared %g" order last q
                | None when variable = "dt" -> Verdict.Informational, sprintf "observed order %.2f; the solver declares no order in dt (give --solver-order)" order
                | None -> Verdict.Informational, sprintf "observed order %.2f in %s, shown, not held to a declared order (only a plateau fails)" order variable
        { Variable = variable
          Xs = xs
          Errors = errors
          Seconds = ladder.Seconds
          Judged = judged
          Order = order
          LocalOrders = local
          Declared = declared
          Tolerance = orderTolerance
          Verdict = verdict
          Reason = reason }

    /// Violated if either ladder is; Inconclusive if either measured nothing; Holds when the time ladder
    /// holds (the grid ladder informational); Informational otherwise.
    let combine (time: OrderLadder) (grid: OrderLadder option) =
        let all = time :: Option.toList grid
        if all |> List.exists (fun l -> l.Verdict.IsViolated) then Verdict.Violated
        elif all |> List.exists (fun l -> l.Verdict.IsInconclusive) then Verdict.Inconclusive None
        elif time.Verdict.IsHolds then Verdict.Holds
        else Verdict.Informational

    /// Solves each rung's problem (in parallel) on the solver under test, and gives each rung's trajectory
    /// error, the largest over the output times of the gap to <c>exact k t</c> (the reference's cells at
    /// output time k, t), with its seconds.
    let measureRungs (context: CheckContext) (id: string) (problems: SolverProblem[]) (exact: int -> float -> ParticleState) =
        problems
        |> Array.Parallel.mapi (fun k problem ->
            context.Progress { Check = id; Rung = k; Rungs = problems.Length; Replica = 0; Before = 0; Replicas = 1 }
            let clock = Stopwatch.StartNew()
            let solution = context.Solver.Solve problem
            let error = Seq.mapi2 (fun j (state: ParticleState) t -> SpectralReference.Difference(state, exact j t)) solution.States solution.Times |> Seq.max
            error, clock.Elapsed.TotalSeconds)

    /// The reference's states at the output times.
    let private referenceStates (scenario: Scenario) (cells: ParticleState) (modes: int) (step: float) (times: float seq) =
        let reference = SpectralReference(scenario, cells, modes, step)
        [| for t in times ->
               reference.AdvanceTo t
               reference.State |]

    let private reference =
        { Description = "a second discretisation of (P): truncated Fourier series of the field with the exact transform of chi, grad phi from the series at the cells, direct-sum alignment, Lawson RK4 (SpectralReference)"
          Components = CodeComponents.None
          UsesSolver = true
          Cells = None }

    /// The size of the error in a term that its margin measures (5%).
    [<Literal>]
    let MarginError = 0.05

    /// The cells of a check: drawn from the scenario's initial law; on a manufactured problem, with unequal
    /// masses m_i proportional to 1/2 + u_i (u_i uniform on [0, 1), from the check's seed).
    let cellsOf (problem: ConvergenceProblem) (count: int) (seed: int) =
        let scenario = problem.Scenario
        let drawn = InitialData.Sample(scenario.Initial, scenario.Dimension, count, seed)
        match problem with
        | ConvergenceProblem.Model _ -> drawn
        | ConvergenceProblem.Manufactured _ ->
            let random = Random(seed)
            let raw = Array.init count (fun _ -> 0.5 + random.NextDouble())
            let total = Array.sum raw
            drawn.WithMasses(raw |> Array.map (fun m -> m / total))

    /// Each term the problem switches on (and that can be scaled: not a kernel given as an ONNX model), with the
    /// change of the exact trajectories under a 5% error in it, from a reference of half the modes (both runs
    /// share its truncation, which cancels in the difference).
    let margins (scenario: Scenario) (cells: ParticleState) (modes: int) (step: float) (times: float seq) =
        let coarse = max 4 (modes / 2)
        let baseline = referenceStates scenario cells coarse step times
        Term.all
        |> List.filter (fun term -> Term.isOn scenario cells term && Term.canScale scenario term)
        |> List.map (fun term ->
            let scenario', cells' = Term.scale term (1.0 + MarginError) (scenario, cells)
            let moved = referenceStates scenario' cells' coarse step times
            { Term = term; Effect = Array.map2 (fun a b -> SpectralReference.Difference(a, b)) baseline moved |> Array.max })

    /// The solver's orders in dt and h against the spectral reference for fixed cells of the problem's law.
    let check (problem: ConvergenceProblem) (design: ConvergenceDesign) : Check =
        let scenario = problem.Scenario
        let d = scenario.Dimension
        let id = problem.Id
        let title =
            match problem with
            | ConvergenceProblem.Manufactured _ -> sprintf "Convergence to the exact solution of (P), every term on, d = %d" d
            | ConvergenceProblem.Model _ -> sprintf "Convergence to the exact solution of (P) on the model, d = %d" d
        Check.whole id title reference
        <| fun context ->
            let clock = Stopwatch.StartNew()
            let finest = List.last design.TimeSteps
            let base' = scenario.WithDomain(design.Box, design.TimeGrid)
            let seed = Seeds.derive context.Seed id []
            let cells = cellsOf problem design.Cells seed
            let probe = SolverProblem.Create(base'.WithTime(design.Horizon, finest, design.OutputInterval), cells, design.Horizon, design.OutputInterval)
            let times = probe.OutputTimes
            let exact = referenceStates probe.Scenario cells design.ReferenceModes design.ReferenceStep times
            let finer = referenceStates probe.Scenario cells (design.ReferenceModes * 3 / 2) (design.ReferenceStep / 2.0) times
            let floor = Array.map2 (fun a b -> SpectralReference.Difference(a, b)) exact finer |> Array.max
            let margins = margins probe.Scenario cells design.ReferenceModes design.ReferenceStep times
            let scenarios =
                [| for dt in design.TimeSteps -> base'.WithTime(design.Horizon, dt, design.OutputInterval)
                   for grid in design.Grids -> scenario.WithDomain(design.Box, grid).WithTime(design.Horizon, design.GridStep, design.OutputInterval) |]
            let runs = measureRungs context id [| for s in scenarios -> SolverProblem.Create(s, cells, design.Horizon, design.OutputInterval) |] (fun k _ -> exact[k])
            let timeRuns, gridRuns = Array.splitAt design.TimeSteps.Length runs
            let declared = Option.ofNullable context.Solver.Identity.TimeOrder
            let time =
                judge { Variable = "dt"; Xs = List.toArray design.TimeSteps; Errors = Array.map fst timeRuns; Seconds = Array.map snd timeRuns } floor declared
            let spacing = design.Grids |> List.map (fun g -> design.Box / float g) |> List.toArray
            // The grid ladder's errors also hold the solver's time error at GridStep, extrapolated from the
            // finest time rung at the observed order: a rung is judged only where that is under a tenth of it.
            let timeShare =
                let q = if Double.IsFinite time.Order && time.Order > 0.0 then time.Order else defaultArg declared 1.0
                (Array.last time.Errors) * (design.GridStep / finest) ** q
            let gridFloor = max floor (timeShare * 10.0 / FloorFactor)
            let grid = judge { Variable = "h"; Xs = spacing; Errors = Array.map fst gridRuns; Seconds = Array.map snd gridRuns } gridFloor None
            let weakest = margins |> List.sortBy _.Effect |> List.tryHead
            { Id = id
              Title = title
              Source = "METHODS.md section 8 (code verification)"
              Statement = "The solver's trajectories converge to the exact solution of (P) for fixed cells: the error falls as dt^p (p the solver's declared order) and as h^q, down to the reference's floor; a plateau above the floor means the solver solves another model."
              Parameters =
                [ "model", problem.Name
                  "cells",
                  sprintf "%d, drawn once from the model's initial law (seed %d)%s" design.Cells seed
                      (match cells.Masses with
                       | null -> ", of equal mass"
                       | masses -> sprintf ", masses from %.3g to %.3g" (Array.min masses) (Array.max masses))
                  "horizon, output times", sprintf "%g, every %g" design.Horizon design.OutputInterval
                  "box", sprintf "%g (periodic)" design.Box
                  "time ladder", sprintf "dt = %s on %d nodes per axis" (String.Join(", ", design.TimeSteps)) design.TimeGrid
                  "grid ladder", sprintf "%s nodes per axis at dt = %g" (String.Join(", ", design.Grids)) design.GridStep
                  "error", "max over cells and output times of max(|x - x_ref|, |v - v_ref|)"
                  "reference resolution", sprintf "modes -%d .. %d per axis, RK4 step %g" design.ReferenceModes design.ReferenceModes design.ReferenceStep
                  "declared order in dt", (match declared with Some q -> sprintf "%g" q | None -> "none") ]
              Measurement =
                  Measurement.Convergence
                      { Time = time
                        Grid = Some grid
                        Floor = floor
                        FloorText = sprintf "the reference against itself with 3/2 of its modes and half its step (%d modes, step %g)" (design.ReferenceModes * 3 / 2) (design.ReferenceStep / 2.0)
                        FloorFactor = FloorFactor
                        Margins = margins }
              Verdict = combine time (Some grid)
              Reference = reference
              Notes =
                [ yield "Time ladder: " + time.Reason + "."
                  yield "Grid ladder: " + grid.Reason + "."
                  if gridFloor > floor then
                      yield sprintf "The grid ladder's rungs are judged above %.1e, ten times the solver's time error at dt = %g (%.1e, extrapolated from the finest time rung), where it exceeds %g times the reference's floor." (FloorFactor * gridFloor) design.GridStep timeShare FloorFactor
                  match weakest with
                  | Some m -> yield sprintf "Every term's margin: the weakest, the %s, moves the trajectories by %.2e under a %g%% error, %.0f times the reference's floor." m.Term.Description m.Effect (100.0 * MarginError) (m.Effect / floor)
                  | None -> () ]
              Seconds = clock.Elapsed.TotalSeconds }
