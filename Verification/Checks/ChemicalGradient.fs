namespace MeanField.Verification.Checks

open System
open System.Diagnostics
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

    let checkWith (solve: HybridModel -> int -> ParticleState -> ParticleState * float[][]) (scenario: Scenario) (scenarioName: string) (horizon: float) (referenceCells: int) : Check =
        let d = scenario.Dimension
        let id = sprintf "chemical-gradient-d%d-t%g" d horizon
        let title = sprintf "Chemical gradient, d = %d, t = %g" d horizon
        { Id = id
          Title = title
          Run =
            fun context ->
                let clock = Stopwatch.StartNew()
                let model = HybridModel.FromScenario scenario
                let steps = int (Math.Round(horizon / model.Step))
                let _, psi = MeanFieldRate.reference scenario model steps referenceCells (MeanFieldRate.referenceSeed context.Seed d horizon)
                let measure (n: float) seed =
                    let _, phi = solve model steps (InitialData.Sample(scenario.Initial, d, int n, Seeds.derive seed "cells" []))
                    Trajectories.supSquaredDifference phi psi
                let rungs = Ladder.run id context.Seed context.Ladder context.Progress measure
                let theory, kind = FournierGuillin.exponent (2 * d)
                let fit = Ladder.fit kind rungs
                let verdict, floor, note = MeanFieldRate.judge fit kind theory rungs context.Ladder.Replicas referenceCells
                { Id = id
                  Title = title
                  Source = "Theorem 2.1 (second part), Corollary 3.6"
                  Statement =
                    sprintf "E sup_x |grad phi_N^t - grad psi^t|^2 <= C(t) times the Fournier-Guillin rate in D = %d: the N-cell chemical field converges to the mean-field one uniformly in space." (2 * d)
                  Parameters =
                    [ "model", scenarioName
                      "time t", sprintf "%g (%d steps of %g)" (float steps * model.Step) steps model.Step
                      "grad psi^t", sprintf "the chemical field of the %d-cell reference of the mean-field check (mesh alignment at h = %g)" referenceCells MeanFieldRate.ReferenceSpacing
                      "supremum", sprintf "over the %d nodes of the chemical grid" model.Grid.NodeCount
                      "replicas per rung", string context.Ladder.Replicas
                      "fitted from N", string context.Ladder.FitFrom ]
                  XLabel = "N"
                  ErrorLabel = "E sup |grad phi_N^t - grad psi^t|^2"
                  Rungs = rungs
                  FitKind = kind
                  Fit = fit
                  Claim = Claim.AtMost
                  Theory = theory
                  Tolerance = FournierGuillin.rateTolerance
                  Verdict = verdict
                  ReferenceFloor = Some floor
                  Notes = [ note ]
                  Seconds = clock.Elapsed.TotalSeconds } }

    let check scenario scenarioName horizon referenceCells = checkWith Trajectories.evolveWithGradient scenario scenarioName horizon referenceCells
