module MeanField.Tests.Host.ReferenceTests

open System
open System.IO
open System.Text.Json
open Expecto
open MeanField.Core.Scenarios
open MeanField.Tests.Host.SimulateTests

let private withTemp f = MeanField.Tests.TempFolder.within "reference" f

let private summaryOf (folder: string) =
    use document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))
    document.RootElement.Clone()

let private runsAndWrites (methodName: string) (extra: string list) (files: string list) =
    test $"reference --method {methodName} writes its CSV, summary with an error estimate, scenario and SVG" {
        withTemp (fun dir ->
            let out = Path.Combine(dir, "out")
            let code, stdout, stderr = run ([ "reference"; "--method"; methodName; "--out"; out ] @ extra)
            Expect.equal code 0 $"exit code ({stderr})"
            Expect.stringContains stdout methodName "one line on what was written"
            for file in files @ [ "summary.json"; "scenario.yaml"; "reference.svg" ] do
                Expect.isTrue (File.Exists(Path.Combine(out, file))) $"{file} written"
            let summary = summaryOf out
            let estimate = summary.GetProperty("error_estimate").GetProperty("value").GetDouble()
            Expect.isTrue (Double.IsFinite estimate && estimate > 0.0) $"a positive error estimate ({estimate})"
            let times = summary.GetProperty("times").EnumerateArray() |> Seq.map _.GetDouble() |> Seq.toList
            Expect.equal times [ 0.0; 0.25; 0.5; 0.75; 1.0 ] "every output time of the scenario"
            Expect.isTrue (summary.GetProperty("scenario_seed").GetInt32() > 0) "the seed is recorded")
    }

let private refused (args: string list) (fragment: string) =
    test $"reference refuses {String.Join(' ', args)} with exit code 2 and no output" {
        withTemp (fun dir ->
            let file = Path.Combine(dir, "s.yaml")
            File.WriteAllText(file, ScenarioReader.EmbeddedText "default")
            let monokinetic = Path.Combine(dir, "m.yaml")
            File.WriteAllText(monokinetic, ScenarioReader.EmbeddedText "monokinetic-d1")
            let cold = Path.Combine(dir, "c.yaml")
            File.WriteAllText(cold, (ScenarioReader.EmbeddedText "vlasov-d1").Replace("velocity_std: 0.3", "velocity_std: 0.0"))
            let out = Path.Combine(dir, "out")
            let resolved = args |> List.map (function "$d2" -> file | "$mono" -> monokinetic | "$cold" -> cold | a -> a)
            let code, _, stderr = run ([ "reference" ] @ resolved @ [ "--out"; out ])
            Expect.equal code 2 "bad input"
            Expect.stringContains stderr fragment "the message names the problem"
            Expect.isFalse (Directory.Exists out) "nothing written")
    }

[<Tests>]
let tests =
    testList "MeanField.Host.reference" [
        runsAndWrites "grid" [] [ "grid.csv"; "moments.csv" ]
        runsAndWrites "lagrangian" [ "--resolution"; "16" ] [ "labels.csv" ]
        runsAndWrites "euler" [ "--resolution"; "400" ] [ "euler.csv" ]
        runsAndWrites "particles" [ "--resolution"; "1e3"; "--quiet" ] [ "cloud.csv" ]
        refused [ "$mono"; "--method"; "grid" ] "initial.kind"
        refused [ "$cold"; "--method"; "grid" ] "initial.velocity_std"
        refused [ "$d2"; "--method"; "grid" ] "dimension"
        refused [ "$d2"; "--method"; "euler" ] "dimension"
        refused [ "--method"; "euler"; "--resolution"; "0" ] "--resolution"
        refused [ "--method"; "spectral" ] "spectral"
    ]
