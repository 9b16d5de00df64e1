namespace MeanField.Verification

open MeanField.Core.Statistics

/// One rung of a ladder: the ladder variable and the error of each independent replica.
type Rung =
    { X: float
      Errors: float[]
      /// The seed of each replica, so any number can be reproduced alone.
      Seeds: int[]
      /// Whether the rung enters the fit (pre-asymptotic rungs are measured and shown, not fitted).
      Fitted: bool
      Seconds: float }

    member this.Mean = Array.average this.Errors

    /// Sample standard deviation of the replicas (0 for one replica).
    member this.StandardDeviation =
        let n = this.Errors.Length
        if n < 2 then 0.0
        else
            let m = this.Mean
            sqrt (Array.sumBy (fun e -> (e - m) * (e - m)) this.Errors / float (n - 1))

/// How the errors are fitted against x.
[<RequireQualifiedAccess>]
type FitKind =
    /// log(error) against log(x).
    | Plain
    /// log(error / log x) against log(x): the critical dimension, where the rate is x^s log x.
    | LogCorrected

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
      XLabel: string
      ErrorLabel: string
      Rungs: Rung list
      FitKind: FitKind
      Fit: RateFit
      Claim: Claim
      Theory: float
      Tolerance: Tolerance
      Verdict: Verdict
      /// The error of the reference the errors are measured against, where there is one.
      ReferenceFloor: float option
      Notes: string list
      Seconds: float }

/// A whole verification run.
type RunResult =
    { Suite: string
      Seed: int
      Checks: CheckResult list
      /// A hash of the configuration (suite, seed, scenario), so two runs can be seen to be comparable.
      ConfigurationHash: string
      Seconds: float }
