module MeanField.Tests.Contract.ExampleSolverTests

open System
open System.IO
open Expecto
open MeanField.Core.Scenarios
open MeanField.Core.Solvers
open MeanField.Verification
open MeanField.Verification.Checks
open MeanField.Tests

let private script = Examples.pythonSolver

/// A suite small enough for the test run: every kind of check that runs a solver, on short ladders.
let private reduced =
    let ladder xs replicas = (Ladder.fixedDesign xs replicas 0.0)
    let scenario = ScenarioReader.Default()
    let short = ScenarioReader.Parse(ScenarioReader.DefaultText().Replace("horizon: 2.0", "horizon: 0.5"))
    { Name = "reduced"
      Entries =
        [ Dobrushin.check scenario "default" 0.2 80, ladder [ 1e-6; 1e-5; 1e-4; 1e-3 ] 2
          MeanFieldRate.checkGrid (ScenarioReader.Embedded "vlasov-d1") "vlasov-d1" 1.0, ladder [ 128.0; 256.0; 512.0; 1024.0 ] 3
          Monokinetic.check (ScenarioReader.Embedded "monokinetic-d1") "monokinetic-d1" 1.0, ladder [ 64.0; 128.0; 256.0; 512.0 ] 3
          ChemicalGradient.check scenario "default" 1.0 8000, ladder [ 128.0; 256.0; 512.0; 1024.0 ] 2
          APriori.check short "default", ladder [ 100.0 ] 1 ] }

let private cppSource = Examples.cppSource

/// Runs a program to its end; its exit code and its standard output and error together.
let private exec (program: string) (args: string list) =
    let psi = Diagnostics.ProcessStartInfo(program, args, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    use p =
        try
            match Diagnostics.Process.Start psi with
            | null -> failtest $"could not start {program}"
            | p -> p
        with :? ComponentModel.Win32Exception -> failtest $"{program} is not installed: ci/setup.sh installs cmake and g++ from Debian"
    let output = p.StandardOutput.ReadToEndAsync()
    let errors = p.StandardError.ReadToEndAsync()
    p.WaitForExit()
    p.ExitCode, output.Result + errors.Result

/// The quick suite's code checks: every term of (P) in d = 1, 2 and 3, alignment alone in each, and the closed forms.
let private codeChecks =
    let ids =
        [ for d in 1..3 -> CheckId.Convergence d
          for d in 1..3 -> CheckId.AlignmentConvergence d
          for d in 1..3 -> CheckId.ClosedForm d
          yield CheckId.Momentum 2
          yield CheckId.FieldIndependence 2 ]
        |> List.map (fun id -> id.Text)
    match Suite.select ids (Suite.quick Suite.defaultModel) with
    | Ok suite -> suite
    | Error e -> failwith e

let private runOn (solver: IParticleSolver) =
    Suite.run reduced { Solver = solver; Seed = 21; ScenarioText = "reduced"; Progress = ignore; Finished = ignore }

[<Tests>]
let tests =
    testList "MeanField.Examples.python" [
        test "The example Python solver, an independent discretisation, gets the own solver's verdicts on a reduced suite" {
            Expect.isTrue (File.Exists script) $"the example at {script}"
            use python = ExternalProcessSolver.Create($"python3 \"{script}\"", TimeSpan.FromMinutes 5.0, Environment.ProcessorCount)
            Expect.stringContains (nonNull python.Identity.Version) "numpy" $"it runs with NumPy (install python3-numpy): {python.Identity.Version}"
            let theirs = runOn python
            let ours = runOn Solvers.own
            for a, b in List.zip ours.Checks theirs.Checks do
                Expect.equal b.Verdict a.Verdict $"{a.Id}: {a.Verdict.Name} with the own solver, {b.Verdict.Name} with the example ({String.Join(' ', b.Notes)})"
                Expect.isFalse (b.Verdict.IsError || b.Verdict.IsNotApplicable) $"{b.Id} was judged"
                match a.Rate, b.Rate with
                | Some ra, Some rb ->
                    // An independent second-order solver: the slopes agree within the sampling error, not to the bit.
                    Expect.isLessThan (abs (ra.Fit.Slope - rb.Fit.Slope)) 0.1 $"{a.Id}: slopes {ra.Fit.Slope} and {rb.Fit.Slope}"
                | _ -> ()
            let independence = theirs.Checks |> List.map (fun c -> (Independence.between c.Reference theirs.Solver).Text) |> List.distinct
            Expect.equal independence [ "yes" ] "every reference is independent of an outside solver"
        }

        test "The example Python solver Holds on the manufactured problems of d = 1, 2 and 3, every term on, with at least three judged time steps" {
            use python = ExternalProcessSolver.Create($"python3 \"{script}\"", TimeSpan.FromMinutes 5.0, Environment.ProcessorCount, order = 2.0)
            let suite =
                { Name = "manufactured"
                  Entries = [ for d in 1..3 -> Convergence.check (ConvergenceProblem.Manufactured d) (Suite.manufacturedDesign d), Ladder.fixedDesign [] 0 0.0 ] }
            let run = Suite.run suite { Solver = python; Seed = 20261123; ScenarioText = "manufactured"; Progress = ignore; Finished = ignore }
            for c in run.Checks do
                Expect.equal c.Verdict Verdict.Holds $"{c.Id}: {String.Join(' ', c.Notes)}"
                let time = c.Convergence.Value.Time
                Expect.isGreaterThanOrEqual (time.Judged |> Array.filter id |> Array.length) 3 $"{c.Id}: three time steps judged"
                Expect.isGreaterThan time.Order 1.7 $"{c.Id}: second order in dt"
        }
    ]

[<Tests>]
let designTests =
    testList "MeanField.Examples.designs" [
        test "A solver spectral in space and adaptive in time (SciPy's DOP853) Holds on every code check of the quick suite, each time ladder resolved" {
            use spectral = ExternalProcessSolver.Create($"python3 \"{Examples.spectralSolver}\"", TimeSpan.FromMinutes 5.0, Environment.ProcessorCount, adaptive = true)
            Expect.stringContains (nonNull spectral.Identity.Version) "scipy" $"it runs with SciPy (install python3-scipy): {spectral.Identity.Version}"
            let run = Suite.run codeChecks { Solver = spectral; Seed = 20261123; ScenarioText = "code checks"; Progress = ignore; Finished = ignore }
            Expect.equal (run.Checks |> List.map _.Id) (codeChecks.Entries |> List.map (fun (c, _) -> c.Id)) "every code check ran"
            for c in run.Checks do
                Expect.equal c.Verdict Verdict.Holds $"{c.Id}: {String.Join(' ', c.Notes)}"
                match c.Convergence with
                | Some m ->
                    Expect.isSome m.Time.Resolved $"{c.Id}: its time ladder (one rung: its own step control) is resolved"
                    Expect.equal m.Time.Xs.Length 1 $"{c.Id}: an adaptive solver's answer on the first rung alone"
                    Expect.isEmpty m.Unverified $"{c.Id}: every term verified"
                | None -> ()
        }

        test "An alignment-only code (the Python example declaring no chemotaxis) gets no Error in the quick suite: its applicable checks Hold, the others are Not applicable" {
            use flocking = ExternalProcessSolver.Create($"python3 \"{Examples.pythonSolver}\" --alignment-only", TimeSpan.FromMinutes 5.0, Environment.ProcessorCount, order = 2.0)
            let run = Suite.run (Suite.quick Suite.defaultModel) { Solver = flocking; Seed = 20261123; ScenarioText = "quick"; Progress = ignore; Finished = ignore }
            let count f = run.Checks |> List.filter f |> List.length
            Expect.equal (count _.Verdict.IsError) 0 $"""no Error: {String.Join(", ", run.Checks |> List.filter _.Verdict.IsError |> List.map (fun c -> c.Id + " " + c.Verdict.Reason))}"""
            for c in run.Checks do
                Expect.isTrue (c.Verdict.IsHolds || c.Verdict.IsNotApplicable) $"{c.Id}: {c.Verdict.Name} ({c.Verdict.Reason})"
            for d in 1..3 do
                let alignment = run.Checks |> List.find (fun c -> c.Id = (CheckId.AlignmentConvergence d).Text)
                Expect.equal alignment.Verdict Verdict.Holds $"{alignment.Id} judged the solver"
            // Before the alignment-only checks, three said anything of such a solver, all in d = 2.
            for d in 1..3 do
                let judged = run.Checks |> List.filter (fun c -> c.Verdict.IsHolds && c.Reference.UsesSolver && c.Id.EndsWith(sprintf "-d%d" d))
                Expect.isGreaterThanOrEqual judged.Length 2 $"d = {d}: two or more checks judge the solver"
        }
    ]

[<Tests>]
let cppTests =
    testList "MeanField.Examples.cpp" [
        test "The example C++ solver builds with CMake and gets the own solver's verdicts on the quick suite's code checks, every term of (P) in d = 1, 2 and 3" {
            TempFolder.within "cpp-solver" (fun dir ->
                let build = Path.Combine(dir, "build")
                let code, log = exec "cmake" [ "-S"; cppSource; "-B"; build; "-DCMAKE_BUILD_TYPE=Release" ]
                Expect.equal code 0 $"cmake configures it: {log}"
                let code, log = exec "cmake" [ "--build"; build ]
                Expect.equal code 0 $"and builds it, warnings as errors: {log}"
                let program = Path.Combine(build, "meanfield-cpp-solver")
                // Bad input: one line on standard error naming the key and its value, exit 1, no particles.csv.
                let work = Path.Combine(dir, "bad")
                Directory.CreateDirectory work |> ignore
                let scenario = ScenarioReader.DefaultText().Replace("kind: none\ndomain", "kind: constant\n  vector: [0.2]\ndomain")
                Expect.stringContains scenario "vector: [0.2]" "the broken scenario (a 1-vector force in d = 2)"
                File.WriteAllText(Path.Combine(work, "scenario.yaml"), scenario)
                File.WriteAllText(Path.Combine(work, "initial.csv"), "i,x1,x2,v1,v2\n0,0.1,0.2,0.3,0.4\n")
                let code, log = exec program [ work ]
                Expect.equal code 1 $"a malformed scenario exits 1: {log}"
                Expect.stringContains log "external_force.vector = '[0.2]' has 1 entries, expected 2" "and names the key, the value and what was expected"
                Expect.isFalse (File.Exists(Path.Combine(work, "particles.csv"))) "no output"
                use cpp = ExternalProcessSolver.Create($"\"{program}\"", TimeSpan.FromMinutes 5.0, Environment.ProcessorCount, order = 2.0)
                Expect.equal cpp.Identity.Version "cpp-solver 1.0 (protocol 1)" "it answers --version"
                let settings solver = { Solver = solver; Seed = 20261123; ScenarioText = "code checks"; Progress = ignore; Finished = ignore }
                let theirs = Suite.run codeChecks (settings cpp)
                let ours = Suite.run codeChecks (settings Solvers.own)
                Expect.equal (theirs.Checks |> List.map _.Id) (codeChecks.Entries |> List.map (fun (c, _) -> c.Id)) "every code check ran"
                for a, b in List.zip ours.Checks theirs.Checks do
                    Expect.equal b.Verdict a.Verdict $"{a.Id}: {a.Verdict.Name} with the own solver, {b.Verdict.Name} with the C++ example ({String.Join(' ', b.Notes)})"
                    Expect.equal b.Verdict Verdict.Holds $"{b.Id} Holds"
                    match b.Convergence with
                    | Some c ->
                        Expect.isGreaterThanOrEqual (c.Time.Judged |> Array.filter id |> Array.length) 3 $"{b.Id}: three time steps judged"
                        Expect.isGreaterThan c.Time.Order 1.7 $"{b.Id}: second order in dt"
                    | None -> ())
        }
    ]
