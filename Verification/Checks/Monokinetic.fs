namespace MeanField.Verification.Checks

open System
open MeanField.Core.Dynamics
open MeanField.Core.Particles
open MeanField.Core.References
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Core.Transport
open MeanField.Verification

/// Theorem 6.1 and Corollary 2.2 (monokinetic preservation): from rho_in = mu_in delta(v - u_in) the
/// Vlasov solution stays monokinetic, rho^t = mu^t delta(v - u^t) with (mu, u) solving (E), and the
/// N-cell system converges to it at the Fournier-Guillin rate. rho^t is the Lagrangian reference (a
/// Gauss-Legendre quadrature of the labels, monokinetic by construction, sampled through its
/// interpolated flow map), cross-checked against the finite-volume solution of (E).
[<RequireQualifiedAccess>]
module Monokinetic =

    /// Label cells of the reference (four Gauss-Legendre nodes each); the floor compares with half as many.
    [<Literal>]
    let LabelCells = 64

    /// Labels over which the floor's coupling is averaged.
    [<Literal>]
    let FloorSamples = 20000

    /// Cells of the N-cell system whose velocity spread about u(t, x) is reported.
    [<Literal>]
    let SpreadCells = 1000

    /// What the check computes once per run: the reference and the cross-checks the report shows.
    type private Lagrangian =
        { Lagrangian: LagrangianReference
          Floor: ErrorEstimate
          EulerGaps: (int * MonokineticDifference) list
          Spread: float }

    /// The characteristics on <c>cells</c> label cells after <c>steps</c> steps; a crossing before them ends the check.
    let private lagrangianAt (scenario: Scenario) (cells: int) (steps: int) =
        let solution = LagrangianSolution(scenario, cells)
        let step = scenario.Time.Step
        if not (solution.AdvanceTo(float steps * step)) then
            failwithf "the characteristics of the monokinetic data cross at t = %.4g, before t = %g: the limit (E) ends there; choose subcritical data" solution.Solver.CrossingTime.Value (float steps * step)
        solution

    let check (scenario: Scenario) (scenarioName: string) (horizon: float) : Check =
        let data =
            match scenario.Initial with
            | :? MonokineticSpec as m when scenario.Dimension = 1 -> m
            | _ -> invalidArg (nameof scenario) "the monokinetic check needs monokinetic data in d = 1"
        let id = CheckId.Monokinetic(horizon).Text
        let title = sprintf "Monokinetic limit, d = 1, t = %g" horizon
        let theory, _ = FournierGuillin.exponent 2
        let statement =
            sprintf "From rho_in = mu_in delta(v - u_in) the Vlasov solution stays monokinetic, rho^t = mu^t delta(v - u^t) with (mu, u) the smooth solution of the pressureless Euler-alignment-chemotaxis system (E), and E W2^2(mu_N^t, rho^t) <= C(t) N^(%g), the Fournier-Guillin rate in D = 2." theory
        let build (context: CheckContext) (model: HybridModel) steps =
            let solution = lagrangianAt scenario LabelCells steps
            let lagrangian = solution.Solver
            let floor = solution.EstimateTransportError(FloorSamples, Seeds.derive context.Seed (id + "-floor") [])
            // Finite volumes at three resolutions, dt proportional to dx (Courant number fixed).
            let eulerGaps =
                [ 200; 400; 800 ]
                |> List.map (fun cells ->
                    let factor = 800 / cells
                    let coarseScenario = scenario.WithResolution(scenario.Domain.Grid, scenario.Time.Step * float factor)
                    let euler = PressurelessEuler1D(HybridModel.FromScenario coarseScenario, data, cells)
                    euler.AdvanceTo(lagrangian.Time)
                    cells, MonokineticComparison.Compare(lagrangian, euler))
            let cells = Trajectories.final context.Solver scenario (float steps * model.Step) (InitialData.Sample(scenario.Initial, 1, SpreadCells, Seeds.derive context.Seed (id + "-spread") []))
            let spread =
                Seq.averageBy (fun i -> (let struct (_, u) = lagrangian.At cells.Positions[i] in (cells.Velocities[i] - u) ** 2.0)) (seq { 0 .. cells.Count - 1 })
            { Lagrangian = lagrangian; Floor = floor; EulerGaps = eulerGaps; Spread = spread }
        let floor (reference: Lagrangian) _ _ = reference.Floor.Value, reference.Floor.Method
        let details (model: HybridModel) _ =
            [ "N-cell systems", "the scenario's alignment method (direct by default), independent samples of mu_in with v = u_in(x)"
              "reference rho^t", sprintf "Lagrangian: %d label cells x 4 Gauss-Legendre nodes, weighted, the same time step" LabelCells
              "comparison", sprintf "exact W2 against %d N cells of rho^t: labels drawn from mu_in, pushed through the interpolated flow map" FournierGuillin.ReferenceFactor ]
        let measure solver t (reference: Lagrangian) n seed =
            let cells = Trajectories.final solver scenario t (InitialData.Sample(scenario.Initial, 1, n, Seeds.derive seed "cells" []))
            let sample = reference.Lagrangian.Sample(FournierGuillin.ReferenceFactor * n, Seeds.derive seed "reference" [])
            (ExactTransport.Solve(PhaseSpace.ofState cells, PhaseSpace.ofState sample, 2.0)).Cost
        let notes (reference: Lagrangian) =
            let gaps = reference.EulerGaps
            let order =
                let xs = gaps |> List.map (fun (cells, _) -> log (1.0 / float cells))
                let ys = gaps |> List.map (fun (_, g) -> log g.DensityL1)
                let struct (_, slope) = MathNet.Numerics.Fit.Line(List.toArray xs, List.toArray ys)
                slope
            let table = String.Join("; ", gaps |> List.map (fun (cells, g) -> sprintf "%d cells: %.2e (density, L1), %.2e (velocity, max)" cells g.DensityL1 g.VelocityMax))
            [ sprintf "The reference is monokinetic by construction (one velocity per label); its smallest Jacobian det(dx/dy) at t is %.3f (no crossing)." reference.Lagrangian.MinJacobian
              sprintf "Euler against Lagrangian, the finite volumes refined with dt proportional to dx: %s; observed order %.2f." table order
              sprintf "Velocity spread of %d cells of (P) about the limit's u(t, x): E |v_i - u(t, x_i)|^2 = %.3g (the N-cell system is monokinetic up to its mean-field error)." SpreadCells reference.Spread ]
        let reference =
            { Description = sprintf "the Lagrangian solution of (E): %d label cells x 4 Gauss-Legendre nodes advanced as a weighted cloud of (P) by the project's own stepper" LabelCells
              Components =
                CodeComponents.ParticleStepper ||| CodeComponents.ChemicalField
                ||| (if scenario.Alignment.Method = AlignmentMethod.Mesh then CodeComponents.MeshAlignment else CodeComponents.DirectAlignment)
              UsesSolver = true
              Cells = None }
        MeanFieldRate.rateCheck Sharding.Replicas
            { Header = { Id = id; Title = title; Source = "Theorem 6.1, Corollary 2.2"; Statement = statement }
              Scenario = scenario
              ScenarioName = scenarioName
              Horizon = horizon
              ErrorLabel = "E W2^2(mu_N^t, mu^t delta(v - u^t))"
              Against = { Info = reference; Build = build; Floor = floor; Notes = notes }
              Details = details
              Measure = measure }
