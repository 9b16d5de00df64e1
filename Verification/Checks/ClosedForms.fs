namespace MeanField.Verification.Checks

open System
open System.Diagnostics
open MeanField.Core.Particles
open MeanField.Core.References
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Verification

/// Closed forms of (P), judged on the solver under test (METHODS.md section 8): linear Cucker-Smale
/// (psi = 1, no chemotaxis) solved exactly, total momentum under a symmetric alignment, and cells that do
/// not feel the field when eta = 0.
/// The closed-form check's design: cells from the model's initial law, the horizon and output interval,
/// and the time ladder.
type ClosedFormDesign =
    { Cells: int
      Horizon: float
      Every: float
      Steps: float list }

[<RequireQualifiedAccess>]
module ClosedForms =

    /// The round-off a double-precision solver is allowed on quantities of order one.
    [<Literal>]
    let RoundOff = 1e-12

    let private exact =
        { Description = "the closed form of linear Cucker-Smale: v_i(t) = vbar + (v_i(0) - vbar) e^{-beta t}, x_i(t) = x_i(0) + vbar t + (v_i(0) - vbar)(1 - e^{-beta t}) / beta"
          Components = CodeComponents.None
          UsesSolver = true
          Cells = None }

    let private conservation =
        { Description = "conservation laws of (P): no reference run"
          Components = CodeComponents.None
          UsesSolver = true
          Cells = None }

    /// The model with pure alignment: eta = 0 and no external force (the field's constants kept).
    let private pureAlignment (scenario: Scenario) =
        (Term.scaleModel Term.Chemotaxis 0.0 scenario).WithExternalForce(NoForceSpec())

    /// The cells of the closed form at time t.
    let linearCuckerSmale (beta: float) (start: ParticleState) (t: float) =
        let n, d = start.Count, start.Dimension
        let s = ParticleState(d, n)
        let decay = exp (-beta * t)
        let drift = if beta = 0.0 then t else (1.0 - decay) / beta
        for a in 0 .. d - 1 do
            let mutable mean = 0.0
            for i in 0 .. n - 1 do
                mean <- mean + start.Mass i * start.Velocities[a * n + i]
            for i in 0 .. n - 1 do
                let v0 = start.Velocities[a * n + i]
                s.Velocities[a * n + i] <- mean + (v0 - mean) * decay
                s.Positions[a * n + i] <- start.Positions[a * n + i] + mean * t + (v0 - mean) * drift
        s

    /// The closed form's one term, the alignment: how far a 5% error in beta moves it (the largest |x - x'|
    /// or |v - v'| over the cells and output times).
    let margins (beta: float) (start: ParticleState) (times: float seq) =
        let moved = beta * (1.0 + TermMargin.Error)
        [ { Term = Term.Alignment
            Effect = times |> Seq.map (fun t -> SpectralReference.Difference(linearCuckerSmale beta start t, linearCuckerSmale moved start t)) |> Seq.max } ]

    /// <c>closed-form-d{d}</c>: psi = 1 (sigma = 0) and eta = 0, so dv_i/dt = beta (vbar - v_i); the time
    /// ladder's order against the closed form, whose floor is round-off.
    let linear (scenario: Scenario) (scenarioName: string) (design: ClosedFormDesign) : Check =
        let { Cells = cells; Horizon = horizon; Every = every; Steps = steps } = design
        let d = scenario.Dimension
        let id = CheckId.ClosedForm(d).Text
        let title = sprintf "Closed form: linear Cucker-Smale, d = %d" d
        let beta =
            match scenario.Alignment with
            | :? CuckerSmaleSpec as cs -> cs.Beta
            | _ -> 1.0
        // With eta = 0 the field does not act on the cells: a grid of 16 nodes per axis spares a solver its cost
        // (the model's own grid, 128^3 for the default in d = 3, would dominate the check).
        let model =
            let linear = (pureAlignment scenario).WithAlignment(CuckerSmaleSpec(beta, 1.0, 0.0))
            linear.WithDomain(linear.Domain.Box, min linear.Domain.Grid 16)
        Check.solves [ ProblemShape.Of model ] id title exact
        <| fun context ->
            let clock = Stopwatch.StartNew()
            let start = InitialData.Sample(scenario.Initial, d, cells, Seeds.derive context.Seed id [])
            let ladder, runs, _ =
                Convergence.measureSized context
                    { Id = id
                      Steps = steps
                      Interval = every
                      Threshold = Convergence.FloorFactor * RoundOff
                      TimeProblem = fun dt -> SolverProblem.Create(model.WithTime(horizon, dt, every), start, horizon, every)
                      Others = [||]
                      Exact = fun _ t -> linearCuckerSmale beta start t }
            let declared = DeclaredOrder.Of context.Solver.Identity
            let times = SolverProblem.Create(model.WithTime(horizon, List.head steps, every), start, horizon, every).OutputTimes
            let margins = margins beta start times
            let time =
                Convergence.judge { Variable = "dt"; Xs = List.toArray ladder; Errors = Array.map fst runs; Seconds = Array.map snd runs }
                    { Floor = RoundOff; Declared = declared; Margins = margins }
            let measurement =
                { Time = time
                  Grid = None
                  Floor = RoundOff
                  FloorText = "round-off of the closed form in double precision"
                  FloorFactor = Convergence.FloorFactor
                  Margins = margins
                  Bound = Convergence.bound RoundOff [ time ] }
            { Id = id
              Title = title
              Source = "METHODS.md section 8 (closed form)"
              Statement = sprintf "With psi = 1 (sigma = 0), no chemotaxis and no external force, dv_i/dt = beta (vbar - v_i): the solver's error against the closed form falls as dt^p, p its declared order."
              Parameters =
                [ "model", scenarioName + sprintf ", with sigma = 0, beta = %g, eta = 0, no external force" beta
                  "cells", sprintf "%d from the model's initial law" cells
                  "horizon, output times", sprintf "%g, every %g" horizon every
                  "time ladder", String.Join(", ", ladder |> List.map (sprintf "%.6g")) + Convergence.sizedNote steps ladder
                  "declared order in dt", Convergence.declaredText declared ]
              Measurement = Measurement.Convergence measurement
              Verdict = Convergence.combine time None
              Reference = exact
              Notes = [ yield "Time ladder: " + time.Reason + "."; yield! Convergence.marginNotes measurement ]
              Seconds = clock.Elapsed.TotalSeconds }

    /// A quantity measured at the output times against the round-off allowance.
    let private roundOffSeries (header: CheckHeader) (quantity: string) (times: float[]) (measured: float[]) =
        { Quantity = quantity
          Source = header.Source
          Formula = sprintf "%g (round-off)" RoundOff
          Times = times
          Measured = measured
          Bound = Array.create times.Length RoundOff
          Slack = 0.0 }

    /// A bounds result of one quantity against the round-off allowance at every output time.
    let private roundOffResult (header: CheckHeader) parameters (series: BoundSeries) seconds =
        { Id = header.Id
          Title = header.Title
          Source = header.Source
          Statement = header.Statement
          Parameters = parameters
          Measurement = Measurement.Bounds [ series ]
          Verdict = BoundSeries.Verdict [ series ]
          Reference = conservation
          Notes = if series.Measures then [] else [ "No output time after 0, or a measurement that is not finite: nothing was measured (Inconclusive). A horizon past 0 would resolve it." ]
          Seconds = seconds }

    /// <c>momentum-d{d}</c>: under pure alignment with a symmetric kernel (gamma(-y, -w) = -gamma(y, w), as
    /// Cucker-Smale's), the total momentum sum_i m_i v_i is conserved: |P(t) - P(0)| stays at round-off.
    let momentum (scenario: Scenario) (scenarioName: string) (cells: int) : Check =
        let d = scenario.Dimension
        let id = CheckId.Momentum(d).Text
        let title = sprintf "Momentum under pure alignment, d = %d" d
        let model = pureAlignment scenario
        Check.solves [ ProblemShape.Of model ] id title conservation
        <| fun context ->
            let clock = Stopwatch.StartNew()
            let start = InitialData.Sample(scenario.Initial, d, cells, Seeds.derive context.Seed id [])
            let solution = context.Solver.Solve(SolverProblem.Create(model, start, model.Time.Horizon, model.Time.OutputInterval))
            let momentumOf (s: ParticleState) = Array.init d (fun a -> Seq.sum (seq { for i in 0 .. s.Count - 1 -> s.Mass i * s.Velocities[a * s.Count + i] }))
            let p0 = momentumOf start
            let drift = solution.States |> Seq.map (fun s -> sqrt (Array.fold2 (fun acc a b -> acc + (a - b) * (a - b)) 0.0 (momentumOf s) p0)) |> Seq.toArray
            let symmetric = scenario.Alignment.IsSymmetric
            let result =
                let header =
                    { Id = id
                      Title = title
                      Source = "METHODS.md section 8 (conservation)"
                      Statement = "Under pure alignment (eta = 0, no external force) with a symmetric kernel the total momentum sum_i m_i v_i is conserved: the solver keeps it to round-off." }
                roundOffResult header
                    [ "model", scenarioName + ", with eta = 0 and no external force"
                      "cells", sprintf "%d from the model's initial law" cells
                      "horizon", sprintf "%g, step %g" model.Time.Horizon model.Time.Step ]
                    (roundOffSeries header "|P(t) - P(0)|" (Seq.toArray solution.Times) drift)
                    clock.Elapsed.TotalSeconds
            if symmetric then result
            else { result with Verdict = Verdict.NotApplicable "the alignment kernel is not known to be symmetric (only Cucker-Smale-type kernels are)"; Measurement = Measurement.Nothing }

    /// <c>field-independence-d{d}</c>: with eta = 0 the cells do not feel the field, so their trajectories
    /// do not change when the field's diffusion, decay and source change.
    let fieldIndependence (scenario: Scenario) (scenarioName: string) (cells: int) : Check =
        let d = scenario.Dimension
        let id = CheckId.FieldIndependence(d).Text
        let title = sprintf "Cells blind to the field when eta = 0, d = %d" d
        let model = pureAlignment scenario
        Check.solves [ ProblemShape.Of model ] id title conservation
        <| fun context ->
            let clock = Stopwatch.StartNew()
            let c = model.Chemotaxis
            let source = match c.Source.Scaled 2.0 with null -> c.Source | doubled -> doubled
            let changed = model.WithChemotaxis(ChemotaxisSpec(0.0, 2.0 * c.Diffusion, 2.0 * c.Decay + 0.5, source, c.InitialField))
            let start = InitialData.Sample(scenario.Initial, d, cells, Seeds.derive context.Seed id [])
            let solve (s: Scenario) = context.Solver.Solve(SolverProblem.Create(s, start, s.Time.Horizon, s.Time.OutputInterval))
            let first, second = solve model, solve changed
            let gaps = Seq.map2 (fun a b -> SpectralReference.Difference(a, b)) first.States second.States |> Seq.toArray
            let header =
                { Id = id
                  Title = title
                  Source = "METHODS.md section 8 (closed form)"
                  Statement = "With eta = 0 the force eta grad phi vanishes: the cells' trajectories do not depend on the field's diffusion, decay or source." }
            roundOffResult header
                [ "model", scenarioName + ", with eta = 0 and no external force"
                  "changed field", "diffusion x2, decay x2 + 0.5, source amplitude x2"
                  "cells", sprintf "%d from the model's initial law" cells ]
                (roundOffSeries header "max_i |z_i(t) - z'_i(t)|" (Seq.toArray first.Times) gaps)
                clock.Elapsed.TotalSeconds
