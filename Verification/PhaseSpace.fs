namespace MeanField.Verification

open MeanField.Core.Particles
open MeanField.Core.Transport

/// Cells as a cloud in phase space R^{2d}: each point is (x, v), equal weights.
[<RequireQualifiedAccess>]
module PhaseSpace =

    let ofState (state: ParticleState) = PointCloud.PhaseSpace state
