/// Domain generators for FsCheck: clouds of cells, and malformed scenarios that know which key
/// they broke.
module MeanField.Tests.Generators

open System.IO
open FsCheck
open FsCheck.FSharp
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open YamlDotNet.RepresentationModel

/// A cloud of cells: positions in [-2, 2]^d, velocities in [-1, 1]^d.
let particleState (rng: System.Random) d n =
    let s = ParticleState(d, n)
    for k in 0 .. d * n - 1 do
        s.Positions[k] <- 4.0 * rng.NextDouble() - 2.0
        s.Velocities[k] <- 2.0 * rng.NextDouble() - 1.0
    s

/// A scenario YAML with one defect, and the dotted key the error must name.
type Malformation =
    { Yaml: string
      Key: string
      Defect: string }
    override m.ToString() = $"{m.Defect} at '{m.Key}'"

let private load (text: string) =
    let stream = YamlStream()
    stream.Load(new StringReader(text))
    stream.Documents[0].RootNode :?> YamlMappingNode

let private save (root: YamlMappingNode) =
    let stream = YamlStream(YamlDocument(root))
    use w = new StringWriter()
    stream.Save(w, false)
    w.ToString()

/// Every (dotted key, parent mapping, name) in the default scenario, sections included.
let rec private entries (prefix: string) (node: YamlMappingNode) =
    [ for KeyValue(k, v) in node.Children do
          let name = nonNull (k :?> YamlScalarNode).Value
          let path = if prefix = "" then name else prefix + "." + name
          yield path, node, name, v
          match v with
          | :? YamlMappingNode as m -> yield! entries path m
          | _ -> () ]

/// Keys the reader must insist on (the rest have documented defaults).
let requiredKeys =
    set [ "dimension"; "particles"; "seed"; "time"; "time.horizon"; "time.step"; "alignment"; "alignment.kind"
          "alignment.beta"; "alignment.radius"; "alignment.sigma"; "chemotaxis"; "chemotaxis.eta"
          "chemotaxis.diffusion"; "chemotaxis.decay"; "chemotaxis.source"; "chemotaxis.source.kind"
          "chemotaxis.source.radius"; "chemotaxis.source.amplitude"; "chemotaxis.initial_field.kind"
          "external_force.kind"; "domain"; "domain.box"; "domain.grid"; "initial"; "initial.kind"
          "initial.radius"; "initial.velocity_radius" ]

/// Keys whose value must be positive (or non-negative): -1 is out of range for each.
let signedKeys =
    [ "dimension"; "particles"; "seed"; "time.horizon"; "time.step"; "time.output_interval"; "alignment.beta"
      "alignment.radius"; "alignment.sigma"; "chemotaxis.eta"; "chemotaxis.diffusion"; "chemotaxis.decay"
      "chemotaxis.source.radius"; "chemotaxis.source.amplitude"; "domain.box"; "domain.grid"; "initial.radius"
      "initial.velocity_radius" ]

/// Tokens that are never a finite number.
let badNumbers = [ ".nan"; ".inf"; "-.inf"; "NaN"; "abc"; "1e999"; "Infinity"; "0x10" ]

let private isNumber (s: string) =
    fst (System.Double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture))

/// All single-defect mutations of the default scenario.
let malformations () =
    let text = ScenarioReader.DefaultText()
    let all = entries "" (load text)
    let scalars =
        [ for path, _, _, v in all do
              match v with
              | :? YamlScalarNode as s when isNumber (nonNull s.Value) -> yield path, None
              | :? YamlSequenceNode as q -> for i in 0 .. q.Children.Count - 1 do yield path, Some i
              | _ -> () ]
    let mutate path f =
        let root = load text
        let _, parent, name, _ = entries "" root |> List.find (fun (p, _, _, _) -> p = path)
        f parent name
        save root
    [ for path in requiredKeys do
          if all |> List.exists (fun (p, _, _, _) -> p = path) then
              yield { Yaml = mutate path (fun parent name -> parent.Children.Remove(YamlScalarNode name) |> ignore)
                      Key = path
                      Defect = "missing required key" }
      for path in signedKeys do
          yield { Yaml = mutate path (fun parent name -> parent.Children[YamlScalarNode name] <- YamlScalarNode "-1")
                  Key = path
                  Defect = "negative value" }
      for path, index in scalars do
          for token in badNumbers do
              match index with
              | None ->
                  yield { Yaml = mutate path (fun parent name -> parent.Children[YamlScalarNode name] <- YamlScalarNode token)
                          Key = path
                          Defect = $"value {token}" }
              | Some i ->
                  yield { Yaml =
                            mutate path (fun parent name ->
                                let q = parent.Children[YamlScalarNode name] :?> YamlSequenceNode
                                q.Children[i] <- YamlScalarNode token)
                          Key = $"{path}[{i}]"
                          Defect = $"value {token}" }
      let sections = "" :: [ for path, _, _, v in all do if v :? YamlMappingNode then yield path ]
      for path in sections do
          let root = load text
          let target =
              if path = "" then root
              else entries "" root |> List.pick (fun (p, _, _, n) -> if p = path then Some(n :?> YamlMappingNode) else None)
          target.Children.Add(YamlScalarNode "surplus", YamlScalarNode "1")
          yield { Yaml = save root
                  Key = (if path = "" then "surplus" else path + ".surplus")
                  Defect = "unknown key" } ]

/// A scenario YAML with one hostile edit (a key deleted, a key added, a leaf given a hostile value),
/// not necessarily invalid: the command must either run or refuse it with a message.
type Hostile =
    { Yaml: string
      Edit: string }
    override h.ToString() = h.Edit

/// Values no leaf expects, or expects only at its limits.
let hostileValues = [ ".nan"; "1e308"; "-1e308"; "-0"; "\"text\""; "[1, 2]"; "{a: 1}"; "9223372036854775808"; ".inf"; "0"; "1e-308"; "" ]

/// The default scenario made small (20 cells, 5 steps) so that an edit that is accepted runs in moments.
let private smallDefault () =
    ScenarioReader.DefaultText().Replace("particles: 2000", "particles: 20").Replace("horizon: 2.0", "horizon: 0.05").Replace("output_interval: 0.1", "output_interval: 0.05")

/// Every single hostile edit of the small default.
let hostileEdits () =
    let text = smallDefault ()
    let all = entries "" (load text)
    let edit path (f: YamlMappingNode -> string -> unit) =
        let root = load text
        let _, parent, name, _ = entries "" root |> List.find (fun (p, _, _, _) -> p = path)
        f parent name
        save root
    [ for path, _, _, v in all do
          yield { Yaml = edit path (fun parent name -> parent.Children.Remove(YamlScalarNode name) |> ignore); Edit = $"delete {path}" }
          match v with
          | :? YamlMappingNode ->
              yield { Yaml = edit path (fun parent name -> (parent.Children[YamlScalarNode name] :?> YamlMappingNode).Children.Add(YamlScalarNode "extra", YamlScalarNode "1")); Edit = $"add {path}.extra" }
          | :? YamlSequenceNode as q ->
              for i in 0 .. q.Children.Count - 1 do
                  for token in hostileValues do
                      yield { Yaml = edit path (fun parent name -> (parent.Children[YamlScalarNode name] :?> YamlSequenceNode).Children[i] <- YamlScalarNode token); Edit = $"{path}[{i}] = {token}" }
          | _ ->
              for token in hostileValues do
                  yield { Yaml = edit path (fun parent name -> parent.Children[YamlScalarNode name] <- YamlScalarNode token); Edit = $"{path} = {token}" } ]

/// FsCheck arbitraries for the domain types.
type Arbitraries =
    static member Malformation() = Arb.fromGen (Gen.elements (malformations ()))

    static member Hostile() = Arb.fromGen (Gen.elements (hostileEdits ()))
