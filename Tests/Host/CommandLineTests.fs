module MeanField.Tests.Host.CommandLineTests

open System.Diagnostics
open System.IO
open Expecto
open MeanField.Core.Scenarios
open MeanField.Reports.Output
open MeanField.Tests.Host.SimulateTests

let private withTemp f = MeanField.Tests.TempFolder.within "cli" f

/// The id of a process that has exited: a staging folder named after it is a killed run's.
let private deadProcessId () =
    match Process.Start(ProcessStartInfo("true", UseShellExecute = false)) with
    | null -> failtest "could not start 'true'"
    | p ->
        use p = p
        p.WaitForExit()
        p.Id

[<Tests>]
let tests =
    testList "MeanField.Host.CommandLine" [
        test "An unknown option is refused with exit code 2, naming it and the command, and nothing is written" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "never")
                for args, command in
                    [ [ "reference"; "--method"; "grid"; "--verbose"; "--out"; out ], "meanfield reference"
                      [ "simulate"; "--out"; out; "--bogus" ], "meanfield simulate"
                      [ "verify"; "--check"; "momentum-d2"; "--out"; out; "--chek"; "x" ], "meanfield verify" ] do
                    let code, _, stderr = run args
                    Expect.equal code 2 $"{args}: {stderr}"
                    let option = args |> List.find (fun a -> a = "--verbose" || a = "--bogus" || a = "--chek")
                    Expect.stringContains stderr $"{command}: unknown option '{option}'" stderr
                    Expect.isFalse (Directory.Exists out) "no output")
        }

        test "Whole numbers written in exponent form are accepted where exact; fractions and out-of-range values are refused with the reason" {
            let parse text =
                match WholeNumber.TryParse text with
                | true, value, _ -> Ok value
                | false, _, reason -> Error reason
            Expect.equal (parse "4000") (Ok 4000) "plain"
            Expect.equal (parse "1e5") (Ok 100000) "1e5"
            Expect.equal (parse "2.0E3") (Ok 2000) "2.0E3"
            Expect.equal (parse "-1") (Ok -1) "negative"
            Expect.equal (parse "2.5") (Error "expected a whole number, not a fraction") "a fraction"
            Expect.equal (parse "many") (Error "expected a whole number") "not a number"
            match parse "1e12" with
            | Error reason -> Expect.stringContains reason "beyond the largest this field takes" reason
            | Ok v -> failtest $"1e12 parsed as {v}"
            let scenario = ScenarioReader.Parse(ScenarioReader.DefaultText().Replace("particles: 2000", "particles: 2e3"))
            Expect.equal scenario.Particles 2000 "particles: 2e3 in a scenario"
            let e: ScenarioException = MeanField.Tests.Raises.raises (fun () -> ScenarioReader.Parse(ScenarioReader.DefaultText().Replace("particles: 2000", "particles: 1e12")) |> ignore)
            Expect.stringContains e.Message "1e12" e.Message
            Expect.stringContains e.Message "beyond the largest" e.Message
        }

        test "Whole-number options take the exponent form and refuse a fraction, naming the option and the value" {
            let code, stdout, stderr = run [ "calibrate"; "--trials"; "1e1" ]
            Expect.equal code 0 stderr
            Expect.stringContains stdout "| 0.3 | 4 | 10 |" "ten ladders per configuration"
            let code, _, stderr = run [ "calibrate"; "--trials"; "2.5" ]
            Expect.equal code 2 stderr
            Expect.stringContains stderr "--trials 2.5: expected a whole number, not a fraction" stderr
        }

        test "A new run removes the staging folders that killed runs left for the same target, and keeps a live process's" {
            withTemp (fun dir ->
                let target = Path.Combine(dir, "out")
                let stale = Path.Combine(dir, $".out.partial-{deadProcessId ()}-0123abcd")
                let live = Path.Combine(dir, $".out.partial-{System.Environment.ProcessId}-4567ef01")
                let other = Path.Combine(dir, $".elsewhere.partial-{deadProcessId ()}-89ab")
                for folder in [ stale; live; other ] do
                    Directory.CreateDirectory(Path.Combine(folder, "inner")) |> ignore
                do
                    use output = new AtomicDirectory(target)
                    File.WriteAllText(output.PathOf "a.txt", "a")
                    output.Commit()
                Expect.isFalse (Directory.Exists stale) "the killed run's staging folder is gone"
                Expect.isTrue (Directory.Exists live) "a live process's is kept"
                Expect.isTrue (Directory.Exists other) "another target's is not touched"
                Expect.isTrue (File.Exists(Path.Combine(target, "a.txt"))) "the run itself committed")
        }
    ]
