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
