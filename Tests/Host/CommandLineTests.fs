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

/// The default scenario in d = 3 on a 64-wide box, by the mesh, its cells spread over a ball of radius 30:
/// the mesh's FFT box would need 4096^3 nodes (terabytes).
let private spreadMeshScenario =
    ScenarioReader.DefaultText()
        .Replace("dimension: 2", "dimension: 3")
        .Replace("center: [0.0, 0.0]", "center: [0.0, 0.0, 0.0]")
        .Replace("grid: 128", "grid: 256")
        .Replace("box: 16.0", "box: 64.0")
        .Replace("sigma: 0.5", "sigma: 0.5\n  method: mesh")
        .Replace("  shape: ball\n  center: [0.0, 0.0, 0.0]\n  radius: 1.0", "  shape: ball\n  center: [0.0, 0.0, 0.0]\n  radius: 30.0")

/// Starts the built tool as a process, reads its standard error until a line contains <c>expected</c>
/// (or it exits, or 2 minutes pass), then kills it: for runs that would go on for days.
let private stderrUntil (args: string list) (expected: string) =
    use owned = MeanField.Tests.Processes.start (MeanField.Tests.Processes.toolStart args System.Environment.CurrentDirectory)
    let p = owned.Process
    let lines = System.Collections.Generic.List<string>()
    let found = new System.Threading.ManualResetEventSlim(false)
    p.ErrorDataReceived.Add(fun e ->
        match e.Data with
        | null -> found.Set()
        | line ->
            lock lines (fun () -> lines.Add line)
            if line.Contains expected then found.Set())
    p.BeginErrorReadLine()
    let seen = found.Wait(System.TimeSpan.FromMinutes 2.0)
    if not p.HasExited then p.Kill(entireProcessTree = true)
    p.WaitForExit()
    seen, lock lines (fun () -> String.concat "\n" lines)

/// The README in the source tree (the tests run from Tests/bin/Release/net10.0).
let private readme = Path.GetFullPath(Path.Combine(System.AppContext.BaseDirectory, "..", "..", "..", "..", "README.md"))

/// The README's option table of a command: (option with its value name, words), the table's escaped pipes undone.
let private readmeOptions (text: string) (command: string) =
    let head = $"Options of `meanfield {command}` (as `meanfield {command} --help` gives them):"
    let start = text.IndexOf head
    if start < 0 then failtest $"the README has no option table for meanfield {command}"
    text.Substring(start).Split('\n')
    |> Seq.skip 4
    |> Seq.takeWhile (fun line -> line.StartsWith "| `")
    |> Seq.map (fun line ->
        let cells = System.Text.RegularExpressions.Regex.Split(line.Trim(), @"(?<!\\)\|") |> Array.map (fun c -> c.Trim().Replace("\\|", "|"))
        cells[1].Trim('`'), cells[2])
    |> List.ofSeq

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

        test "A run whose estimated memory exceeds the machine's is refused before it starts, with the estimate by part and what shrinks the largest, exit code 2, nothing written" {
            withTemp (fun dir ->
                let file = Path.Combine(dir, "spread.yaml")
                File.WriteAllText(file, spreadMeshScenario)
                let out = Path.Combine(dir, "never")
                for args, command in
                    [ [ "simulate"; file; "--out"; out; "--quiet" ], "meanfield simulate"
                      [ "reference"; file; "--method"; "particles"; "--resolution"; "1e4"; "--out"; out; "--quiet" ], "meanfield reference" ] do
                    let code, _, stderr = run args
                    Expect.equal code 2 $"{args}: {stderr}"
                    Expect.stringContains stderr $"{command}: the run needs an estimated" stderr
                    Expect.stringContains stderr "TB (cells" "the estimate with its parts"
                    Expect.stringContains stderr "of memory available here" stderr
                    Expect.stringContains stderr "FFT box is the largest part: a larger alignment.mesh_spacing (now 0.05)" stderr
                    Expect.isFalse (Directory.Exists out) "nothing written")
        }

        test "A direct sum estimated to take more than an hour is warned of before the run, naming alignment.method: mesh; the default run gets no warning" {
            withTemp (fun dir ->
                let file = Path.Combine(dir, "million.yaml")
                File.WriteAllText(file, ScenarioReader.DefaultText().Replace("particles: 2000", "particles: 1e6"))
                let seen, stderr = stderrUntil [ "simulate"; file; "--out"; Path.Combine(dir, "out"); "--quiet" ] "warning:"
                Expect.isTrue seen $"a warning before the run ({stderr})"
                Expect.stringContains stderr "meanfield simulate: warning: the direct alignment sum over 1000000 cells is estimated to take" stderr
                Expect.stringContains stderr "pairs/s measured here" "the measured rate"
                Expect.stringContains stderr "alignment.method: mesh" "the remedy"
                let code, _, stderr = run [ "simulate"; "--out"; Path.Combine(dir, "default"); "--snapshots"; "none"; "--quiet" ]
                Expect.equal code 0 stderr
                Expect.isFalse (stderr.Contains "warning") $"no warning for 2000 cells: {stderr}")
        }

        test "Every command's help lists every option of the README's table for it, with the README's words, and no other" {
            let text = File.ReadAllText readme
            let root = MeanField.Host.Cli.Build(TextWriter.Null, TextWriter.Null)
            for command in root.Subcommands do
                let fromHelp =
                    [ for o in command.Options do
                          if o.Name <> "--help" then
                              let value = if o.ValueType = typeof<bool> then "" else " " + (match o.HelpName with null -> failtest $"{o.Name} has no value name" | h -> h)
                              o.Name + value, (match o.Description with null -> failtest $"{o.Name} has no description" | d -> d) ]
                let fromReadme = readmeOptions text command.Name
                Expect.equal (List.map fst fromReadme) (List.map fst fromHelp) $"meanfield {command.Name}: the same options, in the same order"
                for (option, words), (_, help) in List.zip fromReadme fromHelp do
                    Expect.equal words help $"meanfield {command.Name} {option}: the README's words are the help's"
                use out = new StringWriter()
                let code = MeanField.Host.Cli.Run([| command.Name; "--help" |], out, TextWriter.Null)
                Expect.equal code 0 "help exits 0"
                for option, help in fromHelp do
                    Expect.stringContains (out.ToString()) (option.Split(' ')[0]) $"meanfield {command.Name} --help shows {option}"
                    Expect.stringContains (out.ToString().Replace("\n", " ").Replace("  ", " ")) (help.Split(' ') |> Array.take 3 |> String.concat " ") $"and its words"
        }

        test "Every long-running command takes --quiet, which silences its progress on standard error" {
            let root = MeanField.Host.Cli.Build(TextWriter.Null, TextWriter.Null)
            for name in [ "simulate"; "reference"; "verify"; "calibrate"; "distance" ] do
                let command = root.Subcommands |> Seq.find (fun c -> c.Name = name)
                Expect.isTrue (command.Options |> Seq.exists (fun o -> o.Name = "--quiet")) $"meanfield {name} takes --quiet"
            let code, _, shown = run [ "calibrate"; "--trials"; "300" ]
            Expect.equal code 0 shown
            Expect.stringContains shown "calibrate, 300 ladders per configuration" "the progress without --quiet (a run of seconds: Spectre reports a non-terminal at intervals)"
            let code, _, silent = run [ "calibrate"; "--trials"; "10"; "--quiet" ]
            Expect.equal code 0 silent
            Expect.equal silent "" "nothing on standard error with --quiet"
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
    
        test "verify, simulate and reference refuse an --out (or --junit) they cannot write before any work: exit 2, naming the option, the path and why" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "report")
                for args, option in
                    [ [ "verify"; "--check"; "closed-form-d2"; "--out"; "/proc/forbidden/x"; "--quiet" ], "--out /proc/forbidden/x"
                      [ "verify"; "--check"; "closed-form-d2"; "--out"; out; "--junit"; "/proc/forbidden/j.xml"; "--quiet" ], "--junit /proc/forbidden/j.xml" ] do
                    let clock = Stopwatch.StartNew()
                    let code, stdout, stderr = run args
                    Expect.equal code 2 $"{args}: {stdout} {stderr}"
                    Expect.stringContains stderr $"{option} cannot be written" "names the option and the path"
                    Expect.stringContains stderr "does not take a new file" "and why"
                    Expect.isFalse (stdout.Contains "closed-form-d2") "no check ran"
                    Expect.isLessThan clock.Elapsed.TotalSeconds 20.0 "refused at once"
                    Expect.isFalse (Directory.Exists out) "nothing written"
                for args in
                    [ [ "simulate"; "--out"; "/proc/forbidden/s"; "--quiet" ]
                      [ "reference"; "--method"; "grid"; "--out"; "/proc/forbidden/r"; "--quiet" ]
                      [ "verify"; "--check"; "closed-form-d2"; "--plan"; "/proc/forbidden/plan.json"; "--out"; out; "--quiet" ] ] do
                    let code, stdout, stderr = run args
                    Expect.equal code 2 $"{args}: {stdout} {stderr}"
                    Expect.stringContains stderr " /proc/forbidden/" $"{args}: names the path"
                    Expect.stringContains stderr "cannot be written" $"{args}: and that it cannot be written")
        }

        test "SIGTERM and SIGINT to verify with a slow external solver kill its process tree, remove every work and staging folder, and exit 143 or 130" {
            withTemp (fun dir ->
                // The solver answers --version, then records its pid, its child's pid and its work folder, and sleeps.
                let solver = Path.Combine(dir, "slow.py")
                File.WriteAllText(
                    solver,
                    "import os, subprocess, sys, time\n"
                    + "if sys.argv[-1] == '--version':\n    print('slow 1'); sys.exit(0)\n"
                    + "marks, work = sys.argv[1], sys.argv[-1]\n"
                    + "child = subprocess.Popen(['sleep', '600'])\n"
                    + "with open(os.path.join(marks, f'{os.getpid()}.run'), 'w') as f: f.write(f'{child.pid}\\n{work}\\n')\n"
                    + "time.sleep(600)\n")
                for signal, expected in [ "TERM", 143; "INT", 130 ] do
                    let marks = Path.Combine(dir, $"marks-{signal}")
                    Directory.CreateDirectory marks |> ignore
                    let out = Path.Combine(dir, $"report-{signal}")
                    let work = Path.Combine(dir, $"cwd-{signal}")
                    Directory.CreateDirectory work |> ignore
                    let args = [ "verify"; "--check"; "convergence-d1"; "--quiet"; "--out"; out; "--solver-command"; $"python3 {solver} {marks}"; "--solver-jobs"; "2" ]
                    use owned = MeanField.Tests.Processes.start (MeanField.Tests.Processes.toolStart args work)
                    let tool = owned.Process
                    let stderr = tool.StandardError.ReadToEndAsync()
                    let clock = Stopwatch.StartNew()
                    while Directory.GetFiles(marks).Length < 2 && clock.Elapsed.TotalSeconds < 60.0 && not tool.HasExited do
                        System.Threading.Thread.Sleep 100
                    Expect.equal (Directory.GetFiles(marks).Length) 2 $"SIG{signal}: two solver runs under way"
                    use kill = Process.Start("kill", [ $"-{signal}"; string tool.Id ])
                    kill.WaitForExit()
                    Expect.isTrue (tool.WaitForExit 30000) $"SIG{signal}: the tool stopped"
                    Expect.equal tool.ExitCode expected $"SIG{signal}: {stderr.Result}"
                    Expect.stringContains stderr.Result "interrupted" "says so"
                    Expect.isFalse (stderr.Result.Contains "internal error") $"SIG{signal}: not called a bug: {stderr.Result}"
                    Expect.isFalse (stderr.Result.Contains "non-zero exit") $"SIG{signal}: the killed runs are not the solver's failures: {stderr.Result}"
                    System.Threading.Thread.Sleep 500
                    let alive (pid: int) = Directory.Exists $"/proc/{pid}" && not ((File.ReadAllText $"/proc/{pid}/stat").Contains ") Z ")
                    for mark in Directory.GetFiles marks do
                        let solverPid = int (Path.GetFileNameWithoutExtension mark)
                        let lines = File.ReadAllLines mark
                        Expect.isFalse (alive solverPid) $"SIG{signal}: the solver {solverPid} is gone"
                        Expect.isFalse (alive (int lines[0])) $"SIG{signal}: and its child {lines[0]}"
                        Expect.isFalse (Directory.Exists lines[1]) $"SIG{signal}: its work folder {lines[1]} is removed"
                        Expect.isFalse (Directory.Exists(Path.GetDirectoryName lines[1])) $"SIG{signal}: and the work root"
                    Expect.isFalse (Directory.Exists out) $"SIG{signal}: no report"
                    Expect.isEmpty (Directory.GetDirectories(dir, $".report-{signal}.partial-*")) $"SIG{signal}: no staging folder")
        }

        test "SIGINT to a long in-process simulate stops it at once, with 130, the message and no output or staging folder" {
            withTemp (fun dir ->
                let scenario = Path.Combine(dir, "long.yaml")
                let text = ScenarioReader.EmbeddedText "default"
                File.WriteAllText(scenario, text.Replace("particles: 2000", "particles: 200000").Replace("horizon: 2", "horizon: 200"))
                let out = Path.Combine(dir, "sim")
                use owned = MeanField.Tests.Processes.start (MeanField.Tests.Processes.toolStart [ "simulate"; scenario; "--quiet"; "--out"; out ] dir)
                let tool = owned.Process
                let stderr = tool.StandardError.ReadToEndAsync()
                let clock = Stopwatch.StartNew()
                let staging () = Directory.GetDirectories(dir, ".sim.partial-*")
                while staging().Length = 0 && clock.Elapsed.TotalSeconds < 60.0 && not tool.HasExited do
                    System.Threading.Thread.Sleep 50
                Expect.isNonEmpty (staging ()) $"the run is writing its staging folder: {tool.HasExited}"
                System.Threading.Thread.Sleep 1000
                use kill = Process.Start("kill", [ "-INT"; string tool.Id ])
                kill.WaitForExit()
                let signalled = Stopwatch.StartNew()
                Expect.isTrue (tool.WaitForExit 30000) "the tool stopped"
                Expect.isLessThan signalled.Elapsed.TotalSeconds 5.0 "promptly: no grace period without a solver to wait for"
                Expect.equal tool.ExitCode 130 stderr.Result
                Expect.stringContains stderr.Result "interrupted by SIGINT" "says so"
                Expect.isFalse (stderr.Result.Contains "internal error") $"not called a bug: {stderr.Result}"
                Expect.isFalse (Directory.Exists out) "no output"
                Expect.isEmpty (staging ()) "no staging folder")
        }

        test "simulate and verify on a full disk and on a read-only one: a named error, exit 1 or 2, no partial folder (where the test may mount)" {
            withTemp (fun dir ->
                let mountAt (folder: string) (options: string) =
                    Directory.CreateDirectory folder |> ignore
                    try
                        use p = Process.Start("mount", [ "-t"; "tmpfs"; "-o"; options; "tmpfs"; folder ])
                        p.WaitForExit()
                        p.ExitCode = 0
                    with :? System.ComponentModel.Win32Exception -> false
                let full, readOnly = Path.Combine(dir, "full"), Path.Combine(dir, "ro")
                if not (mountAt full "size=16k") then skiptest "cannot mount a tmpfs here (needs root and mount)"
                try
                    if not (mountAt readOnly "size=16k,ro") then skiptest "cannot mount a read-only tmpfs here"
                    try
                        for args, expected, says in
                            [ [ "simulate"; "--out"; Path.Combine(full, "s"); "--quiet" ], 1, "No space left on device"
                              [ "verify"; "--check"; "closed-form-d2"; "--out"; Path.Combine(full, "v"); "--quiet" ], 1, "No space left on device"
                              [ "simulate"; "--out"; Path.Combine(readOnly, "s"); "--quiet" ], 2, "Read-only file system"
                              [ "verify"; "--check"; "closed-form-d2"; "--out"; Path.Combine(readOnly, "v"); "--quiet" ], 2, "Read-only file system" ] do
                            let code, stdout, stderr = run args
                            Expect.equal code expected $"{args}: {stdout} {stderr}"
                            Expect.stringContains stderr says $"{args}: names the cause"
                            Expect.isFalse (stderr.Contains "internal error") $"{args}: not called a bug"
                        Expect.isEmpty (Directory.GetFileSystemEntries full) "nothing left on the full disk"
                    finally
                        use p = Process.Start("umount", [ readOnly ])
                        p.WaitForExit()
                finally
                    use p = Process.Start("umount", [ full ])
                    p.WaitForExit())
        }

        test "An unexpected exception is one message that says it is a bug, with the stack trace in a file it names, and exit code 70" {
            use error = new StringWriter()
            let code = MeanField.Host.Cli.Guard((fun () -> raise (System.InvalidOperationException "the sky fell")), error)
            Expect.equal code 70 "the internal-error code"
            let message = error.ToString()
            Expect.stringContains message "internal error, a bug in meanfield" "says it is a bug"
            Expect.stringContains message "InvalidOperationException: the sky fell" "and what failed"
            Expect.equal (message.Trim().Split('\n').Length) 1 "in one line, no stack trace on the console"
            let file = System.Text.RegularExpressions.Regex.Match(message, @"the details are in (\S+\.txt)").Groups[1].Value
            Expect.isTrue (File.Exists file) $"the file it names: {message}"
            let details = File.ReadAllText file
            File.Delete file
            Expect.stringContains details "the sky fell" "the exception"
            Expect.stringContains details "at " "and its stack trace"
            Expect.equal (MeanField.Host.Cli.Guard((fun () -> 3), error)) 3 "a command that returns passes its code through"
        }
    ]
