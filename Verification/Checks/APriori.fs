namespace MeanField.Verification.Checks

open System
open System.Diagnostics
open MeanField.Core.Dynamics
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Verification

/// Proposition 7.2, Theorem 7.3 and the support radius of Theorems 8.1 and 9.1: quantities measured
/// along trajectories of (P) against their a-priori bounds at every output time, with the tightness
/// (measured / bound). Proposition 7.2 and Theorem 7.3 are measured against the bounds as printed
/// and as their proofs give them (see <see cref="APrioriBounds"/>).
[<RequireQualifiedAccess>]
module APriori =

    /// Relative uncertainty of the finite-difference flow derivative: the step, 2^-20.
    let private flowSlack = 1e-6

    /// The series of one run: (quantity, source, formula, measured, bound, slack).
    let private seriesOf (model: HybridModel) (trace: APrioriTrace) (lipGamma: float) (horizon: float) =
        let lipChi = model.Source.Lipschitz.Value
        let lipGradChi = model.Source.GradientLipschitz.Value
        let force = model.ExternalForce.Supremum.Value
        let eta = model.Eta
        let v0 = trace.MaxSpeed[0]
        let r0 = trace.PhaseSpaceRadius[0]
        let g0 = trace.InitialGradient
        let bound f = trace.Times |> Array.map f
        [ "max_i |v_i(t)|", "Proposition 7.2 (as printed)", "V0 e^(2 (Lip(gamma) + Lip(grad chi)) t)",
          trace.MaxSpeed, bound (fun t -> APrioriBounds.PrintedVelocity(v0, lipGamma, lipGradChi, t)), 0.0
          "max_i |v_i(t)|", "Proposition 7.2 (with the forcing)", "e^(2 Lip(gamma) t) (V0 + (eta G0 + sup|F|) t + eta Lip(chi) t^2 / 2)",
          trace.MaxSpeed, bound (fun t -> APrioriBounds.CorrectedVelocity(v0, lipGamma, eta, lipChi, g0, force, t)), 0.0
          "max_i ||x_i(t)| - |x_i(0)||", "Proposition 7.2 (as printed)", "V0 (e^(2 gamma0 t) - 1) / (2 gamma0), gamma0 = Lip(gamma) + Lip(grad chi)",
          trace.MaxDrift, bound (fun t -> APrioriBounds.PrintedDrift(v0, lipGamma, lipGradChi, t)), 0.0
          "max_i ||x_i(t)| - |x_i(0)||", "Proposition 7.2 (with the forcing)", "int_0^t of the velocity bound with the forcing",
          trace.MaxDrift, bound (fun t -> APrioriBounds.CorrectedDrift(v0, lipGamma, eta, lipChi, g0, force, t)), 0.0
          "max_i |d z_i(t) / d z_1(0)|", "Theorem 7.3 (as printed)", "e^((Lip(gamma) + Lip(grad chi) T) t)",
          trace.FlowDerivative, bound (fun t -> APrioriBounds.FlowDerivative(lipGamma, lipGradChi, horizon, t)), flowSlack
          "max_i |d z_i(t) / d z_1(0)|", "Theorem 7.3 (as proved)", "e^((Lip(gamma) + eta Lip(grad chi) T) t)",
          trace.FlowDerivative, bound (fun t -> APrioriBounds.FlowDerivative(lipGamma, eta * lipGradChi, horizon, t)), flowSlack
          "max_i |z_i(t)|", "Theorems 8.1 and 9.1", "e^((Lip(gamma) + sup|F| + eta Lip(chi)) t) (R0 + Lip(gamma) + sup|F| + eta Lip(chi))",
          trace.PhaseSpaceRadius, bound (fun t -> APrioriBounds.SupportRadius(r0, lipGamma, force, eta, lipChi, t)), 0.0 ]
        |> List.map (fun (quantity, source, formula, measured, bound, slack) ->
            { Quantity = quantity; Source = source; Formula = formula; Times = trace.Times; Measured = measured; Bound = bound; Slack = slack })

    /// The paper's closed-form bounds: no reference code.
    let private reference =
        { Description = "the paper's closed-form bounds, from the model's constants and the initial cells"
          Components = CodeComponents.None
          UsesSolver = true
          Cells = None }

    /// The trajectory's quantities, measured on the solver under test: the run from <c>start</c> and the
    /// 2d runs from its shifted copies (the flow derivative by finite differences), at every output time.
    let trace (solver: IParticleSolver) (scenario: Scenario) (model: HybridModel) (start: ParticleState) =
        let starts = Array.append [| start |] (APrioriBounds.Shifted start)
        let solutions =
            starts
            |> Array.Parallel.map (fun s -> solver.Solve(SolverProblem.Create(scenario, s, scenario.Time.Horizon, scenario.Time.OutputInterval)))
        let times = Array.append [| 0.0 |] (Seq.toArray solutions[0].Times)
        let snapshots = Array.map2 (fun (s: ParticleState) (solution: SolverSolution) -> Array.append [| s |] (Seq.toArray solution.States) :> ParticleState seq |> Seq.toArray) starts solutions
        let shifted = snapshots[1..] |> Array.map (fun s -> s :> System.Collections.Generic.IReadOnlyList<ParticleState>)
        APrioriBounds.Measure(times, snapshots[0], shifted, APrioriBounds.InitialGradient model)

    /// The check, on the solver under test of the context.
    let check (scenario: Scenario) (scenarioName: string) : Check =
        let id = CheckId.APriori.Text
        let title = "A-priori bounds along trajectories"
        Check.solves [ ProblemShape.Of scenario ] id title reference
        <| fun context ->
            let clock = Stopwatch.StartNew()
            let model = HybridModel.FromScenario scenario
            let steps = scenario.StepCount
            let horizon = float steps * model.Step
            let runs =
                [ for n in context.Ladder.Xs do
                      for r in 0 .. context.Ladder.Replicas - 1 ->
                          let seed = Seeds.derive context.Seed id [ int n; r ]
                          let start = InitialData.Sample(scenario.Initial, scenario.Dimension, int n, seed)
                          int n, seed, trace context.Solver scenario model start ]
            // Lip(gamma) on the ball every run visits: one constant for all runs, so the bounds are comparable.
            let positionDiameter = runs |> List.map (fun (_, _, t) -> t.PositionDiameter) |> List.max
            let velocityDiameter = runs |> List.map (fun (_, _, t) -> t.VelocityDiameter) |> List.max
            let lipGamma = model.Alignment.Lipschitz(positionDiameter, velocityDiameter)
            let perRun = runs |> List.map (fun (n, seed, t) -> n, seed, seriesOf model t lipGamma.Value horizon)
            // For each quantity and source, the run that came closest to its bound.
            let worst =
                perRun
                |> List.collect (fun (n, seed, series) -> series |> List.mapi (fun k s -> k, (n, seed, s)))
                |> List.groupBy fst
                |> List.map (fun (_, group) -> group |> List.map snd |> List.maxBy (fun (_, _, s) -> s.MaxRatio))
            let series = worst |> List.map (fun (_, _, s) -> s)
            let vacuous = series |> List.filter (fun s -> not s.Measures)
            let verdict = BoundSeries.Verdict series
            let estimated = if lipGamma.IsEstimated then " (estimated)" else ""
            let runsText = String.Join(", ", context.Ladder.Xs |> List.map (fun n -> string (int n)))
            { Id = id
              Title = title
              Source = "Proposition 7.2, Theorem 7.3, Theorems 8.1 and 9.1"
              Statement =
                "Along solutions of (P): |v_i(t)| <= V0 e^(2 gamma0 t) and ||x_i(t)| - |x_i(0)|| <= V0 (e^(2 gamma0 t) - 1) / (2 gamma0) (Proposition 7.2); |d z_i(t) / d z_j(0)| <= e^((gamma1 + gamma2 T) t) for t <= T (Theorem 7.3); the support stays in the ball of radius R^t (Theorems 8.1 and 9.1). Each bound is checked at every output time; Proposition 7.2 and Theorem 7.3 also in the forms their proofs give."
              Parameters =
                [ "model", scenarioName
                  "horizon T", sprintf "%g (%d steps of %g), measured every %g" horizon steps model.Step scenario.Time.OutputInterval
                  "runs", sprintf "N = %s, %d replica(s) each; each quantity is shown for the run closest to its bound" runsText context.Ladder.Replicas
                  "flow derivative", sprintf "finite differences: cell 1's initial (x, v) moved by 2^-20 along each of the %d coordinates, one run each" (2 * scenario.Dimension)
                  "Lip(gamma) on the visited support" + estimated, sprintf "%.6g (position diameter %.4g, velocity diameter %.4g)" lipGamma.Value positionDiameter velocityDiameter
                  "Lip(chi), Lip(grad chi)" + (if model.Source.Lipschitz.IsEstimated || model.Source.GradientLipschitz.IsEstimated then " (estimated)" else ""),
                  sprintf "%.6g, %.6g" model.Source.Lipschitz.Value model.Source.GradientLipschitz.Value
                  "eta, sup |F_ext|", sprintf "%g, %g" model.Eta model.ExternalForce.Supremum.Value ]
              Measurement = Measurement.Bounds series
              Verdict = verdict
              Reference = reference
              Notes =
                [ "Proposition 7.2 as printed has no forcing term: with V0 = 0 it would claim the cells never move, while the chemical field and F_ext accelerate them. The form with the forcing follows from d V/dt <= 2 Lip(gamma) V + eta (G0 + Lip(chi) t) + sup |F_ext| and Gronwall (G0 = sup |grad phi_in|)."
                  "Theorem 7.3 as printed has gamma2 = Lip(grad chi); its proof carries eta Lip(grad chi). For eta > 1 the printed bound is the smaller of the two." ]
                @ (worst
                   |> List.map (fun (n, seed, s) -> sprintf "%s, %s: closest run N = %d (seed %d), largest measured / bound %.4g." s.Quantity s.Source n seed s.MaxRatio))
                @ (vacuous
                   |> List.map (fun s -> sprintf "%s, %s measured nothing (no output time after 0, or a bound or a measurement that is not finite): Inconclusive; a horizon past 0 with finite kernel constants would resolve it." s.Quantity s.Source))
              Seconds = clock.Elapsed.TotalSeconds }
