namespace MeanField.Verification.Checks

open System
open System.Diagnostics
open MeanField.Core.Dynamics
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Core.Transport
open MeanField.Verification

/// The identity of a particle reference run: the scenario, its cells and its seed.
type ParticleReferenceRun =
    { Scenario: Scenario
      Cells: int
      Seed: int }

/// What a rate is measured against: how the report describes it, how it is built (once per run, from the
/// context, the model and the steps to t), its error floor (and how that was obtained) given the fit, and
/// anything else the report should say about it.
type ReferenceSpec<'R> =
    { Info: Reference
      Build: CheckContext -> HybridModel -> int -> 'R
      Floor: 'R -> MeanField.Core.Statistics.RateFit -> FitKind -> float * string
      Notes: 'R -> string list }

/// A rate in N at time <c>Horizon</c> against a reference of rho^t: <c>Measure solver t reference n seed</c>
/// gives one replica's error with the solver under test; <c>Details model steps</c> the check's own parameters.
type RateAgainstReference<'R> =
    { Header: CheckHeader
      Scenario: Scenario
      ScenarioName: string
      Horizon: float
      ErrorLabel: string
      Against: ReferenceSpec<'R>
      Details: HybridModel -> int -> (string * string) list
      Measure: IParticleSolver -> float -> 'R -> int -> int -> float }

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

    /// One reference run kept for the whole process: the mean-field checks at several times and the
    /// chemical-gradient check share it, each time it is asked for a later time it steps on from where it
    /// stopped (one run to the last time instead of one per time). All cores: the simulation gives the same
    /// bits on any number of threads.
    type private ReferenceRun(model: HybridModel, start: ParticleState) =
        let mutable simulation = HybridSimulation(model, start.Clone())
        let snapshots = System.Collections.Generic.Dictionary<int, ParticleState * float[][]>()

        /// The cells and grad psi after <c>steps</c> steps.
        member this.At(steps: int) =
            lock this (fun () ->
                match snapshots.TryGetValue steps with
                | true, snapshot -> snapshot
                | _ ->
                    // An earlier time than the run has reached: start again (the checks ask in increasing t).
                    if steps < simulation.StepIndex then simulation <- HybridSimulation(model, start.Clone())
                    while simulation.StepIndex < steps do
                        simulation.Step()
                    let snapshot = simulation.State.Clone(), simulation.Field.Gradient |> Array.map Array.copy
                    snapshots[steps] <- snapshot
                    snapshot)

    let private references = System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ReferenceRun>>()

    /// The identity of the reference run of <c>cells</c> cells of the scenario, but its seed and time (the seed
    /// is the run's <see cref="referenceSeed"/>, the same for every check of a suite): checks with the same
    /// identity share one reference unit under sharding.
    let referenceRun (scenario: Scenario) (cells: int) = $"{ScenarioWriter.Write scenario}|{cells}"

    /// The M-cell reference after <c>steps</c> steps (cells and grad psi at the nodes), with the mesh
    /// alignment and its own seed; one run per scenario, size and seed, shared by every time asked for.
    /// With a folder, the snapshot is read from its content-addressed file there if one was written
    /// (by another work unit), else computed and written (see <see cref="ReferenceFiles"/>).
    let reference (folder: string option) (run: ParticleReferenceRun) (model: HybridModel) (steps: int) =
        let { Scenario = scenario; Cells = cells; Seed = seed } = run
        let key = $"{referenceRun scenario cells}|{seed}"
        let compute () =
            let run =
                references.GetOrAdd(key, fun _ ->
                    lazy (ReferenceRun(model.WithMeshAlignment ReferenceSpacing, InitialData.Sample(scenario.Initial, scenario.Dimension, cells, seed))))
            run.Value.At steps
        match folder with
        | None -> compute ()
        | Some folder ->
            let fileKey = $"{key}|{steps}"
            match ReferenceFiles.tryRead folder fileKey with
            | Some snapshot -> snapshot
            | None ->
                let snapshot = compute ()
                ReferenceFiles.write folder fileKey snapshot
                snapshot

    /// The M-cell particle reference as the report describes it: the project's own stepper with mesh alignment.
    let particleReference (cells: int) =
        { Description = sprintf "a %d-cell run of (P) by the project's own solver (mesh alignment at h = %g)" cells ReferenceSpacing
          Components = CodeComponents.ParticleStepper ||| CodeComponents.ChemicalField ||| CodeComponents.MeshAlignment
          UsesSolver = true
          Cells = Some cells }

    /// The reference's seed stream, shared by every check of the same dimension (one run serves every time).
    let referenceSeed (root: int) (d: int) = Seeds.derive root (sprintf "reference-d%d" d) []

    /// The reference's error floor: the fitted law at N = M (the reference is itself an M-cell system).
    let floorOf (fit: MeanField.Core.Statistics.RateFit) (kind: FitKind) (cells: int) =
        exp fit.Intercept * float cells ** fit.Slope * (if kind = FitKind.LogCorrected then log (float cells) else 1.0)

    /// The verdict of a rate measured against a reference whose own error (its floor, in the units of the
    /// measured error) is <paramref name="floor"/>: the bound's verdict, but Inconclusive while the floor
    /// is not below <see cref="FloorFraction"/> of the smallest fitted error (a violation stands
    /// regardless); with the note that explains it. <c>floorText</c> says how the floor was obtained.
    let judge (fit: MeanField.Core.Statistics.RateFit) (theory: float) (rungs: Rung list) (replicas: int) (floor: float, floorText: string) =
        let smallest = rungs |> List.filter (fun r -> r.Fitted) |> List.map (fun r -> r.Mean) |> List.min
        let resolved = floor <= FloorFraction * smallest
        let decided = Verdict.decide Claim.AtMost theory FournierGuillin.rateTolerance replicas fit
        let verdict = if resolved || decided.IsViolated then decided else Verdict.Inconclusive None
        let note =
            sprintf "The reference's error floor (%s) is %.3g, %s %g of the smallest fitted error (%.3g)%s." floorText floor (if resolved then "below" else "NOT below") FloorFraction smallest (if resolved then "" else "; the verdict is inconclusive until the reference is refined")
        verdict, note

    /// A rate in N measured against a reference of rho^t at time t: the ladder, the fit at the
    /// Fournier-Guillin exponent of D = 2d, the judgement against the reference's floor and the result.
    let againstReference (spec: RateAgainstReference<'R>) (context: CheckContext) =
        let clock = Stopwatch.StartNew()
        let scenario, header, against = spec.Scenario, spec.Header, spec.Against
        let d = scenario.Dimension
        let model = HybridModel.FromScenario scenario
        let steps = int (Math.Round(spec.Horizon / model.Step))
        let reference = against.Build context model steps
        let t = float steps * model.Step
        let theory, kind = FournierGuillin.exponent (2 * d)
        let look (rungs: Rung list) confidence =
            let fit = Ladder.fitAt confidence kind rungs
            let floorValue, floorText = against.Floor reference fit kind
            let verdict, note = judge fit theory rungs (List.head rungs).Errors.Length (floorValue, floorText)
            fit, verdict, (floorValue, note)
        let measureOne n seed = Measured.error (spec.Measure context.Solver t reference (int n) seed)
        let task = { CheckId = header.Id; Root = context.Seed; Design = context.Ladder; Progress = context.Progress; Measure = measureOne; Control = None }
        let rungs, (fit, verdict, (floorValue, note)), sequential = Ladder.runSequentialFrom context.Replicas task look
        { Id = header.Id
          Title = header.Title
          Source = header.Source
          Statement = header.Statement
          Parameters =
            [ "model", spec.ScenarioName
              "time t", sprintf "%g (%d steps of %g)" (float steps * model.Step) steps model.Step ]
            @ spec.Details model steps
            @ [ "replicas per rung", FournierGuillin.replicasText sequential
                "fitted from N", string context.Ladder.FitFrom ]
          Measurement =
              Measurement.Rate
                  { XLabel = "N"
                    ErrorLabel = spec.ErrorLabel
                    Rungs = rungs
                    FitKind = kind
                    Fit = fit
                    Claim = Claim.AtMost
                    Theory = theory
                    Tolerance = FournierGuillin.rateTolerance
                    ReferenceFloor = Some floorValue
                    Sequential = sequential }
          Verdict = verdict
          Reference = against.Info
          Notes = note :: against.Notes reference
          Seconds = clock.Elapsed.TotalSeconds }

    /// The check measuring <c>spec</c>'s rate, sharded as <c>sharding</c>: its id, title and reference are the spec's.
    let rateCheck (sharding: Sharding) (spec: RateAgainstReference<'R>) : Check =
        { Id = spec.Header.Id
          Title = spec.Header.Title
          Needs = []
          Sharding = sharding
          Problems = [ ProblemShape.Of spec.Scenario ]
          Reference = spec.Against.Info
          Run = againstReference spec }

    /// The M-cell particle reference (cells and grad psi), shared by every check of the scenario, size and
    /// run seed; its floor is the fitted law at N = M (the reference is itself an M-cell system).
    let particleAgainst (scenario: Scenario) (cells: int) : ReferenceSpec<ParticleState * float[][]> =
        { Info = particleReference cells
          Build =
            fun context model steps ->
                reference context.ReferenceFolder { Scenario = scenario; Cells = cells; Seed = referenceSeed context.Seed scenario.Dimension } model steps
          Floor = fun _ fit kind -> floorOf fit kind cells, sprintf "the fitted law at N = M = %d" cells
          Notes = fun _ -> [] }

    /// The check, with the N-cell systems solved by the solver under test; the reference always by the project's own.
    let check (scenario: Scenario) (scenarioName: string) (horizon: float) (referenceCells: int) : Check =
        let d = scenario.Dimension
        let id = CheckId.MeanField(d, horizon).Text
        let title = sprintf "Mean-field rate, d = %d, t = %g" d horizon
        let theory, kind = FournierGuillin.exponent (2 * d)
        let statement =
            sprintf "E W2^2(mu_N^t, rho^t) <= C(t) %s in phase-space dimension D = %d, the Fournier-Guillin rate; C(t) grows at most double-exponentially in t." (FournierGuillin.rateText (2 * d)) (2 * d)
        let details _ _ =
            [ "N-cell systems", "the scenario's alignment method (direct by default), independent initial samples"
              "reference rho^t", sprintf "%d cells, mesh alignment at h = %g, its own seed stream (shared with the chemical-gradient check)" referenceCells ReferenceSpacing
              "comparison", sprintf "exact W2 against %d N cells drawn without replacement from the reference" FournierGuillin.ReferenceFactor ]
        let measure solver t (reference: ParticleState, _) n seed =
            let cells = Trajectories.final solver scenario t (InitialData.Sample(scenario.Initial, d, n, Seeds.derive seed "cells" []))
            let sample = subsample reference (FournierGuillin.ReferenceFactor * n) (Seeds.derive seed "reference" [])
            (ExactTransport.Solve(PhaseSpace.ofState cells, PhaseSpace.ofState sample, 2.0)).Cost
        rateCheck (Sharding.ReferenceThenReplicas(referenceRun scenario referenceCells))
            { Header = { Id = id; Title = title; Source = "Theorem 2.1"; Statement = statement }
              Scenario = scenario
              ScenarioName = scenarioName
              Horizon = horizon
              ErrorLabel = "E W2^2(mu_N^t, rho^t)"
              Against = particleAgainst scenario referenceCells
              Details = details
              Measure = measure }

    /// Theorem 2.1 in d = 1 against the grid solution of (V): each replica compares the N-cell system
    /// with k N cells drawn from the grid density. The grid's floor is estimated from runs at a half and
    /// a quarter of the resolution in x, v and t: W2^2 between the two densities on the finer lattice
    /// (the coarser one prolonged), scaled to the reference's resolution by the solver's order.
    let checkGrid (scenario: Scenario) (scenarioName: string) (horizon: float) : Check =
        if scenario.Dimension <> 1 then invalidArg (nameof scenario) "the grid reference is for d = 1"
        let id = CheckId.MeanField(1, horizon).Text
        let title = sprintf "Mean-field rate, d = 1, t = %g (grid reference)" horizon
        let theory, _ = FournierGuillin.exponent 2
        let statement =
            sprintf "E W2^2(mu_N^t, rho^t) <= C(t) N^(%g) in phase-space dimension D = 2, the Fournier-Guillin rate; rho^t is the solution of the Vlasov equation on a grid." theory
        let struct (vMin, vMax) = MeanField.Core.References.InitialDensity.VelocityInterval scenario.Initial
        let build _ (model: HybridModel) steps =
            let grid = MeanField.Core.References.GridSolution(scenario, model.Grid.Points)
            grid.AdvanceTo(float steps * model.Step) |> ignore
            grid
        // The floor from the two coarser runs (see GridSolution.EstimateTransportError).
        let floor (grid: MeanField.Core.References.GridSolution) _ _ =
            let estimate = grid.EstimateTransportError()
            estimate.Value, estimate.Method
        let details (model: HybridModel) _ =
            [ "N-cell systems", "the scenario's alignment method (direct by default), independent initial samples"
              "reference rho^t", sprintf "the Vlasov grid solver, %d x %d nodes and velocity cells on [%g, %g], the same time step" model.Grid.Points model.Grid.Points vMin vMax
              "comparison", sprintf "exact W2 against %d N cells drawn from the grid density" FournierGuillin.ReferenceFactor ]
        let measure solver t (grid: MeanField.Core.References.GridSolution) n seed =
            let cells = Trajectories.final solver scenario t (InitialData.Sample(scenario.Initial, 1, n, Seeds.derive seed "cells" []))
            let sample = grid.Solver.Sample(FournierGuillin.ReferenceFactor * n, Seeds.derive seed "reference" [])
            (ExactTransport.Solve(PhaseSpace.ofState cells, PhaseSpace.ofState sample, 2.0)).Cost
        let notes (solution: MeanField.Core.References.GridSolution) =
            let grid = solution.Solver
            [ sprintf "The grid solution kept its mass to %.1e (relative); its most negative value is %.2g; mass carried to the ends of the velocity interval: %.2g." (abs (grid.Mass - grid.InitialMass) / grid.InitialMass) grid.MinimumValue grid.BoundaryFlux ]
        let reference =
            { Description = sprintf "the Vlasov grid solver of (V), %d x %d" scenario.Domain.Grid scenario.Domain.Grid
              Components = CodeComponents.ChemicalField
              UsesSolver = true
              Cells = None }
        rateCheck Sharding.Replicas
            { Header = { Id = id; Title = title; Source = "Theorem 2.1"; Statement = statement }
              Scenario = scenario
              ScenarioName = scenarioName
              Horizon = horizon
              ErrorLabel = "E W2^2(mu_N^t, rho^t)"
              Against = { Info = reference; Build = build; Floor = floor; Notes = notes }
              Details = details
              Measure = measure }

