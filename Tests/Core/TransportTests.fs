module MeanField.Tests.Core.TransportTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open MeanField.Core.Transport
open MeanField.Tests

let private cloud d (coords: float[]) = PointCloud(d, coords)

let private cost (x: float[]) (y: float[]) p = Math.Pow(Array.fold2 (fun s a b -> s + (a - b) * (a - b)) 0.0 x y, p / 2.0)

let private point (c: PointCloud) i = c.Point(i).ToArray()

/// min over all permutations of (1/n) sum_i |x_i - y_sigma(i)|^p: the brute-force oracle.
let bruteForce (a: PointCloud) (b: PointCloud) p =
    let n = a.Count
    let rec permutations =
        function
        | [] -> [ [] ]
        | xs -> xs |> List.collect (fun x -> permutations (List.filter ((<>) x) xs) |> List.map (fun rest -> x :: rest))
    permutations [ 0 .. n - 1 ]
    |> List.map (fun sigma -> (sigma |> List.mapi (fun i j -> cost (point a i) (point b j) p) |> List.sum) / float n)
    |> List.min

/// Two clouds of the same size in the same dimension.
type CloudPair = { D: int; A: float[]; B: float[] }

let private coordinates d n = Gen.arrayOfLength (d * n) (Gen.choose (-3000, 3000) |> Gen.map (fun k -> float k / 1000.0))

type Arbitraries =
    static member CloudPair() =
        gen {
            let! d = Gen.choose (1, 4)
            let! n = Gen.choose (1, 6)
            let! a = coordinates d n
            let! b = coordinates d n
            return { D = d; A = a; B = b }
        }
        |> Arb.fromGen

let private config = { FsCheckConfig.defaultConfig with arbitrary = [ typeof<Arbitraries> ]; maxTest = 200 }

let private exact (a: PointCloud) (b: PointCloud) p = (AssignmentTransport.Solve(a, b, p)).Cost

[<Tests>]
let tests =
    testList "MeanField.Core.Transport" [
        test "The assignment solver equals brute force over all permutations for n <= 7 in D = 1..6, p = 1 and 2" {
            let rng = Random(42)
            for d in 1..6 do
                for n in 1..7 do
                    let a = cloud d (Array.init (d * n) (fun _ -> rng.NextDouble() * 4.0 - 2.0))
                    let b = cloud d (Array.init (d * n) (fun _ -> rng.NextDouble() * 4.0 - 2.0))
                    for p in [ 1.0; 2.0 ] do
                        let result = AssignmentTransport.Solve(a, b, p)
                        Expect.floatClose { absolute = 1e-13; relative = 1e-12 } result.Cost (bruteForce a b p) $"D = {d}, n = {n}, p = {p}"
        }

        test "The 1-D quantile solver equals the assignment solver on equal-size clouds" {
            let rng = Random(7)
            for n in [ 1; 2; 5; 40; 200 ] do
                let a = cloud 1 (Array.init n (fun _ -> rng.NextDouble()))
                let b = cloud 1 (Array.init n (fun _ -> 3.0 * rng.NextDouble() - 1.0))
                for p in [ 1.0; 2.0; 3.0 ] do
                    Expect.floatClose { absolute = 1e-14; relative = 1e-12 } (OneDimensionalTransport.Solve(a, b, p)).Cost (exact a b p) $"n = {n}, p = {p}"
        }

        test "The 1-D solver matches closed forms for shifted grids and for a point mass against a grid" {
            for n in [ 1; 3; 10; 1000 ] do
                let grid = cloud 1 (Array.init n (fun i -> float i / float n))
                let shifted = cloud 1 (Array.init n (fun i -> (float i + 0.5) / float n))
                for p in [ 1.0; 2.0 ] do
                    Expect.floatClose Accuracy.veryHigh (OneDimensionalTransport.Solve(grid, shifted, p)).Cost ((0.5 / float n) ** p) $"shift, n = {n}"
                    let expected = (Seq.init n (fun k -> (float k / float n) ** p) |> Seq.sum) / float n
                    Expect.floatClose Accuracy.veryHigh (OneDimensionalTransport.Solve(cloud 1 [| 0.0 |], grid, p)).Cost expected $"point mass, n = {n}"
        }

        test "The 1-D solver handles unequal weights: two atoms against their own split" {
            let a = PointCloud(1, [| 0.0; 1.0 |], [| 0.25; 0.75 |])
            let b = PointCloud(1, [| 0.0; 1.0; 2.0 |], [| 0.25; 0.5; 0.25 |])
            // Monotone coupling: 0.25 at 0 -> 0, 0.5 at 1 -> 1, 0.25 at 1 -> 2.
            Expect.floatClose Accuracy.veryHigh (OneDimensionalTransport.Solve(a, b, 2.0)).Cost 0.25 "cost"
        }

        testPropertyWithConfig config "W is symmetric, vanishes on equal clouds, and its duality gap is below 1e-9 relative" (fun (c: CloudPair) ->
            let a, b = cloud c.D c.A, cloud c.D c.B
            let ab = AssignmentTransport.Solve(a, b, 2.0)
            Expect.floatClose { absolute = 1e-12; relative = 1e-10 } ab.Cost (exact b a 2.0) "symmetry"
            Expect.isLessThan (exact a a 2.0) 1e-15 "W(mu, mu) = 0"
            Expect.isLessThanOrEqual (abs ab.DualityGap) (1e-9 * max ab.Cost 1e-12) "duality gap")

        testPropertyWithConfig config "Translating a cloud by a moves it W2^2 = |a|^2 and W1 <= W2" (fun (c: CloudPair) ->
            let a = cloud c.D c.A
            let shift = Array.init c.D (fun k -> 0.3 * float (k + 1) - 0.5)
            let moved = cloud c.D (c.A |> Array.mapi (fun k x -> x + shift[k % c.D]))
            let expected = shift |> Array.sumBy (fun s -> s * s)
            Expect.floatClose { absolute = 1e-12; relative = 1e-10 } (exact a moved 2.0) expected "translation"
            let b = cloud c.D c.B
            Expect.isLessThanOrEqual (AssignmentTransport.Solve(a, b, 1.0)).Distance ((AssignmentTransport.Solve(a, b, 2.0)).Distance + 1e-12) "W1 <= W2")

        testPropertyWithConfig config "W2 satisfies the triangle inequality" (fun (c: CloudPair) ->
            let a, b = cloud c.D c.A, cloud c.D c.B
            let middle = cloud c.D (Array.map2 (fun x y -> 0.5 * (x + y) + 0.1) c.A c.B)
            let w (x: PointCloud) (y: PointCloud) = (AssignmentTransport.Solve(x, y, 2.0)).Distance
            Expect.isLessThanOrEqual (w a b) (w a middle + w middle b + 1e-12) "triangle")

        testPropertyWithConfig { config with maxTest = 60 } "Lemma 3.4: W2(mu^N, nu^N)^2 <= N W2(mu, nu)^2 on product clouds (with equality, the cost separating)" (fun (c: CloudPair) ->
            let n = c.A.Length / c.D
            if n <= 3 then
                let product (x: float[]) =
                    [| for i in 0 .. n - 1 do
                           for j in 0 .. n - 1 do
                               yield! x[i * c.D .. i * c.D + c.D - 1]
                               yield! x[j * c.D .. j * c.D + c.D - 1] |]
                let single = exact (cloud c.D c.A) (cloud c.D c.B) 2.0
                let pair = exact (cloud (2 * c.D) (product c.A)) (cloud (2 * c.D) (product c.B)) 2.0
                Expect.isLessThanOrEqual pair (2.0 * single + 1e-12) "inequality"
                Expect.floatClose { absolute = 1e-12; relative = 1e-10 } pair (2.0 * single) "equality")

        test "Bad clouds are rejected with a message, never a number" {
            let bad (f: unit -> unit) (fragment: string) =
                let e: ArgumentException = raises f
                Expect.stringContains e.Message fragment fragment
            bad (fun () -> PointCloud(2, [||]) |> ignore) "empty"
            bad (fun () -> PointCloud(2, [| 0.0; nan |]) |> ignore) "finite"
            bad (fun () -> PointCloud(1, [| 0.0; 1.0 |], [| 1.0; -1.0 |]) |> ignore) ">= 0"
            bad (fun () -> AssignmentTransport.Solve(cloud 1 [| 0.0 |], cloud 2 [| 0.0; 1.0 |], 2.0) |> ignore) "dimensions"
            bad (fun () -> OneDimensionalTransport.Solve(PointCloud(1, [| 0.0 |], [| 1.0 |]), PointCloud(1, [| 0.0 |], [| 2.0 |]), 2.0) |> ignore) "masses"
        }
    ]
