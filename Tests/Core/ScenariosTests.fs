module MeanField.Tests.Core.ScenariosTests

open Expecto
open MeanField.Core.Scenarios
open MeanField.Tests
open MeanField.Tests.Generators

/// One YAML per variant of every section, for round trips.
let variants =
    let baseText = ScenarioReader.DefaultText()
    let replaceSection (name: string) (body: string) (text: string) =
        let lines = text.Split('\n') |> Array.toList
        let start = lines |> List.findIndex (fun l -> l = name + ":")
        let rest = lines |> List.skip (start + 1)
        let bodyEnd = rest |> List.tryFindIndex (fun l -> l.Length > 0 && not (l.StartsWith " ")) |> Option.defaultValue rest.Length
        String.concat "\n" (List.take start lines @ [ name + ":" ] @ [ body.TrimEnd() ] @ List.skip bodyEnd rest)
    [ "default", baseText
      "gaussian data", baseText |> replaceSection "initial" "  kind: gaussian\n  center: [0.5, 0]\n  std: 0.4\n  velocity_center: [0, 0.1]\n  velocity_std: 0.2\n  cutoff: 2.5"
      "two clusters", baseText |> replaceSection "initial" "  kind: two_clusters\n  separation: 3\n  radius: 0.5\n  velocity_radius: 0.2\n  drift: 0.3"
      "monokinetic rotation", baseText |> replaceSection "initial" "  kind: monokinetic\n  radius: 1\n  velocity:\n    kind: rotation\n    rate: 0.5"
      "monokinetic sine", baseText |> replaceSection "initial" "  kind: monokinetic\n  radius: 1\n  velocity:\n    kind: sine\n    amplitude: 0.3\n    wavenumber: 2"
      "monokinetic linear", baseText |> replaceSection "initial" "  kind: monokinetic\n  radius: 1\n  velocity:\n    kind: linear\n    rate: -0.5"
      "monokinetic constant", baseText |> replaceSection "initial" "  kind: monokinetic\n  radius: 1\n  velocity:\n    kind: constant\n    value: [0.1, 0.2]"
      "box data", baseText |> replaceSection "initial" "  kind: uniform\n  shape: box\n  radius: 0.8\n  velocity_radius: 0.1"
      "confinement", baseText |> replaceSection "external_force" "  kind: confinement\n  strength: 0.5\n  length: 2"
      "constant force", baseText |> replaceSection "external_force" "  kind: constant\n  vector: [0.1, -0.2]"
      "no alignment", baseText |> replaceSection "alignment" "  kind: none"
      "mesh alignment", baseText.Replace("  sigma: 0.5", "  sigma: 0.5\n  method: mesh\n  mesh_spacing: 0.1")
      "smooth bump", baseText.Replace("    kind: polynomial_bump\n    radius: 0.5\n    amplitude: 1.0", "    kind: smooth_bump\n    radius: 0.5\n    amplitude: 1.0\n    sharpness: 16")
      "manufactured d = 1", ScenarioReader.EmbeddedText "manufactured-d1"
      "manufactured d = 2", ScenarioReader.EmbeddedText "manufactured-d2"
      "manufactured d = 3", ScenarioReader.EmbeddedText "manufactured-d3"
      "gaussian field", baseText.Replace("  initial_field:\n    kind: zero", "  initial_field:\n    kind: gaussian\n    amplitude: 0.5\n    width: 0.6\n    center: [0.2, 0.1]") ]

/// The scenario as (path, value) leaves, read by reflection: every public property, arrays element by
/// element, numbers at round-trip precision. Two scenarios with the same leaves are the same scenario
/// (records compare arrays by reference, so their own equality cannot say it).
let rec private leaves (path: string) (value: obj | null) : (string * string) list =
    match value with
    | null -> [ path, "null" ]
    | :? float as x -> [ path, x.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ]
    | :? string
    | :? int
    | :? bool
    | :? System.Enum -> [ path, string value ]
    | :? System.Array as a -> [ for i in 0 .. a.Length - 1 do yield! leaves $"{path}[{i}]" (a.GetValue i) ]
    | record ->
        let t = record.GetType()
        (path + ".kind", t.Name)
        :: [ for p in t.GetProperties(System.Reflection.BindingFlags.Public ||| System.Reflection.BindingFlags.Instance) do
                 if p.GetIndexParameters().Length = 0 && p.Name <> "EqualityContract" then yield! leaves (path + "." + p.Name) (p.GetValue record) ]

/// The ONNX variants: models written into <c>dir</c>, named by absolute paths in the YAML.
let private onnxVariants (dir: string) =
    let baseText = ScenarioReader.DefaultText()
    let psi = OnnxModels.write dir "psi.onnx" (OnnxModels.cuckerSmale OnnxModels.Float64 1.0 0.5)
    let gamma = OnnxModels.write dir "gamma.onnx" (OnnxModels.cuckerSmaleGamma 1.0 1.0 0.5)
    let chi = OnnxModels.write dir "chi.onnx" (OnnxModels.polynomialBump 0.5 1.0)
    [ "onnx profile", baseText.Replace("  kind: cucker_smale\n  beta: 1.0\n  radius: 1.0\n  sigma: 0.5", $"  kind: onnx\n  path: \"{psi}\"\n  beta: 0.7")
      "onnx gamma", baseText.Replace("  kind: cucker_smale\n  beta: 1.0\n  radius: 1.0\n  sigma: 0.5", $"  kind: onnx_gamma\n  path: \"{gamma}\"\n  speed_scale: 4")
      "onnx source", baseText.Replace("    kind: polynomial_bump\n    radius: 0.5\n    amplitude: 1.0", $"    kind: onnx\n    path: \"{chi}\"\n    radius: 0.5") ]

let private handWritten =
    let d = ScenarioReader.DefaultText()
    [ "negative diffusion", d.Replace("diffusion: 0.1", "diffusion: -0.5"), "chemotaxis.diffusion", "-0.5"
      "NaN step", d.Replace("step: 0.01", "step: .nan"), "time.step", ".nan"
      "dimension 4", d.Replace("dimension: 2", "dimension: 4"), "dimension", "4"
      "empty cloud", d.Replace("particles: 2000", "particles: 0"), "particles", "0"
      "a typo", d.Replace("sigma: 0.5", "sigma: 0.5\n  sigmma: 0.5"), "alignment.sigmma", "0.5"
      "a wrong-length vector", d.Replace("center: [0.0, 0.0]", "center: [0.0, 0.0, 1.0]"), "initial.center", "[0.0, 0.0, 1.0]"
      "an unresolved source", d.Replace("radius: 0.5\n    amplitude", "radius: 0.1\n    amplitude"), "chemotaxis.source.radius", "0.1"
      "a step that does not divide the horizon", d.Replace("step: 0.01", "step: 0.3"), "time.step", "0.3"
      "data larger than the box", d.Replace("  radius: 1.0\n  velocity_center", "  radius: 7.9\n  velocity_center"), "domain.box", "16"
      "an unknown kind", d.Replace("kind: cucker_smale", "kind: vicsek"), "alignment.kind", "vicsek"
      "an unknown alignment method", d.Replace("  sigma: 0.5", "  sigma: 0.5\n  method: tree"), "alignment.method", "tree"
      "a negative mesh spacing", d.Replace("  sigma: 0.5", "  sigma: 0.5\n  method: mesh\n  mesh_spacing: -0.1"), "alignment.mesh_spacing", "-0.1"
      "a smooth bump without sharpness", d.Replace("kind: polynomial_bump", "kind: smooth_bump"), "chemotaxis.source.sharpness", "(missing)"
      "a flat smooth bump", d.Replace("kind: polynomial_bump\n    radius: 0.5\n    amplitude: 1.0", "kind: smooth_bump\n    radius: 0.5\n    amplitude: 1.0\n    sharpness: 0"), "chemotaxis.source.sharpness", "0"
      "not YAML", "dimension: [2\n", "(document)", "line" ]

[<Tests>]
let tests =
    testList "MeanField.Core.Scenarios" [
        test "The embedded default is d = 2, N = 2000, Cucker-Smale with chemotaxis" {
            let s = ScenarioReader.Default()
            Expect.equal (s.Dimension, s.Particles) (2, 2000) "d and N"
            Expect.isTrue (s.Alignment :? CuckerSmaleSpec) "Cucker-Smale"
            Expect.isGreaterThan s.Chemotaxis.Eta 0.0 "chemotaxis on"
        }

        test "The smooth bump is read with its sharpness" {
            let s = ScenarioReader.Parse(snd (variants |> List.find (fun (n, _) -> n = "smooth bump")))
            Expect.equal s.Chemotaxis.Source (SmoothBumpSpec(0.5, 1.0, 16.0) :> SourceSpec) "radius, amplitude, sharpness"
        }

        test "Every variant, ONNX kernels included, reads, writes and reads back to the same scenario, leaf by leaf" {
            TempFolder.within "round-trip" (fun dir ->
                for name, yaml in variants @ onnxVariants dir do
                    let s = ScenarioReader.Parse yaml
                    let again = ScenarioReader.Parse(ScenarioWriter.Write s)
                    let first, second = leaves "scenario" s, leaves "scenario" again
                    Expect.isGreaterThan first.Length 20 $"{name}: the leaves were read"
                    Expect.equal second first name)
        }

        test "A key the writer dropped would show: the leaves see a changed constant deep in the scenario" {
            let s = ScenarioReader.Default()
            let changed = s.WithChemotaxis(ChemotaxisSpec(s.Chemotaxis.Eta, s.Chemotaxis.Diffusion, s.Chemotaxis.Decay, s.Chemotaxis.Source, GaussianFieldSpec(0.5, 0.6, [| 0.2; 0.1 |])))
            let moved = s.WithChemotaxis(ChemotaxisSpec(s.Chemotaxis.Eta, s.Chemotaxis.Diffusion, s.Chemotaxis.Decay, s.Chemotaxis.Source, GaussianFieldSpec(0.5, 0.6, [| 0.2; 0.3 |])))
            Expect.notEqual (leaves "s" moved) (leaves "s" changed) "one coordinate of the initial field's centre"
            Expect.equal (leaves "s" (s.WithDomain(16.0, 128))) (leaves "s" s) "equal scenarios with fresh arrays are equal"
        }

        test "Hand-written bad scenarios are rejected naming the key and the value" {
            for name, yaml, key, value in handWritten do
                let e = raises<ScenarioException> (fun () -> ScenarioReader.Parse yaml |> ignore)
                Expect.equal e.Key key name
                Expect.stringContains e.Message value $"{name}: the message shows the value"
        }

        testPropertyWithConfig { FsCheckConfig.defaultConfig with arbitrary = [ typeof<Arbitraries> ]; maxTest = 300 }
            "Every generated malformation of the default is rejected with an error that names the broken key"
            (fun (m: Malformation) ->
                match (try Ok(ScenarioReader.Parse m.Yaml) with :? ScenarioException as e -> Error e) with
                | Ok _ -> failtest $"{m} was accepted"
                | Error(e: ScenarioException) -> Expect.equal e.Key m.Key (string m))
    ]
