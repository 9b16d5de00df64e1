/// Small measurement helpers for refinement studies: the observed order is a fitted slope.
[<RequireQualifiedAccess>]
module MeanField.Tests.Measure

open MathNet.Numerics

/// Least-squares slope of log(error) against log(h).
let order (hs: float seq) (errors: float seq) =
    let x = hs |> Seq.map log |> Seq.toArray
    let y = errors |> Seq.map log |> Seq.toArray
    let struct (_, slope) = Fit.Line(x, y)
    slope

/// max_i |a_i - b_i|.
let maxAbsDiff (a: float[]) (b: float[]) =
    Array.fold2 (fun m x y -> max m (abs (x - y))) 0.0 a b

/// max_i |a_i|.
let maxAbs (a: float[]) = a |> Array.fold (fun m x -> max m (abs x)) 0.0
