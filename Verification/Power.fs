namespace MeanField.Verification

open System
open System.Diagnostics
open MeanField.Core.Dynamics
open MeanField.Core.Scenarios
open MeanField.Core.Solvers

/// A constant of a kernel of (P) that a mutant gets slightly wrong.
[<RequireQualifiedAccess>]
type ModelConstant =
    /// Cucker-Smale's exponent sigma in psi(r) = (1 + r^2/R^2)^(-sigma).
    | Sigma
    /// Cucker-Smale's radius R.
    | AlignmentRadius
    /// The source chi's support radius.
    | SourceRadius
    /// The Gaussian initial field's width.
    | InitialFieldWidth

    member this.Id =
        match this with
        | Sigma -> "sigma"
        | AlignmentRadius -> "alignment-radius"
        | SourceRadius -> "source-radius"
        | InitialFieldWidth -> "initial-field-width"

    member this.Description =
        match this with
        | Sigma -> "the alignment's exponent sigma"
        | AlignmentRadius -> "the alignment's radius R"
        | SourceRadius -> "the source chi's radius"
        | InitialFieldWidth -> "the initial field phi_in's width"

    /// The term of (P) the constant belongs to.
    member this.Term =
        match this with
        | Sigma
        | AlignmentRadius -> Term.Alignment
        | SourceRadius -> Term.Source
        | InitialFieldWidth -> Term.InitialField

    /// The scenario with the constant times <c>factor</c> (unchanged where the scenario has no such constant).
    member this.Scale (factor: float) (scenario: Scenario) =
        let c = scenario.Chemotaxis
        let withSource source = scenario.WithChemotaxis(ChemotaxisSpec(c.Eta, c.Diffusion, c.Decay, source, c.InitialField))
        match this, scenario.Alignment, c.Source, c.InitialField with
        | Sigma, (:? CuckerSmaleSpec as cs), _, _ -> scenario.WithAlignment(CuckerSmaleSpec(cs.Beta, cs.Radius, factor * cs.Sigma))
        | AlignmentRadius, (:? CuckerSmaleSpec as cs), _, _ -> scenario.WithAlignment(CuckerSmaleSpec(cs.Beta, factor * cs.Radius, cs.Sigma))
        | SourceRadius, _, (:? PolynomialBumpSpec as bump), _ -> withSource (PolynomialBumpSpec(factor * bump.Radius, bump.Amplitude))
        | SourceRadius, _, (:? SmoothBumpSpec as bump), _ -> withSource (SmoothBumpSpec(factor * bump.Radius, bump.Amplitude, bump.Sharpness))
        | InitialFieldWidth, _, _, (:? GaussianFieldSpec as g) ->
            scenario.WithChemotaxis(ChemotaxisSpec(c.Eta, c.Diffusion, c.Decay, c.Source, GaussianFieldSpec(g.Amplitude, factor * g.Width, g.Center)))
        | _ -> scenario

/// A deliberately wrong solver: the own solver with one plausible bug, behind the same contract
/// (a perturbed problem, or a defect of the stepper). The references are never touched.
[<RequireQualifiedAccess>]
type Mutant =
    /// Heun's corrector dropped: the cells move by forward Euler.
    | ForwardEuler
    /// A term of (P) times this factor in the solver's runs (0 drops it): e.g. eta x1.05 (the field
    /// untouched), F_ext dropped, the masses ignored, phi_in ignored, diffusion x0.8.
    | Scaled of term: Term * factor: float
    /// grad phi at the cells by multilinear interpolation instead of the six-point one.
    | LinearGradient
    /// Positions advanced with dt/2.
    | HalfPositionStep
    /// A uniform random kick of this size on every velocity component after each step.
    | RandomKick of size: float
    /// grad phi frozen over the step: the corrector reads the field of the step's start (first-order coupling).
    | FrozenGradient
    /// The alignment normalised by N - 1 instead of N.
    | AlignmentOverNMinusOne
    /// In d = 3 only, the third component of grad phi with the wrong sign.
    | FlippedThirdGradient
    /// A kernel constant times this factor in the solver's runs (e.g. sigma 1% off).
    | Constant of constant: ModelConstant * factor: float
    /// The state written one step late: at each output time, the cells of one step before it.
    | LateOutput

    /// The mutant's name in the reports (built here only).
    member this.Id =
        match this with
        | ForwardEuler -> "forward-euler"
        | Scaled(term, 0.0) -> sprintf "%s-dropped" term.Id
        | Scaled(term, f) -> sprintf "%s-x%g" term.Id f
        | LinearGradient -> "linear-gradient"
        | HalfPositionStep -> "half-position-step"
        | RandomKick size -> sprintf "random-kick-%g" size
        | FrozenGradient -> "frozen-gradient"
        | AlignmentOverNMinusOne -> "alignment-over-n-1"
        | FlippedThirdGradient -> "flipped-gradient-z"
        | Constant(constant, f) -> sprintf "%s-x%g" constant.Id f
        | LateOutput -> "late-output"

    member this.Description =
        match this with
        | ForwardEuler -> "forward Euler instead of Heun for the cells"
        | Scaled(Term.Chemotaxis, f) -> sprintf "the chemotactic force on the cells x%g (the field untouched)" f
        | Scaled(Term.Masses, 0.0) -> "the cells' masses ignored (each taken as 1/N)"
        | Scaled(term, 0.0) -> sprintf "the %s dropped" term.Description
        | Scaled(term, f) -> sprintf "the %s x%g" term.Description f
        | LinearGradient -> "grad phi at the cells by linear interpolation instead of the six-point one"
        | HalfPositionStep -> "positions advanced with dt/2"
        | RandomKick size -> sprintf "a random kick of size %g per step" size
        | FrozenGradient -> "grad phi frozen over the step (a first-order coupling of cells and field)"
        | AlignmentOverNMinusOne -> "the alignment summed over N - 1 instead of N"
        | FlippedThirdGradient -> "in d = 3 only, the third component of grad phi with the wrong sign"
        | Constant(constant, f) -> sprintf "%s x%g" constant.Description f
        | LateOutput -> "the output one step late (the cells of the step before each output time)"

    /// The term of (P) the bug breaks (its row in the power matrix), or None for the time integration.
    member this.Term =
        match this with
        | Scaled(term, _) -> Some term
        | AlignmentOverNMinusOne -> Some Term.Alignment
        | LinearGradient
        | FrozenGradient
        | FlippedThirdGradient -> Some Term.Chemotaxis
        | Constant(constant, _) -> Some constant.Term
        | ForwardEuler
        | HalfPositionStep
        | RandomKick _
        | LateOutput -> None

[<RequireQualifiedAccess>]
module Mutant =

    /// The mutants the power measurement runs, in its matrix's order: at least one per term of (P), and one
    /// that only d = 3 shows.
    let all =
        [ Mutant.ForwardEuler
          Mutant.HalfPositionStep
          Mutant.RandomKick 1e-3
          Mutant.Scaled(Term.Alignment, 1.2)
          Mutant.AlignmentOverNMinusOne
          Mutant.Scaled(Term.Chemotaxis, 1.2)
          Mutant.Scaled(Term.Chemotaxis, 1.05)
          Mutant.LinearGradient
          Mutant.FrozenGradient
          Mutant.FlippedThirdGradient
          Mutant.Scaled(Term.Diffusion, 0.8)
          Mutant.Scaled(Term.Decay, 0.8)
          Mutant.Scaled(Term.Source, 0.9)
          Mutant.Scaled(Term.ExternalForce, 0.0)
          Mutant.Scaled(Term.InitialField, 0.0)
          Mutant.Scaled(Term.Masses, 0.0)
          Mutant.Constant(ModelConstant.Sigma, 1.01)
          Mutant.Constant(ModelConstant.AlignmentRadius, 1.01)
          Mutant.Scaled(Term.Diffusion, 1.01)
          Mutant.Constant(ModelConstant.SourceRadius, 1.01)
          Mutant.Constant(ModelConstant.InitialFieldWidth, 1.01)
          Mutant.LateOutput ]

    /// The problem the mutant solves instead of the one it is given, and its stepper's defects.
    let private perturbation (mutant: Mutant) : (SolverProblem -> SolverProblem) * StepperDefects =
        match mutant with
        | Mutant.ForwardEuler -> id, StepperDefects(ForwardEuler = true)
        | Mutant.Scaled(term, f) ->
            (fun problem ->
                if not (Term.isOn problem.Scenario problem.Initial term) then problem
                else
                    let scenario, cells = Term.scale term f (problem.Scenario, problem.Initial)
                    SolverProblem(scenario, cells, problem.OutputTimes, problem.WantsGradient)),
            StepperDefects.None
        | Mutant.LinearGradient -> id, StepperDefects(LinearGradientInterpolation = true)
        | Mutant.HalfPositionStep -> id, StepperDefects(PositionStepFactor = 0.5)
        | Mutant.RandomKick size -> id, StepperDefects(KickSize = size)
        | Mutant.FrozenGradient -> id, StepperDefects(FrozenGradient = true)
        | Mutant.AlignmentOverNMinusOne -> id, StepperDefects(AlignmentOverNMinusOne = true)
        | Mutant.FlippedThirdGradient -> id, StepperDefects(FlippedThirdGradient = true)
        | Mutant.Constant(constant, f) ->
            (fun problem -> SolverProblem(constant.Scale f problem.Scenario, problem.Initial, problem.OutputTimes, problem.WantsGradient)), StepperDefects.None
        | Mutant.LateOutput -> id, StepperDefects.None

    /// The mutant as a solver under test: it claims to be the own solver (declared order 2, the own solver's code).
    let solver (mutant: Mutant) : IParticleSolver =
        let own = OwnSolver()
        let change, defects = perturbation mutant
        let identity = SolverIdentity(SolverKind.Own, "own+" + mutant.Id, own.Identity.Version, own.Identity.ProtocolVersion, own.Identity.Components, own.Identity.TimeOrder)
        let solve (problem: SolverProblem) =
            let model = HybridModel.FromScenario problem.Scenario
            try
                OwnSolver.Run(model, problem, 1, defects)
            with :? SimulationFailureException as e ->
                raise (SolverFailureException(SolverFailure.RunFailed, e.Message, null, e.Message, e))
        { new IParticleSolver with
            member _.Identity = identity
            member _.Solve problem =
                match mutant with
                | Mutant.LateOutput ->
                    // Each output time's cells from one step before it (the initial cells for the first step).
                    let dt = problem.Scenario.Time.Step
                    let earlier = problem.OutputTimes |> Seq.map (fun t -> t - dt) |> Seq.filter (fun t -> t > 0.5 * dt) |> Seq.toArray
                    let solution = if earlier.Length = 0 then None else Some(solve (SolverProblem(problem.Scenario, problem.Initial, earlier, problem.WantsGradient)))
                    let skipped = problem.OutputTimes.Count - earlier.Length
                    let states = [| for k in 0 .. problem.OutputTimes.Count - 1 -> if k < skipped then problem.Initial else solution.Value.States[k - skipped] |]
                    let gradients =
                        match solution with
                        | Some s when not (isNull s.Gradients) && skipped = 0 -> s.Gradients
                        | _ -> null
                    SolverSolution(problem.OutputTimes, states, gradients)
                | _ -> solve (change problem) }

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
