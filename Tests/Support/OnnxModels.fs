/// Small ONNX models for the tests of kernels given as models, written by
/// <see cref="MeanField.Core.Kernels.Onnx.OnnxGraphWriter"/> (no Python here).
[<RequireQualifiedAccess>]
module MeanField.Tests.OnnxModels

open System.IO
open MeanField.Core.Kernels.Onnx

type Element =
    | Float32
    | Float64

let private port name = OnnxGraphWriter.Port(name, [| System.Nullable(); System.Nullable 1 |])
let private node op (inputs: string list) output = OnnxGraphWriter.Node(op, List.toArray inputs, output)
let private write64 inputs outputs constants nodes =
    OnnxGraphWriter.Write(false, inputs, outputs, (constants |> List.map (fun (n: string, v: float) -> OnnxGraphWriter.Constant.Scalar(n, v)) |> List.toArray), List.toArray nodes)

/// psi(r) = (1 + r^2 / R^2)^(-sigma) from Mul, Div, Add and Pow: the Cucker-Smale profile.
let cuckerSmale (element: Element) (radius: float) (sigma: float) =
    OnnxGraphWriter.CuckerSmaleProfile(radius, sigma, (element = Float32))

/// chi(r) = c (1 - r^2 / R^2)_+^3 from Mul, Div, Sub and Relu: the polynomial bump as a model.
let polynomialBump (radius: float) (amplitude: float) =
    write64 [| port "r" |] [| port "chi" |] [ "R2", radius * radius; "one", 1.0; "c", amplitude ]
        [ node "Mul" [ "r"; "r" ] "r2"
          node "Div" [ "r2"; "R2" ] "scaled"
          node "Sub" [ "one"; "scaled" ] "u"
          node "Relu" [ "u" ] "positive"
          node "Mul" [ "positive"; "positive" ] "square"
          node "Mul" [ "square"; "positive" ] "cube"
          node "Mul" [ "cube"; "c" ] "chi" ]

/// chi(r) = 1: not zero at any support radius.
let constant () = write64 [| port "r" |] [| port "chi" |] [ "one", 1.0 ] [ node "Mul" [ "r"; "one" ] "scaled"; node "Sub" [ "one"; "scaled" ] "chi" ]

/// 1 / r: infinite at r = 0.
let inverse () = write64 [| port "r" |] [| port "psi" |] [ "one", 1.0 ] [ node "Div" [ "one"; "r" ] "psi" ]

/// a + b: two inputs.
let twoInputs () = write64 [| port "a"; port "b" |] [| port "psi" |] [] [ node "Add" [ "a"; "b" ] "psi" ]

/// The identity on [batch, 3]: a shape a scalar kernel cannot take.
let wrongShape () =
    let wide name = OnnxGraphWriter.Port(name, [| System.Nullable(); System.Nullable 3 |])
    write64 [| wide "r" |] [| wide "psi" |] [] [ node "Identity" [ "r" ] "psi" ]

/// gamma(y, w) = beta (1 + |y|^2 / R^2)^(-sigma) w in d = 2 as a general kernel: rows (y1, y2, w1, w2) in,
/// rows (g1, g2) out; y and w picked out by MatMul with constant 4 x 2 matrices, |y|^2 by MatMul with ones.
let cuckerSmaleGamma (beta: float) (radius: float) (sigma: float) =
    let wide name width = OnnxGraphWriter.Port(name, [| System.Nullable(); System.Nullable width |])
    let matrix name (values: float list) (dims: int64 list) = OnnxGraphWriter.Constant(name, List.toArray values, List.toArray dims)
    OnnxGraphWriter.Write(
        false,
        [| wide "yw" 4 |],
        [| wide "gamma" 2 |],
        [| matrix "pickY" [ 1.0; 0.0; 0.0; 1.0; 0.0; 0.0; 0.0; 0.0 ] [ 4L; 2L ]
           matrix "pickW" [ 0.0; 0.0; 0.0; 0.0; 1.0; 0.0; 0.0; 1.0 ] [ 4L; 2L ]
           matrix "ones" [ 1.0; 1.0 ] [ 2L; 1L ]
           OnnxGraphWriter.Constant.Scalar("R2", radius * radius)
           OnnxGraphWriter.Constant.Scalar("one", 1.0)
           OnnxGraphWriter.Constant.Scalar("exponent", -sigma)
           OnnxGraphWriter.Constant.Scalar("beta", beta) |],
        [| node "MatMul" [ "yw"; "pickY" ] "y"
           node "MatMul" [ "yw"; "pickW" ] "w"
           node "Mul" [ "y"; "y" ] "yy"
           node "MatMul" [ "yy"; "ones" ] "r2"
           node "Div" [ "r2"; "R2" ] "scaled"
           node "Add" [ "scaled"; "one" ] "base"
           node "Pow" [ "base"; "exponent" ] "psi"
           node "Mul" [ "psi"; "w" ] "weighted"
           node "Mul" [ "weighted"; "beta" ] "gamma" |])

/// Writes a model into a folder; returns its path.
let write (folder: string) (name: string) (bytes: byte[]) =
    let path = Path.Combine(folder, name)
    File.WriteAllBytes(path, bytes)
    path
