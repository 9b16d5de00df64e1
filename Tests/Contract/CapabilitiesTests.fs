module MeanField.Tests.Contract.CapabilitiesTests

open System
open System.Threading
open Expecto
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Verification
open MeanField.Tests

/// The own solver under an identity that declares these capabilities, counting its runs.
let private declaring (capabilities: SolverCapabilities) (runs: int ref) =
    let own = OwnSolver()
    let identity = SolverIdentity(SolverKind.Assembly, "declaring", null, Nullable(), CodeComponents.None, Nullable 2.0, false, capabilities)
    { new IParticleSolver with
        member _.Identity = identity
        member _.Solve problem =
            Interlocked.Increment(&runs.contents) |> ignore
            own.Solve problem }

let private alignmentOnly =
    SolverCapabilities.Parse("protocol: 1.1\ndimensions: [1, 2, 3]\nalignment: [cucker_smale, none]\nchemotaxis: false\nexternal_force: [none, constant, confinement]\nmasses: true\n", "test")

[<Tests>]
let tests =
    testList "MeanField.Contract.Capabilities" [
        test "Capabilities read from their YAML say what a problem lacks, naming the part and its kind" {
            let manufactured d = ScenarioReader.Embedded(sprintf "manufactured-d%d" d)
            Expect.stringContains (nonNull (alignmentOnly.Lacks(manufactured 2, true))) "no chemotaxis, and the problem has eta = 1" "chemotaxis"
            let c = (manufactured 2).Chemotaxis
            let noField = (manufactured 2).WithChemotaxis(ChemotaxisSpec(0.0, c.Diffusion, c.Decay, c.Source, c.InitialField))
            Expect.isNull (alignmentOnly.Lacks(noField, true)) "eta = 0: the field's kinds do not matter"
            let flat = SolverCapabilities.Parse("dimensions: [2]\nmasses: false\nsource: [smooth_bump]\n", "test")
            Expect.stringContains (nonNull (flat.Lacks(manufactured 3, false))) "dimensions 2, and the problem is in d = 3" "the dimension"
            Expect.stringContains (nonNull (flat.Lacks(manufactured 2, true))) "no masses" "the masses"
            Expect.stringContains (nonNull (flat.Lacks(ScenarioReader.Default(), false))) "the problem's is polynomial_bump" "the source kind"
            Expect.isNull (flat.Lacks(manufactured 2, false)) "left-out keys place no limit"
            Expect.isNull (SolverCapabilities.All.Lacks(manufactured 3, true)) "everything"
        }

        test "Capabilities written out read back the same, and a malformed line is refused with its line and what was expected" {
            let back = SolverCapabilities.Parse(alignmentOnly.ToYaml(), "round trip")
            Expect.equal (back.ToYaml()) (alignmentOnly.ToYaml()) "the same capabilities"
            for text, expected in
                [ "dimensions: [1, 4]", "line 1 ('dimensions: [1, 4]'): expected dimensions among 1, 2, 3"
                  "masses: true\nalignment: [cucker_smale, vicsek]", "line 2 ('alignment: [cucker_smale, vicsek]'): expected kinds among"
                  "chemotaxis: maybe", "expected true or false"
                  "colour: blue", "expected one of the keys"
                  "masses: true\nmasses: false", "the key masses is given twice"
                  "protocol: 2", "expected protocol 1.1"
                  "just text", "expected key: value" ] do
                let message = (try SolverCapabilities.Parse(text, "the solver's --capabilities") |> ignore; "not refused" with :? FormatException as f -> f.Message)
                Expect.stringContains message expected text
                Expect.stringStarts message "the solver's --capabilities" "it names where the text came from"
        }

        test "A check whose problems the solver's capabilities lack is Not applicable with the reason, and the solver is never run for it" {
            let runs = ref 0
            let solver = declaring alignmentOnly runs
            let ids = [ CheckId.Convergence 1; CheckId.AlignmentConvergence 1; CheckId.ClosedForm 1 ] |> List.map _.Text
            let suite = match Suite.select ids (Suite.quick Suite.defaultModel) with Ok s -> s | Error e -> failwith e
            let run = Suite.run suite { Solver = solver; Seed = 3; ScenarioText = "test"; Progress = ignore; Finished = ignore }
            let verdicts = run.Checks |> List.map (fun c -> c.Id, c.Verdict.Name)
            Expect.equal verdicts [ "convergence-d1", "Not applicable"; "convergence-alignment-d1", "Holds"; "closed-form-d1", "Holds" ] "only the chemotaxis problem is left out"
            Expect.stringContains run.Checks.Head.Verdict.Reason "no chemotaxis" "with its reason"
            // The alignment check runs its five time steps, the closed form its five: none for the left-out check.
            Expect.equal runs.Value 10 "the left-out check ran nothing"
            let applicability = Suite.applicability suite solver.Identity
            Expect.equal (applicability |> List.map (fun (id, reason) -> id, reason.IsSome)) [ "convergence-d1", true; "convergence-alignment-d1", false; "closed-form-d1", false ] "listed before the run"
        }

        test "A solver that declares capabilities is refused, at run time, a problem it lacks that a check did not declare" {
            let runs = ref 0
            let guarded = SolverCapabilities.Guard(declaring alignmentOnly runs)
            let problem = SolverProblem.Create(ScenarioReader.Embedded "manufactured-d1", MeanField.Core.Particles.InitialData.Sample((ScenarioReader.Embedded "manufactured-d1").Initial, 1, 4, 1), 0.1)
            Expect.throwsT<ProblemNotSupportedException> (fun () -> guarded.Solve problem |> ignore) "refused"
            Expect.equal runs.Value 0 "before the solver is called"
        }

        test "The example Python solver answers --capabilities in both modes: in full, and alignment-only without chemotaxis" {
            use full = ExternalProcessSolver.Create($"python3 \"{Examples.pythonSolver}\"", TimeSpan.FromMinutes 1.0, 1)
            use flocking = ExternalProcessSolver.Create($"python3 \"{Examples.pythonSolver}\" --alignment-only", TimeSpan.FromMinutes 1.0, 1)
            Expect.isTrue (nonNull full.Identity.Capabilities).Chemotaxis "full: chemotaxis"
            Expect.isFalse (nonNull flocking.Identity.Capabilities).Chemotaxis "alignment only: none"
        }
    ]
