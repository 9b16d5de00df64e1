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
      /// The grid ladder, coarsest first, run at the finest time step.
      Grids: int list
      /// The reference's modes -K .. K per axis and its step; its floor from a run with 3/2 K modes and half the step.
      ReferenceModes: int
      ReferenceStep: float }

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

    /// The ladder's orders and verdict: rungs above FloorFactor x floor are judged; with fewer than two the
    /// solver is more accurate than the ladder resolves (Holds); a local order below the plateau tolerance
    /// is Violated; so is an order (fitted, or the last local one) short of the declared one by more than
    /// the tolerance. Without a declared order only a plateau decides (Informational otherwise).
    let judge (variable: string) (xs: float[]) (errors: float[]) (seconds: float[]) (floor: float) (declared: float option) =
        let judged = errors |> Array.map (fun e -> e >= FloorFactor * floor && e > 0.0)
        let local =
            Array.init (max 0 (xs.Length - 1)) (fun k ->
                if judged[k] && judged[k + 1] then log (errors[k] / errors[k + 1]) / log (xs[k] / xs[k + 1]) else nan)
        let usedX = Array.zip xs judged |> Array.filter snd |> Array.map fst
        let usedE = Array.zip errors judged |> Array.filter snd |> Array.map fst
        let order = slope usedX usedE
        let resolved = local |> Array.filter (fun o -> not (Double.IsNaN o))
        let verdict, reason =
            if usedX.Length < 2 then
                (if declared.IsSome then Verdict.Holds else Verdict.Informational),
                sprintf "fewer than two rungs stand %g times above the reference's floor: the solver is more accurate than this ladder resolves" FloorFactor
            elif resolved |> Array.exists (fun o -> o < plateauTolerance.Slope) then
                Verdict.Violated, sprintf "the error stops falling above the reference's floor (a local order %.2f, below %g): a plateau, the signature of a wrong model" (Array.min resolved) plateauTolerance.Slope
            else
                match declared with
                | Some q ->
                    let last = if resolved.Length > 0 then resolved[resolved.Length - 1] else order
                    let worst = min order last
                    if worst < q - orderTolerance.Slope then
                        Verdict.Violated, sprintf "observed order %.2f (last local order %.2f) falls short of the declared %g by more than %g" order last q orderTolerance.Slope
                    else Verdict.Holds, sprintf "observed order %.2f (last local order %.2f) against the declared %g" order last q
                | None when variable = "dt" -> Verdict.Informational, sprintf "observed order %.2f; the solver declares no order in dt (give --solver-order)" order
                | None -> Verdict.Informational, sprintf "observed order %.2f in %s, shown, not held to a declared order (only a plateau fails)" order variable
        { Variable = variable
          Xs = xs
          Errors = errors
          Seconds = seconds
          Judged = judged
          Order = order
          LocalOrders = local
          Declared = declared
          Tolerance = orderTolerance
          Verdict = verdict
          Reason = reason }

    /// Violated if either ladder is; Holds when the time ladder holds (the grid ladder holding or informational); Informational otherwise.
    let combine (time: OrderLadder) (grid: OrderLadder option) =
        let all = time :: Option.toList grid
        if all |> List.exists (fun l -> l.Verdict.IsViolated) then Verdict.Violated
        elif time.Verdict.IsHolds then Verdict.Holds
        else Verdict.Informational

    /// Solves each rung's scenario (in parallel) from the same cells on the solver under test, and gives
    /// each rung's trajectory error, the largest over the output times of the gap to <c>exact k t</c> (the
    /// reference's cells at output time k, t), with its seconds.
    let measureRungs (context: CheckContext) (id: string) (scenarios: Scenario[]) (cells: ParticleState) (horizon: float) (every: float) (exact: int -> float -> ParticleState) =
        scenarios
        |> Array.Parallel.mapi (fun k s ->
            context.Progress { Check = id; Rung = k; Rungs = scenarios.Length; Replica = 0; Before = 0; Replicas = 1 }
            let clock = Stopwatch.StartNew()
            let solution = context.Solver.Solve(SolverProblem.Create(s, cells, horizon, every))
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
          UsesSolver = true }

    /// <c>convergence-d{d}</c>: the solver's orders in dt and h against the spectral reference for fixed cells of the model's law.
    let check (scenario: Scenario) (scenarioName: string) (design: ConvergenceDesign) : Check =
        let d = scenario.Dimension
        let id = sprintf "convergence-d%d" d
        let title = sprintf "Convergence to the exact solution of (P), d = %d" d
        { Id = id
          Title = title
          Needs = []
          Sharding = Sharding.Whole
          Reference = reference
          Run =
            fun context ->
                let clock = Stopwatch.StartNew()
                let finest = List.last design.TimeSteps
                let base' = scenario.WithDomain(design.Box, design.TimeGrid)
                let cells = InitialData.Sample(scenario.Initial, d, design.Cells, Seeds.derive context.Seed id [])
                let probe = SolverProblem.Create(base'.WithTime(design.Horizon, finest, design.OutputInterval), cells, design.Horizon, design.OutputInterval)
                let times = probe.OutputTimes
                let exact = referenceStates probe.Scenario cells design.ReferenceModes design.ReferenceStep times
                let finer = referenceStates probe.Scenario cells (design.ReferenceModes * 3 / 2) (design.ReferenceStep / 2.0) times
                let floor = Array.map2 (fun a b -> SpectralReference.Difference(a, b)) exact finer |> Array.max
                let scenarios =
                    [| for dt in design.TimeSteps -> base'.WithTime(design.Horizon, dt, design.OutputInterval)
                       for grid in design.Grids -> scenario.WithDomain(design.Box, grid).WithTime(design.Horizon, finest, design.OutputInterval) |]
                let runs = measureRungs context id scenarios cells design.Horizon design.OutputInterval (fun k _ -> exact[k])
                let timeRuns, gridRuns = Array.splitAt design.TimeSteps.Length runs
                let declared = Option.ofNullable context.Solver.Identity.TimeOrder
                let time = judge "dt" (List.toArray design.TimeSteps) (Array.map fst timeRuns) (Array.map snd timeRuns) floor declared
                let spacing = design.Grids |> List.map (fun g -> design.Box / float g) |> List.toArray
                let grid = judge "h" spacing (Array.map fst gridRuns) (Array.map snd gridRuns) floor None
                { Id = id
                  Title = title
                  Source = "METHODS.md section 8 (code verification)"
                  Statement = "The solver's trajectories converge to the exact solution of (P) for fixed cells: the error falls as dt^p (p the solver's declared order) and as h^q, down to the reference's floor; a plateau above the floor means the solver solves another model."
                  Parameters =
                    [ "model", scenarioName
                      "cells", sprintf "%d, drawn once from the model's initial law (seed %d)" design.Cells (Seeds.derive context.Seed id [])
                      "horizon, output times", sprintf "%g, every %g" design.Horizon design.OutputInterval
                      "box", sprintf "%g (periodic)" design.Box
                      "time ladder", sprintf "dt = %s on %d nodes per axis" (String.Join(", ", design.TimeSteps)) design.TimeGrid
                      "grid ladder", sprintf "%s nodes per axis at dt = %g" (String.Join(", ", design.Grids)) finest
                      "error", "max over cells and output times of max(|x - x_ref|, |v - v_ref|)"
                      "reference resolution", sprintf "modes -%d .. %d per axis, RK4 step %g" design.ReferenceModes design.ReferenceModes design.ReferenceStep
                      "declared order in dt", (match declared with Some q -> sprintf "%g" q | None -> "none") ]
                  Measurement =
                      Measurement.Convergence
                          { Time = time
                            Grid = Some grid
                            Floor = floor
                            FloorText = sprintf "the reference against itself with 3/2 of its modes and half its step (%d modes, step %g)" (design.ReferenceModes * 3 / 2) (design.ReferenceStep / 2.0)
                            FloorFactor = FloorFactor }
                  Verdict = combine time (Some grid)
                  Reference = reference
                  Notes = [ "Time ladder: " + time.Reason + "."; "Grid ladder: " + grid.Reason + "." ]
                  Seconds = clock.Elapsed.TotalSeconds } }
