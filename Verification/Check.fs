namespace MeanField.Verification

/// What every check is given: the solver under test, the run's root seed, its ladder, and where to report progress.
type CheckContext =
    { Solver: MeanField.Core.Solvers.IParticleSolver
      Seed: int
      Ladder: Ladder
      Progress: ProgressStep -> unit
      /// The results of the checks the suite ran before this one (a derived check reads its data there).
      Earlier: CheckResult list
      /// Where the ladder's replicas come from: all measured here, or some by other work units.
      Replicas: ReplicaSource
      /// Where content-addressed reference runs are kept between processes (work units), if anywhere.
      ReferenceFolder: string option }

/// What a check's report says it claims: its id and title, the result it comes from, and the statement.
type CheckHeader =
    { Id: string
      Title: string
      /// The theorem or the literature the claim comes from.
      Source: string
      Statement: string }

/// How a sharded run splits a check into work units.
[<RequireQualifiedAccess>]
type Sharding =
    /// One unit runs the whole check (its measurement keeps state across replicas, or has no ladder).
    | Whole
    /// Units of replica batches: every replica comes through <c>CheckContext.Replicas</c>.
    | Replicas
    /// A unit that computes the check's shared reference (into <c>CheckContext.ReferenceFolder</c>), then
    /// units of replica batches that read it. <c>run</c> is the reference run's identity (what determines
    /// its bits but the time): checks of the same run share one reference unit, which computes every
    /// time they ask for in one run.
    | ReferenceThenReplicas of run: string

/// A problem a check gives the solver under test, as a solver's capabilities see it: the model, and whether
/// the cells have unequal masses.
type ProblemShape =
    { Scenario: MeanField.Core.Scenarios.Scenario
      Weighted: bool }

    static member Of(scenario) = { Scenario = scenario; Weighted = false }

/// A check as a suite runs it: an id for --check, a title, and the measurement.
type Check =
    { Id: string
      Title: string
      /// Checks whose results this one reads from <c>CheckContext.Earlier</c>: selecting it selects them.
      Needs: string list
      /// What it measures the solver against (shown in the report, also when the check could not run).
      Reference: Reference
      /// Whole, or replica batches (then <c>Run</c> draws every replica through <c>CheckContext.Replicas</c>).
      Sharding: Sharding
      /// The problems it gives the solver under test (none for a check that runs no solver): a solver whose
      /// declared capabilities lack one is not run, and the check is Not applicable.
      Problems: ProblemShape list
      Run: CheckContext -> CheckResult }

[<RequireQualifiedAccess>]
module Check =

    /// A check measured in one piece (one work unit when sharded) that reads no other check's results.
    let whole (id: string) (title: string) (reference: Reference) (run: CheckContext -> CheckResult) =
        { Id = id
          Title = title
          Needs = []
          Sharding = Sharding.Whole
          Problems = []
          Reference = reference
          Run = run }

    /// A check measured in one piece that gives the solver under test these problems.
    let solves (problems: ProblemShape list) (id: string) (title: string) (reference: Reference) (run: CheckContext -> CheckResult) =
        { whole id title reference run with Problems = problems }

    /// Why the solver's declared capabilities cannot run the check (the first problem it lacks), if they cannot.
    let lacking (solver: MeanField.Core.Solvers.SolverIdentity) (check: Check) =
        match solver.Capabilities with
        | null -> None
        | capabilities -> check.Problems |> List.tryPick (fun p -> Option.ofObj (capabilities.Lacks(p.Scenario, p.Weighted)))
