module MeanField.Tests.Host.DistanceTests

open System
open System.IO
open System.Text.Json
open Expecto
open MeanField.Core.Transport
open MeanField.Tests.Host.SimulateTests

let private withFiles (files: (string * string) list) f =
    let dir = Path.Combine(Path.GetTempPath(), "meanfield-distance-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory dir |> ignore
    try
        for name, text in files do
            File.WriteAllText(Path.Combine(dir, name), text)
        f (fun name -> Path.Combine(dir, name))
    finally
        Directory.Delete(dir, true)

let private csv (points: float[][]) =
    points |> Array.map (fun p -> p |> Array.map (fun c -> c.ToString("R", Globalization.CultureInfo.InvariantCulture)) |> String.concat ",") |> String.concat "\n"

[<Tests>]
let tests =
    testList "MeanField.Host.distance" [
        test "distance --json reports the exact assignment's cost, with a header row and comments in the files" {
            let rng = Random(3)
            let a = Array.init 30 (fun _ -> Array.init 4 (fun _ -> rng.NextDouble()))
            let b = Array.init 30 (fun _ -> Array.init 4 (fun _ -> rng.NextDouble()))
            withFiles [ "a.csv", "x1,x2,v1,v2\n# a comment\n" + csv a; "b.csv", csv b ] (fun path ->
                let code, stdout, stderr = run [ "distance"; path "a.csv"; path "b.csv"; "--json" ]
                Expect.equal code 0 stderr
                let json = JsonDocument.Parse(stdout).RootElement
                let expected = AssignmentTransport.Solve(PointCloud(4, Array.concat a), PointCloud(4, Array.concat b), 2.0)
                Expect.floatClose Accuracy.veryHigh (json.GetProperty("cost").GetDouble()) expected.Cost "cost"
                Expect.equal (json.GetProperty("method").GetString()) "exact" "auto picks the exact solver"
                Expect.isTrue (json.GetProperty("exact").GetBoolean()) "exact"
                Expect.equal (json.GetProperty("dimension").GetInt32()) 4 "D")
        }

        test "distance on weighted 1-D clouds uses the quantile solver and prints the distance" {
            withFiles [ "a.csv", "0,0.25\n1,0.75"; "b.csv", "0,0.25\n1,0.5\n2,0.25" ] (fun path ->
                let code, stdout, stderr = run [ "distance"; path "a.csv"; path "b.csv"; "--weights" ]
                Expect.equal code 0 stderr
                Expect.stringContains stdout "W2 = 0.5 " "W2 = sqrt(0.25)"
                Expect.stringContains stdout "method 1d" "says what auto picked")
        }

        test "distance --method sinkhorn says it is approximate and reports epsilon and the estimated error" {
            let rng = Random(4)
            let a = Array.init 40 (fun _ -> Array.init 2 (fun _ -> rng.NextDouble()))
            let b = Array.init 50 (fun _ -> Array.init 2 (fun _ -> rng.NextDouble() + 0.3))
            withFiles [ "a.csv", csv a; "b.csv", csv b ] (fun path ->
                let code, stdout, stderr = run [ "distance"; path "a.csv"; path "b.csv"; "--method"; "sinkhorn"; "--json" ]
                Expect.equal code 0 stderr
                let json = JsonDocument.Parse(stdout).RootElement
                Expect.isFalse (json.GetProperty("exact").GetBoolean()) "approximate"
                Expect.isGreaterThan (json.GetProperty("epsilon").GetDouble()) 0.0 "epsilon"
                let exact = ExactTransport.Solve(PointCloud(2, Array.concat a), PointCloud(2, Array.concat b), 2.0).Cost
                let error = abs (json.GetProperty("cost").GetDouble() - exact)
                Expect.isLessThanOrEqual error (json.GetProperty("estimated_error").GetDouble()) "the estimate bounds the error"
                let code, stdout, _ = run [ "distance"; path "a.csv"; path "b.csv"; "--method"; "sinkhorn" ]
                Expect.equal code 0 "text"
                Expect.stringContains stdout "approximate: epsilon" stdout)
        }

        test "Malformed clouds give exit code 2 and a message naming the file, the line and the value" {
            withFiles [ "good.csv", "0,1\n2,3"; "text.csv", "0,1\n2,abc"; "ragged.csv", "0,1\n2"; "empty.csv", "# nothing\n"; "nan.csv", "0,NaN\n1,2"; "wide.csv", "0,1,2\n3,4,5" ] (fun path ->
                for name, fragment in [ "text.csv", "line 2: 'abc'"; "ragged.csv", "line 2"; "empty.csv", "empty"; "nan.csv", "not finite"; "wide.csv", "dimensions"; "missing.csv", "no such file" ] do
                    let code, _, stderr = run [ "distance"; path "good.csv"; path name ]
                    Expect.equal code 2 name
                    Expect.stringContains stderr fragment name
                let code, _, stderr = run [ "distance"; path "good.csv"; path "good.csv"; "--p"; "0.5" ]
                Expect.equal code 2 "p < 1"
                Expect.stringContains stderr "--p" stderr)
        }
    ]
