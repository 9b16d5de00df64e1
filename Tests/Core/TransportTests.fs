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

let private exact (a: PointCloud) (b: PointCloud) p = (ExactTransport.Solve(a, b, p)).Cost

let private uniform (rng: Random) d n (scale: float) (offset: float) = cloud d (Array.init (d * n) (fun _ -> offset + scale * rng.NextDouble()))

/// The duality gap is round-off: below 1e-9 of the cost (or of 1e-12 when the cost vanishes).
let private certified (r: TransportResult) what =
    Expect.isTrue r.IsExact what
    Expect.isLessThanOrEqual (abs r.DualityGap) (1e-9 * max r.Cost 1e-12) $"{what}: duality gap {r.DualityGap}"

/// Row and column sums of a plan against the clouds' weights.
let private expectMarginals (plan: TransportPlan) (a: PointCloud) (b: PointCloud) =
    let rows = Array.zeroCreate a.Count
    let columns = Array.zeroCreate b.Count
    for k in 0 .. plan.Mass.Length - 1 do
        Expect.isGreaterThan plan.Mass[k] 0.0 "plan entries are positive"
        rows[plan.Rows[k]] <- rows[plan.Rows[k]] + plan.Mass[k]
        columns[plan.Columns[k]] <- columns[plan.Columns[k]] + plan.Mass[k]
    for i in 0 .. a.Count - 1 do Expect.floatClose { absolute = 1e-13; relative = 1e-12 } rows[i] a.Weights[i] $"row {i}"
    for j in 0 .. b.Count - 1 do Expect.floatClose { absolute = 1e-13; relative = 1e-12 } columns[j] b.Weights[j] $"column {j}"

/// Solves exactly with the plan, and expects the oracle's cost, a closing certificate and the clouds' marginals.
let private solvedAgainst accuracy (a: PointCloud) (b: PointCloud) p (oracle: float) what =
    let mutable plan = Unchecked.defaultof<TransportPlan>
    let result = ExactTransport.Solve(a, b, p, &plan)
    Expect.floatClose accuracy result.Cost oracle what
    certified result what
    expectMarginals plan a b
    result

[<Tests>]
let tests =
    testList "MeanField.Core.Transport" [
        test "The exact solver's profile accounts for its work: every unit of flow seeded or augmented, a path or more per search, arcs only added, phases within the wall time" {
            let rng = Random(7)
            let a = uniform rng 2 300 1.0 0.0
            let b = uniform rng 2 1200 1.0 0.0
            let clock = Diagnostics.Stopwatch.StartNew()
            let result = ExactTransport.Solve(a, b, 2.0)
            let elapsed = clock.Elapsed.TotalSeconds
            match result.Profile with
            | null -> failtest "an exact solve has a profile"
            | p ->
                // 300 rows of supply 4 (= 1200 / gcd) against columns of demand 1: each augmentation and each row
                // reduction step moves one unit, so the units not seeded on tight arcs took one of them each (more if
                // pricing gave flow back or a column changed hands).
                Expect.isTrue (p.SeededFlow > 0.0 && p.SeededFlow <= 1.0) $"a share of the flow is seeded ({p.SeededFlow})"
                Expect.isGreaterThanOrEqual (float (p.Augmentations + p.RowReductions)) (1200.0 * (1.0 - p.SeededFlow) - 1e-9) "a path or a row reduction per unit not seeded, at least"
                Expect.isLessThanOrEqual p.Searches p.Augmentations "each search augments along one path at least"
                Expect.isGreaterThanOrEqual p.NodesPopped p.Searches "each search settles its source at least"
                Expect.isGreaterThanOrEqual p.ArcsRelaxed p.NodesPopped "a settled row relaxes its arcs"
                Expect.isGreaterThanOrEqual p.FinalArcs p.SeedArcs "pricing only adds arcs"
                Expect.isGreaterThanOrEqual p.PricingPasses 1 "one pass certifies at least"
                Expect.isTrue (p.PairsPriced > 0L && p.PairsPriced <= int64 p.PricingPasses * 300L * 1200L) $"pricing computes some pairs, at most all of them each pass ({p.PairsPriced})"
                Expect.isGreaterThan p.RowReductions 0L "the row reduction runs for n against k n"
                Expect.isTrue (p.RepricedRows = 0L || p.PricingPasses >= 2) "a pass that adds arcs is followed by another"
                let phases = p.SeedSeconds + p.AugmentSeconds + p.PricingSeconds
                Expect.isTrue (p.SeedSeconds >= 0.0 && p.AugmentSeconds >= 0.0 && p.PricingSeconds > 0.0 && phases <= elapsed) $"phases {phases} s within {elapsed} s"
            Expect.isNull (box (AssignmentTransport.Solve(a, a, 2.0)).Profile) "the dense solver has none"
        }

        test "Both exact solvers equal brute force over all permutations for n <= 7 in D = 1..6, p = 1, 2 and 3" {
            let rng = Random(42)
            for d in 1..6 do
                for n in 1..7 do
                    let a = uniform rng d n 4.0 -2.0
                    let b = uniform rng d n 4.0 -2.0
                    for p in [ 1.0; 2.0; 3.0 ] do
                        let oracle = bruteForce a b p
                        let result = ExactTransport.Solve(a, b, p)
                        Expect.floatClose { absolute = 1e-13; relative = 1e-12 } result.Cost oracle $"candidate network, D = {d}, n = {n}, p = {p}"
                        certified result $"D = {d}, n = {n}, p = {p}"
                        Expect.floatClose { absolute = 1e-13; relative = 1e-12 } (AssignmentTransport.Solve(a, b, p)).Cost oracle $"dense Hungarian, D = {d}, n = {n}, p = {p}"
        }

        test "A cloud of n points against a reference of k n points equals the assignment with each point copied k times" {
            let rng = Random(5)
            for d in [ 1; 2; 3 ] do
                for n, k in [ 1, 5; 2, 3; 3, 2; 2, 2 ] do
                    let a = uniform rng d n 2.0 0.0
                    let reference = uniform rng d (k * n) 2.0 0.5
                    let copied = cloud d (Array.init k (fun _ -> a.Coordinates) |> Array.concat)
                    let mutable plan = Unchecked.defaultof<TransportPlan>
                    let result = ExactTransport.Solve(a, reference, 2.0, &plan)
                    Expect.floatClose { absolute = 1e-13; relative = 1e-12 } result.Cost (bruteForce copied reference 2.0) $"D = {d}, n = {n}, k = {k}"
                    certified result "reference cloud"
                    expectMarginals plan a reference
                    // Integer flows: every point of the reference receives all its mass from one point.
                    Expect.equal plan.Mass.Length (k * n) "one plan entry per reference point"
        }

        test "From 5000 points a side, where the coarse problem's clusters have equal sizes, the exact solver equals the quantile solver in D = 1" {
            let rng = Random(31)
            let a = cloud 1 (Array.init 5000 (fun _ -> rng.NextDouble()))
            let b = cloud 1 (Array.init 10000 (fun _ -> let u = rng.NextDouble() in u * u))
            let result = solvedAgainst { absolute = 1e-14; relative = 1e-10 } a b 2.0 (OneDimensionalTransport.Solve(a, b, 2.0)).Cost "n = 5000, m = 10000"
            match result.Profile with
            | null -> failtest "an exact solve has a profile"
            | profile -> Expect.equal (profile.CoarseRows, profile.CoarseColumns) (1250, 2500) "the coarse problem has clusters of exactly 4 points"
        }

        test "With weights and unequal sizes the exact solver equals the quantile solver in D = 1 and its plan has the right marginals" {
            let rng = Random(11)
            for n, m in [ 1, 4; 3, 7; 20, 13; 150, 200 ] do
                let a = PointCloud(1, Array.init n (fun _ -> rng.NextDouble()), Array.init n (fun _ -> rng.NextDouble() + 0.01))
                let wb = Array.init m (fun _ -> rng.NextDouble() + 0.01)
                let total = Array.sum wb
                let b = PointCloud(1, Array.init m (fun _ -> 2.0 * rng.NextDouble()), wb |> Array.map (fun w -> w / total * a.Mass))
                for p in [ 1.0; 2.0 ] do
                    solvedAgainst { absolute = 1e-13; relative = 1e-10 } a b p (OneDimensionalTransport.Solve(a, b, p)).Cost $"n = {n}, m = {m}, p = {p}" |> ignore
        }

        test "Masses given as whole units are solved in integer flows and equal the dense Hungarian solver on each point copied by its units" {
            let rng = Random(23)
            // Units 1 to 4 per point, the same total on both sides, with weights in the same ratios.
            let units n total =
                let u = Array.init n (fun _ -> float (rng.Next(1, 5)))
                let mutable excess = Array.sum u - total
                for i in 0 .. n - 1 do
                    let change = max (min excess (u.[i] - 1.0)) (u.[i] - 4.0)
                    u.[i] <- u.[i] - change
                    excess <- excess - change
                u
            for d, n, m in [ 2, 70, 90; 2, 150, 150; 4, 60, 100 ] do
                let total = float (2 * max n m)
                let ru, cu = units n total, units m total
                Expect.equal (Array.sum ru, Array.sum cu) (total, total) "both sides carry the same units"
                let weighted (c: PointCloud) (u: float[]) = PointCloud(c.Dimension, c.Coordinates, u |> Array.map (fun x -> x / total))
                let a = weighted (uniform rng d n 1.0 0.0) ru
                let b = weighted (uniform rng d m 1.0 0.3) cu
                let copies (c: PointCloud) (u: float[]) =
                    cloud d (Array.init c.Count (fun i -> Array.replicate (int u.[i]) (point c i) |> Array.concat) |> Array.concat)
                let oracle = (AssignmentTransport.Solve(copies a ru, copies b cu, 2.0)).Cost
                let mutable plan = Unchecked.defaultof<TransportPlan>
                let result = ExactTransport.Solve(a, b, 2.0, ru, cu, &plan)
                let what = $"D = {d}, n = {n}, m = {m}"
                Expect.floatClose { absolute = 1e-14; relative = 1e-11 } result.Cost oracle $"{what}: equals the Hungarian on the copies"
                certified result what
                expectMarginals plan a b
                for mass in plan.Mass do
                    Expect.floatClose { absolute = 1e-12; relative = 0.0 } (mass * total) (Math.Round(mass * total)) $"{what}: every flow is a whole number of units"
        }

        test "The candidate-network solver, row reduction included, agrees with the dense Hungarian solver on larger clouds, its certificate closing" {
            let rng = Random(13)
            for d, n in [ 2, 400; 4, 300; 6, 200 ] do
                let a = uniform rng d n 1.0 0.0
                let b = uniform rng d n 1.0 0.1
                for p in [ 1.0; 2.0 ] do
                    let fast = ExactTransport.Solve(a, b, p)
                    Expect.floatClose { absolute = 1e-14; relative = 1e-11 } fast.Cost (AssignmentTransport.Solve(a, b, p)).Cost $"D = {d}, n = {n}, p = {p}"
                    certified fast $"D = {d}, n = {n}, p = {p}"
                    match fast.Profile with
                    | null -> failtest "an exact solve has a profile"
                    | profile -> Expect.isGreaterThan profile.RowReductions 0L $"D = {d}, n = {n}, p = {p}: the row reduction ran"
        }

        test "n points against k n, where rows bid for several columns at once in the row reduction, equal the dense Hungarian solver on the copied assignment" {
            let rng = Random(29)
            for d, n, k in [ 2, 150, 4; 4, 100, 3; 2, 64, 2 ] do
                let a = uniform rng d n 1.0 0.0
                let b = uniform rng d (k * n) 1.0 0.2
                let copied = cloud d (Array.init k (fun _ -> a.Coordinates) |> Array.concat)
                for p in [ 1.0; 2.0 ] do
                    let result = solvedAgainst { absolute = 1e-14; relative = 1e-11 } a b p (AssignmentTransport.Solve(copied, b, p)).Cost $"D = {d}, n = {n}, k = {k}, p = {p}"
                    match result.Profile with
                    | null -> failtest "an exact solve has a profile"
                    | profile -> Expect.isGreaterThan profile.RowReductions 0L $"D = {d}, n = {n}, k = {k}, p = {p}: the row reduction ran"
        }

        test "Above the multiscale threshold the exact solver still equals independent oracles on clustered, curved and weighted clouds" {
            let rng = Random(19)
            let gaussian () = sqrt (-2.0 * log (1.0 - rng.NextDouble())) * cos (2.0 * Math.PI * rng.NextDouble())
            // Two clusters three apart (mass must cross the gap) and points on a curve (a thin set), n = 1100 each.
            let clusters n = cloud 2 (Array.init n (fun _ -> let c = (if rng.NextDouble() < 0.5 then 0.0 else 3.0) in [| c + 0.5 * gaussian (); 0.5 * gaussian () |]) |> Array.concat)
            let curve n = cloud 2 (Array.init n (fun _ -> let x = 2.0 * rng.NextDouble() - 1.0 in [| x; 0.5 * sin (Math.PI * x) |]) |> Array.concat)
            for name, make in [ "clusters", clusters; "curve", curve ] do
                let a, b = make 1100, make 1100
                let result = solvedAgainst { absolute = 1e-14; relative = 1e-11 } a b 2.0 (AssignmentTransport.Solve(a, b, 2.0)).Cost $"{name}: equals the dense Hungarian"
                match result.Profile with
                | null -> failtest "an exact solve has a profile"
                | profile -> Expect.isTrue (profile.CoarseRows > 0 && profile.CoarseColumns > 0) $"{name}: the multiscale seed ran"
            // Weighted, 1100 against 3300 in D = 1: the quantile solver is exact.
            let weighted n = PointCloud(1, Array.init n (fun _ -> gaussian ()), Array.init n (fun _ -> rng.NextDouble() + 0.01))
            let a = weighted 1100
            let raw = weighted 3300
            let b = PointCloud(1, raw.Coordinates, raw.Weights |> Array.map (fun w -> w / raw.Mass * a.Mass))
            solvedAgainst { absolute = 1e-13; relative = 1e-10 } a b 2.0 (OneDimensionalTransport.Solve(a, b, 2.0)).Cost "weighted: equals the quantile solver" |> ignore
            let small = ExactTransport.Solve(uniform rng 2 100 1.0 0.0, uniform rng 2 400 1.0 0.0, 2.0)
            match small.Profile with
            | null -> failtest "an exact solve has a profile"
            | profile -> Expect.equal (profile.CoarseRows, profile.CoarseColumns) (0, 0) "with fewer than 128 points on a side there is no coarse problem"
        }

        test "The dual potentials are feasible on every pair and their objective is the cost" {
            let rng = Random(17)
            let a = uniform rng 2 60 1.0 0.0
            let b = PointCloud(2, Array.init 180 (fun _ -> rng.NextDouble()), Array.create 90 (1.0 / 90.0))
            let result = ExactTransport.Solve(a, b, 2.0)
            let dual = result.Dual |> Option.ofObj |> Option.get
            for i in 0 .. a.Count - 1 do
                for j in 0 .. b.Count - 1 do
                    Expect.isLessThanOrEqual (dual.RowPotentials[i] + dual.ColumnPotentials[j]) (cost (point a i) (point b j) 2.0 + 1e-15) "f_i + g_j <= c_ij"
            let objective = Array.sum dual.RowPotentials / 60.0 + Array.sum dual.ColumnPotentials / 90.0
            Expect.floatClose { absolute = 1e-15; relative = 1e-10 } objective result.Cost "strong duality"
        }

        test "The 1-D quantile solver equals the assignment solver on equal-size clouds" {
            let rng = Random(7)
            for n in [ 1; 2; 5; 40; 200 ] do
                let a = cloud 1 (Array.init n (fun _ -> rng.NextDouble()))
                let b = cloud 1 (Array.init n (fun _ -> 3.0 * rng.NextDouble() - 1.0))
                for p in [ 1.0; 2.0; 3.0 ] do
                    let quantiles = OneDimensionalTransport.Solve(a, b, p)
                    Expect.floatClose { absolute = 1e-14; relative = 1e-12 } quantiles.Cost (AssignmentTransport.Solve(a, b, p)).Cost $"n = {n}, p = {p}"
                    certified quantiles $"quantile certificate, n = {n}, p = {p}"
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

        testPropertyWithConfig config "Spatial clusters partition the cloud into ranges of at most the leaf size inside their boxes, all of exactly that size when asked and the size divides the count" (fun (c: CloudPair) (leafChoice: PositiveInt) (equal: bool) ->
            let a = cloud c.D c.A
            let leaf = 1 + leafChoice.Get % 4
            let clusters = SpatialClusters.Build(a, leaf, equal)
            let sizes = [ for k in 0 .. clusters.Count - 1 -> clusters.Starts[k + 1] - clusters.Starts[k] ]
            let inBoxes =
                seq { for k in 0 .. clusters.Count - 1 do for x in clusters.Starts[k] .. clusters.Starts[k + 1] - 1 do for d in 0 .. c.D - 1 -> k, x, d }
                |> Seq.forall (fun (k, x, d) ->
                    let v = clusters.Cloud.Coordinates[x * c.D + d]
                    v >= clusters.Lower[k * c.D + d] && v <= clusters.Upper[k * c.D + d] && v = a.Coordinates[clusters.Order[x] * c.D + d])
            let whole = equal && a.Count % leaf = 0
            (Array.sort (Array.copy clusters.Order) = Array.init a.Count id
             && List.forall (fun s -> s >= 1 && s <= leaf) sizes
             && (not whole || List.forall ((=) leaf) sizes)
             && inBoxes)
            |> Prop.classify whole "equal sizes asked and possible"
            |> Prop.classify (not equal) "median cuts")

        testPropertyWithConfig config "W is symmetric, vanishes on equal clouds, and its duality gap is below 1e-9 relative" (fun (c: CloudPair) ->
            let a, b = cloud c.D c.A, cloud c.D c.B
            let ab = ExactTransport.Solve(a, b, 2.0)
            Expect.floatClose { absolute = 1e-12; relative = 1e-10 } ab.Cost (exact b a 2.0) "symmetry"
            Expect.isLessThan (exact a a 2.0) 1e-15 "W(mu, mu) = 0"
            certified ab "duality gap")

        testPropertyWithConfig config "Translating a cloud by a moves it W2^2 = |a|^2 and W1 <= W2" (fun (c: CloudPair) ->
            let a = cloud c.D c.A
            let shift = Array.init c.D (fun k -> 0.3 * float (k + 1) - 0.5)
            let moved = cloud c.D (c.A |> Array.mapi (fun k x -> x + shift[k % c.D]))
            let expected = shift |> Array.sumBy (fun s -> s * s)
            Expect.floatClose { absolute = 1e-12; relative = 1e-10 } (exact a moved 2.0) expected "translation"
            let b = cloud c.D c.B
            Expect.isLessThanOrEqual (ExactTransport.Solve(a, b, 1.0)).Distance ((ExactTransport.Solve(a, b, 2.0)).Distance + 1e-12) "W1 <= W2")

        testPropertyWithConfig config "W2 satisfies the triangle inequality" (fun (c: CloudPair) ->
            let a, b = cloud c.D c.A, cloud c.D c.B
            let middle = cloud c.D (Array.map2 (fun x y -> 0.5 * (x + y) + 0.1) c.A c.B)
            let w (x: PointCloud) (y: PointCloud) = (ExactTransport.Solve(x, y, 2.0)).Distance
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

        test "Two Gaussian samples of 4000 points: W2 is the closed form within the sampling error bound the samples themselves give" {
            // Closed form: W2^2 = |m1 - m2|^2 + tr S1 + tr S2 - 2 tr (S2^1/2 S1 S2^1/2)^1/2, and for 2 x 2
            // matrices tr A^1/2 = sqrt(tr A + 2 sqrt(det A)) with tr A = tr(S1 S2), det A = det S1 det S2.
            let m1, m2 = [| 0.0; 0.0 |], [| 3.0; -1.0 |]
            let s1 = array2D [ [ 1.0; 0.3 ]; [ 0.3; 0.5 ] ]
            let s2 = array2D [ [ 0.6; -0.2 ]; [ -0.2; 1.4 ] ]
            let tr (m: float[,]) = m[0, 0] + m[1, 1]
            let det (m: float[,]) = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]
            let trProduct = s1[0, 0] * s2[0, 0] + s1[0, 1] * s2[1, 0] + s1[1, 0] * s2[0, 1] + s1[1, 1] * s2[1, 1]
            let closed =
                (m1[0] - m2[0]) ** 2.0 + (m1[1] - m2[1]) ** 2.0 + tr s1 + tr s2 - 2.0 * sqrt (trProduct + 2.0 * sqrt (det s1 * det s2))
            let rng = Random(2026)
            let gaussian n (m: float[]) (s: float[,]) =
                // Cholesky factor of the 2 x 2 covariance, applied to Box-Muller pairs.
                let l00 = sqrt s[0, 0]
                let l10 = s[1, 0] / l00
                let l11 = sqrt (s[1, 1] - l10 * l10)
                cloud 2 [| for _ in 1..n do
                               let r = sqrt (-2.0 * log (1.0 - rng.NextDouble()))
                               let t = 2.0 * Math.PI * rng.NextDouble()
                               let z0, z1 = r * cos t, r * sin t
                               yield m[0] + l00 * z0
                               yield m[1] + l10 * z0 + l11 * z1 |]
            let n = 4000
            let a, b = gaussian n m1 s1, gaussian n m2 s2
            let measured = (ExactTransport.Solve(a, b, 2.0)).Distance
            // |W(a_n, b_n) - W(a, b)| <= W(a_n, a) + W(b_n, b) (triangle), and by joint convexity of W2^2,
            // W2^2(a_n, a) <= E W2^2(a_n, a'_n) over an independent sample a'_n of the same size. One draw
            // estimates that expectation; the factor 1.5 covers its fluctuation (its relative spread is a few
            // per cent at n = 4000).
            let sampling (x: PointCloud) m s = sqrt (1.5 * (ExactTransport.Solve(x, gaussian n m s, 2.0)).Cost)
            let tolerance = sampling a m1 s1 + sampling b m2 s2
            Expect.isLessThan tolerance (0.1 * sqrt closed) "the bound is informative"
            Expect.isLessThanOrEqual (abs (measured - sqrt closed)) tolerance $"W2 = {measured}, closed form {sqrt closed}, tolerance {tolerance}"
        }

        test "Sinkhorn approaches the exact cost as epsilon falls, and its estimated error bounds the actual error" {
            let rng = Random(23)
            for d, n in [ 2, 120; 4, 100; 6, 80 ] do
                let a = uniform rng d n 1.0 0.0
                let b = uniform rng d n 1.0 0.15
                let exactCost = exact a b 2.0
                let result = SinkhornTransport.Solve(a, b, 2.0, SinkhornOptions(1e-3))
                let stages = result.Stages
                Expect.isFalse result.IsExact "labelled approximate"
                Expect.equal result.Method "sinkhorn" "method"
                Expect.isTrue (result.Epsilon > 0.0 && result.Epsilon < exactCost) $"epsilon {result.Epsilon} below the cost"
                let error = abs (result.Cost - exactCost)
                Expect.isLessThanOrEqual error result.EstimatedError $"D = {d}: error {error} within the estimate {result.EstimatedError}"
                Expect.isLessThan error (1e-2 * exactCost) "close"
                // Once epsilon is below the cost scale, every further stage on the points (not on the clusters'
                // barycentres, a different problem that only seeds the potentials) gets closer.
                let errors = stages |> Seq.filter (fun s -> s.Epsilon < exactCost && s.RowPoints = a.Count) |> Seq.map (fun s -> abs (s.Divergence - exactCost)) |> Seq.toArray
                Expect.isGreaterThan errors.Length 2 "several stages below the cost scale"
                for k in 1 .. errors.Length - 1 do
                    Expect.isLessThan errors[k] errors[k - 1] $"D = {d}, stage {k}: the error falls"
        }

        test "Sinkhorn on clouds large enough for coarse levels and skipped blocks stays within its estimate of the exact cost" {
            let rng = Random(29)
            // Two separated clusters against one: most blocks of pairs are negligible at small epsilon.
            let a = uniform rng 2 1500 0.5 0.0
            let b = PointCloud(2, Array.append (uniform rng 2 750 0.5 0.0).Coordinates (uniform rng 2 750 0.5 2.0).Coordinates)
            let exactCost = exact a b 2.0
            let result = SinkhornTransport.Solve(a, b, 2.0)
            let error = abs (result.Cost - exactCost)
            Expect.isTrue (result.Stages |> Seq.exists (fun s -> s.RowPoints < a.Count)) "some stages ran on a coarse level"
            Expect.equal (Seq.last result.Stages).RowPoints a.Count "the last stage ran on the points"
            Expect.isLessThanOrEqual error result.EstimatedError $"error {error} within the estimate {result.EstimatedError}"
            Expect.isLessThan error (1e-2 * exactCost) "close"
        }

        test "Bad clouds are rejected with a message, never a number" {
            let bad (f: unit -> unit) (fragment: string) =
                let e: ArgumentException = raises f
                Expect.stringContains e.Message fragment fragment
            bad (fun () -> PointCloud(2, [||]) |> ignore) "empty"
            bad (fun () -> PointCloud(2, [| 0.0; nan |]) |> ignore) "finite"
            bad (fun () -> PointCloud(1, [| 0.0; 1.0 |], [| 1.0; -1.0 |]) |> ignore) ">= 0"
            bad (fun () -> ExactTransport.Solve(cloud 1 [| 0.0 |], cloud 2 [| 0.0; 1.0 |], 2.0) |> ignore) "dimensions"
            bad (fun () -> ExactTransport.Solve(PointCloud(2, [| 0.0; 0.0 |], [| 1.0 |]), PointCloud(2, [| 0.0; 1.0 |], [| 1.5 |]), 2.0) |> ignore) "masses"
            bad (fun () -> SinkhornTransport.Solve(cloud 2 [| 0.0; 0.0 |], cloud 2 [| 0.0; 1.0 |], 0.5) |> ignore) "p must be"
            bad (fun () -> Wasserstein.Compute(cloud 2 [| 0.0; 0.0 |], cloud 1 [| 0.0 |], 2.0, TransportMethod.Sinkhorn) |> ignore) "dimensions"
            bad (fun () -> OneDimensionalTransport.Solve(PointCloud(1, [| 0.0 |], [| 1.0 |]), PointCloud(1, [| 0.0 |], [| 2.0 |]), 2.0) |> ignore) "masses"
        }
    ]
