module MeanField.Tests.Host.VerifyTests

open System
open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open Expecto
open MeanField.Tests.Host.SimulateTests

let private withTemp f = MeanField.Tests.TempFolder.within "verify" f

let private errorsOf (json: JsonElement) =
    [ for c in json.GetProperty("checks").EnumerateArray() do
          for r in c.GetProperty("rungs").EnumerateArray() do
              for e in r.GetProperty("errors").EnumerateArray() -> e.GetDouble() ]

[<Tests>]
let tests =
    testList "MeanField.Host.verify" [
        test "verify --check writes report, results, data and plots, a JUnit file, and exits 0 when the check holds" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "report")
                let junit = Path.Combine(dir, "junit.xml")
                let code, stdout, stderr = run [ "verify"; "--check"; "fournier-guillin-d3"; "--out"; out; "--junit"; junit; "--quiet" ]
                Expect.equal code 0 $"exit code: {stdout} {stderr}"
                for file in [ "report.md"; "results.json"; "data.csv"; "fournier-guillin-d3.svg" ] do
                    Expect.isTrue (File.Exists(Path.Combine(out, file))) file
                let json = JsonDocument.Parse(File.ReadAllText(Path.Combine(out, "results.json"))).RootElement
                Expect.equal (json.GetProperty("seed").GetInt32()) 20261123 "root seed recorded"
                Expect.isGreaterThan (nonNull (json.GetProperty("configuration_hash").GetString())).Length 8 "configuration hash"
                let check = json.GetProperty("checks")[0]
                Expect.equal (check.GetProperty("verdict").GetString()) "Holds" "verdict"
                let firstRung = check.GetProperty("rungs")[0]
                Expect.equal (firstRung.GetProperty("seeds").GetArrayLength()) (firstRung.GetProperty("errors").GetArrayLength()) "a seed per replica"
                let csvRows = File.ReadAllLines(Path.Combine(out, "data.csv")).Length - 1
                Expect.equal csvRows (errorsOf json).Length "every replica in the CSV"
                Expect.stringContains (File.ReadAllText junit) "testcase" "JUnit"
                Expect.isEmpty (Directory.GetDirectories(dir) |> Array.filter (fun d -> (nonNull (Path.GetFileName d)).StartsWith ".")) "no staging folder left"

                // The same seed again, against a baseline doctored to be better: same numbers, and a regression.
                let results = nonNull (JsonNode.Parse(File.ReadAllText(Path.Combine(out, "results.json"))))
                let fit = nonNull (nonNull (nonNull results["checks"]).[0]).["fit"]
                fit["slope"] <- JsonValue.Create((nonNull fit["slope"]).GetValue<float>() - 0.5)
                let baseline = Path.Combine(dir, "baseline.json")
                File.WriteAllText(baseline, results.ToJsonString())
                let again = Path.Combine(dir, "again")
                let code2, stdout2, stderr2 = run [ "verify"; "--check"; "fournier-guillin-d3"; "--out"; again; "--baseline"; baseline; "--quiet" ]
                Expect.equal code2 1 $"a regression fails the run: {stdout2} {stderr2}"
                Expect.stringContains stdout2 "regression" "says why"
                Expect.stringContains (File.ReadAllText(Path.Combine(again, "report.md"))) "## Comparison" "side by side in the report"
                let first = JsonDocument.Parse(File.ReadAllText(Path.Combine(out, "results.json"))).RootElement
                let second = JsonDocument.Parse(File.ReadAllText(Path.Combine(again, "results.json"))).RootElement
                Expect.sequenceEqual (errorsOf second) (errorsOf first) "same seed and configuration, same numbers"

                // compare renders the same comparison as Markdown.
                let code3, stdout3, _ = run [ "compare"; baseline; Path.Combine(again, "results.json") ]
                Expect.equal code3 1 "compare exits 1 on a regression"
                Expect.stringContains stdout3 "| fournier-guillin-d3 |" "a row per check"
                let code4, _, _ = run [ "compare"; Path.Combine(out, "results.json"); Path.Combine(again, "results.json") ]
                Expect.equal code4 0 "identical runs: no regression")
        }

        test "verify refuses bad input with exit code 2 and writes nothing" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "report")
                let notJson = Path.Combine(dir, "bad.json")
                File.WriteAllText(notJson, "{ not json")
                let badScenario = Path.Combine(dir, "bad.yaml")
                File.WriteAllText(badScenario, "dimension: 2\nparticles: -5\n")
                for args, fragment in
                    [ [ "--check"; "no-such-check" ], "no-such-check"
                      [ "--suite"; "huge" ], "huge"
                      [ "--baseline"; notJson ], "bad.json"
                      [ "--baseline"; Path.Combine(dir, "missing.json") ], "missing.json"
                      [ "--scenario"; badScenario ], "particles" ] do
                    let code, _, stderr = run ([ "verify"; "--out"; out; "--quiet" ] @ args)
                    Expect.equal code 2 $"{args}: exit code"
                    Expect.stringContains stderr fragment $"{args}: names the problem"
                    Expect.isFalse (Directory.Exists out) $"{args}: no output"
                let code, _, stderr = run [ "compare"; notJson; notJson ]
                Expect.equal code 2 "compare on a bad file"
                Expect.stringContains stderr "bad.json" "names the file")
        }
    
        test "verify --scenario replaces the model's initial law in the scenario's dimension and records where it came from" {
            withTemp (fun dir ->
                let file = Path.Combine(dir, "narrow.yaml")
                let text =
                    MeanField.Core.Scenarios.ScenarioReader.DefaultText()
                        .Replace("dimension: 2", "dimension: 3")
                        .Replace("center: [0.0, 0.0]", "center: [0.0, 0.0, 0.0]")
                        .Replace("grid: 128", "grid: 64")
                        .Replace("  radius: 1.0\n  velocity_center", "  radius: 0.5\n  velocity_center")
                File.WriteAllText(file, text)
                let out = Path.Combine(dir, "report")
                let code, stdout, stderr = run [ "verify"; "--scenario"; file; "--check"; "fournier-guillin-d3"; "--out"; out; "--quiet" ]
                Expect.equal code 0 $"it Holds on the narrow law (seeded, so always): {stdout} {stderr}"
                let json = JsonDocument.Parse(File.ReadAllText(Path.Combine(out, "results.json"))).RootElement
                Expect.stringContains (nonNull (json.GetProperty("scenario").GetString())) "narrow.yaml" "the model's source"
                let check = json.GetProperty("checks")[0]
                let law = nonNull (check.GetProperty("parameters").GetProperty("law").GetString())
                Expect.stringContains law "narrow.yaml" "the check used the scenario's law")
        }
    ]
