namespace MeanField.Verification.Checks

open System
open System.Diagnostics
open MeanField.Core.Dynamics
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Transport
open MeanField.Verification

/// Theorem 2.1 (mean-field rate): E W2^2(mu_N^t, rho^t) <= C(t) times the Fournier-Guillin rate in
/// D = 2d. rho^t is represented by a large-M particle reference (mesh alignment, its own seed stream);
/// each replica compares the N-cell system at time t with an independent subsample of k N reference
/// cells, exactly.
[<RequireQualifiedAccess>]
module MeanFieldRate =

    /// Mesh spacing of the reference run: alignment error near 1e-9 of its size (order 6, measured in the tests).
    [<Literal>]
    let ReferenceSpacing = 0.05

    /// The reference's error floor must stay below this fraction of the smallest fitted error.
    [<Literal>]
    let FloorFraction = 0.1

    /// k N reference cells drawn without replacement (a seeded partial shuffle) from the reference cloud.
    let subsample (reference: ParticleState) (count: int) (seed: int) =
        let m, d = reference.Count, reference.Dimension
        if count > m then invalidArg (nameof count) $"a subsample of {count} from a reference of {m} cells"
        let rng = MathNet.Numerics.Random.Xoshiro256StarStar(seed, false)
        let index = Array.init m id
        for k in 0 .. count - 1 do
            let j = k + rng.Next(m - k)
            let t = index[k]
            index[k] <- index[j]
            index[j] <- t
        let state = ParticleState(d, count)
        for k in 0 .. count - 1 do
            for a in 0 .. d - 1 do
                state.Positions[a * count + k] <- reference.Positions[a * m + index[k]]
                state.Velocities[a * count + k] <- reference.Velocities[a * m + index[k]]
        state

    /// Reference runs already made in this process, by scenario, time, size and seed: the mean-field and
    /// chemical-gradient checks share one.
    let private references = System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ParticleState * float[][]>>()

    /// The M-cell reference at time t (cells and grad psi at the nodes), with the mesh alignment and its own seed.
    let reference (scenario: Scenario) (model: HybridModel) (steps: int) (cells: int) (seed: int) =
        let key = $"{ScenarioWriter.Write scenario}|{steps}|{cells}|{seed}"
        references
            .GetOrAdd(key, fun _ ->
                lazy
                    (let start = InitialData.Sample(scenario.Initial, scenario.Dimension, cells, seed)
                     Trajectories.evolveWithGradient (model.WithMeshAlignment ReferenceSpacing) steps start))
            .Value

    /// The reference's seed stream, shared by every check of the same dimension and time.
    let referenceSeed (root: int) (d: int) (horizon: float) = Seeds.derive root (sprintf "reference-d%d-t%g" d horizon) []

    /// The reference's error floor: the fitted law at N = M (the reference is itself an M-cell system).
    let floorOf (fit: MeanField.Core.Statistics.RateFit) (kind: FitKind) (cells: int) =
        exp fit.Intercept * float cells ** fit.Slope * (if kind = FitKind.LogCorrected then log (float cells) else 1.0)

    /// The verdict of a rate measured against the reference: the bound's verdict, but Inconclusive while the
    /// reference's floor is not below <see cref="FloorFraction"/> of the smallest fitted error (a violation
    /// stands regardless); with the floor, the smallest error and the note that explains them.
    let judge (fit: MeanField.Core.Statistics.RateFit) (kind: FitKind) (theory: float) (rungs: Rung list) (replicas: int) (referenceCells: int) =
        let floor = floorOf fit kind referenceCells
        let smallest = rungs |> List.filter (fun r -> r.Fitted) |> List.map (fun r -> r.Mean) |> List.min
        let resolved = floor <= FloorFraction * smallest
        let decided = Verdict.decide Claim.AtMost theory FournierGuillin.rateTolerance replicas fit
        let verdict = if resolved || decided.IsViolated then decided else Verdict.Inconclusive None
        let note =
            sprintf "The reference's error floor is the fitted law at N = M = %d: %.3g, %s %g of the smallest fitted error (%.3g)%s." referenceCells floor (if resolved then "below" else "NOT below") FloorFraction smallest (if resolved then "" else "; the verdict is inconclusive until the reference grows")
        verdict, floor, note

    /// A rate in N measured against the M-cell reference at time t: the ladder, the fit at the
    /// Fournier-Guillin exponent of D = 2d, the judgement against the reference's floor and the result.
    /// <c>measure model steps reference n seed</c> gives one replica's error; <c>details model steps</c>
    /// the check's own parameters, shown after the model and the time.
    let againstReference
        (scenario: Scenario) (scenarioName: string) (horizon: float) (referenceCells: int)
        (id: string) (title: string) (source: string) (statement: string) (errorLabel: string)
        (details: HybridModel -> int -> (string * string) list)
        (measure: HybridModel -> int -> ParticleState * float[][] -> int -> int -> float)
        (context: CheckContext) =
        let clock = Stopwatch.StartNew()
        let d = scenario.Dimension
        let model = HybridModel.FromScenario scenario
        let steps = int (Math.Round(horizon / model.Step))
        let run = reference scenario model steps referenceCells (referenceSeed context.Seed d horizon)
        let rungs = Ladder.run id context.Seed context.Ladder context.Progress (fun n seed -> measure model steps run (int n) seed)
        let theory, kind = FournierGuillin.exponent (2 * d)
        let fit = Ladder.fit kind rungs
        let verdict, floor, note = judge fit kind theory rungs context.Ladder.Replicas referenceCells
        { Id = id
          Title = title
          Source = source
          Statement = statement
          Parameters =
            [ "model", scenarioName
              "time t", sprintf "%g (%d steps of %g)" (float steps * model.Step) steps model.Step ]
            @ details model steps
            @ [ "replicas per rung", string context.Ladder.Replicas
                "fitted from N", string context.Ladder.FitFrom ]
          XLabel = "N"
          ErrorLabel = errorLabel
          Rungs = rungs
          FitKind = kind
          Fit = fit
          Claim = Claim.AtMost
          Theory = theory
          Tolerance = FournierGuillin.rateTolerance
          Verdict = verdict
          ReferenceFloor = Some floor
          Notes = [ note ]
          Seconds = clock.Elapsed.TotalSeconds }

    /// The check with the N-cell solver under test: <c>solve model steps start</c>; the reference always uses the project's own.
    let checkWith (solve: HybridModel -> int -> ParticleState -> ParticleState) (scenario: Scenario) (scenarioName: string) (horizon: float) (referenceCells: int) : Check =
        let d = scenario.Dimension
        let id = sprintf "mean-field-d%d-t%g" d horizon
        let title = sprintf "Mean-field rate, d = %d, t = %g" d horizon
        let theory, kind = FournierGuillin.exponent (2 * d)
        let statement =
            sprintf "E W2^2(mu_N^t, rho^t) <= C(t) %s in phase-space dimension D = %d, the Fournier-Guillin rate; C(t) grows at most double-exponentially in t." (if kind = FitKind.LogCorrected then sprintf "N^(%g) log N" theory else sprintf "N^(%.4g)" theory) (2 * d)
        let details _ _ =
            [ "N-cell systems", "the scenario's alignment method (direct by default), independent initial samples"
              "reference rho^t", sprintf "%d cells, mesh alignment at h = %g, its own seed stream (shared with the chemical-gradient check)" referenceCells ReferenceSpacing
              "comparison", sprintf "exact W2 against %d N cells drawn without replacement from the reference" FournierGuillin.ReferenceFactor ]
        let measure model steps (reference: ParticleState, _) n seed =
            let cells = solve model steps (InitialData.Sample(scenario.Initial, d, n, Seeds.derive seed "cells" []))
            let sample = subsample reference (FournierGuillin.ReferenceFactor * n) (Seeds.derive seed "reference" [])
            (ExactTransport.Solve(PhaseSpace.ofState cells, PhaseSpace.ofState sample, 2.0)).Cost
        { Id = id
          Title = title
          Run = againstReference scenario scenarioName horizon referenceCells id title "Theorem 2.1" statement "E W2^2(mu_N^t, rho^t)" details measure }

    /// The check with the project's own solver.
    let check scenario scenarioName horizon referenceCells = checkWith Trajectories.evolve scenario scenarioName horizon referenceCells
