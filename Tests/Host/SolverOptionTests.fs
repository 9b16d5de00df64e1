module MeanField.Tests.Host.SolverOptionTests

open System
open System.IO
open System.Text.Json
open Expecto
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Tests.Host.SimulateTests

let private withTemp f = MeanField.Tests.TempFolder.within "solver-cli" f

let private json (folder: string) = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json"))).RootElement

let private check (root: JsonElement) (id: string) =
    root.GetProperty("checks").EnumerateArray() |> Seq.find (fun c -> c.GetProperty("id").GetString() = id)

let private errors (c: JsonElement) =
    [ for r in c.GetProperty("rungs").EnumerateArray() do
          for e in r.GetProperty("errors").EnumerateArray() -> BitConverter.DoubleToInt64Bits(e.GetDouble()) ]

/// A bash solver that fails: it says why on standard error and exits 1 (and answers --version).
let private failing (dir: string) =
    let path = Path.Combine(dir, "failing.sh")
    File.WriteAllText(path, "#!/usr/bin/env bash\nif [ \"$1\" = --version ]; then echo failing-solver 0.1; exit 0; fi\necho 'no solver here' >&2\nexit 1\n")
    $"bash \"{path}\""

[<Tests>]
let tests =
    testList "MeanField.Host.solver" [
        test "verify names a failing external solver's error, keeps its work folder, goes on with the other checks and writes a complete report" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "report")
                let junit = Path.Combine(dir, "junit.xml")
                let code, stdout, stderr =
                    run [ "verify"; "--solver-command"; failing dir; "--check"; "dobrushin"; "--check"; "sharpness-cube6"; "--out"; out; "--junit"; junit; "--quiet" ]
                Expect.equal code 1 $"an Error fails the run: {stdout} {stderr}"
                let root = json out
                let dobrushin = check root "dobrushin"
                Expect.equal (dobrushin.GetProperty("verdict").GetString()) "Error" "the failing check"
                Expect.stringContains (nonNull (dobrushin.GetProperty("verdict_reason").GetString())) "non-zero exit" "the named failure"
                Expect.equal (dobrushin.GetProperty("kind").GetString()) "none" "nothing measured"
                Expect.equal ((check root "sharpness-cube6").GetProperty("verdict").GetString()) "Holds" "the other check went on"
                let report = File.ReadAllText(Path.Combine(out, "report.md"))
                Expect.stringContains report "no solver here" "the solver's message"
                let folder =
                    dobrushin.GetProperty("notes").EnumerateArray()
                    |> Seq.map (fun n -> nonNull (n.GetString()))
                    |> Seq.pick (fun n -> if n.Contains "work folder is kept" then Some(n.Split('`')[1]) else None)
                Expect.isTrue (File.Exists(Path.Combine(folder, "initial.csv"))) $"the work folder {folder} is kept"
                Directory.Delete(folder, true)
                let solver = root.GetProperty("solver")
                Expect.equal (solver.GetProperty("kind").GetString()) "command" "the solver's kind"
                Expect.equal (solver.GetProperty("version").GetString()) "failing-solver 0.1" "its --version"
                Expect.equal (solver.GetProperty("protocol_version").GetInt32()) 1 "the protocol"
                Expect.stringContains report "Solver under test: the command `bash" "named in the report"
                Expect.stringContains (File.ReadAllText junit) "<error" "JUnit: an error")
        }

        test "The own solver gives the same numbers in-process, through meanfield solve and loaded from its assembly" {
            withTemp (fun dir ->
                let dll = Path.Combine(AppContext.BaseDirectory, "meanfield.dll")
                let core = typeof<OwnSolver>.Assembly.Location
                let runs =
                    [ "own", [ "--solver"; "own" ]
                      "command", [ "--solver-command"; $"dotnet \"{dll}\" solve" ]
                      "assembly", [ "--solver"; $"assembly:{core}:MeanField.Core.Solvers.OwnSolver" ] ]
                    |> List.map (fun (name, args) ->
                        let out = Path.Combine(dir, name)
                        let code, stdout, stderr = run ([ "verify"; "--check"; "dobrushin"; "--out"; out; "--quiet" ] @ args)
                        Expect.equal code 0 $"{name}: {stdout} {stderr}"
                        name, json out)
                let own = runs |> List.find (fun (n, _) -> n = "own") |> snd
                for name, root in runs do
                    Expect.sequenceEqual (errors (check root "dobrushin")) (errors (check own "dobrushin")) $"{name}: the same bits"
                let hashes = runs |> List.map (fun (_, r) -> r.GetProperty("configuration_hash").GetString()) |> List.distinct
                Expect.equal hashes.Length 3 "the configuration hash covers the solver"
                let independent = (check own "dobrushin").GetProperty("reference").GetProperty("independent_of_the_solver").GetString()
                Expect.equal independent "yes" "two coupled runs against a closed-form bound share no code with the solver")
        }

        test "compare and verify --baseline refuse runs of two different solvers unless told to compare them" {
            withTemp (fun dir ->
                let a, b = Path.Combine(dir, "a"), Path.Combine(dir, "b")
                let dll = Path.Combine(AppContext.BaseDirectory, "meanfield.dll")
                run [ "verify"; "--check"; "sharpness-cube6"; "--out"; a; "--quiet" ] |> ignore
                run [ "verify"; "--check"; "sharpness-cube6"; "--out"; b; "--quiet"; "--solver-command"; $"dotnet \"{dll}\" solve" ] |> ignore
                let ra, rb = Path.Combine(a, "results.json"), Path.Combine(b, "results.json")
                let code, _, stderr = run [ "compare"; ra; rb ]
                Expect.equal code 2 "refused"
                Expect.stringContains stderr "--allow-different-solvers" "says how to compare anyway"
                let allowed, _, _ = run [ "compare"; ra; rb; "--allow-different-solvers" ]
                Expect.equal allowed 0 "compared when asked (the check runs no solver: same numbers)"
                let again = Path.Combine(dir, "c")
                let code2, _, stderr2 = run [ "verify"; "--check"; "sharpness-cube6"; "--out"; again; "--quiet"; "--baseline"; rb ]
                Expect.equal code2 2 $"verify --baseline refuses too: {stderr2}"
                Expect.isFalse (Directory.Exists again) "nothing written")
        }

        test "Bad solver options exit 2 before anything runs, naming the option" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "report")
                let core = typeof<OwnSolver>.Assembly.Location
                for args, fragment in
                    [ [ "--solver"; "own"; "--solver-command"; "x" ], "both name"
                      [ "--solver"; "mine" ], "mine"
                      [ "--solver"; $"assembly:{core}:MeanField.Core.Dynamics.HybridModel" ], "does not implement"
                      [ "--solver"; "assembly:/no/such.dll:A.B" ], "no such file"
                      [ "--solver-command"; "/no/such/solver" ], "cannot be started"
                      [ "--solver-command"; "python3 'unbalanced" ], "unterminated"
                      [ "--solver-command"; failing dir; "--solver-jobs"; "0" ], "--solver-jobs"
                      [ "--solver-command"; failing dir; "--solver-timeout"; "-1" ], "--solver-timeout" ] do
                    let code, _, stderr = run ([ "verify"; "--check"; "dobrushin"; "--out"; out; "--quiet" ] @ args)
                    Expect.equal code 2 $"{args}: {stderr}"
                    Expect.stringContains stderr fragment $"{args}: names the problem"
                    Expect.isFalse (Directory.Exists out) $"{args}: nothing written")
        }

        test "verify --power on d = 1 alone runs the own solver and every mutant, writes the term x dimension matrix, and exits 1 for the d = 3-only mutant it cannot see" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "power")
                let code, stdout, stderr = run [ "verify"; "--power"; "--check"; "convergence-d1"; "--out"; out; "--quiet" ]
                Expect.equal code 1 $"{stdout} {stderr}"
                let total = MeanField.Verification.Mutant.all.Length
                Expect.stringContains stdout $"{total - 1} of {total} mutants caught, own solver clean" "the console's summary"
                Expect.stringContains stdout "flipped-gradient-z: NOT CAUGHT" "the one that got through, named"
                let report = File.ReadAllText(Path.Combine(out, "report.md"))
                Expect.stringContains report "| - | own (correct) | H | clean |" "the correct solver's row"
                Expect.stringContains report "| time integration | forward-euler: forward Euler instead of Heun for the cells | **V** | **yes** |" "a mutant's row, under its term"
                Expect.stringContains report "| external force F_ext | 1 of 1 | 1 of 1 |" "the term x dimension matrix"
                Expect.stringContains report "| chemotactic force eta grad phi | 4 of 5 | 4 of 5 |" "where the d = 3-only mutant stands"
                let power = json out
                Expect.equal (power.GetProperty("mutation_score").GetDouble()) (float (total - 1) / float total) "the score in results.json"
                Expect.equal (power.GetProperty("mutants_run").GetArrayLength()) total "every mutant's run"
                let refused, _, e = run [ "verify"; "--power"; "--solver"; "own:mesh"; "--out"; Path.Combine(dir, "no"); "--quiet" ]
                Expect.equal refused 2 $"--power judges the own solver's mutants only: {e}")
        }

        test "simulate --initial starts from the given cells: the same bits as the run that sampled them, and a bad file is refused" {
            withTemp (fun dir ->
                let scenarioText =
                    ScenarioReader.DefaultText().Replace("particles: 2000", "particles: 40").Replace("horizon: 2.0", "horizon: 0.1").Replace("grid: 128", "grid: 64")
                let file = Path.Combine(dir, "s.yaml")
                File.WriteAllText(file, scenarioText)
                let scenario = ScenarioReader.Load file
                let cells = Path.Combine(dir, "cells.csv")
                do
                    use w = new StreamWriter(cells)
                    CellsCsv.WriteInitial(w, InitialData.Sample(scenario.Initial, 2, 40, scenario.Seed))
                let sampled, given = Path.Combine(dir, "sampled"), Path.Combine(dir, "given")
                let c1, _, e1 = run [ "simulate"; file; "--out"; sampled; "--quiet" ]
                let c2, _, e2 = run [ "simulate"; file; "--initial"; cells; "--out"; given; "--quiet" ]
                Expect.equal (c1, c2) (0, 0) $"{e1} {e2}"
                Expect.equal (File.ReadAllText(Path.Combine(given, "particles.csv"))) (File.ReadAllText(Path.Combine(sampled, "particles.csv"))) "the same trajectory, to the bit"
                File.WriteAllText(cells, "i,x1,x2,v1,v2\n0,0,0,0\n")
                let bad = Path.Combine(dir, "bad")
                let code, _, stderr = run [ "simulate"; file; "--initial"; cells; "--out"; bad; "--quiet" ]
                Expect.equal code 2 stderr
                Expect.stringContains stderr "line 2 has 4 columns" "names the line"
                Expect.isFalse (Directory.Exists bad) "nothing written")
        }
    ]
