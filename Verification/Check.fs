namespace MeanField.Verification

/// What every check is given: the run's root seed, its ladder, and where to report progress.
type CheckContext =
    { Seed: int
      Ladder: Ladder
      Progress: ProgressStep -> unit }

/// A check as a suite runs it: an id for --check, a title, and the measurement.
type Check =
    { Id: string
      Title: string
      Run: CheckContext -> CheckResult }
