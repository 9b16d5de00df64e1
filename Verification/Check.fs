namespace MeanField.Verification

/// What every check is given: the run's root seed, its ladder, and where to report progress.
type CheckContext =
    { Seed: int
      Ladder: Ladder
      Progress: ProgressStep -> unit
      /// The results of the checks the suite ran before this one (a derived check reads its data there).
      Earlier: CheckResult list }

/// A check as a suite runs it: an id for --check, a title, and the measurement.
type Check =
    { Id: string
      Title: string
      /// Checks whose results this one reads from <c>CheckContext.Earlier</c>: selecting it selects them.
      Needs: string list
      Run: CheckContext -> CheckResult }
