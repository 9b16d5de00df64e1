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
      /// The reference's resolutions, tried in order until its floor is at most <c>FloorTarget</c> (or the
      /// last): a source of little smoothness (a polynomial bump) needs more modes than a C-infinity one.
      References: ReferenceResolution list }

/// A resolution of the spectral reference: its modes -K .. K per axis and its Runge-Kutta step; its floor from a
/// run with 3/2 K modes and half the step.
and ReferenceResolution = { Modes: int; Step: float }

/// What a convergence check solves.
[<RequireQualifiedAccess>]
type ConvergenceProblem =
    /// The embedded manufactured problem of this dimension (<c>manufactured-d{d}</c>): every term of (P) on,
    /// the cells weighted.
    | Manufactured of dimension: int
    /// The manufactured problem of this dimension with the chemotaxis off (eta = 0): alignment, F_ext and the
    /// masses, what a flocking code without a field solves.
    | AlignmentOnly of dimension: int
    /// The model under verification (a user's scenario), with a name for it; its cells of equal mass.
    | Model of scenario: Scenario * name: string

    member this.Scenario =
        match this with
        | Manufactured d -> ScenarioReader.Embedded(sprintf "manufactured-d%d" d)
        | AlignmentOnly d -> ScenarioReader.Embedded(sprintf "manufactured-d%d" d) |> Term.scaleModel Term.Chemotaxis 0.0
        | Model(s, _) -> s

    member this.Name =
        match this with
        | Manufactured d -> sprintf "the embedded scenario manufactured-d%d (every term of (P) on, weighted cells)" d
        | AlignmentOnly d -> sprintf "the embedded scenario manufactured-d%d with eta = 0 (alignment, F_ext and weighted cells; no chemotaxis)" d
        | Model(_, name) -> name

    /// Whether its cells have unequal masses.
    member this.Weighted =
        match this with
        | Manufactured _
        | AlignmentOnly _ -> true
        | Model _ -> false

    /// The check's id (built here only): <c>convergence-d{d}</c> on the manufactured problem, <c>convergence-alignment-d{d}</c>
    /// without its chemotaxis, <c>convergence-model-d{d}</c> on the model.
    member this.Id =
        match this with
        | Manufactured d -> CheckId.Convergence(d).Text
        | AlignmentOnly d -> CheckId.AlignmentConvergence(d).Text
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

    /// The weakest term's margin must exceed the judging threshold this many times for rungs at or below the
    /// threshold to rule out a 5% error in every term.
    [<Literal>]
    let ResolvedFactor = 100.0

    /// What a ladder is judged against.
    type Judging =
        { /// The reference's own error: rungs at least FloorFactor times above it are judged.
          Floor: float
          Declared: DeclaredOrder
          /// Each term's margin: rungs below the threshold rule out a 5% error in every term when the weakest
          /// exceeds the threshold ResolvedFactor times.
          Margins: TermMargin list }

    /// The weakest of the margins, if any, and whether it exceeds the judging threshold ResolvedFactor times.
    let private weakestAgainst (threshold: float) (margins: TermMargin list) =
        let weakest = margins |> List.sortBy _.Effect |> List.tryHead
        weakest, weakest |> Option.exists (fun m -> m.Effect >= ResolvedFactor * threshold)

    /// Why rungs below the threshold do not rule out every 5% term error (the weakest margin too close to it).
    let private unresolvedBecause (threshold: float) (weakest: TermMargin option) =
        match weakest with
        | None -> "no term's margin is known (a kernel given as an ONNX model cannot be scaled), so nothing says which errors the rungs rule out"
        | Some m ->
            sprintf "a 5%% error in the %s moves the trajectories by only %.1e, under %g times the threshold: a reference with a lower floor, or a longer horizon, would resolve it"
                m.Term.Description m.Effect ResolvedFactor

    /// The ladder's orders and verdict: rungs above FloorFactor x floor are judged. A local order below the
    /// plateau tolerance is Violated; so is an order (fitted, or the last local one) short of the declared
    /// one by more than the tolerance. A ladder is resolved when every rung (or, for a ladder held to no
    /// order, every rung past its judged ones) is at or below the threshold and the weakest term's margin
    /// exceeds the threshold ResolvedFactor times: it Holds with its bound, no order measured. Otherwise
    /// fewer judged rungs than <see cref="minimumRungs"/> measured nothing: Inconclusive, never Holds. An
    /// adaptive solver is judged on its answer alone: resolved, or Inconclusive. Without a declared order only
    /// a plateau decides (Informational otherwise).
    let judge (ladder: MeasuredLadder) (judging: Judging) =
        let { Variable = variable; Xs = xs; Errors = errors } = ladder
        let { Floor = floor; Declared = declared } = judging
        let threshold = FloorFactor * floor
        let judged = errors |> Array.map (fun e -> e >= threshold && e > 0.0)
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
        let weakest, ruledOut = weakestAgainst threshold judging.Margins
        // The rungs after the last judged one, all at or below the threshold (every rung when none is judged).
        let tail = errors[(match Array.tryFindIndexBack id judged with Some k -> k + 1 | None -> 0) ..]
        let resolvedBound () =
            let bound = Array.max tail
            let rules = match weakest with Some m -> sprintf "; the weakest term's margin (the %s, %.1e under a 5%% error) is %.0f times the threshold, so every 5%% error in a term is ruled out" m.Term.Description m.Effect (m.Effect / threshold) | None -> ""
            bound, rules
        let verdict, reason, bound =
            if errors |> Array.exists (fun e -> not (Double.IsFinite e)) then
                Verdict.Violated, sprintf "the error at %s = %g is not finite" variable xs[errors |> Array.findIndex (fun e -> not (Double.IsFinite e))], None
            elif resolved |> Array.exists (fun o -> o < plateauTolerance.Slope) then
                Verdict.Violated, sprintf "the error stops falling above the reference's floor (a local order %.2f, below %g): a plateau, the signature of a wrong model" (Array.min resolved) plateauTolerance.Slope, None
            elif declared.Value |> Option.exists short then
                Verdict.Violated, sprintf "observed order %.2f (last local order %.2f) falls short of the declared %g by more than %g" order last declared.Value.Value orderTolerance.Slope, None
            elif usedX.Length = 0 || (usedX.Length < needed && declared.Value.IsNone && declared <> DeclaredOrder.Adaptive && tail.Length > 0) then
                // Every rung, or every rung past the judged ones of a ladder held to no order, at or below the threshold.
                let which = if usedX.Length = 0 then "every rung" else sprintf "every rung from %s = %g on (the coarser ones fall, with no plateau)" variable xs[xs.Length - tail.Length]
                if ruledOut then
                    let bound, rules = resolvedBound ()
                    Verdict.Holds,
                    sprintf "resolved: %s is at or below the judging threshold %.1e (%g times the reference's floor), so the solver's error there is at most %.1e%s. No order was measured: the error is below what the reference resolves, which bounds the solver, and is no gap" which threshold FloorFactor bound rules,
                    Some bound
                else
                    Verdict.Inconclusive None,
                    sprintf "%s is at or below the judging threshold %.1e (%g times the reference's floor %.1e), which rules out no 5%% error in every term, so nothing was measured: %s" which threshold FloorFactor floor (unresolvedBecause threshold weakest), None
            elif declared = DeclaredOrder.Adaptive then
                Verdict.Inconclusive None,
                sprintf "the solver controls its own steps, and its error (%.1e) stands above the judging threshold %.1e (%g times the reference's floor): its answer is judged with no order, so a tighter tolerance would resolve it" (Array.max errors) threshold FloorFactor, None
            elif usedX.Length < needed then
                Verdict.Inconclusive None,
                sprintf "%d of %d rungs stand %g times above the reference's floor (%.1e), and %d are needed: nothing was measured. Coarser rungs (a larger %s), or a reference with a lower floor, would resolve it" usedX.Length xs.Length FloorFactor floor needed variable, None
            else
                match declared with
                | DeclaredOrder.Order q -> Verdict.Holds, sprintf "observed order %.2f (last local order %.2f) against the declared %g" order last q, None
                | _ when variable = "dt" -> Verdict.Informational, sprintf "observed order %.2f; the solver declares no order in dt (give --solver-order)" order, None
                | _ -> Verdict.Informational, sprintf "observed order %.2f in %s, shown, not held to a declared order (only a plateau fails)" order variable, None
        { Variable = variable
          Xs = xs
          Errors = errors
          Seconds = ladder.Seconds
          Judged = judged
          Order = order
          LocalOrders = local
          Declared = declared
          Tolerance = orderTolerance
          Resolved = bound
          Verdict = verdict
          Reason = reason }

    /// The bound a check puts on the solver's error: the smallest error at a ladder's finest rung, plus the floor.
    let bound (floor: float) (ladders: OrderLadder list) =
        (ladders |> List.map (fun l -> Array.last l.Errors) |> List.min) + floor

    /// The smallest ratio between one time rung and the next: a ladder of finer ratios fits too short a range.
    [<Literal>]
    let MinimumRatio = 1.25

    /// How far above the judging threshold the third rung of a sized ladder is predicted to stand.
    [<Literal>]
    let SizingMargin = 4.0

    /// The time ladder a solver is run on, from the design's (dt halving from its coarsest, a whole number of
    /// steps per output interval) and the error <c>coarsest</c> the solver made on its first rung. An adaptive
    /// solver runs the first rung alone. A declared order p (2 when none is declared) keeps the design's ladder
    /// when halving leaves its third rung SizingMargin times above the threshold; otherwise the steps per
    /// interval grow by the ratio r &lt; 2 that does, (coarsest / (SizingMargin x threshold))^(1 / 2p), with as
    /// many rungs, so that a high-order or very accurate solver still shows its order on three judged rungs.
    /// Where even r = MinimumRatio cannot, the design's ladder stays (its rungs are then resolved, or too few).
    /// No rung is coarser than the design's first: beyond it neither (P) nor the reference is known to be
    /// accurate for a solver's stability.
    let sizeTimeLadder (steps: float list) (interval: float) (declared: DeclaredOrder) (threshold: float) (coarsest: float) =
        match declared with
        | DeclaredOrder.Adaptive -> [ List.head steps ]
        | _ ->
            let p = defaultArg declared.Value 2.0
            let ratio = (coarsest / (SizingMargin * threshold)) ** (1.0 / (2.0 * p))
            if not (ratio < 2.0) || ratio < MinimumRatio || not (Double.IsFinite ratio) then steps
            else
                let first = Math.Round(interval / List.head steps)
                // Steps per interval, each at least one more than the last.
                let counts, _ =
                    List.init steps.Length (fun k -> Math.Round(first * ratio ** float k))
                    |> List.mapFold (fun previous n -> let m = max n (previous + 1.0) in m, m) 0.0
                counts |> List.map (fun n -> interval / n)

    /// Violated if either ladder is; Inconclusive if either measured nothing; Holds when the time ladder
    /// holds (the grid ladder informational); Informational otherwise.
    let combine (time: OrderLadder) (grid: OrderLadder option) =
        let all = time :: Option.toList grid
        if all |> List.exists (fun l -> l.Verdict.IsViolated) then Verdict.Violated
        elif all |> List.exists (fun l -> l.Verdict.IsInconclusive) then Verdict.Inconclusive None
        elif time.Verdict.IsHolds then Verdict.Holds
        else Verdict.Informational

    /// The runs of a convergence check: its time ladder to size to the solver (<see cref="sizeTimeLadder"/>)
    /// and its other problems, against the exact cells.
    type SizedRuns =
        { Id: string
          /// The design's time ladder, coarsest first.
          Steps: float list
          /// The output interval, which every step divides.
          Interval: float
          /// The judging threshold (FloorFactor x floor).
          Threshold: float
          /// The problem of one time step.
          TimeProblem: float -> SolverProblem
          /// Problems run beside the time ladder (a grid ladder).
          Others: SolverProblem[]
          /// The exact cells at output time k, t.
          Exact: int -> float -> ParticleState }

    /// Solves each problem (in parallel) on the solver under test, and gives each one's trajectory error, the
    /// largest over the output times of the gap to the exact cells, with its seconds. Progress counts the
    /// check's rungs from <c>first</c>.
    let private measureFrom (context: CheckContext) (runs: SizedRuns) (first: int) (problems: SolverProblem[]) =
        problems
        |> Array.Parallel.mapi (fun k problem ->
            context.Progress { Check = runs.Id; Rung = first + k; Rungs = runs.Steps.Length + runs.Others.Length; Replica = 0; Before = 0; Replicas = 1 }
            let clock = Stopwatch.StartNew()
            let solution = context.Solver.Solve problem
            let error = Seq.mapi2 (fun j (state: ParticleState) t -> SpectralReference.Difference(state, runs.Exact j t)) solution.States solution.Times |> Seq.max
            error, clock.Elapsed.TotalSeconds)

    /// The runs measured: the design's first time rung alone, then the sized ladder's other rungs and the
    /// other problems side by side. Gives the time steps run, their (error, seconds), and the others'.
    let measureSized (context: CheckContext) (runs: SizedRuns) =
        let declared = DeclaredOrder.Of context.Solver.Identity
        let probe = (measureFrom context runs 0 [| runs.TimeProblem(List.head runs.Steps) |])[0]
        let sized = sizeTimeLadder runs.Steps runs.Interval declared runs.Threshold (fst probe)
        let rest = measureFrom context runs 1 (Array.append [| for dt in List.tail sized -> runs.TimeProblem dt |] runs.Others)
        let timeRuns, otherRuns = Array.splitAt (sized.Length - 1) rest
        sized, Array.append [| probe |] timeRuns, otherRuns

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

    /// The cells of a check: drawn from the scenario's initial law; on a manufactured problem, with unequal
    /// masses m_i proportional to 1/2 + u_i (u_i uniform on [0, 1), from the check's seed).
    let cellsOf (problem: ConvergenceProblem) (count: int) (seed: int) =
        let scenario = problem.Scenario
        let drawn = InitialData.Sample(scenario.Initial, scenario.Dimension, count, seed)
        match problem with
        | ConvergenceProblem.Model _ -> drawn
        | ConvergenceProblem.Manufactured _
        | ConvergenceProblem.AlignmentOnly _ ->
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
            let scenario', cells' = Term.scale term (1.0 + TermMargin.Error) (scenario, cells)
            let moved = referenceStates scenario' cells' coarse step times
            { Term = term; Effect = Array.map2 (fun a b -> SpectralReference.Difference(a, b)) baseline moved |> Array.max })

    /// A floor the reference should reach: below it the judging threshold (FloorFactor x floor) leaves a
    /// second-order solver's finer rungs to be judged on the checks' ladders.
    [<Literal>]
    let FloorTarget = 1e-8

    /// The reference's states at the output times and its floor at the first resolution whose floor is at
    /// most FloorTarget (or the last): with the resolution used.
    let private resolve (scenario: Scenario) (cells: ParticleState) (resolutions: ReferenceResolution list) (times: float seq) =
        let rec first (remaining: ReferenceResolution list) =
            let r = List.head remaining
            let exact = referenceStates scenario cells r.Modes r.Step times
            let finer = referenceStates scenario cells (r.Modes * 3 / 2) (r.Step / 2.0) times
            let floor = Array.map2 (fun a b -> SpectralReference.Difference(a, b)) exact finer |> Array.max
            if floor <= FloorTarget || List.isEmpty (List.tail remaining) then r, exact, floor else first (List.tail remaining)
        first resolutions

    let private escalationNote (design: ConvergenceDesign) (used: ReferenceResolution) =
        if used = List.head design.References then ""
        else sprintf " (the first resolution, %d modes at step %g, left a floor above %g)" (List.head design.References).Modes (List.head design.References).Step FloorTarget

    /// The time ladder's parameter: how it was sized, when it is not the design's.
    let sizedNote (design: float list) (run: float list) =
        if run = design then ""
        elif run.Length = 1 then "; the solver controls its own steps: its answer on the first rung alone"
        else sprintf "; sized to the solver from the design's %s" (String.Join(", ", design))

    let declaredText (declared: DeclaredOrder) =
        match declared with
        | DeclaredOrder.Order q -> sprintf "%g" q
        | DeclaredOrder.Adaptive -> "adaptive (its own step control)"
        | DeclaredOrder.Undeclared -> "none"

    /// What the margins say of the check: the weakest, what the bound rules out, and the terms a 5% error in which it
    /// cannot tell from the reference's own error.
    let marginNotes (m: ConvergenceMeasurement) =
        [ match m.Margins |> List.sortBy _.Effect |> List.tryHead with
          | Some weakest ->
              yield sprintf "Every term's margin: the weakest, the %s, moves the trajectories by %.2e under a %g%% error, %.0f times the reference's floor." weakest.Term.Description weakest.Effect (100.0 * TermMargin.Error) (weakest.Effect / m.Floor)
              yield sprintf "The check bounds the solver's error by %.1e (its smallest error at a ladder's finest rung, plus the floor): it rules out a relative error above %.2g%% in the %s, and smaller ones in every other term (margins.csv)." m.Bound (100.0 * m.RuledOut weakest) weakest.Term.Description
          | None -> ()
          match m.Unverified with
          | [] -> ()
          | terms ->
              yield sprintf "Not verified on this model: %s. A 5%% error in each moves the trajectories by less than %g times the judging threshold (%.1e), so the check cannot tell it from the reference's own error; a reference with a lower floor (more modes, a smoother source) or a longer horizon would verify it." (String.Join(", ", terms |> List.map (fun t -> sprintf "the %s (%.1e)" t.Term.Description t.Effect))) 100.0 (m.FloorFactor * m.Floor) ]

    /// The solver's orders in dt and h against the spectral reference for fixed cells of the problem's law.
    let check (problem: ConvergenceProblem) (design: ConvergenceDesign) : Check =
        let scenario = problem.Scenario
        let d = scenario.Dimension
        let id = problem.Id
        let title =
            match problem with
            | ConvergenceProblem.Manufactured _ -> sprintf "Convergence to the exact solution of (P), every term on, d = %d" d
            | ConvergenceProblem.AlignmentOnly _ -> sprintf "Convergence to the exact solution of (P), alignment only (eta = 0), d = %d" d
            | ConvergenceProblem.Model _ -> sprintf "Convergence to the exact solution of (P) on the model, d = %d" d
        Check.solves [ { Scenario = scenario; Weighted = problem.Weighted } ] id title reference
        <| fun context ->
            let clock = Stopwatch.StartNew()
            let base' = scenario.WithDomain(design.Box, design.TimeGrid)
            let seed = Seeds.derive context.Seed id []
            let cells = cellsOf problem design.Cells seed
            let probe = SolverProblem.Create(base'.WithTime(design.Horizon, List.last design.TimeSteps, design.OutputInterval), cells, design.Horizon, design.OutputInterval)
            let times = probe.OutputTimes
            let resolution, exact, floor = resolve probe.Scenario cells design.References times
            let margins = margins probe.Scenario cells resolution.Modes resolution.Step times
            let declared = DeclaredOrder.Of context.Solver.Identity
            let steps, timeRuns, gridRuns =
                measureSized context
                    { Id = id
                      Steps = design.TimeSteps
                      Interval = design.OutputInterval
                      Threshold = FloorFactor * floor
                      TimeProblem = fun dt -> SolverProblem.Create(base'.WithTime(design.Horizon, dt, design.OutputInterval), cells, design.Horizon, design.OutputInterval)
                      Others =
                        [| for grid in design.Grids ->
                               SolverProblem.Create(scenario.WithDomain(design.Box, grid).WithTime(design.Horizon, design.GridStep, design.OutputInterval), cells, design.Horizon, design.OutputInterval) |]
                      Exact = fun k _ -> exact[k] }
            let finest = List.last steps
            let time =
                judge { Variable = "dt"; Xs = List.toArray steps; Errors = Array.map fst timeRuns; Seconds = Array.map snd timeRuns }
                    { Floor = floor; Declared = declared; Margins = margins }
            let spacing = design.Grids |> List.map (fun g -> design.Box / float g) |> List.toArray
            // The grid ladder's errors also hold the solver's time error at GridStep, extrapolated from the
            // finest time rung at the observed order (an adaptive solver's does not depend on the step): a rung
            // is judged only where that is under a tenth of it.
            let timeShare =
                match declared with
                | DeclaredOrder.Adaptive -> Array.last time.Errors
                | _ ->
                    let q = if Double.IsFinite time.Order && time.Order > 0.0 then time.Order else defaultArg declared.Value 1.0
                    (Array.last time.Errors) * (design.GridStep / finest) ** q
            let gridFloor = max floor (timeShare * 10.0 / FloorFactor)
            // A problem without chemotaxis has no grid ladder: the grid is not used.
            let grid =
                if design.Grids.IsEmpty then None
                else
                    Some(judge { Variable = "h"; Xs = spacing; Errors = Array.map fst gridRuns; Seconds = Array.map snd gridRuns }
                             { Floor = gridFloor; Declared = DeclaredOrder.Undeclared; Margins = margins })
            let measurement =
                { Time = time
                  Grid = grid
                  Floor = floor
                  FloorText = sprintf "the reference against itself with 3/2 of its modes and half its step (%d modes, step %g)" (resolution.Modes * 3 / 2) (resolution.Step / 2.0)
                  FloorFactor = FloorFactor
                  Margins = margins
                  Bound = bound floor (time :: Option.toList grid) }
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
                  "time ladder", sprintf "dt = %s on %d nodes per axis%s" (String.Join(", ", steps |> List.map (sprintf "%.6g"))) design.TimeGrid (sizedNote design.TimeSteps steps)
                  "grid ladder",
                  (if design.Grids.IsEmpty then "none (no chemotaxis: the grid is not used)"
                   else sprintf "%s nodes per axis at dt = %g" (String.Join(", ", design.Grids)) design.GridStep)
                  "error", "max over cells and output times of max(|x - x_ref|, |v - v_ref|)"
                  "reference resolution", sprintf "modes -%d .. %d per axis, RK4 step %g%s" resolution.Modes resolution.Modes resolution.Step (escalationNote design resolution)
                  "declared order in dt", declaredText declared ]
              Measurement = Measurement.Convergence measurement
              Verdict = combine time grid
              Reference = reference
              Notes =
                [ yield "Time ladder: " + time.Reason + "."
                  match grid with
                  | Some grid -> yield "Grid ladder: " + grid.Reason + "."
                  | None -> ()
                  if grid.IsSome && gridFloor > floor then
                      yield sprintf "The grid ladder's rungs are judged above %.1e, ten times the solver's time error at dt = %g (%.1e, extrapolated from the finest time rung), where it exceeds %g times the reference's floor." (FloorFactor * gridFloor) design.GridStep timeShare FloorFactor
                  yield! marginNotes measurement ]
              Seconds = clock.Elapsed.TotalSeconds }