namespace MeanField.Verification

open System
open System.Diagnostics
open System.Security.Cryptography
open System.Text
open MeanField.Core.Solvers
open MeanField.Verification.Checks

/// The model under verification: the scenario (with a name for it), its initial law (and a name for
/// that) in each dimension d, and the d = 1 scenarios of the checks against the grid and the
/// monokinetic references (the embedded ones unless the user's scenario is of that kind).
type Model =
    { Scenario: MeanField.Core.Scenarios.Scenario
      ScenarioName: string
      Law: int -> MeanField.Core.Scenarios.InitialDataSpec * string
      OneDimensional: MeanField.Core.Scenarios.Scenario * string
      Monokinetic: MeanField.Core.Scenarios.Scenario * string
      /// Whether the scenario is a user's (then the code checks also measure convergence on it).
      Given: bool }

/// A named set of checks with their ladders: `quick` for CI (minutes), `full` for publication.
type Suite =
    { Name: string
      Entries: (Check * Ladder) list }

/// The three suites: quick (CI), full (publication), large (a cluster).
[<RequireQualifiedAccess>]
type SuiteKind =
    | Quick
    | Full
    | Large

    /// The suite's name for --suite and in every output (built here only).
    member this.Name =
        match this with
        | Quick -> "quick"
        | Full -> "full"
        | Large -> "large"

    static member all = [ Quick; Full; Large ]

/// One value for each suite: a row of the suite table's sizes side by side.
type PerSuite<'a> =
    { Quick: 'a
      Full: 'a
      Large: 'a }

    member this.For(kind: SuiteKind) =
        match kind with
        | SuiteKind.Quick -> this.Quick
        | SuiteKind.Full -> this.Full
        | SuiteKind.Large -> this.Large

/// How a suite is run: the solver under test, the root seed, and where to report.
type RunSettings =
    { Solver: IParticleSolver
      Seed: int
      /// The scenario's text (or a name for the embedded defaults): part of the configuration hash.
      ScenarioText: string
      Progress: ProgressStep -> unit
      /// Called with each check's result as it is made.
      Finished: CheckResult -> unit }

[<RequireQualifiedAccess>]
module Suite =

    let private ladder (xs: float list) replicas fitFrom = Ladder.fixedDesign xs replicas fitFrom

    /// Seconds a check of the quick suite may run: no look starts that is estimated to end beyond them.
    [<Literal>]
    let quickSeconds = 120.0

    /// Seconds a check of the full suite may run.
    [<Literal>]
    let fullSeconds = 900.0

    /// A sequential ladder: <c>replicas</c> per rung at the first look, doubling up to four times as many.
    let private looks (xs: float list) replicas fitFrom = Ladder.sequential xs replicas (4 * replicas) fitFrom

    /// The ladder of a check that measures nothing itself (it reads earlier checks' results).
    let private derived = Ladder.fixedDesign [] 0 0.0

    /// N doubling from `first` for `count` rungs.
    let private doubling (first: float) count = List.init count (fun k -> first * 2.0 ** float k)

    /// The default model: uniform on the unit ball in x times the ball of radius 1/2 in v, in every d.
    let defaultModel =
        { Scenario = MeanField.Core.Scenarios.ScenarioReader.Default()
          ScenarioName = "the embedded default scenario"
          Law = fun d -> FournierGuillin.defaultLaw d, "uniform on the unit ball in x times the ball of radius 1/2 in v"
          OneDimensional = MeanField.Core.Scenarios.ScenarioReader.Embedded "vlasov-d1", "the embedded scenario vlasov-d1"
          Monokinetic = MeanField.Core.Scenarios.ScenarioReader.Embedded "monokinetic-d1", "the embedded scenario monokinetic-d1"
          Given = false }

    /// Whether the d = 1 grid reference of (V) serves a law: a smooth density (Gaussian). A density with jumps
    /// (uniform, two clusters) makes the grid's W2^2 error fall only about 4 times per halving of its cells,
    /// where a smooth one's falls 15 times (measured), so no affordable grid resolves it: such a d = 1 model's
    /// mean-field checks take the particle reference instead.
    let gridServes (scenario: MeanField.Core.Scenarios.Scenario) =
        scenario.Dimension = 1 && (scenario.Initial :? MeanField.Core.Scenarios.GaussianDataSpec)

    /// Whether a d = 1 model's mean-field checks take the particle reference (a law with jumps, which the grid does
    /// not serve), under the ids the grid check would take; a d = 1 monokinetic model keeps the default's grid check.
    let private particleInOne (model: Model) =
        model.Scenario.Dimension = 1 && not (gridServes model.Scenario) && not (model.Scenario.Initial :? MeanField.Core.Scenarios.MonokineticSpec)

    /// The default model, with a scenario's initial law in the scenario's dimension; a d = 1 scenario
    /// also replaces the grid-reference check's (smooth density data) or the monokinetic check's (monokinetic data).
    let withScenario (scenario: MeanField.Core.Scenarios.Scenario) (source: string) =
        let monokinetic = scenario.Initial :? MeanField.Core.Scenarios.MonokineticSpec
        { Scenario = scenario
          ScenarioName = source
          Law = fun d -> if d = scenario.Dimension then scenario.Initial, $"the initial law of {source}" else defaultModel.Law d
          OneDimensional = if gridServes scenario then scenario, source else defaultModel.OneDimensional
          Monokinetic = if scenario.Dimension = 1 && monokinetic then scenario, source else defaultModel.Monokinetic
          Given = true }

    /// The d = 1 checks against the grid and the Lagrangian references, each on its own ladder. The
    /// monokinetic errors are the noisiest (a 1-D measure on a curve in phase space: a relative spread
    /// near 0.5 per replica) and show no pre-asymptotic bend from N = 125, so that check gets twice the
    /// replicas and every rung fitted.
    let private referenceChecks (model: Model) (grid: Ladder) (monokinetic: Ladder) =
        let oneDimensional, oneName = model.OneDimensional
        let mono, monoName = model.Monokinetic
        [ if not (particleInOne model) then yield MeanFieldRate.checkGrid oneDimensional oneName 1.0, grid
          yield Monokinetic.check mono monoName 1.0,
          { monokinetic with Replicas = 2 * monokinetic.Replicas; MaxReplicas = 2 * monokinetic.MaxReplicas; FitFrom = List.head monokinetic.Xs } ]

    /// The mean-field checks at each time against one reference of M cells, then the growth of their
    /// prefactor (which reads them). None for a d = 1 model: there Theorem 2.1 is measured against the
    /// grid reference (<c>referenceChecks</c>), whose check has the id a particle-reference one would take.
    let private meanField (model: Model) (times: float list) (referenceCells: int) (ladder: Ladder) =
        if model.Scenario.Dimension = 1 && not (particleInOne model) then []
        else
            [ for t in times -> MeanFieldRate.check model.Scenario model.ScenarioName t referenceCells, ladder ]
            @ [ Growth.check model.Scenario.Dimension times, derived ]

    let private fournierGuillin (model: Model) (ladders: int -> Ladder) =
        [ for d in 1..3 ->
              let law, name = model.Law d
              FournierGuillin.rate d law name, ladders d ]

    /// The ladder of every convergence check in dt.
    let private steps = [ 0.1; 0.05; 0.025; 0.0125; 0.00625 ]

    /// The manufactured problems' sizes: few cells (each term acts on every one), a box of 6 (the source's
    /// support 1.4 about cells within about 1.6 of the origin), and the reference's modes and step where its
    /// floor stands near 1e-11 (d = 1, 2) or 2e-9 (d = 3). The time ladders run on grids fine enough that a
    /// fourth-order interpolation of grad phi leaves their finest rung to the time error (256 nodes per axis
    /// in d = 1, 2; in d = 3, where 64^3 is what a step can afford, the ladder stops at dt = 0.025). The grid
    /// ladders run at a quarter of the finest dt, so that the solver's spatial error, not its time error, is
    /// what they measure (in d = 3 from 12 nodes per axis, where it still dominates).
    let manufacturedDesign (d: int) : ConvergenceDesign =
        match d with
        | 1 ->
            { Cells = 16; Horizon = 1.0; OutputInterval = 0.5; Box = 6.0; TimeSteps = steps; TimeGrid = 256; Grids = [ 16; 32; 64 ]; GridStep = 0.0015625
              References = [ { Modes = 64; Step = 0.003125 } ] }
        | 2 ->
            { Cells = 16; Horizon = 1.0; OutputInterval = 0.5; Box = 6.0; TimeSteps = steps; TimeGrid = 256; Grids = [ 16; 32; 64 ]; GridStep = 0.0015625
              References = [ { Modes = 40; Step = 0.003125 } ] }
        | _ ->
            { Cells = 8; Horizon = 0.4; OutputInterval = 0.4; Box = 6.0; TimeSteps = [ 0.1; 0.05; 0.025 ]; TimeGrid = 64; Grids = [ 12; 16; 24; 32 ]; GridStep = 0.00625
              References = [ { Modes = 32; Step = 0.00625 } ] }

    /// The alignment-only problems' sizes (no field: the grid is not used, so there is no grid ladder): 16 weighted
    /// cells to t = 1 in every d, the full time ladder, and a reference whose floor is its Runge-Kutta step's (the
    /// modes are idle with eta = 0).
    let alignmentDesign (d: int) : ConvergenceDesign =
        { Cells = 16; Horizon = 1.0; OutputInterval = 0.5; Box = 6.0; TimeSteps = steps; TimeGrid = (if d = 3 then 8 else 16); Grids = []; GridStep = 0.0
          References = [ { Modes = 2; Step = 0.003125 } ] }

    /// The model's own convergence check, in its dimension, when a user gave it: d = 1 in a box of 8 (a Gaussian
    /// reaching 3), d = 2 in a box of 6, d = 3 in a box of 4 with 16 cells to t = 0.5 (the reference's cost grows as
    /// its modes cubed). A source of little smoothness (the polynomial bump, C^2) leaves the reference's floor near
    /// 1e-6 at the first resolution, where a second-order solver has two judged rungs: d = 2 then doubles the modes
    /// and halves the step (a floor near 1e-7); d = 3 takes 4/3 of the modes (1.6e-6: as many as a check can afford
    /// at (2K + 1)^3 modes), its time ladder is sized to the solver's error, and its grid ladder stops at 32 nodes, where
    /// the own solver's spatial error still stands above the threshold.
    let private modelConvergence (model: Model) =
        let subject, design =
            match model.Scenario.Dimension with
            | 1 ->
                ConvergenceProblem.Model(model.Scenario, model.ScenarioName),
                { Cells = 64; Horizon = 1.0; OutputInterval = 0.5; Box = 8.0; TimeSteps = steps; TimeGrid = 256; Grids = [ 32; 64; 128 ]; GridStep = 0.00625
                  References = [ { Modes = 192; Step = 0.003125 } ] }
            | 2 ->
                ConvergenceProblem.Model(model.Scenario, model.ScenarioName),
                { Cells = 64; Horizon = 1.0; OutputInterval = 0.5; Box = 6.0; TimeSteps = steps; TimeGrid = 96; Grids = [ 24; 48; 96 ]; GridStep = 0.00625
                  References = [ { Modes = 48; Step = 0.0125 }; { Modes = 96; Step = 0.00625 } ] }
            | _ ->
                ConvergenceProblem.Model(model.Scenario, model.ScenarioName),
                { Cells = 16; Horizon = 0.5; OutputInterval = 0.5; Box = 4.0; TimeSteps = steps; TimeGrid = 64; Grids = [ 16; 24; 32 ]; GridStep = 0.00625
                  References = [ { Modes = 24; Step = 0.0125 }; { Modes = 32; Step = 0.0125 } ] }
        if model.Given && not (model.Scenario.Initial :? MeanField.Core.Scenarios.MonokineticSpec) then [ Convergence.check subject design, derived ] else []

    /// The model of the closed form in dimension d: the model itself in its own; in another, its kernels with the law
    /// of d (no external force and no initial field, which have a dimension of their own and which the closed form
    /// drops anyway).
    let private closedFormModel (model: Model) (d: int) =
        if d = model.Scenario.Dimension then model.Scenario, model.ScenarioName
        else
            let law, name = model.Law d
            let bare =
                (Term.scaleModel Term.InitialField 0.0 model.Scenario).WithExternalForce(MeanField.Core.Scenarios.NoForceSpec())
            bare.InDimension(d, law), sprintf "%s in d = %d (%s)" model.ScenarioName d name

    /// The code checks: convergence on the manufactured problem of each dimension (every term of (P) on), on the
    /// model when a user gave it, on the manufactured problems without chemotaxis (what an alignment-only code
    /// solves), and the closed forms (linear Cucker-Smale in d = 1, 2, 3; momentum and the field's independence
    /// in the model's dimension).
    let private codeChecks (model: Model) =
        [ for d in 1..3 -> Convergence.check (ConvergenceProblem.Manufactured d) (manufacturedDesign d), derived ]
        @ modelConvergence model
        @ [ for d in 1..3 -> Convergence.check (ConvergenceProblem.AlignmentOnly d) (alignmentDesign d), derived ]
        @ [ for d in 1..3 ->
                let scenario, name = closedFormModel model d
                ClosedForms.linear scenario name { Cells = 64; Horizon = 1.0; Every = 0.5; Steps = steps }, derived ]
        @ [ ClosedForms.momentum model.Scenario model.ScenarioName 200, derived
            ClosedForms.fieldIndependence model.Scenario model.ScenarioName 200, derived ]

    /// The suite table: a row per check (or family of checks), in the order every suite runs them, each row
    /// giving its checks and ladders in the quick, full and large suites side by side. Adding a check of an
    /// existing kind is one row here.
    ///
    /// quick: every check sized to finish in a few minutes on a 2-core machine. Rungs below FitFrom are the
    /// pre-asymptotic policy: the first rung of every ladder is measured and shown but not fitted. Every
    /// rate check draws its replicas sequentially, from the first look's count up to four times as many,
    /// and stops when decided; no check may run past <c>quickSeconds</c>. The sharpness checks on the square
    /// and the clusters are cheap because their control variates remove over 90% of the variance. Ladders
    /// end at N = 2000 or below (4000 for the square, whose log-corrected slope needs the length): every
    /// first look decides with a margin, and exact transport at 4000 against 16000 points would cost a fifth
    /// of the suite.
    ///
    /// full: publication sizes, longer ladders and more replicas, sized to finish within 40 minutes on a
    /// 2-core machine, each rate check sequential up to four times its first look. Exact transport on
    /// monokinetic clouds (points near a curve in phase space) is the slowest per point, so that ladder
    /// stops at 4000.
    ///
    /// large: beyond one machine (run it sharded: <c>--plan</c>): mean-field ladders to N = 102400 in d = 2
    /// and d = 3 against 10^7-cell references, Fournier-Guillin ladders to 64000, and 16 replicas per rung
    /// at the first look, up to 64. No time budget: under sharding the replica budget is the limit.
    let private table : (Model -> SuiteKind -> (Check * Ladder) list) list =
        let sized (check: Check) (ladders: PerSuite<Ladder>) = fun (_: Model) (suite: SuiteKind) -> [ check, ladders.For suite ]
        let meanFieldLadder = { Quick = looks (doubling 125.0 5) 4 250.0; Full = looks (doubling 125.0 6) 12 250.0; Large = Ladder.sequential (doubling 200.0 10) 16 64 400.0 }
        let referenceCells = { Quick = 128000; Full = 1_000_000; Large = 10_000_000 }
        let meanFieldTimes = { Quick = [ 1.0; 2.0 ]; Full = [ 0.5; 1.0; 2.0 ]; Large = [ 0.5; 1.0; 2.0 ] }
        // The chemical gradient reads the mean-field checks' reference run at t = 1, so it comes after them.
        let meanFieldWithGradient (model: Model) (suite: SuiteKind) =
            meanField model (meanFieldTimes.For suite) (referenceCells.For suite) (meanFieldLadder.For suite)
            @ [ ChemicalGradient.check model.Scenario model.ScenarioName 1.0 (referenceCells.For suite), meanFieldLadder.For suite ]
        [ fun model suite ->
              fournierGuillin model (fun d ->
                  { Quick = looks (doubling 125.0 5) (if d = 1 then 8 else 6) 250.0
                    Full = looks (doubling 125.0 7) 16 500.0
                    Large = Ladder.sequential (doubling 125.0 10) 16 64 500.0 }.For suite)
          sized (FournierGuillin.sharpness SharpnessCase.Square)
              { Quick = looks (doubling 125.0 6) 4 250.0; Full = looks (doubling 125.0 7) 8 500.0; Large = Ladder.sequential (doubling 125.0 10) 8 32 500.0 }
          sized (FournierGuillin.sharpness SharpnessCase.Clusters)
              { Quick = looks (doubling 32.0 6) 8 32.0; Full = looks (doubling 64.0 7) 16 128.0; Large = Ladder.sequential (doubling 64.0 10) 16 64 128.0 }
          sized (FournierGuillin.sharpness SharpnessCase.Cube6)
              { Quick = looks (doubling 125.0 5) 6 250.0; Full = looks (doubling 125.0 7) 16 500.0; Large = Ladder.sequential (doubling 125.0 10) 16 64 500.0 }
          // Every perturbation delta is in the linear regime, so all rungs are fitted.
          fun model suite ->
              let horizon, cells = { Quick = 1.0, 400; Full = 2.0, 2000; Large = 2.0, 8000 }.For suite
              [ Dobrushin.check model.Scenario model.ScenarioName horizon cells,
                { Quick = looks [ 1e-6; 1e-5; 1e-4; 1e-3; 1e-2 ] 4 0.0
                  Full = looks [ 1e-8; 1e-7; 1e-6; 1e-5; 1e-4; 1e-3; 1e-2 ] 8 0.0
                  Large = Ladder.sequential [ 1e-8; 1e-7; 1e-6; 1e-5; 1e-4; 1e-3; 1e-2 ] 16 64 0.0 }.For suite ]
          meanFieldWithGradient
          // The large suite also measures Theorem 2.1 in d = 3 (unless the model is already in d = 3).
          fun model suite ->
              match suite with
              | SuiteKind.Large when model.Scenario.Dimension <> 3 ->
                  let law, name = model.Law 3
                  meanFieldWithGradient { model with Scenario = model.Scenario.InDimension(3, law); ScenarioName = sprintf "%s in d = 3 (%s)" model.ScenarioName name } suite
              | _ -> []
          fun model suite ->
              referenceChecks model
                  ({ Quick = looks (doubling 125.0 5) 4 250.0; Full = looks (doubling 125.0 7) 12 250.0; Large = Ladder.sequential (doubling 125.0 9) 16 64 250.0 }.For suite)
                  ({ Quick = looks (doubling 125.0 5) 4 250.0; Full = looks (doubling 125.0 6) 12 250.0; Large = Ladder.sequential (doubling 125.0 8) 16 64 250.0 }.For suite)
          fun model suite ->
              [ APriori.check model.Scenario model.ScenarioName,
                { Quick = ladder [ 250.0; 1000.0 ] 1 0.0; Full = ladder [ 250.0; 1000.0; 4000.0 ] 2 0.0; Large = ladder [ 250.0; 1000.0; 4000.0; 16000.0 ] 4 0.0 }.For suite ]
          fun model _ -> codeChecks model ]

    /// The suite of that kind for the model: the table's rows in order, with the kind's seconds per check.
    let ofKind (kind: SuiteKind) (model: Model) =
        let seconds = { Quick = Some quickSeconds; Full = Some fullSeconds; Large = None }.For kind
        { Name = kind.Name
          Entries =
            table
            |> List.collect (fun row -> row model kind)
            |> List.map (fun (check, l) -> check, (match seconds with Some s -> { l with Seconds = Some s } | None -> l)) }

    /// Every check, sized for CI: minutes on a 2-core machine.
    let quick (model: Model) = ofKind SuiteKind.Quick model

    /// Publication sizes: within 40 minutes on a 2-core machine.
    let full (model: Model) = ofKind SuiteKind.Full model

    /// Beyond one machine: run it sharded (<c>--plan</c>).
    let large (model: Model) = ofKind SuiteKind.Large model

    /// The budget overridden from the command line: replicas per rung at most (a count below a check's
    /// first look makes it a fixed design at its first look) and seconds per check.
    let withBudget (maxReplicas: int option) (seconds: float option) (suite: Suite) =
        { suite with
            Entries =
              suite.Entries
              |> List.map (fun (check, l) ->
                  let l = match maxReplicas with Some m -> { l with MaxReplicas = max l.Replicas m } | None -> l
                  check, (match seconds with Some s -> { l with Seconds = Some s } | None -> l)) }

    let byName (name: string) (model: Model) =
        match SuiteKind.all |> List.tryFind (fun k -> k.Name = name) with
        | Some kind -> Ok(ofKind kind model)
        | None -> Error $"suite '{name}' does not exist (quick, full, large)"

    let ids (suite: Suite) = suite.Entries |> List.map (fun (c, _) -> c.Id)

    /// Only the named checks and the checks they need (a derived check reads their results); an unknown
    /// name is an error naming the known ones.
    let select (names: string list) (suite: Suite) =
        match names |> List.filter (fun n -> not (List.contains n (ids suite))) with
        | [] when names.IsEmpty -> Ok suite
        | [] ->
            let needs id = suite.Entries |> List.find (fun (c, _) -> c.Id = id) |> fun (c, _) -> c.Needs |> List.filter (fun n -> List.contains n (ids suite))
            let rec close (chosen: Set<string>) =
                let grown = chosen |> Seq.collect needs |> Set.ofSeq |> Set.union chosen
                if grown = chosen then chosen else close grown
            let chosen = close (Set.ofList names)
            Ok { suite with Entries = suite.Entries |> List.filter (fun (c, _) -> chosen.Contains c.Id) }
        | unknown ->
            let known = String.Join(", ", ids suite)
            let missing = String.Join(", ", unknown)
            Error $"no check named {missing} (known: {known})"

    /// What of the solver determines the numbers: its name, and its version unless it is the project's own
    /// (whose version is the tool's, which changes with every commit while the numbers do not).
    let private solverKey (solver: SolverIdentity) =
        match solver.Kind with
        | SolverKind.Own -> solver.Name
        | _ -> sprintf "%s|%s|%A" solver.Name (Option.ofObj solver.Version |> Option.defaultValue "") solver.ProtocolVersion

    /// A hash of everything that determines the numbers: suite, seed, checks, ladders, the scenario text and the solver.
    let configurationHash (suite: Suite) (seed: int) (scenario: string) (solver: SolverIdentity) =
        let text = StringBuilder()
        text.Append(suite.Name).Append('|').Append(seed).Append('|').Append(scenario) |> ignore
        if solver.Kind <> SolverKind.Own || solver.Name <> "own" then text.Append("|solver:").Append(solverKey solver) |> ignore
        for check, l in suite.Entries do
            let xs = String.Join(",", l.Xs |> List.map (fun x -> x.ToString("R", Globalization.CultureInfo.InvariantCulture)))
            text.Append('|').Append(check.Id).Append(':').Append(xs).Append(':').Append(l.Replicas).Append(':').Append(l.FitFrom) |> ignore
            // A sequential budget changes the numbers (a seconds budget only where it binds, and the record says so).
            if l.MaxReplicas > l.Replicas then text.Append(":max").Append(l.MaxReplicas) |> ignore
            l.Seconds |> Option.iter (fun s -> text.Append(":s").Append(s.ToString("R", Globalization.CultureInfo.InvariantCulture)) |> ignore)
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant()[..15]

    /// The failure a check's run ended with, looked for inside the aggregates that parallel replicas throw.
    let rec private failure (e: exn) =
        match e with
        | :? SolverFailureException
        | :? ProblemNotSupportedException
        | :? GradientNotProvidedException
        | :? MeanField.Core.Dynamics.SimulationFailureException -> Some e
        | :? AggregateException as a -> a.InnerExceptions |> Seq.tryPick failure
        | _ ->
            match e.InnerException with
            | null -> None
            | inner -> failure inner

    /// The result of a check that could not be judged: Error (a run failed) or Not applicable (an output the solver does not give).
    let private unjudged (check: Check) (e: exn) (seconds: float) =
        let verdict, notes =
            match e with
            | :? GradientNotProvidedException as g -> Verdict.NotApplicable g.Message, [ g.Message ]
            | :? ProblemNotSupportedException as p ->
                Verdict.NotApplicable p.Message, [ sprintf "Not run: %s (the solver's declared capabilities)." p.Message ]
            | :? SolverFailureException as f ->
                let kind = SolverFailureException.NameOf f.Failure
                Verdict.Error(sprintf "%s: %s" kind f.Message),
                [ yield sprintf "The solver under test failed a run (%s): %s" kind f.Message
                  if not (String.IsNullOrWhiteSpace f.SolverMessage) then
                      yield "The solver's message (the end of its standard error):\n\n```\n" + f.SolverMessage + "\n```"
                  if not (isNull f.WorkFolder) then yield sprintf "Its work folder is kept for inspection: `%s`." f.WorkFolder ]
            | e -> Verdict.Error e.Message, [ sprintf "A run failed: %s" e.Message ]
        { Id = check.Id
          Title = check.Title
          Source = "Not judged"
          Statement = verdict.Reason
          Parameters = []
          Measurement = Measurement.Nothing
          Verdict = verdict
          Reference = check.Reference
          Notes = notes
          Seconds = seconds }

    /// Runs one check of a suite, given the results of the checks before it; a failed solver run is its
    /// Error verdict, a missing output its Not applicable (the suite goes on either way).
    /// Its replicas come from <c>source</c> and its reference runs are kept in <c>folder</c> (a work unit's);
    /// <see cref="ReplicasMissing"/> passes through.
    let runEntryFrom (source: ReplicaSource) (folder: string option) (settings: RunSettings) (earlier: CheckResult list) (check: Check, l: Ladder) =
        let started = Stopwatch.StartNew()
        let context =
            { Solver = SolverCapabilities.Guard settings.Solver; Seed = settings.Seed; Ladder = l; Progress = settings.Progress; Earlier = earlier
              Replicas = source; ReferenceFolder = folder }
        // A derived check whose every source that ran the solver was not applicable has nothing of it to read.
        let sources = earlier |> List.filter (fun r -> List.contains r.Id check.Needs && r.Reference.UsesSolver)
        let unread =
            if sources.IsEmpty || not (sources |> List.forall _.Verdict.IsNotApplicable) then None
            else Some(sprintf "every check of the solver it reads was not applicable (%s)" (String.Join(", ", sources |> List.map _.Id)))
        let result =
            match Check.lacking settings.Solver.Identity check |> Option.orElse unread with
            | Some reason -> unjudged check (ProblemNotSupportedException reason) 0.0
            | None ->
                try
                    check.Run context
                with e ->
                    match failure e with
                    | Some f -> unjudged check f started.Elapsed.TotalSeconds
                    | None -> reraise ()
        settings.Finished result
        result

    /// Each check of the suite with why the solver's declared capabilities leave it out (None: it runs).
    let applicability (suite: Suite) (solver: SolverIdentity) =
        suite.Entries |> List.map (fun (check, _) -> check.Id, Check.lacking solver check)

    /// Runs one check of a suite in this process (every replica measured here).
    let runEntry settings earlier entry = runEntryFrom ReplicaSource.all None settings earlier entry

    /// The run's result from its checks' results, in the suite's order.
    let assemble (suite: Suite) (settings: RunSettings) (checks: CheckResult list) (seconds: float) =
        { Suite = suite.Name
          Seed = settings.Seed
          Solver = settings.Solver.Identity
          Checks = checks
          ConfigurationHash = configurationHash suite settings.Seed settings.ScenarioText settings.Solver.Identity
          Seconds = seconds }

    /// Runs every check of the suite in order on the solver under test, each given the results before it.
    /// A check whose solver run fails gets the Error verdict (the others go on); one that needs an output the
    /// solver does not give, Not applicable.
    let run (suite: Suite) (settings: RunSettings) =
        let clock = Stopwatch.StartNew()
        let checks =
            (([]: CheckResult list), suite.Entries)
            ||> List.fold (fun earlier entry -> runEntry settings (List.rev earlier) entry :: earlier)
            |> List.rev
        assemble suite settings checks clock.Elapsed.TotalSeconds
