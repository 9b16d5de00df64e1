namespace MeanField.Verification

open MeanField.Core.Solvers
open MeanField.Core.Statistics

/// A control variate applied to a rung's replicas: a quantity measured on each replica whose
/// expectation is known exactly (see <c>MeanField.Core.Statistics.ControlVariate</c>).
type RungControl =
    { /// The control's value on each replica.
      Values: float[]
      /// Its exact expectation.
      Expectation: float
      /// The least-squares coefficient of the error on the control.
      Coefficient: float
      /// The adjusted replicas, whose mean estimates the expected error.
      Adjusted: float[]
      /// Variance of the adjusted replicas over that of the raw ones.
      VarianceRatio: float }

/// One rung of a ladder: the ladder variable and the error of each independent replica.
type Rung =
    { X: float
      Errors: float[]
      /// The seed of each replica, so any number can be reproduced alone.
      Seeds: int[]
      /// What else each replica measured, for a check that folds it over every replica (empty arrays otherwise).
      Extras: float[][]
      /// Whether the rung enters the fit (pre-asymptotic rungs are measured and shown, not fitted).
      Fitted: bool
      Seconds: float
      /// The control variate the replicas are adjusted by, if the check has one.
      Control: RungControl option }

    /// The replicas the fit uses: the adjusted ones under a control variate, else the errors.
    member this.Estimates =
        match this.Control with
        | Some control -> control.Adjusted
        | None -> this.Errors

    /// The estimate of the expected error (the mean of <see cref="Estimates"/>).
    member this.Mean = Array.average this.Estimates

    /// Sample standard deviation of <see cref="Estimates"/> (0 for one replica).
    member this.StandardDeviation =
        let values = this.Estimates
        let n = values.Length
        if n < 2 then 0.0
        else
            let m = Array.average values
            sqrt (Array.sumBy (fun e -> (e - m) * (e - m)) values / float (n - 1))

/// Why a sequential ladder stopped drawing replicas.
[<RequireQualifiedAccess>]
type Stop =
    /// The verdict was decided (Holds or Violated) at the last look.
    | Decided
    /// The last look of the replica budget was reached undecided.
    | ReplicaBudget
    /// The next look was estimated to end beyond the check's seconds.
    | TimeBudget
    /// More replicas cannot decide: the slope sits on the boundary, or a reference's floor is not resolved.
    | Undecidable

    member this.Name =
        match this with
        | Decided -> "decided"
        | ReplicaBudget -> "replica budget spent"
        | TimeBudget -> "time budget spent"
        | Undecidable -> "undecidable by more replicas"

/// One look of a sequential ladder: the replicas per rung so far, the interval's confidence at this
/// look (its share of the error spent), and what the fit and the verdict were.
type Look =
    { Replicas: int
      Confidence: float
      Slope: float
      Lower: float
      Upper: float
      Verdict: Verdict
      /// Seconds since the check started, at the end of this look.
      Seconds: float }

/// How a rate check's replicas were drawn: looks at increasing replicas per rung, each interval at
/// its spent share of Alpha, stopped when decided or when the budget was spent.
type SequentialRecord =
    { /// The procedure, as the report states it.
      Method: string
      /// The error spent over all looks (two-sided).
      Alpha: float
      /// The replicas per rung the design could reach.
      MaxReplicas: int
      Looks: Look list
      Stop: Stop }

    /// Replicas per rung at the last look.
    member this.Replicas = (List.last this.Looks).Replicas

/// How the errors are fitted against x.
[<RequireQualifiedAccess>]
type FitKind =
    /// log(error) against log(x).
    | Plain
    /// log(error / log x) against log(x): the critical dimension, where the rate is x^s log x.
    | LogCorrected

/// A rate measured over a ladder and fitted on log-log axes against a theoretical exponent.
type RateMeasurement =
    { XLabel: string
      ErrorLabel: string
      Rungs: Rung list
      FitKind: FitKind
      Fit: RateFit
      Claim: Claim
      Theory: float
      Tolerance: Tolerance
      /// The error of the reference the errors are measured against, where there is one.
      ReferenceFloor: float option
      /// How the replicas were drawn and when the drawing stopped.
      Sequential: SequentialRecord }

/// One quantity measured along trajectories against its a-priori bound, at a series of times (the run
/// of several that came closest to its bound).
type BoundSeries =
    { /// What is measured, e.g. "max_i |v_i(t)|".
      Quantity: string
      /// Where the bound is stated, e.g. "Proposition 7.2 (as printed)".
      Source: string
      /// The bound as a formula.
      Formula: string
      Times: float[]
      Measured: float[]
      Bound: float[]
      /// The measurement's own relative uncertainty (0 for a quantity read off the state; the step of a
      /// finite difference for a derivative): a measurement within it of the bound cannot be told apart.
      Slack: float }

    /// The tightness: the largest measured / bound over the times after 0 (at t = 0 these bounds meet
    /// their measurements by construction, e.g. V0 <= V0). Above 1 + Slack is a violation.
    member this.MaxRatio =
        let ratio m b = if b > 0.0 then m / b elif m > 0.0 then infinity else 0.0
        let later = [| for k in 0 .. this.Times.Length - 1 do if this.Times[k] > 0.0 then ratio this.Measured[k] this.Bound[k] |]
        if later.Length > 0 then Array.max later else Array.map2 ratio this.Measured this.Bound |> Array.max

    /// Whether the measurement stays at or below the bound (within its slack) at every time.
    member this.Holds = Array.forall2 (fun m b -> m <= b * (1.0 + this.Slack)) this.Measured this.Bound

    /// Whether the series measured something: a time after 0, and there a finite measurement against a finite
    /// bound (an infinite bound holds whatever the solver does).
    member this.Measures =
        let later = [ for k in 0 .. this.Times.Length - 1 do if this.Times[k] > 0.0 then k ]
        not later.IsEmpty && later |> List.forall (fun k -> System.Double.IsFinite this.Measured[k] && System.Double.IsFinite this.Bound[k])

    /// The verdict of a bounds check: Violated when a series that measured something exceeds its bound;
    /// otherwise Inconclusive when some series (or every one: none given) measured nothing; else Holds.
    static member Verdict(series: BoundSeries list) =
        if series |> List.exists (fun s -> s.Measures && not s.Holds) then Verdict.Violated
        elif series.IsEmpty || series |> List.exists (fun s -> not s.Measures) then Verdict.Inconclusive None
        else Verdict.Holds

/// The prefactor of a rate at one time t, fitted to another check's rungs with the slope fixed at the theory's.
type PrefactorPoint =
    { Time: float
      /// The check whose rungs it is fitted to.
      Source: string
      Fit: PrefactorFit }

/// How a rate's prefactor tau(t) grows with t, beside the paper's bound tau(t) <= e^{e^{Ct}} (C not given).
type GrowthMeasurement =
    { /// The prefactor at each time, in increasing t.
      Points: PrefactorPoint list
      /// The ladder values every point is fitted over (the fitted rungs the source checks share).
      Xs: float list
      /// The rate whose prefactor it is: the exponent and whether a log x factor goes with it.
      Theory: float
      FitKind: FitKind
      /// d log tau / dt from a least-squares line through the points (NaN with fewer than 2 times).
      GrowthRate: float
      /// The smallest C >= 0 with e^{e^{Ct}} >= tau(t) at every t > 0 (0 when every tau <= e).
      DoubleExponentialC: float }

/// What the solver under test declares of its time stepping, which its time ladders are sized to and held to.
[<RequireQualifiedAccess>]
type DeclaredOrder =
    /// No order: the time ladder is shown, and only a plateau fails.
    | Undeclared
    /// Order p in dt: the observed order may fall short of it by the tolerance at most.
    | Order of float
    /// Its own step control (it may ignore the step it is given): judged on its answer against the exact
    /// solution, with no order.
    | Adaptive

    /// The declared order, when there is one.
    member this.Value =
        match this with
        | Order q -> Some q
        | Undeclared
        | Adaptive -> None

    /// What the solver's identity declares (<c>--solver-order</c>).
    static member Of(identity: SolverIdentity) =
        if identity.AdaptiveSteps then Adaptive
        elif identity.TimeOrder.HasValue then Order identity.TimeOrder.Value
        else Undeclared

/// One refinement ladder of a convergence check: the solver's trajectory error against the reference
/// at each step size (time step dt, or grid spacing h), and the order it shows.
type OrderLadder =
    { /// "dt" or "h".
      Variable: string
      Xs: float[]
      Errors: float[]
      Seconds: float[]
      /// Whether each rung's error stands above the reference's floor by the required factor (judged);
      /// the others are at the floor, shown but not fitted.
      Judged: bool[]
      /// Least-squares slope of log error on log x over the judged rungs (NaN with fewer than two).
      Order: float
      /// The slope between each rung and the next (NaN where either is not judged).
      LocalOrders: float[]
      /// What the solver declares (time ladders; a grid ladder is Undeclared).
      Declared: DeclaredOrder
      Tolerance: Tolerance
      /// The ladder is resolved: its rungs at or below the judging threshold, which every term's margin exceeds
      /// a hundredfold. Then it holds with this bound on the solver's error (its largest error there), and no order.
      Resolved: float option
      Verdict: Verdict
      /// Why the ladder got its verdict, in one sentence.
      Reason: string }

/// How far a term of (P) moves the exact trajectories: the reference with the term 5% off against the
/// reference as it is (the largest |x - x'| or |v - v'| over cells and output times).
type TermMargin =
    { Term: Term
      /// The trajectories' change under a 5% error in the term.
      Effect: float }

    /// The relative error in a term that a margin is measured at.
    static member Error = 0.05

/// A convergence check: the solver's orders in dt (and h), measured against a reference of (P) (or a
/// closed form) whose own error is the floor.
type ConvergenceMeasurement =
    { Time: OrderLadder
      Grid: OrderLadder option
      Floor: float
      FloorText: string
      /// The judged rungs' errors are at least this many times the floor.
      FloorFactor: float
      /// Each term that the problem switches on, with its effect.
      Margins: TermMargin list
      /// What the check bounds the solver's error by: the smallest error at a ladder's finest rung, plus the floor.
      Bound: float }

    /// The smallest relative error in the term that the bound rules out: an error of this size in it would
    /// move the trajectories by the bound (the effect is linear in a small error).
    member this.RuledOut(margin: TermMargin) = TermMargin.Error * this.Bound / margin.Effect

    /// The terms a 5% error in which the check cannot tell apart from the reference's own error: their margin
    /// is under 100 times the judging threshold (FloorFactor x floor).
    member this.Unverified =
        this.Margins |> List.filter (fun m -> not (m.Effect >= 100.0 * this.FloorFactor * this.Floor))

/// What a check measured: a rate with its fit, quantities against their a-priori bounds, the growth
/// of a prefactor in time, orders of convergence, or nothing (the verdict, Error or Not applicable, says why).
[<RequireQualifiedAccess>]
type Measurement =
    | Rate of RateMeasurement
    | Bounds of BoundSeries list
    | Growth of GrowthMeasurement
    | Convergence of ConvergenceMeasurement
    | Nothing

/// What a check measures the solver under test against, and which of the project's code that uses.
type Reference =
    { /// E.g. "the Vlasov grid solver (256 x 256)".
      Description: string
      /// The project's code the reference runs: it is independent of a solver that runs none of it.
      Components: CodeComponents
      /// Whether the check runs the solver under test at all (the Fournier-Guillin checks measure samples of a law).
      UsesSolver: bool
      /// The cells of a particle reference run (M), which its cost is linear in; None for any other reference.
      Cells: int option }

/// Whether a check's reference shares code with the solver under test.
[<RequireQualifiedAccess>]
type Independence =
    /// The check runs no solver.
    | NoSolver
    | Independent
    /// The reference and the solver both run these parts of the project's code.
    | Shares of CodeComponents

    member this.Text =
        match this with
        | NoSolver -> "no solver run"
        | Independent -> "yes"
        | Shares parts -> sprintf "no: shares %s" (parts.ToString())

[<RequireQualifiedAccess>]
module Independence =

    let between (reference: Reference) (solver: SolverIdentity) =
        if not reference.UsesSolver then Independence.NoSolver
        else
            match reference.Components &&& solver.Components with
            | CodeComponents.None -> Independence.Independent
            | shared -> Independence.Shares shared

/// Everything a check measured and decided, as the report shows it.
type CheckResult =
    { /// Short name used on the command line (--check).
      Id: string
      Title: string
      /// Where the result is in the paper (or the literature, for sharpness).
      Source: string
      /// What the theorem states, in one or two sentences.
      Statement: string
      Parameters: (string * string) list
      Measurement: Measurement
      Verdict: Verdict
      /// What the solver under test is measured against.
      Reference: Reference
      Notes: string list
      Seconds: float }

    /// The rate measurement, for a rate check.
    member this.Rate =
        match this.Measurement with
        | Measurement.Rate rate -> Some rate
        | _ -> None

    /// The bound series, for a bounds check (empty for a rate check).
    member this.BoundSeries =
        match this.Measurement with
        | Measurement.Bounds series -> series
        | _ -> []

    /// The growth measurement, for a growth check.
    member this.Growth =
        match this.Measurement with
        | Measurement.Growth growth -> Some growth
        | _ -> None

    /// The convergence measurement, for a convergence check.
    member this.Convergence =
        match this.Measurement with
        | Measurement.Convergence convergence -> Some convergence
        | _ -> None

/// A whole verification run.
type RunResult =
    { Suite: string
      Seed: int
      /// The solver under test.
      Solver: SolverIdentity
      Checks: CheckResult list
      /// A hash of the configuration (suite, seed, scenario, solver), so two runs can be seen to be comparable.
      ConfigurationHash: string
      Seconds: float }
