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
let private runProcess = MeanField.Tests.Processes.meanfield

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
    let measured = { Id = "measured"; Title = "measured"; Needs = []; Sharding = Sharding.Whole; Reference = FournierGuillin.lawReference; Run = fun c -> result "measured" [ string c.Seed ] }
    let derived =
        { Id = "derived"; Title = "derived"; Needs = [ "measured" ]; Sharding = Sharding.Whole; Reference = FournierGuillin.lawReference
          Run = fun c -> result "derived" [ for e in c.Earlier -> e.Id + ":" + String.concat "," e.Notes ] }
    let ladder = Ladder.fixedDesign [] 0 0.0
    { Name = "synthetic"; Entries = [ measured, ladder; derived, ladder ] }

/// deploy/k8s/NAME in the source tree, its YAML documents parsed.
let private manifests (name: string) =
    let path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "deploy", "k8s", name))
    use reader = new StringReader(File.ReadAllText path)
    let stream = YamlDotNet.RepresentationModel.YamlStream()
    stream.Load reader
    [ for d in stream.Documents -> d.RootNode :?> YamlDotNet.RepresentationModel.YamlMappingNode ]

let private child (path: string list) (node: YamlDotNet.RepresentationModel.YamlNode) =
    (node, path) ||> List.fold (fun n key -> (n :?> YamlDotNet.RepresentationModel.YamlMappingNode).Children[YamlDotNet.RepresentationModel.YamlScalarNode key])

let private scalar path node = (child path node :?> YamlDotNet.RepresentationModel.YamlScalarNode).Value

let private containerArgs (job: YamlDotNet.RepresentationModel.YamlNode) =
    let container = (child [ "spec"; "template"; "spec"; "containers" ] job :?> YamlDotNet.RepresentationModel.YamlSequenceNode).Children[0]
    [ for a in (child [ "args" ] container :?> YamlDotNet.RepresentationModel.YamlSequenceNode).Children -> nonNull (a :?> YamlDotNet.RepresentationModel.YamlScalarNode).Value ]

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

        test "The Kubernetes manifests run one unit per index of an Indexed Job, as many as the quick suite has, and their arguments are the tool's" {
            let job = manifests "verify-job.yaml" |> List.find (fun d -> scalar [ "kind" ] d = "Job")
            Expect.equal (scalar [ "spec"; "completionMode" ] job) "Indexed" "an Indexed Job"
            let units = WorkUnits.plan (Suite.quick Suite.defaultModel) (fun _ -> 0.0)
            Expect.equal (scalar [ "spec"; "completions" ] job) (string units.Length) "a completion per unit of the quick suite"
            Expect.isTrue (int (scalar [ "spec"; "backoffLimitPerIndex" ] job) >= 1) "a failed unit is retried"
            let args = containerArgs job
            Expect.equal (args |> List.skipWhile ((<>) "--run-unit") |> List.item 1) "$(JOB_COMPLETION_INDEX)" "the index is the unit"
            let merge = manifests "verify-merge.yaml" |> List.exactlyOne
            for args in [ args |> List.map (fun a -> if a = "$(JOB_COMPLETION_INDEX)" then "3" else a); containerArgs merge ] do
                let parse = (MeanField.Host.Cli.Build(TextWriter.Null, TextWriter.Null)).Parse(List.toArray args)
                Expect.isEmpty parse.Errors $"meanfield {String.Join(' ', args)} parses"
                Expect.isEmpty parse.UnmatchedTokens "every argument is an option of verify"
        }

        test "The simulated wall time is the sum on one worker, the longest unit on as many workers as units, and between the bounds in between" {
            let costs = [ 46.0; 42.0; 28.0; 26.0; 16.0; 13.0; 11.0; 10.0; 7.0; 6.0; 5.0; 4.0; 4.0; 3.0; 2.0; 1.0; 1.0; 0.6 ]
            Expect.floatClose Accuracy.veryHigh (WorkUnits.makespan 1 costs) (List.sum costs) "one worker: the sum"
            Expect.equal (WorkUnits.makespan 18 costs) 46.0 "a worker per unit: the longest"
            Expect.equal (WorkUnits.makespan 256 costs) 46.0 "more workers than units change nothing"
            for w in [ 2; 3; 4; 8 ] do
                let m = WorkUnits.makespan w costs
                Expect.isTrue (m >= max 46.0 (List.sum costs / float w) && m <= List.sum costs / float w + 46.0) $"{w} workers: {m} within the list-schedule bounds"
            // Graham's example: LPT gives 7 where 6 is best (3+3 | 2+2+2), within its 4/3 bound.
            Expect.equal (WorkUnits.makespan 2 [ 3.0; 3.0; 2.0; 2.0; 2.0 ]) 7.0 "LPT on the classic instance"
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
