module MeanField.Tests.Core.ChemistryTests

open System
open System.Numerics
open Expecto
open MeanField.Core.Chemistry
open MeanField.Core.Dynamics
open MeanField.Core.Kernels
open MeanField.Core.Particles
open MeanField.Tests

let private grid d n box = PeriodicGrid(d, n, box, ReadOnlySpan(Array.zeroCreate<float> d))

/// Nodal values of f over the grid.
let private sample (g: PeriodicGrid) (f: float[] -> float) =
    let index = Array.zeroCreate<int> g.Dimension
    Array.init g.NodeCount (fun k ->
        g.Unflatten(k, Span index)
        f (Array.init g.Dimension (fun a -> g.NodeCoordinate(a, index[a]))))

/// Advances a field with no source.
let private evolve (field: ChemicalField) steps =
    let zero = Array.zeroCreate<Complex> field.Grid.NodeCount
    let predicted = Array.zeroCreate<Complex> field.Grid.NodeCount
    for _ in 1..steps do
        field.Predict(zero, predicted)
        field.Correct(predicted, zero, zero)

let private nodal (field: ChemicalField) =
    let values = Array.zeroCreate field.Grid.NodeCount
    field.GetNodalValues(Span values)
    values

/// A model with every part given.
let build d n box diffusion decay eta (dt: float) (alignment: IAlignmentKernel) (force: IExternalForce) maxSpeed =
    HybridModel(
        Dimension = d,
        Alignment = alignment,
        Eta = eta,
        Diffusion = diffusion,
        Decay = decay,
        Source = PolynomialBump(0.5, 1.0),
        ExternalForce = force,
        Grid = grid d n box,
        Step = dt,
        MaxSpeed = maxSpeed)

/// A small Cucker-Smale model with chemotaxis for the coupled tests.
let model d n box diffusion decay eta dt =
    build d n box diffusion decay eta dt (CuckerSmaleKernel(1.0, 1.0, 0.5)) NoExternalForce.Instance 1e3

let heatTests =
    testList "heat solver" [
        test "A Fourier mode decays by exactly exp(-(D |k|^2 + kappa) t) in d = 1, 2, 3" {
            for d in 1..3 do
                let g = grid d 16 (2.0 * Math.PI)
                let k = [| 2.0; -3.0; 1.0 |]
                let phase (x: float[]) = Array.fold2 (fun s ka xa -> s + ka * xa) 0.0 k[.. d - 1] x
                let field = ChemicalField(g, 0.3, 0.7, PolynomialBump(1.0, 1.0), 0.1)
                field.SetNodalValues(ReadOnlySpan(sample g (fun x -> cos (phase x))))
                evolve field 10
                let k2 = k[.. d - 1] |> Array.sumBy (fun c -> c * c)
                let expected = sample g (fun x -> exp (-(0.3 * k2 + 0.7) * 1.0) * cos (phase x))
                Expect.isLessThan (Measure.maxAbsDiff (nodal field) expected) 1e-14 $"d = {d}"
        }

        test "A Gaussian spreads as the free-space heat kernel predicts, with spectral accuracy in the grid size" {
            let d, w, diffusion, decay, t = 2, 1.0, 0.5, 0.3, 1.0
            let exact (x: float[]) =
                let s2 = w * w + 2.0 * diffusion * t
                exp (-decay * t) * (w * w / s2) ** (float d / 2.0) * exp (-(Array.sumBy (fun c -> c * c) x) / (2.0 * s2))
            let error n =
                let g = grid d n 30.0
                let field = ChemicalField(g, diffusion, decay, PolynomialBump(2.0, 1.0), t / 4.0)
                field.SetNodalValues(ReadOnlySpan(sample g (fun x -> exp (-(Array.sumBy (fun c -> c * c) x) / (2.0 * w * w)))))
                evolve field 4
                Measure.maxAbsDiff (nodal field) (sample g exact)
            let sizes = [ 32; 48; 64; 96 ]
            let errors = sizes |> List.map error
            let localOrder i = log (errors[i] / errors[i + 1]) / log (float sizes[i + 1] / float sizes[i])
            Expect.isGreaterThan (localOrder 1) 10.0 $"48 -> 64 nodes: observed order far above any algebraic scheme (errors {errors})"
            Expect.isGreaterThan (localOrder 1) (localOrder 0) $"the observed order grows under refinement (errors {errors})"
            Expect.isLessThan errors[3] 1e-13 $"96 nodes: round-off (errors {errors})"
        }
    ]

let sourceTests =
    testList "source" [
        test "The field's total mass follows the closed form of a constant source with decay, to round-off" {
            for d in 1..3 do
                for decay in [ 0.0; 0.7 ] do
                    let m = model d (if d = 3 then 16 else 32) 8.0 0.2 decay 1.0 0.05
                    let rng = Random(d)
                    let state = Generators.particleState rng d 7
                    let sim = HybridSimulation(m, state, 1)
                    let massChi = m.Source.Mass d
                    for _ in 1..20 do
                        sim.Step()
                        let t = sim.Time
                        let expected = if decay = 0.0 then massChi * t else massChi * (1.0 - exp (-decay * t)) / decay
                        Expect.floatClose { absolute = 0.0; relative = 1e-13 } sim.Field.Mass expected $"d = {d}, kappa = {decay}, t = {t}"
        }

        test "The block and the slab deposits give the same source, each with the same bits on 1 and 2 threads" {
            for d in 1..3 do
                let n = if d = 3 then 16 else 48
                let grid = PeriodicGrid(d, n, 8.0, ReadOnlySpan(Array.zeroCreate<float> d))
                let rng = Random(10 + d)
                let state = Generators.particleState rng d 3000
                let masses = Array.init state.Count (fun i -> float (1 + i % 3))
                let total = Array.sum masses
                let masses = masses |> Array.map (fun m -> m / total)
                let deposit blocks threads (weights: float[] option) =
                    let field = ChemicalField(grid, 0.1, 0.5, PolynomialBump(0.7, 1.0), 0.01, threads, blocks, true)
                    let source = Array.zeroCreate<Numerics.Complex> grid.NodeCount
                    field.Deposit(state.Positions, state.Count, source, Option.toObj weights)
                    source
                for weights in [ None; Some masses ] do
                    let block = deposit true 1 weights
                    let slab = deposit false 1 weights
                    Expect.sequenceEqual (deposit true 2 weights) block $"block deposit, d = {d}: thread count"
                    Expect.sequenceEqual (deposit false 2 weights) slab $"slab deposit, d = {d}: thread count"
                    let scale = block |> Array.map _.Magnitude |> Array.max
                    let gap = Array.map2 (fun (a: Numerics.Complex) (b: Numerics.Complex) -> (a - b).Magnitude) block slab |> Array.max
                    Expect.isLessThan gap (1e-13 * scale) $"block against slab, d = {d}, weighted = {weights.IsSome}"
        }

        test "The padded forward and the cropped inverse transforms give the full transforms' bits where they are defined" {
            for d, points, occupied in [ 1, 64, 20; 2, 32, 9; 2, 16, 16; 3, 16, 7; 3, 32, 16 ] do
                let g = grid d points 1.0
                let rng = Random(40 + d + points)
                let index = Array.zeroCreate<int> d
                let inside k =
                    g.Unflatten(k, Span index)
                    index |> Array.forall (fun i -> i < occupied)
                // The data: random on the occupied nodes; the padded transform is given garbage elsewhere.
                let data = Array.init g.NodeCount (fun k -> if inside k then Complex(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5) else Complex.Zero)
                let garbage = data |> Array.mapi (fun k c -> if inside k then c else Complex(1e300, -1e300))
                let bits (c: Complex) = BitConverter.DoubleToInt64Bits c.Real, BitConverter.DoubleToInt64Bits c.Imaginary
                for threads in [ 1; 2 ] do
                    let transform = SpectralTransform(g, threads)
                    let full = Array.copy data
                    transform.Forward(full)
                    let padded = Array.copy garbage
                    transform.ForwardPadded(padded, occupied)
                    Expect.sequenceEqual (Array.map bits padded) (Array.map bits full) $"d = {d}, {points} points, {occupied} occupied, {threads} threads: forward"
                    let back = Array.copy full
                    transform.Inverse(back)
                    let cropped = Array.copy full
                    transform.InverseCropped(cropped, occupied)
                    let within (a: Complex[]) = a |> Array.indexed |> Array.filter (fst >> inside) |> Array.map (snd >> bits)
                    Expect.sequenceEqual (within cropped) (within back) $"d = {d}, {points} points, {occupied} occupied, {threads} threads: inverse"
                    let roundTrip = Array.map2 (fun (a: Complex) (b: Complex) -> (a - b).Magnitude) back data |> Array.max
                    Expect.isLessThan roundTrip 1e-14 "and the full inverse undoes the forward"
        }

        test "The vector deposit and gather give the scalar loops' bits in d = 2 and 3, wrapped rows and whole ones" {
            for d in 2..3 do
                let n = if d = 3 then 16 else 48
                let grid = PeriodicGrid(d, n, 8.0, ReadOnlySpan(Array.zeroCreate<float> d))
                // Cells on [-2, 2]: those within three nodes of 0 have stencils across the periodic wrap.
                let state = Generators.particleState (Random(20 + d)) d 3000
                let h = grid.Spacing
                let wrapped =
                    Seq.init state.Count (fun i -> abs state.Positions[(d - 1) * state.Count + i] < 3.0 * h) |> Seq.filter id |> Seq.length
                Expect.isGreaterThan wrapped 100 $"d = {d}: cells whose contiguous rows wrap"
                Expect.isGreaterThan (state.Count - wrapped) 100 $"d = {d}: cells whose contiguous rows do not"
                let masses = Array.init state.Count (fun i -> float (1 + i % 5) / float (3 * state.Count))
                let bits (values: float[]) = Array.map BitConverter.DoubleToInt64Bits values
                let field blocks vectors = ChemicalField(grid, 0.1, 0.5, PolynomialBump(0.7, 1.0), 0.01, 2, blocks, vectors)
                for blocks in [ true; false ] do
                    for weights in [ None; Some masses ] do
                        let deposit vectors =
                            let source = Array.zeroCreate<Complex> grid.NodeCount
                            (field blocks vectors).Deposit(state.Positions, state.Count, source, Option.toObj weights)
                            source |> Array.collect (fun c -> [| c.Real; c.Imaginary |]) |> bits
                        Expect.sequenceEqual (deposit true) (deposit false) $"d = {d}, blocks = {blocks}, weighted = {weights.IsSome}: deposit"
                let gather vectors =
                    let f = field true vectors
                    let source = Array.zeroCreate<Complex> grid.NodeCount
                    f.Deposit(state.Positions, state.Count, source)
                    f.Correct(source, source, source)
                    f.UpdateGradient()
                    let gradient = Array.zeroCreate (d * state.Count)
                    f.InterpolateGradient(state.Positions, state.Count, gradient)
                    gradient
                let vector, scalar = gather true, gather false
                Expect.isGreaterThan (vector |> Array.map abs |> Array.max) 1e-3 $"d = {d}: a gradient that is not zero"
                Expect.sequenceEqual (bits vector) (bits scalar) $"d = {d}: gather"
        }

        test "The source's low modes converge to chi's exact transform of the cloud at order >= 5.5 under grid refinement" {
            // Oracle: chi^(|k|) / h^d sum_j m_j e^{-i k.(x_j - o)} summed cell by cell, for |k_a| <= 2 (2 pi / L).
            let box, cells = 8.0, 40
            let chi = PolynomialBump(0.5, 1.0)
            for d in 1..3 do
                let rng = Random(20 + d)
                let x = Array.init (d * cells) (fun _ -> box * 0.3 * (2.0 * rng.NextDouble() - 1.0))
                let masses = Array.init cells (fun i -> float (1 + i % 4) / 100.0)
                let error n =
                    let g = PeriodicGrid(d, n, box, ReadOnlySpan(Array.create d (-box / 2.0)))
                    let field = ChemicalField(g, 0.1, 0.5, chi, 0.01)
                    let hat = Array.zeroCreate<Complex> g.NodeCount
                    field.Deposit(x, cells, hat, masses)
                    let index = Array.zeroCreate<int> d
                    let scale = chi.Mass d / g.CellVolume
                    seq {
                        for k in 0 .. g.NodeCount - 1 do
                            g.Unflatten(k, Span index)
                            if index |> Array.forall (fun i -> min i (n - i) <= 2) then
                                let ks = Array.init d (fun a -> g.Wavenumber index[a])
                                let chiHat = RadialFourier.Transform(chi, d, sqrt (Array.sumBy (fun c -> c * c) ks))
                                let exact =
                                    Seq.init cells (fun j ->
                                        let phase = Seq.init d (fun a -> -ks[a] * (x[a * cells + j] - g.Origin[a])) |> Seq.sum
                                        Complex.FromPolarCoordinates(masses[j], phase))
                                    |> Seq.fold (+) Complex.Zero
                                (hat[k] - chiHat / g.CellVolume * exact).Magnitude / scale
                    }
                    |> Seq.max
                let sizes = if d = 3 then [ 8; 16; 32 ] else [ 8; 16; 32; 64 ]
                let errors = sizes |> List.map error
                let order = -(Measure.order (sizes |> List.map float) errors)
                Expect.isGreaterThanOrEqual order 5.5 $"d = {d}: observed order {order:F2}, errors {errors}"
        }
    ]

let gradientTests =
    testList "gradient" [
        test "grad phi interpolated at off-grid points converges at order >= 4 under grid refinement" {
            for d in 1..3 do
                let f (x: float[]) = exp (sin x[0] + (if d > 1 then 0.5 * cos x[1] else 0.0) + (if d > 2 then 0.3 * sin (x[2] + 1.0) else 0.0))
                let grad (x: float[]) =
                    let v = f x
                    [| v * cos x[0]
                       if d > 1 then -0.5 * v * sin x[1]
                       if d > 2 then 0.3 * v * cos (x[2] + 1.0) |]
                let rng = Random(7)
                let points = Array.init 40 (fun _ -> Array.init d (fun _ -> Math.PI * (2.0 * rng.NextDouble() - 1.0)))
                let sizes = if d = 3 then [ 16; 24; 32 ] else [ 16; 24; 32; 48 ]
                let errors =
                    sizes
                    |> List.map (fun n ->
                        let g = grid d n (2.0 * Math.PI)
                        let field = ChemicalField(g, 0.0, 0.0, PolynomialBump(1.0, 1.0), 1.0)
                        field.SetNodalValues(ReadOnlySpan(sample g f))
                        field.UpdateGradient()
                        points
                        |> Array.map (fun p ->
                            let v = Array.zeroCreate d
                            field.Interpolate(field.Gradient, ReadOnlySpan p, Span v)
                            Measure.maxAbsDiff v (grad p))
                        |> Array.max)
                let order = Measure.order (sizes |> List.map (fun n -> 1.0 / float n)) errors
                Expect.isGreaterThanOrEqual order 4.0 $"d = {d}: observed order {order:F2}, errors {errors}"
        }
    ]

/// Runs N cells and records the history the oracle needs.
let private runWithHistory (m: HybridModel) (initial: ParticleState) steps =
    let sim = HybridSimulation(m, initial, 1)
    let history: DuhamelOracle.History =
        { Dimension = m.Dimension
          Count = initial.Count
          Step = m.Step
          Positions = ResizeArray [ Array.copy sim.State.Positions ]
          Velocities = ResizeArray [ Array.copy sim.State.Velocities ] }
    for _ in 1..steps do
        sim.Step()
        history.Positions.Add(Array.copy sim.State.Positions)
        history.Velocities.Add(Array.copy sim.State.Velocities)
    sim, history

let private gradientAt (sim: HybridSimulation) (z: float[]) =
    let v = Array.zeroCreate z.Length
    sim.Field.Interpolate(sim.Field.Gradient, ReadOnlySpan z, Span v)
    v

let oracleTests =
    testList "Duhamel oracle" [
        test "For N <= 5, grad phi agrees with the free-space Duhamel quadrature to within the solver's own error estimate" {
            for d in [ 1; 2 ] do
                let n, t, dt, diffusion, decay = 3, 0.4, 0.02, 0.05, 0.4
                let rng = Random(11 + d)
                let initial = ParticleState(d, n)
                for k in 0 .. d * n - 1 do
                    initial.Positions[k] <- 1.6 * rng.NextDouble() - 0.8
                    initial.Velocities[k] <- rng.NextDouble() - 0.5
                let coarse, _ = runWithHistory (model d 64 8.0 diffusion decay 1.0 dt) initial (int (round (t / dt)))
                let fine, history = runWithHistory (model d 128 8.0 diffusion decay 1.0 (dt / 2.0)) initial (int (round (t / dt * 2.0)))
                let chi = PolynomialBump(0.5, 1.0)
                for j in 0 .. n - 1 do
                    let xj = Array.init d (fun a -> fine.State.Positions[a * n + j])
                    let z = xj |> Array.mapi (fun a c -> c + (if a = 0 then 0.23 else -0.11))
                    let oracle = DuhamelOracle.gradPhi chi diffusion decay history t z
                    let gFine = gradientAt fine z
                    let gCoarse = gradientAt coarse z
                    let stated = Measure.maxAbsDiff gFine gCoarse
                    let actual = Measure.maxAbsDiff gFine oracle
                    Expect.isLessThanOrEqual actual stated $"d = {d}, z = {z}: |solver - oracle| = {actual:E3}, solver's estimate {stated:E3}"
                    Expect.isLessThan actual (1e-3 * Measure.maxAbs oracle) $"d = {d}: the agreement is not vacuous (|grad phi| = {Measure.maxAbs oracle:E3})"
        }
    ]

[<Tests>]
let tests = testList "MeanField.Core.Chemistry" [ heatTests; sourceTests; gradientTests; oracleTests ]
