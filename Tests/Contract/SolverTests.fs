module MeanField.Tests.Contract.SolverTests

open System
open System.IO
open Expecto
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Tests

let private withTemp f = TempFolder.within "solver" f

/// The built command line tool beside the tests, started as `dotnet meanfield.dll`.
let meanfield =
    let dll = Path.Combine(AppContext.BaseDirectory, "meanfield.dll")
    $"dotnet \"{dll}\""

/// A short run of the default scenario (d = 2) from 60 sampled cells: to t = 0.1, two output times.
let private problem wantsGradient =
    let scenario = ScenarioReader.Default()
    let start = InitialData.Sample(scenario.Initial, 2, 60, 17)
    SolverProblem.Create(scenario, start, 0.1, 0.05, wantsGradient)

let private bits (states: ParticleState seq) =
    [ for s in states do
          yield! s.Positions |> Array.map BitConverter.DoubleToInt64Bits
          yield! s.Velocities |> Array.map BitConverter.DoubleToInt64Bits ]

/// Writes an executable bash script into <c>dir</c> and gives the command line that runs it.
let private script (dir: string) (name: string) (body: string) =
    let path = Path.Combine(dir, name)
    // It answers --version, as the protocol asks, and refuses --capabilities, as a protocol 1 solver does: the
    // harness asks both once when the solver is made.
    File.WriteAllText(path, "#!/usr/bin/env bash\nset -eu\nw=\"$1\"\nif [ \"$w\" = --version ]; then echo test-solver 1; exit 0; fi\nif [ \"$w\" = --capabilities ]; then exit 1; fi\n" + body + "\n")
    $"bash \"{path}\""

/// A protocol solver in bash whose cells never move: every output time repeats initial.csv (wrong
/// physics, valid files), then <c>mangle</c> (a sed program) breaks particles.csv one way.
let private frozen (times: float list) (mangle: string) =
    let rows =
        times
        |> List.map (fun t ->
            let time = t.ToString(Globalization.CultureInfo.InvariantCulture)
            $"tail -n +2 \"$w/initial.csv\" | sed 's/^/{time},/'")
        |> String.concat "; "
    $"{{ echo 't,i,x1,x2,v1,v2'; {rows}; }} > \"$w/particles.csv\"\n" + (if mangle = "" then "" else $"sed -i '{mangle}' \"$w/particles.csv\"")

let private failureOf (solver: IParticleSolver) (p: SolverProblem) =
    let e: SolverFailureException = raises (fun () -> solver.Solve p |> ignore)
    e

[<Tests>]
let tests =
    testList "MeanField.Core.Solvers" [
        test "A command line is split into words as a shell splits it, quotes and backslashes included, and no shell runs" {
            Expect.sequenceEqual (CommandLine.Split "python3 my_solver.py") [ "python3"; "my_solver.py" ] "blanks"
            Expect.sequenceEqual (CommandLine.Split "  a   'b c'  \"d \\\"e\\\" $HOME\" f\\ g ''") [ "a"; "b c"; "d \"e\" $HOME"; "f g"; "" ] "quotes, escapes, no expansion"
            Expect.sequenceEqual (CommandLine.Split "x'y'\"z\"") [ "xyz" ] "adjacent quoted parts make one word"
            for bad in [ "a 'b"; "a \"b"; "a \\"; "   " ] do
                Expect.throwsT<ArgumentException> (fun () -> CommandLine.Split bad |> ignore) $"'{bad}'"
        }

        test "The output times are the multiples of the output interval up to the horizon, plus the horizon" {
            let scenario = ScenarioReader.Default()
            let times (horizon: float) (every: float) = SolverProblem.Create(scenario, InitialData.Sample(scenario.Initial, 2, 3, 1), horizon, every).OutputTimes |> List.ofSeq
            Expect.sequenceEqual (times 0.05 0.02) [ 0.02; 0.04; 0.05 ] "the horizon after the last multiple"
            Expect.sequenceEqual (times 0.04 0.02) [ 0.02; 0.04 ] "the horizon once"
        }

        test "The protocol's CSV files round-trip every bit, masses included, and name the line and field of a malformed one" {
            withTemp (fun dir ->
                let start = InitialData.Sample(ScenarioReader.Default().Initial, 2, 25, 3)
                let weighted = ParticleState(2, 25, Masses = Array.init 25 (fun i -> float (i + 1) / 325.0))
                start.Positions.CopyTo(weighted.Positions, 0)
                start.Velocities.CopyTo(weighted.Velocities, 0)
                let path = Path.Combine(dir, "initial.csv")
                do
                    use w = new StreamWriter(path)
                    CellsCsv.WriteInitial(w, weighted)
                let back = CellsCsv.ReadInitial(path, 2)
                Expect.sequenceEqual (bits [ back ]) (bits [ weighted ]) "positions and velocities"
                Expect.sequenceEqual (nonNull back.Masses) (nonNull weighted.Masses) "masses"
                File.WriteAllText(path, "i,x1,x2,v1,v2\n0,1,2,3,4\n1,1,NaN,3,4\n")
                let e: ProtocolFileException = raises (fun () -> CellsCsv.ReadInitial(path, 2) |> ignore)
                Expect.equal e.Failure SolverFailure.NonFinite "NaN"
                Expect.stringContains e.Message "line 3: x2" "names the line and the field"
                File.WriteAllText(path, "i,x1,x2,v1,v2\n")
                let empty: ProtocolFileException = raises (fun () -> CellsCsv.ReadInitial(path, 2) |> ignore)
                Expect.stringContains empty.Message "empty cloud" "an empty cloud")
        }

        test "meanfield solve through the external protocol gives the in-process solver's bits, gradient included, and its version" {
            let p = problem true
            let inProcess = OwnSolver().Solve p
            use external = ExternalProcessSolver.Create(meanfield + " solve", TimeSpan.FromMinutes 2.0, 2)
            let outside = external.Solve p
            Expect.sequenceEqual (bits outside.States) (bits inProcess.States) "the same bits at every output time"
            let gradientBits (s: SolverSolution) = [ for g in nonNull s.Gradients do for c in g do yield! Array.map BitConverter.DoubleToInt64Bits c ]
            Expect.sequenceEqual (gradientBits outside) (gradientBits inProcess) "grad phi at the nodes, the same bits"
            Expect.isTrue ((nonNull external.Identity.Version).StartsWith "meanfield ") $"version: {external.Identity.Version}"
            Expect.equal external.Identity.ProtocolVersion (Nullable 1) "protocol 1"
            Expect.isFalse (Directory.Exists(Path.Combine(external.WorkRoot, "run-000001"))) "a successful run's folder is removed"
        }

        test "Every way an external solver can misbehave gets its named failure, keeps its work folder and says what the solver said" {
            withTemp (fun dir ->
                let p = problem false
                let times = List.ofSeq p.OutputTimes
                let cases =
                    [ "exit 1", "echo 'the solver failed on purpose' >&2\nexit 1", SolverFailure.NonZeroExit
                      "NaN in the output", frozen times "3s/^\\([^,]*\\),\\([^,]*\\),[^,]*/\\1,\\2,NaN/", SolverFailure.NonFinite
                      "3 columns in d = 2", frozen times "s/,[^,]*,[^,]*$//", SolverFailure.WrongColumns
                      "a missing output time", frozen [ 0.05; 0.0999 ] "", SolverFailure.MissingTime
                      "the wrong number of cells", frozen times "$d", SolverFailure.WrongCells
                      "no file at all", "echo 'wrote nothing' >&2", SolverFailure.MissingFile ]
                for name, body, failure in cases do
                    use solver = ExternalProcessSolver.Create(script dir (name.Replace(' ', '-') + ".sh") body, TimeSpan.FromSeconds 30.0, 1, Path.Combine(dir, name.Replace(' ', '-')))
                    let e = failureOf solver p
                    Expect.equal e.Failure failure $"{name}: {e.Message}"
                    Expect.isTrue (File.Exists(Path.Combine(nonNull e.WorkFolder, "scenario.yaml"))) $"{name}: the work folder is kept"
                    Expect.stringContains e.Message (nonNull e.WorkFolder) $"{name}: the message names the folder"
                let loud = ExternalProcessSolver.Create(script dir "loud.sh" "echo 'the solver failed on purpose' >&2\nexit 1", TimeSpan.FromSeconds 30.0, 1, Path.Combine(dir, "loud"))
                Expect.stringContains (nonNull (failureOf loud p).SolverMessage) "failed on purpose" "the tail of its standard error"
                let frozenSolver = ExternalProcessSolver.Create(script dir "frozen.sh" (frozen times ""), TimeSpan.FromSeconds 30.0, 1, Path.Combine(dir, "frozen"))
                let still = frozenSolver.Solve p
                Expect.sequenceEqual (bits [ still.Final ]) (bits [ p.Initial ]) "a well-formed output is read as written")
        }

        test "An external solver that runs past its time-out is killed with its children" {
            withTemp (fun dir ->
                let marker = Path.Combine(dir, "child-survived")
                // The child would write the marker after 3 s; the time-out is 1 s.
                let body = $"(sleep 3; touch \"{marker}\") &\nsleep 30"
                use solver = ExternalProcessSolver.Create(script dir "sleeper.sh" body, TimeSpan.FromSeconds 1.0, 1, Path.Combine(dir, "runs"))
                let clock = Diagnostics.Stopwatch.StartNew()
                let e = failureOf solver (problem false)
                Expect.equal e.Failure SolverFailure.Timeout e.Message
                Expect.isLessThan clock.Elapsed.TotalSeconds 10.0 "it did not wait for the sleep"
                Threading.Thread.Sleep 3500
                Expect.isFalse (File.Exists marker) "the child was killed too"
                Expect.isTrue (Directory.Exists(nonNull e.WorkFolder)) "the work folder is kept")
        }

        test "A solver command that cannot start, and an assembly type that does not implement the contract, are refused before any run" {
            let e: SolverFailureException = raises (fun () -> ExternalProcessSolver.Create("/no/such/solver --flag", TimeSpan.FromSeconds 5.0, 1) |> ignore)
            Expect.equal e.Failure SolverFailure.NotLoadable e.Message
            let core = typeof<OwnSolver>.Assembly.Location
            let wrong: SolverFailureException = raises (fun () -> SolverSpec.Parse($"assembly:{core}:MeanField.Core.Dynamics.HybridModel") |> ignore)
            Expect.equal wrong.Failure SolverFailure.NotLoadable wrong.Message
            Expect.stringContains wrong.Message "does not implement MeanField.Core.Solvers.IParticleSolver" "says why"
            let loaded = SolverSpec.Parse($"assembly:{core}:MeanField.Core.Solvers.OwnSolver")
            Expect.equal loaded.Identity.Kind SolverKind.Assembly "a type that does implement it loads"
            Expect.stringContains loaded.Identity.Name "MeanField.Core.Solvers.OwnSolver" "named by its type"
            Expect.throwsT<ArgumentException> (fun () -> SolverSpec.Parse "mine" |> ignore) "an unknown form"
        }

        test "own:mesh agrees with own to the mesh alignment's accuracy, and is named apart" {
            let p = problem false
            let direct, mesh = OwnSolver().Solve(p).Final, OwnSolver(mesh = true).Solve(p).Final
            let gap = Array.map2 (fun a b -> abs (a - b)) direct.Velocities mesh.Velocities |> Array.max
            Expect.isLessThan gap 1e-6 "the mesh alignment's error (order 6 in the spacing) after 10 steps"
            Expect.isGreaterThan gap 0.0 "but another method"
            Expect.equal (SolverSpec.Parse "own:mesh").Identity.Name "own:mesh" "its name"
        }

        test "The own solver gives the same bits on every run, and reports a blow-up as a named run failure" {
            let p = problem false
            Expect.sequenceEqual (bits (OwnSolver().Solve(p).States)) (bits (OwnSolver().Solve(p).States)) "deterministic"
            let scenario = Solvers.edit [ "max_speed: 1000000", "max_speed: 0.01" ] (ScenarioReader.Default())
            let e = failureOf (OwnSolver()) (SolverProblem.Create(scenario, p.Initial, 0.1))
            Expect.equal e.Failure SolverFailure.RunFailed e.Message
            Expect.stringContains e.Message "max_speed" "the blow-up's message"
        }
    ]
