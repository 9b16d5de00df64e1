namespace MeanField.Verification

/// What every check is given: the solver under test, the run's root seed, its ladder, and where to report progress.
type CheckContext =
    { Solver: MeanField.Core.Solvers.IParticleSolver
      Seed: int
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
      /// What it measures the solver against (shown in the report, also when the check could not run).
      Reference: Reference
      Run: CheckContext -> CheckResult }
