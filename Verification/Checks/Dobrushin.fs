namespace MeanField.Verification.Checks

open System
open System.Diagnostics
open MeanField.Core.Dynamics
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Transport
open MeanField.Verification

/// Theorem 8.1 (Dobrushin stability): W2(rho1^t, rho2^t)^2 <= 2 e^{Gamma(t)} W2(rho1_in, rho2_in)^2.
/// Measured on coupled particle approximations: the same N samples, the second with its velocities
/// perturbed by delta u(x); the flow is differentiable, so W2(t) is linear in W2(0) for small delta
/// (slope 1 in log-log), and the amplification is compared with the paper's bound.
[<RequireQualifiedAccess>]
module Dobrushin =

    let linearityTolerance =
        { Name = "dobrushin-linearity"
          Slope = 0.1
          Reason = "second-order terms in delta at the largest perturbation" }

    /// The velocity perturbation field: u_a(x) = sin(x_a + a), smooth, bounded by 1 and 1-Lipschitz.
    let perturb (delta: float) (state: ParticleState) =
        let copy = state.Clone()
        let d, n = state.Dimension, state.Count
        for a in 0 .. d - 1 do
            for i in 0 .. n - 1 do
                copy.Velocities[a * n + i] <- copy.Velocities[a * n + i] + delta * sin (state.Positions[a * n + i] + float a)
        copy

    /// log Gamma(t) of the paper's formula (40), Gamma(t) = t (L + K'^2 e^{t L}) with
    /// L = 2 + 2 Lip(gamma)^2 + 2 L'^2; the constants of Lemma 8.2, which the paper leaves implicit, are
    /// taken as the Lipschitz constants of the Vlasov field: L' = Lip(gamma) + eta t Lip(grad chi) + Lip(F_ext)
    /// in z, and K' = Lip(gamma) + eta t Lip(grad chi) in the measure. Computed in logs: it overflows doubles.
    let logGamma (t: float) (lipGamma: float) (eta: float) (lipGradChi: float) (lipForce: float) =
        let lPrime = lipGamma + eta * t * lipGradChi + lipForce
        let kPrime = lipGamma + eta * t * lipGradChi
        let l = 2.0 + 2.0 * lipGamma * lipGamma + 2.0 * lPrime * lPrime
        // log(t (L + K'^2 e^{tL})) = log t + tL + log(K'^2 + L e^{-tL})
        log t + t * l + log (kPrime * kPrime + l * exp (-t * l))

    /// Largest |x| and |v| of the cells.
    let private radii (state: ParticleState) =
        let d, n = state.Dimension, state.Count
        let norm (values: float[]) i = sqrt (Seq.sum (seq { for a in 0 .. d - 1 -> values[a * n + i] ** 2.0 }))
        Seq.max (seq { for i in 0 .. n - 1 -> norm state.Positions i }), Seq.max (seq { for i in 0 .. n - 1 -> norm state.Velocities i })

    /// Two coupled runs of the solver under test against each other and the bound (40): no reference code.
    let private reference =
        { Description = "none: two coupled runs of the solver under test, against the bound (40)"
          Components = MeanField.Core.Solvers.CodeComponents.None
          UsesSolver = true
          Cells = None }

    /// The check, on the solver under test of the context. Its replicas may be measured by several work
    /// units: each carries, besides W2(t)^2, what the bound's side folds over every replica (its
    /// amplification W2(t)^2 / W2(0)^2 and the largest |x| and |v| of its three clouds).
    let check (scenario: Scenario) (scenarioName: string) (horizon: float) (particles: int) : Check =
        let id = CheckId.Dobrushin.Text
        let title = $"Dobrushin stability, d = {scenario.Dimension}"
        let run (context: CheckContext) =
            let clock = Stopwatch.StartNew()
            let model = HybridModel.FromScenario scenario
            let steps = int (Math.Round(horizon / model.Step))
            let t = float steps * model.Step
            let measure (delta2: float) seed =
                let start = InitialData.Sample(scenario.Initial, scenario.Dimension, particles, seed)
                let perturbed = perturb (sqrt delta2) start
                let before = (ExactTransport.Solve(PhaseSpace.ofState start, PhaseSpace.ofState perturbed, 2.0)).Cost
                let first, second = Trajectories.final context.Solver scenario t start, Trajectories.final context.Solver scenario t perturbed
                let after = (ExactTransport.Solve(PhaseSpace.ofState first, PhaseSpace.ofState second, 2.0)).Cost
                let extents = [ start; first; second ] |> List.map radii
                { Error = after
                  Extras = [| after / before; extents |> List.map fst |> List.max; extents |> List.map snd |> List.max |] }
            // The bound's side is judged on the maxima over every replica drawn so far (max commutes: the
            // result depends neither on the order of the replicas nor on the units that measured them).
            let bounds (rungs: Rung list) =
                let extra k = rungs |> Seq.collect (fun r -> r.Extras) |> Seq.map (fun e -> e[k]) |> Seq.max
                let amplification, positionRadius, velocityRadius = extra 0, extra 1, extra 2
                let lipGamma = model.Alignment.Lipschitz(2.0 * positionRadius, 2.0 * velocityRadius)
                let lipGradChi = model.Source.GradientLipschitz
                let logGammaT = logGamma t lipGamma.Value model.Eta lipGradChi.Value model.ExternalForce.Lipschitz.Value
                // log(2 e^Gamma) = log 2 + e^{log Gamma}: compared in logs, as the bound is beyond any double.
                let logBound = log 2.0 + exp logGammaT
                amplification, lipGamma, lipGradChi, logGammaT, logBound, log amplification <= logBound
            let look (rungs: Rung list) confidence =
                let fit = Ladder.fitAt confidence FitKind.Plain rungs
                let slopeVerdict = Verdict.decide Claim.Sharp 1.0 linearityTolerance (List.head rungs).Errors.Length fit
                let _, _, _, _, _, boundHolds = bounds rungs
                fit, (if boundHolds then slopeVerdict else Verdict.Violated), ()
            let task = { CheckId = id; Root = context.Seed; Design = context.Ladder; Progress = context.Progress; Measure = measure; Control = None }
            let rungs, (fit, verdict, ()), sequential = Ladder.runSequentialFrom context.Replicas task look
            let amplification, lipGamma, lipGradChi, logGammaT, logBound, boundHolds = bounds rungs
            let estimated = if lipGamma.IsEstimated || lipGradChi.IsEstimated then " (estimated)" else ""
            { Id = id
              Title = title
              Source = "Theorem 8.1"
              Statement = "W2(rho1^t, rho2^t)^2 <= 2 e^{Gamma(t)} W2(rho1_in, rho2_in)^2 with Gamma from (40); for a differentiable flow W2(t) is linear in W2(0), so the log-log slope of W2(t)^2 against the perturbation's size squared is 1."
              Parameters =
                [ "model", scenarioName
                  "time t", sprintf "%g (%d steps of %g)" t steps model.Step
                  "particles per cloud", string particles
                  "perturbation", "v -> v + delta u(x), u_a(x) = sin(x_a + a), the same samples in both clouds"
                  "x", "delta^2"
                  "replicas per rung", FournierGuillin.replicasText sequential
                  "Lip(gamma) on the visited support" + estimated, sprintf "%.6g" lipGamma.Value
                  "Lip(grad chi)", sprintf "%.6g" lipGradChi.Value
                  "eta", sprintf "%g" model.Eta ]
              Measurement =
                  Measurement.Rate
                      { XLabel = "delta^2"
                        ErrorLabel = "W2(rho1^t, rho2^t)^2"
                        Rungs = rungs
                        FitKind = FitKind.Plain
                        Fit = fit
                        Claim = Claim.Sharp
                        Theory = 1.0
                        Tolerance = linearityTolerance
                        ReferenceFloor = None
                        Sequential = sequential }
              Verdict = verdict
              Reference = reference
              Notes =
                [ (if Double.IsFinite logBound then
                       sprintf "Largest measured amplification W2(t)^2 / W2(0)^2 = %.4g against the bound 2 e^{Gamma(t)} = e^%.4g: %s, tightness ratio %.3g." amplification logBound (if boundHolds then "met" else "VIOLATED") (exp (log amplification - logBound))
                   else
                       sprintf "Largest measured amplification W2(t)^2 / W2(0)^2 = %.4g; the bound 2 e^{Gamma(t)} has log Gamma(t) = %.4g, so it is about e^(e^%.4g), beyond the range of doubles: met, and uninformative at this t." amplification logGammaT logGammaT)
                  "W2(0) and W2(t) are both exact transport costs between the coupled clouds; the particle clouds stand for rho1 and rho2, whose own sampling error is shared by the two clouds and cancels to first order in the difference." ]
              Seconds = clock.Elapsed.TotalSeconds }
        { Check.solves [ ProblemShape.Of scenario ] id title reference run with Sharding = Sharding.Replicas }
