namespace MeanField.Verification

open System
open System.Diagnostics
open MeanField.Core.Dynamics
open MeanField.Core.Scenarios
open MeanField.Core.Solvers

/// A deliberately wrong solver: the own solver with one plausible bug, behind the same contract
/// (a perturbed scenario, or a defect of the stepper). The references are never touched.
[<RequireQualifiedAccess>]
type Mutant =
    /// Heun's corrector dropped: the cells move by forward Euler.
    | ForwardEuler
    /// The chemotactic force on the cells times this factor (eta scaled; the field untouched).
    | ChemotacticForce of factor: float
    /// The alignment (Cucker-Smale's beta) times this factor.
    | Alignment of factor: float
    /// The field's decay kappa times this factor, in the solver's runs only.
    | FieldDecay of factor: float
    /// The source's mass (its amplitude) times this factor.
    | SourceMass of factor: float
    /// grad phi at the cells by multilinear interpolation instead of the six-point one.
    | LinearGradient
    /// Positions advanced with dt/2.
    | HalfPositionStep
    /// A uniform random kick of this size on every velocity component after each step.
    | RandomKick of size: float

    /// The mutant's name in the reports (built here only).
    member this.Id =
        match this with
        | ForwardEuler -> "forward-euler"
        | ChemotacticForce f -> sprintf "chemotaxis-x%g" f
        | Alignment f -> sprintf "alignment-x%g" f
        | FieldDecay f -> sprintf "decay-x%g" f
        | SourceMass f -> sprintf "source-mass-x%g" f
        | LinearGradient -> "linear-gradient"
        | HalfPositionStep -> "half-position-step"
        | RandomKick size -> sprintf "random-kick-%g" size

    member this.Description =
        match this with
        | ForwardEuler -> "forward Euler instead of Heun for the cells"
        | ChemotacticForce f -> sprintf "the chemotactic force on the cells x%g (the field untouched)" f
        | Alignment f -> sprintf "the direct-sum alignment x%g" f
        | FieldDecay f -> sprintf "the decay kappa x%g in the solver's field" f
        | SourceMass f -> sprintf "the source mass x%g" f
        | LinearGradient -> "grad phi at the cells by linear interpolation instead of the six-point one"
        | HalfPositionStep -> "positions advanced with dt/2"
        | RandomKick size -> sprintf "a random kick of size %g per step" size

[<RequireQualifiedAccess>]
module Mutant =

    /// The mutants the power measurement runs, in its matrix's order.
    let all =
        [ Mutant.ForwardEuler
          Mutant.ChemotacticForce 1.2
          Mutant.ChemotacticForce 1.05
          Mutant.Alignment 1.2
          Mutant.FieldDecay 0.8
          Mutant.SourceMass 0.9
          Mutant.LinearGradient
          Mutant.HalfPositionStep
          Mutant.RandomKick 1e-3 ]

    let private withChemotaxis (change: ChemotaxisSpec -> ChemotaxisSpec) (s: Scenario) = s.WithChemotaxis(change s.Chemotaxis)

    /// The scenario the mutant solves instead of the one it is given, and its stepper's defects.
    let private perturbation (mutant: Mutant) : (Scenario -> Scenario) * StepperDefects =
        match mutant with
        | Mutant.ForwardEuler -> id, StepperDefects(ForwardEuler = true)
        | Mutant.ChemotacticForce f -> withChemotaxis (fun c -> ChemotaxisSpec(f * c.Eta, c.Diffusion, c.Decay, c.Source, c.InitialField)), StepperDefects.None
        | Mutant.Alignment f ->
            (fun s ->
                match s.Alignment with
                | :? CuckerSmaleSpec as cs -> s.WithAlignment(CuckerSmaleSpec(f * cs.Beta, cs.Radius, cs.Sigma))
                | other -> invalidArg (nameof s) $"the alignment mutant needs a Cucker-Smale kernel, not {other.GetType().Name}"),
            StepperDefects.None
        | Mutant.FieldDecay f -> withChemotaxis (fun c -> ChemotaxisSpec(c.Eta, c.Diffusion, f * c.Decay, c.Source, c.InitialField)), StepperDefects.None
        | Mutant.SourceMass f ->
            withChemotaxis (fun c ->
                match c.Source with
                | :? PolynomialBumpSpec as bump -> ChemotaxisSpec(c.Eta, c.Diffusion, c.Decay, PolynomialBumpSpec(bump.Radius, f * bump.Amplitude), c.InitialField)
                | other -> invalidArg (nameof c) $"the source-mass mutant needs a polynomial bump, not {other.GetType().Name}"),
            StepperDefects.None
        | Mutant.LinearGradient -> id, StepperDefects(LinearGradientInterpolation = true)
        | Mutant.HalfPositionStep -> id, StepperDefects(PositionStepFactor = 0.5)
        | Mutant.RandomKick size -> id, StepperDefects(KickSize = size)

    /// The mutant as a solver under test: it claims to be the own solver (declared order 2, the own solver's code).
    let solver (mutant: Mutant) : IParticleSolver =
        let own = OwnSolver()
        let change, defects = perturbation mutant
        let identity = SolverIdentity(SolverKind.Own, "own+" + mutant.Id, own.Identity.Version, own.Identity.ProtocolVersion, own.Identity.Components, own.Identity.TimeOrder)
        { new IParticleSolver with
            member _.Identity = identity
            member _.Solve problem =
                let scenario = change problem.Scenario
                let model = HybridModel.FromScenario scenario
                try
                    OwnSolver.Run(model, SolverProblem(scenario, problem.Initial, problem.OutputTimes, problem.WantsGradient), 1, defects)
                with :? SimulationFailureException as e ->
                    raise (SolverFailureException(SolverFailure.RunFailed, e.Message, null, e.Message, e)) }

/// One mutant's run of the suite.
type PowerRow =
    { Mutant: Mutant
      Run: RunResult
      /// Whether some check turned Violated (or the run failed: Error).
      Caught: bool }

/// The suite's power: the correct solver's run and each mutant's.
type PowerResult =
    { Suite: string
      Seed: int
      Own: RunResult
      Rows: PowerRow list
      Seconds: float }

    /// Mutants caught over mutants run.
    member this.Score = float (this.Rows |> List.filter _.Caught |> List.length) / float (max 1 this.Rows.Length)

    /// Whether the correct solver had a check Violated or in Error: a false alarm (an Inconclusive check accuses nobody).
    member this.FalseAlarm = this.Own.Checks |> List.exists (fun c -> c.Verdict.IsViolated || c.Verdict.IsError)

[<RequireQualifiedAccess>]
module Power =

    /// Whether a run caught its mutant.
    let caught (run: RunResult) = run.Checks |> List.exists (fun c -> c.Verdict.IsViolated || c.Verdict.IsError)

    /// Runs the suite on the own solver and on each mutant; <c>settings.Solver</c> is ignored (the own solver and the mutants are the solvers).
    /// A check that runs no solver (the Fournier-Guillin and sharpness checks) gives every solver the same
    /// result, so the mutants reuse the own solver's instead of measuring it again.
    let run (suite: Suite) (mutants: Mutant list) (settings: RunSettings) =
        let clock = Stopwatch.StartNew()
        let own = Suite.run suite { settings with Solver = OwnSolver() }
        let reused =
            { suite with
                Entries =
                  suite.Entries
                  |> List.map (fun (check, ladder) ->
                      if check.Reference.UsesSolver then check, ladder
                      else
                          let result = own.Checks |> List.find (fun c -> c.Id = check.Id)
                          { check with Run = fun _ -> result }, ladder) }
        let rows =
            mutants
            |> List.map (fun m ->
                let result = Suite.run reused { settings with Solver = Mutant.solver m }
                { Mutant = m; Run = result; Caught = caught result })
        { Suite = suite.Name
          Seed = settings.Seed
          Own = own
          Rows = rows
          Seconds = clock.Elapsed.TotalSeconds }
