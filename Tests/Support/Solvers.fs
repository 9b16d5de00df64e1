/// Solvers behind the contract for the tests: the own solver, and broken ones built on it.
[<RequireQualifiedAccess>]
module MeanField.Tests.Solvers

open System
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Verification

/// The project's own solver, one thread per run.
let own = OwnSolver() :> IParticleSolver

/// The identity of a test's solver: from outside the project, so every reference is independent of it.
let private identity name = SolverIdentity(SolverKind.Assembly, name, null, Nullable(), CodeComponents.None)

/// A solver whose solution is the own solver's changed by <c>change</c> (a bug after the run).
let mapped (name: string) (change: SolverProblem -> SolverSolution -> SolverSolution) =
    { new IParticleSolver with
        member _.Identity = identity name
        member _.Solve problem = change problem (own.Solve problem) }

/// A solver whose cells at every output time are changed in place by <c>change</c>.
let mapStates (name: string) (change: ParticleState -> unit) =
    mapped name (fun _ solution ->
        Seq.iter change solution.States
        solution)

/// The scenario with its YAML text edited (C# records have no F# copy-and-update); each edit must apply.
let edit (replacements: (string * string) list) (scenario: Scenario) =
    let text =
        (ScenarioWriter.Write scenario, replacements)
        ||> List.fold (fun text (before, after) ->
            if not (text.Contains before) then failwithf "the scenario has no '%s' to edit:\n%s" before text
            text.Replace(before, after))
    ScenarioReader.Parse text

/// A solver that runs the own solver on another scenario than it is given (a bug in the model).
let onScenario (name: string) (change: Scenario -> Scenario) =
    { new IParticleSolver with
        member _.Identity = identity name
        member _.Solve problem = own.Solve(SolverProblem(change problem.Scenario, problem.Initial, problem.OutputTimes, problem.WantsGradient)) }

/// What a check is given in a test: the solver, a seed and a ladder.
let context (solver: IParticleSolver) (seed: int) (ladder: Ladder) =
    { Solver = solver; Seed = seed; Ladder = ladder; Progress = ignore; Earlier = []; Replicas = ReplicaSource.all; ReferenceFolder = None }
