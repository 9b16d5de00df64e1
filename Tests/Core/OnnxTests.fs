module MeanField.Tests.Core.OnnxTests

open System
open System.IO
open Expecto
open MeanField.Core.Dynamics
open MeanField.Core.Kernels
open MeanField.Core.Kernels.Onnx
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Tests

let private withFolder f = TempFolder.within "onnx" f

/// The default scenario (d = 2) with the Cucker-Smale kernel given by a model file instead.
let onnxScenarioText (modelPath: string) (extra: string) =
    ScenarioReader.DefaultText()
        .Replace("  kind: cucker_smale\n  beta: 1.0\n  radius: 1.0\n  sigma: 0.5", $"  kind: onnx\n  path: \"{modelPath}\"\n  beta: 1.0{extra}")

let private trajectory (model: HybridModel) (start: ParticleState) steps =
    let sim = HybridSimulation(model, start, 1)
    for _ in 1..steps do
        sim.Step()
    Array.append sim.State.Positions sim.State.Velocities

let private relativeGap (a: float[]) (b: float[]) =
    Measure.maxAbsDiff a b / Measure.maxAbs b

let private modelTests =
    testList "models" [
        test "An ONNX Cucker-Smale profile follows the analytic kernel's trajectories: 1e-12 in float64, float32 precision in float32, direct and mesh" {
            withFolder (fun dir ->
                let analytic = ScenarioReader.Default()
                let start = InitialData.Sample(analytic.Initial, 2, 300, 5)
                for element, tolerance in [ OnnxModels.Float64, 1e-12; OnnxModels.Float32, 1e-5 ] do
                    let path = OnnxModels.write dir $"psi-{element}.onnx" (OnnxModels.cuckerSmale element 1.0 0.5)
                    for method in [ ""; "\n  method: mesh\n  mesh_spacing: 0.05" ] do
                        let reference =
                            if method = "" then HybridModel.FromScenario analytic
                            else HybridModel.FromScenario analytic |> fun m -> m.WithMeshAlignment 0.05
                        let onnx = HybridModel.FromScenario(ScenarioReader.Parse(onnxScenarioText path method))
                        Expect.stringContains onnx.Alignment.Description "ONNX profile" "the model is in use"
                        let gap = relativeGap (trajectory onnx start 20) (trajectory reference start 20)
                        let path = if method = "" then "direct" else "mesh"
                        Expect.isLessThan gap tolerance $"{element}, {path}: relative gap {gap:E2}")
        }

        test "An ONNX source chi(r), tabulated once, follows the analytic bump's trajectories to 1e-12, with its mass and constants estimated" {
            withFolder (fun dir ->
                let path = OnnxModels.write dir "chi.onnx" (OnnxModels.polynomialBump 0.5 1.0)
                let analytic = ScenarioReader.Default()
                let text = ScenarioReader.DefaultText().Replace("    kind: polynomial_bump\n    radius: 0.5\n    amplitude: 1.0", $"    kind: onnx\n    path: \"{path}\"\n    radius: 0.5")
                let onnx = ScenarioReader.Parse text
                let model = HybridModel.FromScenario onnx
                Expect.stringContains model.Source.Description "ONNX source" "the model is in use"
                let bump = PolynomialBump(0.5, 1.0)
                for d in 1..3 do
                    Expect.floatClose { absolute = 0.0; relative = 1e-12 } (model.Source.Mass d) (bump.Mass d) $"mass in d = {d}"
                Expect.isTrue model.Source.Lipschitz.IsEstimated "Lip(chi) labelled as estimated"
                Expect.floatClose { absolute = 0.0; relative = 1e-6 } model.Source.Lipschitz.Value bump.Lipschitz.Value "Lip(chi)"
                Expect.floatClose { absolute = 0.0; relative = 1e-3 } model.Source.GradientLipschitz.Value bump.GradientLipschitz.Value "Lip(grad chi)"
                let start = InitialData.Sample(analytic.Initial, 2, 300, 6)
                let gap = relativeGap (trajectory model start 20) (trajectory (HybridModel.FromScenario analytic) start 20)
                Expect.isLessThan gap 1e-12 $"relative gap {gap:E2}"
                let bad = OnnxModels.write dir "constant.onnx" (OnnxModels.constant ())
                let e = raises<ScenarioException> (fun () -> ScenarioReader.Parse(text.Replace(path, bad)) |> ignore)
                Expect.equal e.Key "chemotaxis.source.path" "names the key"
                Expect.stringContains e.Message "must vanish" "says why")
        }

        test "A general gamma(y, w) as an ONNX model follows the analytic kernel's trajectories to 1e-12, one batch per particle" {
            withFolder (fun dir ->
                let path = OnnxModels.write dir "gamma.onnx" (OnnxModels.cuckerSmaleGamma 1.0 1.0 0.5)
                let analytic = ScenarioReader.Default()
                let text = ScenarioReader.DefaultText().Replace("  kind: cucker_smale\n  beta: 1.0\n  radius: 1.0\n  sigma: 0.5", $"  kind: onnx_gamma\n  path: \"{path}\"")
                let model = HybridModel.FromScenario(ScenarioReader.Parse text)
                Expect.stringContains model.Alignment.Description "ONNX gamma" "the model is in use"
                let start = InitialData.Sample(analytic.Initial, 2, 200, 7)
                let gap = relativeGap (trajectory model start 10) (trajectory (HybridModel.FromScenario analytic) start 10)
                Expect.isLessThan gap 1e-12 $"relative gap {gap:E2}"
                let lip = model.Alignment.Lipschitz(2.0, 1.0)
                Expect.isTrue lip.IsEstimated "labelled as estimated"
                // Sampling gives a lower estimate of Lip(gamma): at most the analytic bound, at least beta psi near 0.
                let bound = CuckerSmaleKernel(1.0, 1.0, 0.5).Lipschitz(2.0, 1.0).Value
                Expect.isLessThanOrEqual lip.Value bound "below the analytic bound"
                Expect.isGreaterThan lip.Value 0.9 "near beta, the slope in w at small |y|"
                let scalar = OnnxModels.write dir "psi.onnx" (OnnxModels.cuckerSmale OnnxModels.Float64 1.0 0.5)
                let e = raises<ScenarioException> (fun () -> ScenarioReader.Parse(text.Replace(path, scalar)) |> ignore)
                Expect.stringContains e.Message "[batch, 4] expected" "a scalar profile is not a gamma")
        }

        test "The ONNX kernel's constants are estimated on the visited support and labelled so" {
            withFolder (fun dir ->
                let path = OnnxModels.write dir "psi.onnx" (OnnxModels.cuckerSmale OnnxModels.Float64 1.0 0.5)
                use kernel = new OnnxProfileKernel(OnnxFunction.Load path, 1.0, 10.0)
                let estimated = kernel.Lipschitz(4.0, 2.0)
                let exact = CuckerSmaleKernel(1.0, 1.0, 0.5).Lipschitz(4.0, 2.0)
                Expect.isTrue estimated.IsEstimated "labelled as estimated"
                Expect.floatClose { absolute = 0.0; relative = 1e-3 } estimated.Value exact.Value "close to the analytic constant")
        }

        test "Bad models fail at load with the file and the reason" {
            withFolder (fun dir ->
                let garbage = Path.Combine(dir, "garbage.onnx")
                File.WriteAllText(garbage, "this is not a model")
                let cases =
                    [ Path.Combine(dir, "missing.onnx"), "no such file"
                      garbage, "not a model"
                      OnnxModels.write dir "two.onnx" (OnnxModels.twoInputs ()), "2 inputs"
                      OnnxModels.write dir "shape.onnx" (OnnxModels.wrongShape ()), "shape [?, 3]"
                      OnnxModels.write dir "inverse.onnx" (OnnxModels.inverse ()), "returned Infinity at input 0" ]
                for path, reason in cases do
                    let e = raises<OnnxModelException> (fun () -> (new OnnxProfileKernel(OnnxFunction.Load path, 1.0, 10.0)).Dispose())
                    Expect.stringContains e.Message path "names the file"
                    Expect.stringContains e.Message reason "says what is wrong"
                    let scenario = raises<ScenarioException> (fun () -> ScenarioReader.Parse(onnxScenarioText path "") |> ignore)
                    Expect.equal scenario.Key "alignment.path" "the scenario names the key")
        }
    ]

let private runTests =
    testList "runs" [
        test "A scenario with an ONNX kernel (path relative to the scenario) runs through simulate; a bad model exits 2 naming the key, writing nothing" {
            withFolder (fun dir ->
                OnnxModels.write dir "psi.onnx" (OnnxModels.cuckerSmale OnnxModels.Float64 1.0 0.5) |> ignore
                let text =
                    (onnxScenarioText "psi.onnx" "")
                        .Replace("particles: 2000", "particles: 100")
                        .Replace("horizon: 2.0", "horizon: 0.1")
                        .Replace("output_interval: 0.1", "output_interval: 0.05")
                let file = Path.Combine(dir, "onnx.yaml")
                File.WriteAllText(file, text)
                let out = Path.Combine(dir, "out")
                let code, _, stderr = MeanField.Tests.Host.SimulateTests.run [ "simulate"; file; "--out"; out; "--quiet" ]
                Expect.equal code 0 $"exit code ({stderr})"
                Expect.stringContains (File.ReadAllText(Path.Combine(out, "scenario.yaml"))) "kind: onnx" "the scenario as run names the model"
                File.WriteAllText(Path.Combine(dir, "bad.onnx"), "not a model")
                let badFile = Path.Combine(dir, "bad.yaml")
                File.WriteAllText(badFile, text.Replace("psi.onnx", "bad.onnx"))
                let badOut = Path.Combine(dir, "bad-out")
                let code, _, stderr = MeanField.Tests.Host.SimulateTests.run [ "simulate"; badFile; "--out"; badOut; "--quiet" ]
                Expect.equal code 2 "bad input"
                Expect.stringContains stderr "alignment.path" "names the key"
                Expect.isFalse (Directory.Exists badOut) "nothing written")
        }

        test "verify --scenario with an ONNX kernel runs a check end to end and labels the estimated constant in the report" {
            withFolder (fun dir ->
                OnnxModels.write dir "psi.onnx" (OnnxModels.cuckerSmale OnnxModels.Float64 1.0 0.5) |> ignore
                let file = Path.Combine(dir, "onnx.yaml")
                // The mesh path tabulates the model once, so the check runs as fast as with the analytic kernel.
                File.WriteAllText(file, onnxScenarioText "psi.onnx" "\n  method: mesh\n  mesh_spacing: 0.05")
                let out = Path.Combine(dir, "report")
                let code, _, stderr = MeanField.Tests.Host.SimulateTests.run [ "verify"; "--scenario"; file; "--check"; "dobrushin"; "--out"; out; "--quiet" ]
                Expect.equal code 0 $"exit code ({stderr})"
                let report = File.ReadAllText(Path.Combine(out, "report.md"))
                Expect.stringContains report "Lip(gamma) on the visited support (estimated)" "the estimated constant is labelled")
        }

        test "A verification check reaches the same verdict and slope with the ONNX kernel as with the analytic one" {
            withFolder (fun dir ->
                let path = OnnxModels.write dir "psi.onnx" (OnnxModels.cuckerSmale OnnxModels.Float64 1.0 0.5)
                let analytic = ScenarioReader.Default()
                let onnx = ScenarioReader.Parse(onnxScenarioText path "")
                let ladder = (MeanField.Verification.Ladder.fixedDesign [ 1e-6; 1e-5; 1e-4; 1e-3 ] 2 0.0)
                let run (scenario: Scenario) =
                    let context = MeanField.Tests.Solvers.context MeanField.Tests.Solvers.own 3 ladder
                    (MeanField.Verification.Checks.Dobrushin.check scenario "model" 0.2 60).Run context
                let a, b = run analytic, run onnx
                Expect.equal b.Verdict a.Verdict "same verdict"
                Expect.floatClose { absolute = 1e-9; relative = 1e-9 } b.Rate.Value.Fit.Slope a.Rate.Value.Fit.Slope "same slope"
                Expect.stringContains (String.Join(" ", b.Parameters |> List.map fst)) "(estimated)" "the estimated constant is labelled in the report")
        }
    ]

[<Tests>]
let tests = testList "MeanField.Core.Kernels.Onnx" [ modelTests; runTests ]
