namespace MeanField.Verification

open MeanField.Core.Statistics

/// A synthetic ladder: at x = 100 2^k (k = 0 .. Rungs - 1) each replica is <c>x^Slope e^(sigma z - sigma^2 / 2)</c>,
/// z standard normal and sigma such that the relative spread (standard deviation over mean) is
/// <c>Spread</c>: lognormal noise like the real checks', whose expected log error has exactly the slope.
type SyntheticLadder =
    { Slope: float
      Spread: float
      Rungs: int }

/// The coverage of the rate fit's interval on synthetic ladders of one configuration.
type CoverageRow =
    { Spread: float
      Replicas: int
      Trials: int
      /// The fraction of the trials whose 95% interval contains the true slope.
      Coverage: float
      /// Its binomial standard error.
      MonteCarloError: float }

/// How often a sequential check reaches each verdict on synthetic ladders of one true slope.
type SequentialRow =
    { Case: string
      Claim: Claim
      TrueSlope: float
      Trials: int
      Holds: float
      Violated: float
      Inconclusive: float
      /// The binomial standard error of a rate of <c>p</c> over the trials.
      MonteCarloError: float -> float
      /// Mean replicas per rung used, against the fixed design's (the budget's maximum).
      MeanReplicas: float
      FixedReplicas: int
      /// The fixed design's rates of Holds and Violated on the same ladders (one look at the maximum, 95%).
      FixedHolds: float
      FixedViolated: float }

/// The harness measured on synthetic ladders whose truth is known: how often the rate interval covers,
/// and how often the sequential design reaches a wrong verdict at the boundary of a claim.
/// A case of the sequential study: a claim of slope -0.5 within <c>Tolerance</c>, synthetic ladders of
/// the true slope and spread, <c>Initial</c> replicas per rung doubling up to <c>Maximum</c>.
type SequentialCase =
    { Case: string
      Claim: Claim
      Tolerance: float
      TrueSlope: float
      Spread: float
      Initial: int
      Maximum: int }

    /// Spread 0.5, 4 replicas per rung doubling to 32: the study's design.
    static member standard case claim tolerance trueSlope =
        { Case = case; Claim = claim; Tolerance = tolerance; TrueSlope = trueSlope; Spread = 0.5; Initial = 4; Maximum = 32 }

[<RequireQualifiedAccess>]
module Calibration =

    let private xs (rungs: int) = List.init rungs (fun k -> 100.0 * 2.0 ** float k)

    /// One replica of the synthetic ladder at x from a seed.
    let measure (ladder: SyntheticLadder) (x: float) (seed: int) =
        let sigma = sqrt (log (1.0 + ladder.Spread * ladder.Spread))
        let rng = MathNet.Numerics.Random.Xoshiro256StarStar(seed, false)
        let z = MathNet.Numerics.Distributions.Normal.Sample(rng, 0.0, 1.0)
        x ** ladder.Slope * exp (sigma * z - sigma * sigma / 2.0)

    let private binomialError (p: float) (trials: int) = sqrt (p * (1.0 - p) / float trials)

    /// The coverage of the 95% interval for each spread and replica count, over <c>trials</c> ladders of 6 rungs;
    /// <c>completed</c> is called after each configuration (for a progress bar).
    let coverage (spreads: float list) (replicas: int list) (trials: int) (completed: unit -> unit) =
        [ for spread in spreads do
              for r in replicas ->
                  let ladder = { Slope = -0.5; Spread = spread; Rungs = 6 }
                  let design = Ladder.fixedDesign (xs ladder.Rungs) r 0.0
                  let covered =
                      Array.Parallel.init trials (fun trial ->
                          let rungs = Ladder.run "coverage" (Seeds.derive trial (sprintf "%g-%d" spread r) []) design ignore (measure ladder)
                          let fit = Ladder.fit FitKind.Plain rungs
                          fit.Lower <= ladder.Slope && ladder.Slope <= fit.Upper)
                      |> Array.filter id
                      |> Array.length
                  let p = float covered / float trials
                  completed ()
                  { Spread = spread; Replicas = r; Trials = trials; Coverage = p; MonteCarloError = binomialError p trials } ]

    /// The verdicts of a sequential check (theory -0.5) over <c>trials</c> synthetic ladders of the case.
    let sequential (study: SequentialCase) (trials: int) =
        let { Case = case; Claim = claim; Tolerance = tolerance; TrueSlope = trueSlope; Spread = spread; Initial = initial; Maximum = maximum } = study
        let ladder = { Slope = trueSlope; Spread = spread; Rungs = 6 }
        let design = Ladder.sequential (xs ladder.Rungs) initial maximum 0.0
        let slack = { Name = "synthetic"; Slope = tolerance; Reason = "synthetic ladder" }
        let outcomes =
            Array.Parallel.init trials (fun trial ->
                let judge (rungs: Rung list) confidence =
                    let fit = Ladder.fitAt confidence FitKind.Plain rungs
                    fit, Verdict.decide claim -0.5 slack (List.head rungs).Errors.Length fit, ()
                let seed = Seeds.derive trial case []
                let _, (_, verdict, ()), record = Ladder.runSequential { CheckId = "sequential"; Root = seed; Design = design; Progress = ignore; Measure = (fun x s -> Measured.error (measure ladder x s)); Control = None } judge
                let _, (_, fixedVerdict, ()), _ = Ladder.runSequential { CheckId = "sequential"; Root = seed; Design = Ladder.fixedDesign design.Xs maximum 0.0; Progress = ignore; Measure = (fun x s -> Measured.error (measure ladder x s)); Control = None } judge
                verdict, record.Replicas, fixedVerdict)
        let share (f: Verdict -> bool) (pick: Verdict * int * Verdict -> Verdict) = float (outcomes |> Array.filter (pick >> f) |> Array.length) / float trials
        let rate f = share f (fun (v, _, _) -> v)
        { Case = case
          Claim = claim
          TrueSlope = trueSlope
          Trials = trials
          Holds = rate (fun v -> v = Verdict.Holds)
          Violated = rate (fun v -> v = Verdict.Violated)
          Inconclusive = rate (fun v -> v.IsInconclusive)
          MonteCarloError = fun p -> binomialError p trials
          MeanReplicas = outcomes |> Array.averageBy (fun (_, r, _) -> float r)
          FixedReplicas = maximum
          FixedHolds = share (fun v -> v = Verdict.Holds) (fun (_, _, f) -> f)
          FixedViolated = share (fun v -> v = Verdict.Violated) (fun (_, _, f) -> f) }

    /// The spreads and replica counts of the coverage study (the real checks' range).
    let coverageGrid = [ 0.3; 0.5; 0.8 ], [ 4; 8; 16; 48 ]

    /// The sequential study: spread 0.5, 4 replicas per rung doubling to 32, at the boundaries of both
    /// claims (where Holds and Violated are each a wrong verdict) and inside and outside them.
    let private sequentialStudy =
        [ "at most -0.5 + 0.05, true slope on the bound", Claim.AtMost, 0.05, -0.45
          "equal to -0.5 within 0.1, true slope on the upper edge", Claim.Sharp, 0.1, -0.4
          "equal to -0.5 within 0.1, true slope on the lower edge", Claim.Sharp, 0.1, -0.6
          "at most -0.5 + 0.05, true slope 0.1 inside", Claim.AtMost, 0.05, -0.55
          "at most -0.5 + 0.05, true slope 0.2 inside", Claim.AtMost, 0.05, -0.65
          "at most -0.5 + 0.05, true slope 0.1 outside", Claim.AtMost, 0.05, -0.35
          "equal to -0.5 within 0.1, true slope at the centre", Claim.Sharp, 0.1, -0.5 ]

    /// The number of cases of the sequential study.
    let sequentialCaseCount = List.length sequentialStudy

    /// The sequential study over <c>trials</c> ladders per case; <c>completed</c> is called after each case.
    let sequentialCases (trials: int) (completed: unit -> unit) =
        [ for case, claim, tolerance, trueSlope in sequentialStudy ->
              let row = sequential (SequentialCase.standard case claim tolerance trueSlope) trials
              completed ()
              row ]
