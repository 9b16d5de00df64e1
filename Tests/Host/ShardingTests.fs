module MeanField.Tests.Host.ShardingTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json.Nodes
open Expecto
open MeanField.Verification
open MeanField.Verification.Checks
open MeanField.Tests.Host.SimulateTests

let private withTemp f = MeanField.Tests.TempFolder.within "sharding" f

/// The built tool as a separate process: a unit shares no memory (no cached reference) with the planner or the merge.
let private runProcess (args: string list) =
    let psi = ProcessStartInfo("dotnet", UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true)
    psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "meanfield.dll"))
    for a in args do psi.ArgumentList.Add a
    match Process.Start psi with
    | null -> failtest "could not start the tool"
    | p ->
        use p = p
        let err = p.StandardError.ReadToEndAsync()
        let out = p.StandardOutput.ReadToEnd()
        p.WaitForExit()
        p.ExitCode, out, err.Result

/// results.json without its wall-clock fields ("seconds", measured times), as text.
let private withoutSeconds (path: string) =
    let rec strip (node: JsonNode | null) =
        match node with
        | :? JsonObject as o ->
            for key in [ for kv in o -> kv.Key ] do
                if key = "seconds" then o.Remove key |> ignore else strip o[key]
        | :? JsonArray as a -> for item in a do strip item
        | _ -> ()
    let root = JsonNode.Parse(File.ReadAllText path)
    strip root
    (nonNull root).ToJsonString()

let private checks = [ "--check"; "fournier-guillin-d3"; "--check"; "closed-form-d2"; "--check"; "momentum-d2" ]

/// A check that measures nothing but records its seed, and one derived from it (it reads the first's result).
let private syntheticSuite =
    let result id notes =
        { Id = id; Title = id; Source = "test"; Statement = "test"; Parameters = []; Measurement = Measurement.Nothing
          Verdict = Verdict.Holds; Reference = FournierGuillin.lawReference; Notes = notes; Seconds = 0.5 }
    let measured = { Id = "measured"; Title = "measured"; Needs = []; Reference = FournierGuillin.lawReference; Run = fun c -> result "measured" [ string c.Seed ] }
    let derived =
        { Id = "derived"; Title = "derived"; Needs = [ "measured" ]; Reference = FournierGuillin.lawReference
          Run = fun c -> result "derived" [ for e in c.Earlier -> e.Id + ":" + String.concat "," e.Notes ] }
    let ladder = Ladder.fixedDesign [] 0 0.0
    { Name = "synthetic"; Entries = [ measured, ladder; derived, ladder ] }

[<Tests>]
let tests =
    testList "MeanField.Host.sharding" [
        test "A suite planned, run unit by unit in separate processes and merged gives the single-process results.json, byte for byte but for the wall-clock seconds" {
            withTemp (fun dir ->
                let plan = Path.Combine(dir, "plan.json")
                let work = Path.Combine(dir, "work")
                let code, stdout, stderr = run ([ "verify" ] @ checks @ [ "--plan"; plan ])
                Expect.equal code 0 stderr
                Expect.stringContains stdout "3 units (0 derived checks at the merge)" stdout
                Expect.isFalse (Directory.Exists(Path.Combine(dir, "verification-report"))) "planning runs nothing"
                // In reverse order, as a scheduler may run them.
                for k in [ 2; 1; 0 ] do
                    let code, _, stderr = runProcess [ "verify"; "--run-unit"; string k; "--plan"; plan; "--work"; work ]
                    Expect.equal code 0 $"unit {k}: {stderr}"
                Expect.equal (Directory.GetFiles(work) |> Array.map Path.GetFileName |> Array.sort)
                    [| "unit-0000-fournier-guillin-d3.json"; "unit-0001-closed-form-d2.json"; "unit-0002-momentum-d2.json" |] "one result per unit, no staging file left"
                let merged = Path.Combine(dir, "merged")
                let code, _, stderr = run [ "verify"; "--merge"; work; "--plan"; plan; "--out"; merged; "--quiet" ]
                Expect.equal code 0 stderr
                let single = Path.Combine(dir, "single")
                let code, _, stderr = runProcess ([ "verify" ] @ checks @ [ "--out"; single; "--quiet" ])
                Expect.equal code 0 stderr
                Expect.equal (withoutSeconds (Path.Combine(merged, "results.json"))) (withoutSeconds (Path.Combine(single, "results.json"))) "the same results"
                for file in [ "report.md"; "data.csv"; "fournier-guillin-d3.svg" ] do
                    Expect.isTrue (File.Exists(Path.Combine(merged, file))) $"the merged report has {file}")
        }

        test "A merge with units missing names them and exits 2, writing nothing; a unit of another plan, or a scenario changed since the plan, is refused by name" {
            withTemp (fun dir ->
                let scenario = Path.Combine(dir, "s.yaml")
                File.WriteAllText(scenario, MeanField.Core.Scenarios.ScenarioReader.DefaultText())
                let plan = Path.Combine(dir, "plan.json")
                let work = Path.Combine(dir, "work")
                let code, _, stderr = run ([ "verify"; "--scenario"; scenario ] @ checks @ [ "--plan"; plan ])
                Expect.equal code 0 stderr
                let code, _, stderr = run [ "verify"; "--run-unit"; "2"; "--plan"; plan; "--work"; work ]
                Expect.equal code 0 stderr
                let out = Path.Combine(dir, "never")
                let code, _, stderr = run [ "verify"; "--merge"; work; "--plan"; plan; "--out"; out ]
                Expect.equal code 2 stderr
                Expect.stringContains stderr "2 of 3 units have no result: 0 (fournier-guillin-d3), 1 (closed-form-d2); nothing written" stderr
                Expect.isFalse (Directory.Exists out) "no partial report"
                // A result of another plan (another seed) in this plan's place.
                let other = Path.Combine(dir, "other.json")
                let code, _, stderr = run ([ "verify"; "--scenario"; scenario; "--seed"; "7" ] @ checks @ [ "--plan"; other ])
                Expect.equal code 0 stderr
                let elsewhere = Path.Combine(dir, "elsewhere")
                for k in [ 0; 1 ] do
                    let code, _, stderr = run [ "verify"; "--run-unit"; string k; "--plan"; other; "--work"; elsewhere ]
                    Expect.equal code 0 stderr
                    let name = nonNull (Path.GetFileName(Directory.GetFiles(elsewhere, $"unit-000{k}-*.json") |> Array.exactlyOne))
                    File.Copy(Path.Combine(elsewhere, name), Path.Combine(work, name))
                let code, _, stderr = run [ "verify"; "--merge"; work; "--plan"; plan; "--out"; out ]
                Expect.equal code 2 stderr
                Expect.stringContains stderr "of the configuration" stderr
                Expect.stringContains stderr "not unit 0 (fournier-guillin-d3) of this plan's" stderr
                Expect.isFalse (Directory.Exists out) "no partial report"
                // The scenario edited after planning: a unit refuses, naming the file and both hashes.
                File.AppendAllText(scenario, "\n# edited\n")
                let code, _, stderr = run [ "verify"; "--run-unit"; "0"; "--plan"; plan; "--work"; work ]
                Expect.equal code 2 stderr
                Expect.stringContains stderr $"the scenario {scenario} does not match the plan: sha256" stderr
                let code, _, stderr = run [ "verify"; "--run-unit"; "9"; "--plan"; plan; "--work"; work ]
                Expect.equal code 2 stderr
                Expect.stringContains stderr "--run-unit 9: the plan has units 0 to 2" stderr)
        }

        test "Derived checks are no units: the merge computes them from the units' results, as the single process does" {
            let settings = { Solver = MeanField.Core.Solvers.OwnSolver(); Seed = 11; ScenarioText = "synthetic"; Progress = ignore; Finished = ignore }
            let units = WorkUnits.plan syntheticSuite (fun _ -> 1.0)
            Expect.equal (units |> List.map (fun u -> u.Check)) [ "measured" ] "one unit"
            Expect.equal (WorkUnits.derived syntheticSuite) [ "derived" ] "one derived check"
            let results = units |> List.map (WorkUnits.run syntheticSuite settings)
            let merged = WorkUnits.merge syntheticSuite settings results
            let single = Suite.run syntheticSuite settings
            Expect.equal (merged.Checks |> List.map (fun c -> c.Id, c.Notes)) (single.Checks |> List.map (fun c -> c.Id, c.Notes)) "the same checks and notes"
            Expect.equal (merged.Checks[1].Notes) [ "measured:11" ] "the derived check read the unit's result"
            Expect.equal merged.ConfigurationHash single.ConfigurationHash "the same configuration"
            Expect.equal (WorkUnits.missing units []) units "with no results, every unit is missing"
        }

        test "A unit's result file reads back equal to the result, field for field and bit for bit" {
            let settings = { Solver = MeanField.Core.Solvers.OwnSolver(); Seed = 3; ScenarioText = "x"; Progress = ignore; Finished = ignore }
            let suite =
                match Suite.select [ "momentum-d2"; "closed-form-d2" ] (Suite.quick Suite.defaultModel) with
                | Ok s -> s
                | Error e -> failtest e
            for u in WorkUnits.plan suite (fun _ -> 0.0) do
                let result = WorkUnits.run suite settings u
                use stream = new MemoryStream()
                WorkUnits.writeResult stream { ConfigurationHash = "h"; Unit = u; Result = result }
                stream.Position <- 0L
                let back = WorkUnits.readResult stream
                Expect.equal back.Result result $"{u.Check}: equal after a round trip"
                Expect.equal back.Unit u "the unit"
        }
    ]
