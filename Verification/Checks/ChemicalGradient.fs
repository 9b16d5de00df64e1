namespace MeanField.Verification.Checks

open MeanField.Core.Dynamics
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Verification

/// Theorem 2.1, second part (with Corollary 3.6): E sup_x |grad phi_N^t - grad psi^t|^2 decays at the
/// Fournier-Guillin rate. grad psi^t is the field of the large-M reference of the mean-field check
/// (the same run, shared); each replica's grad phi_N^t comes from its own N-cell system on the same grid,
/// and the supremum is taken over the grid nodes.
[<RequireQualifiedAccess>]
module ChemicalGradient =

    let check (scenario: Scenario) (scenarioName: string) (horizon: float) (referenceCells: int) : Check =
        let d = scenario.Dimension
        let id = CheckId.ChemicalGradient(d, horizon).Text
        let title = sprintf "Chemical gradient, d = %d, t = %g" d horizon
        let details (model: HybridModel) _ =
            [ "grad psi^t", sprintf "the chemical field of the %d-cell reference of the mean-field check (mesh alignment at h = %g)" referenceCells MeanFieldRate.ReferenceSpacing
              "supremum", sprintf "over the %d nodes of the chemical grid" model.Grid.NodeCount ]
        let measure solver t (_: ParticleState, psi) n seed =
            let _, phi = Trajectories.finalWithGradient solver scenario t (InitialData.Sample(scenario.Initial, d, n, Seeds.derive seed "cells" []))
            Trajectories.supSquaredDifference phi psi
        MeanFieldRate.rateCheck (Sharding.ReferenceThenReplicas(MeanFieldRate.referenceRun scenario referenceCells))
            { Header =
                { Id = id
                  Title = title
                  Source = "Theorem 2.1 (second part), Corollary 3.6"
                  Statement =
                    sprintf "E sup_x |grad phi_N^t - grad psi^t|^2 <= C(t) times the Fournier-Guillin rate in D = %d: the N-cell chemical field converges to the mean-field one uniformly in space." (2 * d) }
              Scenario = scenario
              ScenarioName = scenarioName
              Horizon = horizon
              ErrorLabel = "E sup |grad phi_N^t - grad psi^t|^2"
              Against = MeanFieldRate.particleAgainst scenario referenceCells
              Details = details
              Measure = measure }
