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
    let measured = { Id = "measured"; Title = "measured"; Needs = []; Sharding = Sharding.Whole; Problems = []; Reference = FournierGuillin.lawReference; Run = fun c -> result "measured" [ string c.Seed ] }
    let derived =
        { Id = "derived"; Title = "derived"; Needs = [ "measured" ]; Sharding = Sharding.Whole; Problems = []; Reference = FournierGuillin.lawReference
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

/// A unit's inputs with no earlier replicas and no reference folder.
let private noInputs = { ConfigurationHash = ""; ReferenceFolder = None; Known = Map.empty }

/// Five rungs, 4 replicas per rung at the first look, up to 16.
let private sequentialLadder = Ladder.sequential [ 100.0; 200.0; 400.0; 800.0; 1600.0 ] 4 16 0.0

/// A check of synthetic lognormal replicas of a known slope, judged against an AtMost -0.5 claim, its replicas sharded.
let private sequentialCheck (id: string) (slope: float) (spread: float) =
    let tolerance = { Name = "test"; Slope = 0.05; Reason = "test" }
    let judge (rungs: Rung list) confidence =
        let fit = Ladder.fitAt confidence FitKind.Plain rungs
        fit, Verdict.decide Claim.AtMost -0.5 tolerance (List.head rungs).Errors.Length fit, ()
    let run (context: CheckContext) =
        let measure x seed = Measured.error (Calibration.measure { Slope = slope; Spread = spread; Rungs = 5 } x seed)
        let rungs, (fit, verdict, ()), sequential = Ladder.runSequentialFrom context.Replicas { CheckId = id; Root = context.Seed; Design = context.Ladder; Progress = context.Progress; Measure = measure; Control = None } judge
        { Id = id; Title = id; Source = "test"; Statement = "test"; Parameters = []; Verdict = verdict; Reference = FournierGuillin.lawReference; Notes = []; Seconds = 0.0
          Measurement =
            Measurement.Rate
                { XLabel = "N"; ErrorLabel = "e"; Rungs = rungs; FitKind = FitKind.Plain; Fit = fit; Claim = Claim.AtMost; Theory = -0.5
                  Tolerance = tolerance; ReferenceFloor = None; Sequential = sequential } }
    { Id = id; Title = id; Needs = []; Sharding = Sharding.Replicas; Problems = []; Reference = FournierGuillin.lawReference; Run = run }

/// A result without its wall-clock seconds (of the check, its rungs and its looks).
let private withoutClock (r: CheckResult) =
    let measurement =
        match r.Measurement with
        | Measurement.Rate rate ->
            Measurement.Rate
                { rate with
                    Rungs = rate.Rungs |> List.map (fun g -> { g with Seconds = 0.0 })
                    Sequential = { rate.Sequential with Looks = rate.Sequential.Looks |> List.map (fun l -> { l with Seconds = 0.0 }) } }
        | m -> m
    { r with Seconds = 0.0; Measurement = measurement }

[<Tests>]
let tests =
    testList "MeanField.Host.sharding" [
        test "A suite planned, run unit by unit in separate processes and merged gives the single-process results.json, byte for byte but for the wall-clock seconds" {
            withTemp (fun dir ->
                let plan = Path.Combine(dir, "plan.json")
                let work = Path.Combine(dir, "work")
                let code, stdout, stderr = run ([ "verify" ] @ checks @ [ "--plan"; plan ])
                Expect.equal code 0 stderr
                // fournier-guillin-d3: 5 rungs of a first look of 6, in batches of 4 and 2; the others whole.
                Expect.stringContains stdout "wave 0: 12 units (10 replicas, 2 check; 0 derived checks at the merge)" stdout
                Expect.isFalse (Directory.Exists(Path.Combine(dir, "verification-report"))) "planning runs nothing"
                // In reverse order, as a scheduler may run them.
                for k in [ 11 .. -1 .. 0 ] do
                    let code, _, stderr = runProcess [ "verify"; "--run-unit"; string k; "--plan"; plan; "--work"; work ]
                    Expect.equal code 0 $"unit {k}: {stderr}"
                Expect.equal (Directory.GetFiles(work) |> Array.map Path.GetFileName |> Array.sort)
                    [| for k in 0..9 do yield $"unit-w00-{k:D4}-fournier-guillin-d3.json"
                       yield "unit-w00-0010-closed-form-d2.json"
                       yield "unit-w00-0011-momentum-d2.json" |] "one result per unit, no staging file left"
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
                let code, _, stderr = run [ "verify"; "--run-unit"; "11"; "--plan"; plan; "--work"; work ]
                Expect.equal code 0 stderr
                let out = Path.Combine(dir, "never")
                let code, _, stderr = run [ "verify"; "--merge"; work; "--plan"; plan; "--out"; out ]
                Expect.equal code 2 stderr
                Expect.stringContains stderr "11 of 12 units have no result: 0 (fournier-guillin-d3), 1 (fournier-guillin-d3)," stderr
                Expect.stringContains stderr "9 (fournier-guillin-d3), 10 (closed-form-d2); nothing written" stderr
                Expect.isFalse (Directory.Exists out) "no partial report"
                // A result of another plan (another seed) in this plan's place.
                let other = Path.Combine(dir, "other.json")
                let code, _, stderr = run ([ "verify"; "--scenario"; scenario; "--seed"; "7" ] @ checks @ [ "--plan"; other ])
                Expect.equal code 0 stderr
                let elsewhere = Path.Combine(dir, "elsewhere")
                for k in [ 0; 1 ] do
                    let code, _, stderr = run [ "verify"; "--run-unit"; string k; "--plan"; other; "--work"; elsewhere ]
                    Expect.equal code 0 stderr
                    let name = nonNull (Path.GetFileName(Directory.GetFiles(elsewhere, $"unit-w00-000{k}-*.json") |> Array.exactlyOne))
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
                let code, _, stderr = run [ "verify"; "--run-unit"; "99"; "--plan"; plan; "--work"; work ]
                Expect.equal code 2 stderr
                Expect.stringContains stderr "--run-unit 99: the plan's wave 0 has units 0 to 11" stderr)
        }

        test "The Kubernetes manifests run one unit per index of an Indexed Job, as many as the quick suite's first wave has, on the wave's plan, and their arguments are the tool's" {
            let job = manifests "verify-job.yaml" |> List.find (fun d -> scalar [ "kind" ] d = "Job")
            Expect.equal (scalar [ "spec"; "completionMode" ] job) "Indexed" "an Indexed Job"
            let units = WorkUnits.plan (Suite.quick Suite.defaultModel) 4 (fun _ -> 0.0)
            Expect.equal (scalar [ "spec"; "completions" ] job) (string units.Length) "a completion per unit of the quick suite"
            Expect.isTrue (int (scalar [ "spec"; "backoffLimitPerIndex" ] job) >= 1) "a failed unit is retried"
            let args = containerArgs job
            Expect.equal (args |> List.skipWhile ((<>) "--run-unit") |> List.item 1) "$(JOB_COMPLETION_INDEX)" "the index is the unit"
            let merge = manifests "verify-merge.yaml" |> List.exactlyOne
            for job, args in [ job, args; merge, containerArgs merge ] do
                Expect.equal (args |> List.skipWhile ((<>) "--plan") |> List.item 1) "$(PLAN)" "the plan is the wave's"
                let container = (child [ "spec"; "template"; "spec"; "containers" ] job :?> YamlDotNet.RepresentationModel.YamlSequenceNode).Children[0]
                let env = (child [ "env" ] container :?> YamlDotNet.RepresentationModel.YamlSequenceNode).Children[0]
                Expect.equal (scalar [ "name" ] env, scalar [ "value" ] env) ("PLAN", "/work/plan.json") "wave 0's plan by default"
            let resolve (a: string) = a.Replace("$(JOB_COMPLETION_INDEX)", "3").Replace("$(PLAN)", "/work/plan.json")
            for args in [ args |> List.map resolve; containerArgs merge |> List.map resolve ] do
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
            let units = WorkUnits.plan syntheticSuite 4 (fun _ -> 1.0)
            Expect.equal (units |> List.map (fun u -> u.Check, u.Work)) [ "measured", UnitWork.Check ] "one unit"
            Expect.equal (WorkUnits.derived syntheticSuite) [ "derived" ] "one derived check"
            let results = units |> List.map (WorkUnits.run syntheticSuite settings noInputs)
            let merged =
                match WorkUnits.merge syntheticSuite settings None results with
                | MergeOutcome.Complete r -> r
                | MergeOutcome.NextWave keys -> failtest $"no wave was needed, {keys}"
            let single = Suite.run syntheticSuite settings
            Expect.equal (merged.Checks |> List.map (fun c -> c.Id, c.Notes)) (single.Checks |> List.map (fun c -> c.Id, c.Notes)) "the same checks and notes"
            Expect.equal (merged.Checks[1].Notes) [ "measured:11" ] "the derived check read the unit's result"
            Expect.equal merged.ConfigurationHash single.ConfigurationHash "the same configuration"
            Expect.equal (WorkUnits.missing units []) units "with no results, every unit is missing"
        }

        test "A sequential check sharded into replica batches takes a wave per look, and its merge is the single-process result but for the seconds" {
            let settings = { Solver = MeanField.Core.Solvers.OwnSolver(); Seed = 5; ScenarioText = "synthetic"; Progress = ignore; Finished = ignore }
            // Slopes at the claim's edge need more than one look; a steep one decides at the first.
            let suite = { Name = "synthetic"; Entries = [ sequentialCheck "edge" -0.52 1.0, sequentialLadder; sequentialCheck "steep" -1.0 0.3, sequentialLadder ] }
            let rec go wave (units: WorkUnit list) (results: UnitResult list) =
                // Each unit sees only the replicas of the waves before it, as a unit in another process does.
                let inputs = { noInputs with Known = WorkUnits.known results }
                let results = results @ (units |> List.map (WorkUnits.run suite settings inputs))
                match WorkUnits.merge suite settings None results with
                | MergeOutcome.Complete r -> r, wave + 1, results
                | MergeOutcome.NextWave keys -> go (wave + 1) (WorkUnits.wave (wave + 1) 3 (fun _ -> 1.0) keys) results
            let first = WorkUnits.plan suite 3 (fun _ -> 1.0)
            Expect.equal first.Length (2 * 5 * 2) "two checks, 5 rungs, a first look of 4 in batches of 3 and 1"
            let merged, waves, results = go 0 first []
            let single = Suite.run suite settings
            let looks (r: CheckResult) = r.Rate.Value.Sequential.Looks.Length
            Expect.isGreaterThan (looks single.Checks[0]) 1 "the edge case took more than one look (else this test shows nothing)"
            Expect.equal (looks single.Checks[1]) 1 "the steep one decided at its first"
            Expect.equal waves (looks single.Checks[0]) "a wave per look"
            Expect.equal (merged.Checks |> List.map withoutClock) (single.Checks |> List.map withoutClock) "the same results"
            Expect.equal (results |> List.sumBy (fun r -> r.Replicas.Length)) (single.Checks |> List.sumBy (fun c -> c.Rate.Value.Rungs |> List.sumBy (fun r -> r.Errors.Length))) "every replica measured once"
        }

        test "Dobrushin's replicas split into units, and the merge folds every unit's amplifications and extents into the bound as the single process does" {
            let settings = { Solver = MeanField.Core.Solvers.OwnSolver(); Seed = 9; ScenarioText = "default"; Progress = ignore; Finished = ignore }
            let check = Dobrushin.check (MeanField.Core.Scenarios.ScenarioReader.Default()) "default" 0.2 80
            let suite = { Name = "dobrushin"; Entries = [ check, Ladder.fixedDesign [ 1e-6; 1e-5; 1e-4; 1e-3 ] 2 0.0 ] }
            let units = WorkUnits.plan suite 1 (fun _ -> 1.0)
            Expect.equal units.Length 8 "a unit per replica: 4 rungs of 2"
            let results = units |> List.rev |> List.map (WorkUnits.run suite settings noInputs)
            let merged =
                match WorkUnits.merge suite settings None results with
                | MergeOutcome.Complete r -> r
                | MergeOutcome.NextWave _ -> failtest "a fixed design takes one wave"
            let single = Suite.run suite settings
            Expect.equal (merged.Checks |> List.map withoutClock) (single.Checks |> List.map withoutClock) "the same results, the bound's parameters and notes included"
            let extras = results |> List.collect (fun r -> r.Replicas |> List.map (fun m -> m.Value.Extras.Length))
            Expect.equal extras (List.replicate 8 3) "each replica carries its amplification and its two extents"
        }

        test "Checks of one reference run share one reference unit, which computes the run once to its last time and writes a file per time" {
            let scenario = MeanField.Core.Scenarios.ScenarioReader.Default()
            let ladder = Ladder.fixedDesign [ 64.0; 128.0 ] 2 0.0
            // Two times of one run (the chemical-gradient check at the later time reads the same snapshot), and a
            // run of another size.
            let suite =
                { Name = "shared"
                  Entries =
                    [ MeanFieldRate.check scenario "default" 0.25 1500, ladder
                      MeanFieldRate.check scenario "default" 0.5 1500, ladder
                      ChemicalGradient.check scenario "default" 0.5 1500, ladder
                      MeanFieldRate.check scenario "default" 0.75 1200, ladder ] }
            let references = WorkUnits.plan suite 2 (fun _ -> 1.0) |> List.filter (fun u -> match u.Work with UnitWork.Reference _ -> true | _ -> false)
            Expect.equal
                (references |> List.map (fun u -> u.Check, u.Work))
                [ "mean-field-d2-t0.25", UnitWork.Reference [ "mean-field-d2-t0.5"; "chemical-gradient-d2-t0.5" ]
                  "mean-field-d2-t0.75", UnitWork.Reference [] ]
                "one reference unit per run, on its first check, the run's other checks with it"
            withTemp (fun dir ->
                let settings = { Solver = MeanField.Core.Solvers.OwnSolver(); Seed = 77; ScenarioText = "shared"; Progress = ignore; Finished = ignore }
                let shared = references.Head
                let result = WorkUnits.run suite settings { noInputs with ReferenceFolder = Some dir } shared
                Expect.isNone result.Result "a reference unit ends no check"
                Expect.isEmpty result.Replicas "and measures no replica"
                Expect.equal (Directory.GetFiles(dir, "reference-*.bin").Length) 2 "a file for each time of the run (the chemical-gradient check's is the mean-field one's)")
        }

        testProperty "Replica batches cover the keys, each once, a rung and a contiguous run of at most the batch size each" <| fun (picks: Set<int * int>) (size: FsCheck.PositiveInt) ->
            let batch = min size.Get 6
            let keys = [ for rung, replica in picks -> { Check = "c"; Rung = abs rung % 4; Replica = abs replica % 40 } ]
            let batches = WorkUnits.batches batch keys
            let covered = [ for _, b in batches do for r in b.First .. b.Until - 1 -> { Check = "c"; Rung = b.Rung; Replica = r } ]
            (List.sort covered = List.sort (List.distinct keys)
             && batches |> List.forall (fun (_, b) -> b.Until > b.First && b.Until - b.First <= batch))
            |> FsCheck.FSharp.Prop.classify (batches.Length > (List.distinct keys).Length / batch) "some runs cut short by gaps"

        test "A reference file reads back to the same bits; one of another key, or with a byte changed, is refused by name" {
            withTemp (fun dir ->
                let state = MeanField.Core.Particles.ParticleState(2, 3)
                for i in 0..5 do
                    state.Positions[i] <- float i * 0.1 + 1e-17
                    state.Velocities[i] <- -(float i) / 3.0
                let gradient = [| [| 1.0; 2.5; nan |]; [| -0.0; 3.0; 4.0 |] |]
                ReferenceFiles.write dir "key" (state, gradient)
                match ReferenceFiles.tryRead dir "key" with
                | Some(back, g) ->
                    Expect.equal back.Positions state.Positions "positions"
                    Expect.equal back.Velocities state.Velocities "velocities"
                    Expect.equal (g |> Array.map (Array.map BitConverter.DoubleToInt64Bits)) (gradient |> Array.map (Array.map BitConverter.DoubleToInt64Bits)) "grad psi, bit for bit"
                | None -> failtest "the file was not found"
                Expect.isNone (ReferenceFiles.tryRead dir "other") "no file for another key"
                // Another key's run under this key's name.
                File.Copy(ReferenceFiles.path dir "key", ReferenceFiles.path dir "other")
                let error = Expect.throwsC (fun () -> ReferenceFiles.tryRead dir "other" |> ignore) (fun e -> e.Message)
                Expect.stringContains error "holds the run of another key" error
                Expect.stringContains error (ReferenceFiles.path dir "other") "names the file"
                let bytes = File.ReadAllBytes(ReferenceFiles.path dir "key")
                bytes[bytes.Length / 2] <- bytes[bytes.Length / 2] ^^^ 1uy
                File.WriteAllBytes(ReferenceFiles.path dir "key", bytes)
                let error = Expect.throwsC (fun () -> ReferenceFiles.tryRead dir "key" |> ignore) (fun e -> e.Message)
                Expect.stringContains error "has the checksum" error)
        }

        test "A unit's result file reads back equal to the result, field for field and bit for bit" {
            let settings = { Solver = MeanField.Core.Solvers.OwnSolver(); Seed = 3; ScenarioText = "x"; Progress = ignore; Finished = ignore }
            let suite =
                match Suite.select [ "momentum-d2"; "closed-form-d2"; "fournier-guillin-d1" ] (Suite.quick Suite.defaultModel) with
                | Ok s -> s
                | Error e -> failtest e
            for u in WorkUnits.plan suite 4 (fun _ -> 0.0) |> List.filter (fun u -> u.Check <> "fournier-guillin-d1" || u.Index < 2) do
                let result = WorkUnits.run suite settings { noInputs with ConfigurationHash = "h" } u
                use stream = new MemoryStream()
                WorkUnits.writeResult stream result
                stream.Position <- 0L
                let back = WorkUnits.readResult stream
                Expect.equal back result $"{u.Check} {u.Work}: equal after a round trip"
        }
    ]
