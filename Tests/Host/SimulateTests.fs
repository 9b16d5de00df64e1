module MeanField.Tests.Host.SimulateTests

open System
open System.IO
open System.Text.Json
open Expecto
open MeanField.Host
open MeanField.Core.Scenarios
open MeanField.Tests.Generators

let private withTemp f = MeanField.Tests.TempFolder.within "tests" f

/// Runs the command line in-process; returns the exit code, stdout and stderr.
let run (args: string list) =
    use out = new StringWriter()
    use err = new StringWriter()
    let code = Cli.Run(List.toArray args, out, err)
    code, out.ToString(), err.ToString()

/// Runs <c>simulate</c> on the scenario text in a fresh folder, and hands the folder, the file, the output
/// folder and the result (code, stdout, stderr) to <c>check</c>.
let private simulateText (yaml: string) check =
    withTemp (fun dir ->
        let file = Path.Combine(dir, "scenario.yaml")
        File.WriteAllText(file, yaml)
        let out = Path.Combine(dir, "out")
        check dir file out (run [ "simulate"; file; "--out"; out; "--quiet" ]))

let private small =
    ScenarioReader.DefaultText()
        .Replace("particles: 2000", "particles: 60")
        .Replace("horizon: 2.0", "horizon: 0.2")
        .Replace("output_interval: 0.1", "output_interval: 0.05")
        .Replace("grid: 128", "grid: 64")

[<Tests>]
let tests =
    testList "MeanField.Host" [
        test "Constants that overflow are written as JSON null, and forces that overflow are a named blow-up, never a stack trace" {
            withTemp (fun dir ->
                let shortRun (key: string) (value: string) =
                    ScenarioReader.DefaultText().Replace(key, value).Replace("particles: 2000", "particles: 50").Replace("horizon: 2.0", "horizon: 0.1")
                for name, key, value, expected in
                    [ "sigma", "sigma: 0.5", "sigma: 1.0e+308", 0
                      "beta", "beta: 1.0", "beta: 1.0e+308", 1
                      "amplitude", "amplitude: 1.0", "amplitude: 1.0e+308", 1 ] do
                    let file = Path.Combine(dir, $"{name}.yaml")
                    File.WriteAllText(file, shortRun key value)
                    let out = Path.Combine(dir, name)
                    let code, stdout, stderr = run [ "simulate"; file; "--out"; out; "--quiet" ]
                    Expect.equal code expected $"{name}: {stdout} {stderr}"
                    Expect.isFalse (stderr.Contains "   at ") $"{name}: no stack trace"
                    if expected = 0 then
                        let json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(out, "summary.json"))).RootElement
                        let lip = json.GetProperty("constants").EnumerateArray() |> Seq.find (fun c -> c.GetProperty("name").GetString() = "Lip(gamma)")
                        Expect.equal (lip.GetProperty("value").ValueKind) System.Text.Json.JsonValueKind.Null $"{name}: the infinite Lip(gamma) is null"
                    else
                        Expect.stringContains stderr "numerical blow-up at t = 0.01 (step 1): particle" $"{name}: names the time, the step and the particle"
                        Expect.isFalse (Directory.Exists out) $"{name}: nothing written")
        }

        test "simulate writes snapshots, summary, scenario and pictures for every output time" {
            withTemp (fun dir ->
                let file = Path.Combine(dir, "s.yaml")
                File.WriteAllText(file, small)
                let out = Path.Combine(dir, "out")
                let code, stdout, stderr = run [ "simulate"; file; "--out"; out; "--quiet" ]
                Expect.equal code 0 $"exit code ({stderr})"
                Expect.stringContains stdout "seed 20261123" "reports the seed"
                for name in [ "particles.csv"; "summary.csv"; "summary.json"; "scenario.yaml"; "final-state.svg"; "velocity-spread.svg" ] do
                    Expect.isTrue (File.Exists(Path.Combine(out, name))) name
                let rows = File.ReadAllLines(Path.Combine(out, "particles.csv"))
                Expect.equal rows.Length (1 + 5 * 60) "a header and 60 rows at t = 0, 0.05, .., 0.2"
                Expect.equal (File.ReadAllLines(Path.Combine(out, "summary.csv")).Length) 6 "header and five output times"
                let json = JsonDocument.Parse(File.ReadAllText(Path.Combine(out, "summary.json")))
                Expect.equal (json.RootElement.GetProperty("seed").GetInt32()) 20261123 "seed recorded"
                let used = File.ReadAllText(Path.Combine(out, "scenario.yaml"))
                Expect.equal used (ScenarioWriter.Write(ScenarioReader.Parse small)) "the scenario as run"
                Expect.stringContains (File.ReadAllText(Path.Combine(out, "final-state.svg"))) "<svg" "an SVG document"
                Expect.isEmpty (Directory.GetDirectories dir |> Array.filter (fun d -> (Path.GetFileName d |> nonNull).StartsWith ".")) "no staging folder left")
        }

        test "Bad scenarios give exit code 2, name the key, and leave no output folder" {
            withTemp (fun dir ->
                let cases =
                    [ "missing.yaml", None, "(file)"
                      "negative.yaml", Some(small.Replace("diffusion: 0.1", "diffusion: -1")), "chemotaxis.diffusion"
                      "nan.yaml", Some(small.Replace("beta: 1.0", "beta: .nan")), "alignment.beta" ]
                for name, text, key in cases do
                    let file = Path.Combine(dir, name)
                    text |> Option.iter (fun t -> File.WriteAllText(file, t))
                    let out = Path.Combine(dir, "out-" + name)
                    let code, _, stderr = run [ "simulate"; file; "--out"; out; "--quiet" ]
                    Expect.equal code 2 name
                    Expect.stringContains stderr key name
                    Expect.isFalse (Directory.Exists out) $"{name}: no output"
                Expect.equal (Directory.GetDirectories dir).Length 0 "nothing left behind")
        }

        testPropertyWithConfig { FsCheckConfig.defaultConfig with arbitrary = [ typeof<Arbitraries> ]; maxTest = 40 }
            "Generated malformations give exit code 2 through the command line and write nothing"
            (fun (m: Malformation) ->
                simulateText m.Yaml (fun dir file _ (code, _, stderr) ->
                    Expect.equal code 2 (string m)
                    Expect.stringContains stderr $"'{m.Key}'" (string m)
                    Expect.equal (Directory.GetFileSystemEntries dir) [| file |] "only the input remains"))

        testPropertyWithConfig { FsCheckConfig.defaultConfig with arbitrary = [ typeof<Arbitraries> ]; maxTest = 200 }
            "A hostile edit of the scenario (a key deleted or added, NaN, 1e308, -0, a string, a list, 2^63 in a leaf) runs or is refused with a message, never a stack trace or a partial folder"
            (fun (h: Hostile) ->
                simulateText h.Yaml (fun dir file out (code, stdout, stderr) ->
                    Expect.contains [ 0; 1; 2 ] code $"{h}: exit 0, 1 (a blow-up) or 2 (refused): {stdout} {stderr}"
                    Expect.isFalse (stderr.Contains "   at ") $"{h}: no stack trace"
                    if code = 0 then Expect.isTrue (File.Exists(Path.Combine(out, "summary.json"))) $"{h}: a complete folder"
                    else
                        Expect.stringContains stderr "meanfield simulate:" $"{h}: a message"
                        Expect.equal (Directory.GetFileSystemEntries dir) [| file |] $"{h}: nothing written"))

        test "A blow-up gives exit code 1, names the step and particle, and leaves no output folder" {
            withTemp (fun dir ->
                let file = Path.Combine(dir, "fast.yaml")
                File.WriteAllText(file, small.Replace("eta: 2.0", "eta: 2.0\nmax_speed: 0.45").Replace("chemotaxis:\n  eta: 2.0\nmax_speed: 0.45", "max_speed: 0.45\nchemotaxis:\n  eta: 2.0"))
                let out = Path.Combine(dir, "out")
                let code, _, stderr = run [ "simulate"; file; "--out"; out; "--quiet" ]
                Expect.equal code 1 stderr
                Expect.stringContains stderr "particle" stderr
                Expect.stringContains stderr "step" stderr
                Expect.isFalse (Directory.Exists out) "no output")
        }

        test "An invalid option value gives exit code 2" {
            let code, _, stderr = run [ "simulate"; "--threads"; "0"; "--quiet"; "--out"; Path.Combine(Path.GetTempPath(), "never") ]
            Expect.equal code 2 stderr
            Expect.stringContains stderr "--threads" stderr
        }
    ]
