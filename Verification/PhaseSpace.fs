namespace MeanField.Verification

open MeanField.Core.Particles
open MeanField.Core.Transport

/// Cells as a cloud in phase space R^{2d}: each point is (x, v), equal weights.
[<RequireQualifiedAccess>]
module PhaseSpace =

    let ofState (state: ParticleState) =
        let d, n = state.Dimension, state.Count
        let coordinates = Array.zeroCreate (2 * d * n)
        for i in 0 .. n - 1 do
            for a in 0 .. d - 1 do
                coordinates[i * 2 * d + a] <- state.Positions[a * n + i]
                coordinates[i * 2 * d + d + a] <- state.Velocities[a * n + i]
        PointCloud(2 * d, coordinates)
