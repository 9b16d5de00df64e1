namespace MeanField.Verification

open MeanField.Core.Dynamics
open MeanField.Core.Particles

/// Runs of the particle system as the checks use them.
[<RequireQualifiedAccess>]
module Trajectories =

    /// The cells after <c>steps</c> steps of the model from <c>start</c> (one thread, so runs of the
    /// same check can be compared bit for bit on any machine).
    let evolve (model: HybridModel) (steps: int) (start: ParticleState) =
        let simulation = HybridSimulation(model, start, 1)
        for _ in 1..steps do
            simulation.Step()
        simulation.State

    /// As <see cref="evolve"/>, with grad phi at the grid nodes at the end (one array per component).
    let evolveWithGradient (model: HybridModel) (steps: int) (start: ParticleState) =
        let simulation = HybridSimulation(model, start, 1)
        for _ in 1..steps do
            simulation.Step()
        simulation.State, simulation.Field.Gradient |> Array.map Array.copy

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
