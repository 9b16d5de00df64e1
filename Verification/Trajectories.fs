namespace MeanField.Verification

open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Solvers

/// Runs of the solver under test as the checks use them, through the solver contract.
[<RequireQualifiedAccess>]
module Trajectories =

    /// The cells at time t of the scenario's model, solved by <c>solver</c> from <c>start</c>.
    let final (solver: IParticleSolver) (scenario: Scenario) (t: float) (start: ParticleState) =
        solver.Solve(SolverProblem.Create(scenario, start, t)).Final

    /// As <see cref="final"/>, with grad phi at the grid nodes at t (one array per component); a solver
    /// that gives no gradient raises <see cref="GradientNotProvidedException"/> (the check is then Not applicable).
    let finalWithGradient (solver: IParticleSolver) (scenario: Scenario) (t: float) (start: ParticleState) =
        let solution = solver.Solve(SolverProblem.Create(scenario, start, t, wantsGradient = true))
        match solution.Gradients with
        | null -> raise (GradientNotProvidedException(sprintf "the solver under test (%s) gives no grad phi on the grid nodes" solver.Identity.Name))
        | gradients -> solution.Final, gradients[gradients.Count - 1]

    /// The largest squared distance between two gradient fields on the same grid: sup_x |g1(x) - g2(x)|^2 over the nodes.
    let supSquaredDifference (first: float[][]) (second: float[][]) =
        let mutable largest = 0.0
        for node in 0 .. first[0].Length - 1 do
            let mutable s = 0.0
            for a in 0 .. first.Length - 1 do
                let d = first[a][node] - second[a][node]
                s <- s + d * d
            largest <- max largest s
        largest
