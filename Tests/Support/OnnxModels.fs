/// Small ONNX models written byte by byte (protocol buffers by hand: no Python here), for the tests of
/// kernels given as models. Field numbers are those of onnx.proto.
[<RequireQualifiedAccess>]
module MeanField.Tests.OnnxModels

open System
open System.IO
open System.Text

/// Protocol-buffer encoding: varints, and fields tagged with (number << 3) | wire type.
module private Proto =
    let varint (w: Stream) (value: uint64) =
        let mutable v = value
        while v >= 0x80UL do
            w.WriteByte(byte (v &&& 0x7FUL ||| 0x80UL))
            v <- v >>> 7
        w.WriteByte(byte v)

    let tag (w: Stream) (field: int) (wire: int) = varint w (uint64 ((field <<< 3) ||| wire))

    let int (w: Stream) field (value: int64) =
        tag w field 0
        varint w (uint64 value)

    let bytes (w: Stream) field (data: byte[]) =
        tag w field 2
        varint w (uint64 data.Length)
        w.Write(data, 0, data.Length)

    let string (w: Stream) field (text: string) = bytes w field (Encoding.UTF8.GetBytes text)

    let message (w: Stream) field (build: Stream -> unit) =
        use inner = new MemoryStream()
        build inner
        bytes w field (inner.ToArray())

/// ONNX element types: 1 float32, 11 float64.
type Element =
    | Float32
    | Float64

    member this.Code = match this with Float32 -> 1L | Float64 -> 11L

/// A node: operator, inputs, output.
type Node = { Op: string; Inputs: string list; Output: string }

/// A tensor input or output: name and shape (None for a free dimension).
type Port = { Name: string; Shape: int option list }

let private valueInfo (element: Element) (port: Port) (w: Stream) =
    Proto.string w 1 port.Name
    Proto.message w 2 (fun t ->
        Proto.message t 1 (fun tensor ->
            Proto.int tensor 1 element.Code
            Proto.message tensor 2 (fun shape ->
                for dim in port.Shape do
                    Proto.message shape 1 (fun d ->
                        match dim with
                        | Some size -> Proto.int d 1 (int64 size)
                        | None -> Proto.string d 2 "batch"))))

let private scalar (element: Element) (name: string) (value: float) (w: Stream) =
    Proto.int w 2 element.Code
    match element with
    | Float32 -> Proto.bytes w 4 (BitConverter.GetBytes(float32 value))
    | Float64 -> Proto.bytes w 10 (BitConverter.GetBytes value)
    Proto.string w 8 name

/// The bytes of a model: opset 17, IR version 8, scalar constants as initializers.
let build (element: Element) (inputs: Port list) (outputs: Port list) (constants: (string * float) list) (nodes: Node list) =
    use w = new MemoryStream()
    Proto.int w 1 8L
    Proto.string w 2 "meanfield-tests"
    Proto.message w 7 (fun graph ->
        nodes |> List.iteri (fun k node ->
            Proto.message graph 1 (fun n ->
                for input in node.Inputs do Proto.string n 1 input
                Proto.string n 2 node.Output
                Proto.string n 3 $"node{k}"
                Proto.string n 4 node.Op))
        Proto.string graph 2 "kernel"
        for name, value in constants do Proto.message graph 5 (scalar element name value)
        for port in inputs do Proto.message graph 11 (valueInfo element port)
        for port in outputs do Proto.message graph 12 (valueInfo element port))
    Proto.message w 8 (fun opset ->
        Proto.string opset 1 ""
        Proto.int opset 2 17L)
    w.ToArray()

let private batch name = { Name = name; Shape = [ None; Some 1 ] }

/// psi(r) = (1 + r^2 / R^2)^(-sigma) from Mul, Div, Add and Pow: the Cucker-Smale profile.
let cuckerSmale (element: Element) (radius: float) (sigma: float) =
    build element [ batch "r" ] [ batch "psi" ] [ "R2", radius * radius; "one", 1.0; "exponent", -sigma ]
        [ { Op = "Mul"; Inputs = [ "r"; "r" ]; Output = "r2" }
          { Op = "Div"; Inputs = [ "r2"; "R2" ]; Output = "scaled" }
          { Op = "Add"; Inputs = [ "scaled"; "one" ]; Output = "base" }
          { Op = "Pow"; Inputs = [ "base"; "exponent" ]; Output = "psi" } ]

/// 1 / r: infinite at r = 0.
let inverse () =
    build Float64 [ batch "r" ] [ batch "psi" ] [ "one", 1.0 ] [ { Op = "Div"; Inputs = [ "one"; "r" ]; Output = "psi" } ]

/// a + b: two inputs.
let twoInputs () =
    build Float64 [ batch "a"; batch "b" ] [ batch "psi" ] [] [ { Op = "Add"; Inputs = [ "a"; "b" ]; Output = "psi" } ]

/// The identity on [batch, 3]: a shape a scalar kernel cannot take.
let wrongShape () =
    build Float64 [ { Name = "r"; Shape = [ None; Some 3 ] } ] [ { Name = "psi"; Shape = [ None; Some 3 ] } ] []
        [ { Op = "Identity"; Inputs = [ "r" ]; Output = "psi" } ]

/// Writes a model into a folder; returns its path.
let write (folder: string) (name: string) (bytes: byte[]) =
    let path = Path.Combine(folder, name)
    File.WriteAllBytes(path, bytes)
    path
