namespace MeanField.Verification.Checks

open System
open System.Diagnostics
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Transport
open MeanField.Verification

/// Draws <c>count</c> i.i.d. points of a law in R^D from a seed.
type Sampler = int -> int -> PointCloud

/// Theorem 4.2 of the paper (Fournier and Guillin): the expected squared W2 distance between the
/// empirical measure of N i.i.d. samples and their law, in phase-space dimension D = 2d, and the
/// laws on which that rate is attained.
[<RequireQualifiedAccess>]
module FournierGuillin =

    /// The reference cloud has this many times N points (an exact N-against-kN assignment).
    [<Literal>]
    let ReferenceFactor = 4

    /// Slack on the exponent: the ladders are finite, so the log-log line still bends a little.
    let rateTolerance =
        { Name = "fg-rate"
          Slope = 0.05
          Reason = "finite ladders: curvature of the log-log line at moderate N" }

    /// The theoretical exponent of E W2^2 in N for phase-space dimension D, and whether it carries log N.
    let exponent (dimension: int) =
        if dimension < 4 then -0.5, FitKind.Plain
        elif dimension = 4 then -0.5, FitKind.LogCorrected
        else -2.0 / float dimension, FitKind.Plain

    /// The rate of dimension D as text: "N^(-0.5) log N", "N^(-0.3333)".
    let rateText (dimension: int) =
        match exponent dimension with
        | theory, FitKind.LogCorrected -> sprintf "N^(%g) log N" theory
        | theory, _ -> sprintf "N^(%.4g)" theory

    /// A cloud in phase space (x, v) drawn from the initial law of the model in d dimensions.
    let phaseSpace (spec: InitialDataSpec) (d: int) : Sampler =
        fun count seed -> PhaseSpace.ofState (InitialData.Sample(spec, d, count, seed))

    /// The default model's initial law in d dimensions: uniform on the unit ball in x, times the ball of radius 1/2 in v.
    let defaultLaw (d: int) =
        UniformDataSpec(PositionShape.Ball, Array.zeroCreate d, 1.0, Array.zeroCreate d, 0.5) :> InitialDataSpec

    /// Uniform on the unit cube [0, 1]^D.
    let unitCube (dimension: int) : Sampler =
        fun count seed ->
            let rng = MathNet.Numerics.Random.Xoshiro256StarStar(seed, false)
            PointCloud(dimension, Array.init (dimension * count) (fun _ -> rng.NextDouble()))

    /// Two unit cubes three apart along the first axis, each point choosing one with probability 1/2:
    /// the binomial imbalance between them costs order N^(-1/2) in any dimension.
    let twoClusters (dimension: int) : Sampler =
        fun count seed ->
            let rng = MathNet.Numerics.Random.Xoshiro256StarStar(seed, false)
            let coordinates = Array.zeroCreate (dimension * count)
            for i in 0 .. count - 1 do
                let shift = if rng.NextDouble() < 0.5 then 0.0 else 3.0
                for a in 0 .. dimension - 1 do
                    coordinates[i * dimension + a] <- rng.NextDouble() + (if a = 0 then shift else 0.0)
            PointCloud(dimension, coordinates)

    /// The squared W2 distance between two clouds, exactly.
    let exactCost (first: PointCloud) (second: PointCloud) = (ExactTransport.Solve(first, second, 2.0)).Cost

    /// <c>cost</c> between N samples and an independent reference cloud of k N samples of the law.
    let twoSampleCostWith (cost: PointCloud -> PointCloud -> float) (sampler: Sampler) (reference: Sampler) (count: int) (seed: int) =
        let sample = sampler count (Seeds.derive seed "sample" [])
        let cloud = reference (ReferenceFactor * count) (Seeds.derive seed "reference" [])
        cost sample cloud

    /// W2^2 between N samples and an independent reference cloud of k N samples of the law.
    let twoSampleCost (sampler: Sampler) (reference: Sampler) (count: int) (seed: int) = twoSampleCostWith exactCost sampler reference count seed

    /// Slack on either side for a sharpness check: the leading asymptotics have finite-N corrections
    /// (on the square, (log N + c) / N), so the local slope approaches the exponent slowly.
    let sharpnessTolerance =
        { Name = "fg-sharpness"
          Slope = 0.1
          Reason = "finite-N corrections to the leading asymptotics, e.g. (log N + c) / N on the square" }

    /// These checks measure samples of a law against the law: no solver of (P) runs.
    let lawReference =
        { Description = "samples of the exact law (no solver of (P) runs)"
          Components = MeanField.Core.Solvers.CodeComponents.None
          UsesSolver = false
          Cells = None }

    /// The record of a ladder's looks and replicas, for a check's parameters.
    let replicasText (sequential: SequentialRecord) =
        match sequential.Looks with
        | [ _ ] -> string sequential.Replicas
        | looks -> sprintf "%d (%d looks of at most %d; stopped: %s)" sequential.Replicas looks.Length sequential.MaxReplicas sequential.Stop.Name

    /// A rate in N of W2^2 between N samples of a law and an independent reference cloud of the law.
    type SampleRate =
        { Header: CheckHeader
          Claim: Claim
          Theory: float
          Kind: FitKind
          /// The law, as the report names it.
          LawName: string
          /// Phase-space dimension D.
          Dimension: int
          /// W2^2 between two clouds: the transport under test.
          Cost: PointCloud -> PointCloud -> float
          Sampler: Sampler
          ReferenceSampler: Sampler
          Control: ControlVariateSpec option }

    let private run (spec: SampleRate) (context: CheckContext) =
        let clock = Stopwatch.StartNew()
        let header = spec.Header
        let tolerance = if spec.Claim = Claim.Sharp then sharpnessTolerance else rateTolerance
        let judge (rungs: Rung list) confidence =
            let fit = Ladder.fitAt confidence spec.Kind rungs
            fit, Verdict.decide spec.Claim spec.Theory tolerance (List.head rungs).Errors.Length fit, ()
        let measure n seed = twoSampleCostWith spec.Cost spec.Sampler spec.ReferenceSampler (int n) seed
        let rungs, (fit, verdict, ()), sequential = Ladder.runSequentialFrom context.Replicas { CheckId = header.Id; Root = context.Seed; Design = context.Ladder; Progress = context.Progress; Measure = (fun x seed -> Measured.error (measure x seed)); Control = spec.Control } judge
        { Id = header.Id
          Title = header.Title
          Source = header.Source
          Statement = header.Statement
          Parameters =
            [ "phase-space dimension D", string spec.Dimension
              "law", spec.LawName
              "reference", $"independent cloud of {ReferenceFactor} N points of the same law (two-sample estimator, same exponent by joint convexity)"
              "transport", "exact W2 (shortest paths on candidate arcs, certified by a full pricing pass)"
              "replicas per rung", replicasText sequential
              "fitted from N", string context.Ladder.FitFrom ]
            @ (spec.Control |> Option.map (fun c -> [ "control variate", c.Description ]) |> Option.defaultValue [])
          Measurement =
              Measurement.Rate
                  { XLabel = "N"
                    ErrorLabel = "E W2^2(mu_N, rho)"
                    Rungs = rungs
                    FitKind = spec.Kind
                    Fit = fit
                    Claim = spec.Claim
                    Theory = spec.Theory
                    Tolerance = tolerance
                    ReferenceFloor = None
                    Sequential = sequential }
          Verdict = verdict
          Reference = lawReference
          Notes = []
          Seconds = clock.Elapsed.TotalSeconds }

    /// The share of a two-clusters cloud in the second cluster (first coordinate beyond the gap).
    let private farShare (cloud: PointCloud) =
        let mutable far = 0
        for i in 0 .. cloud.Count - 1 do
            if cloud.Point(i)[0] > 2.0 then far <- far + 1
        float far / float cloud.Count

    /// The two-clusters control: the imbalance between the clusters' shares of the sample and of the
    /// reference, which the transport must carry three across.
    let imbalanceControl (sampler: Sampler) (reference: Sampler) : ControlVariateSpec =
        { Description = $"the imbalance |B/N - C/({ReferenceFactor}N)| between the far cluster's shares of the sample and of the reference, whose expectation is exact (a double sum over the two binomials)"
          Value =
            fun n seed ->
                let count = int n
                abs (farShare (sampler count (Seeds.derive seed "sample" [])) - farShare (reference (ReferenceFactor * count) (Seeds.derive seed "reference" [])))
          Expectation = fun n -> MeanField.Core.Statistics.BinomialImbalance.ExpectedAbsoluteDifference(int n, ReferenceFactor * int n) }

    /// Neumann modes per axis of the square's control.
    [<Literal>]
    let SquareModes = 8

    /// The square's control: the low-frequency negative Sobolev norm of the difference between sample
    /// and reference, the linearisation of W2^2 (exact expectation under the uniform law).
    let sobolevControl (sampler: Sampler) (reference: Sampler) : ControlVariateSpec =
        { Description = $"the H^-1 norm of the difference between sample and reference over the Neumann modes up to {SquareModes} per axis, the linearisation of W2^2, whose expectation under the uniform law is exact"
          Value =
            fun n seed ->
                let count = int n
                MeanField.Core.Statistics.NegativeSobolev.Difference(sampler count (Seeds.derive seed "sample" []), reference (ReferenceFactor * count) (Seeds.derive seed "reference" []), SquareModes)
          Expectation = fun n -> MeanField.Core.Statistics.NegativeSobolev.Expected(int n, ReferenceFactor * int n, SquareModes) }

    /// The rate of Theorem 4.2 in d = 1, 2, 3 for clouds from <c>sampler</c> against the law of
    /// <c>reference</c> (an upper bound: faster decay passes). The two differ only for a sampler under test.
    let rateOf (d: int) (sampler: Sampler) (reference: Sampler) (lawName: string) : Check =
        let dimension = 2 * d
        let theory, kind = exponent dimension
        let header =
            { Id = CheckId.FournierGuillin(d).Text
              Title = $"Fournier-Guillin rate, d = {d} (D = {dimension})"
              Source = "Theorem 4.2"
              Statement = $"For i.i.d. samples of a law with enough moments in R^{dimension}, E W2^2(mu_N, rho) <= C {rateText dimension}." }
        { Id = header.Id
          Title = header.Title
          Needs = []
          Sharding = Sharding.Replicas
          Problems = []
          Reference = lawReference
          Run =
            run
                { Header = header
                  Claim = Claim.AtMost
                  Theory = theory
                  Kind = kind
                  LawName = lawName
                  Dimension = dimension
                  Cost = exactCost
                  Sampler = sampler
                  ReferenceSampler = reference
                  Control = None } }

    /// The rate of Theorem 4.2 for the model's initial law in d = 1, 2, 3.
    let rate (d: int) (law: InitialDataSpec) (lawName: string) = rateOf d (phaseSpace law d) (phaseSpace law d) lawName

    /// Where the bound is attained: uniform on the unit square (log N / N, faster than the bound), two
    /// separated clusters (N^-1/2, the bound itself) and the uniform cube in D = 6 (N^-1/3), with the
    /// transport under test: <c>cost first second</c> gives W2^2 between two clouds.
    let sharpnessWith (cost: PointCloud -> PointCloud -> float) (case: SharpnessCase) : Check =
        let title, statement, theory, kind, law, dimension, sampler, control =
            match case with
            | SharpnessCase.Square ->
                "Sharpness: uniform on the unit square",
                "Uniform on [0,1]^2: E W2^2(mu_N, rho) ~ log N / (4 pi N) (Ambrosio, Stra and Trevisan): the log-corrected slope is -1.",
                -1.0, FitKind.LogCorrected, "uniform on [0,1]^2", 2, unitCube 2, Some(sobolevControl (unitCube 2) (unitCube 2))
            | SharpnessCase.Clusters ->
                "Sharpness: two separated clusters",
                "Two unit cubes three apart, each point in either with probability 1/2: the mass imbalance makes E W2^2 ~ N^(-1/2) in any dimension, so the D < 4 bound is attained.",
                -0.5, FitKind.Plain, "two unit squares three apart, i.i.d. choice", 2, twoClusters 2, Some(imbalanceControl (twoClusters 2) (twoClusters 2))
            | SharpnessCase.Cube6 ->
                "Sharpness: uniform cube in D = 6",
                "Uniform on [0,1]^6: E W2^2(mu_N, rho) ~ N^(-2/6): the D > 4 bound is attained.",
                -1.0 / 3.0, FitKind.Plain, "uniform on [0,1]^6", 6, unitCube 6, None
        let header = { Id = CheckId.Sharpness(case).Text; Title = title; Source = "Theorem 4.2 (sharpness, from the literature)"; Statement = statement }
        let spec =
            { Header = header
              Claim = Claim.Sharp
              Theory = theory
              Kind = kind
              LawName = law
              Dimension = dimension
              Cost = cost
              Sampler = sampler
              ReferenceSampler = sampler
              Control = control }
        { Id = header.Id
          Title = title
          Needs = []
          Sharding = Sharding.Replicas
          Problems = []
          Reference = lawReference
          Run =
            fun context ->
                let result = run spec context
                match case with
                | SharpnessCase.Clusters
                | SharpnessCase.Cube6 -> result
                | SharpnessCase.Square ->
                    // Against an independent reference of k N points the two fluctuations add: (1 + 1/k) log N / (4 pi N).
                    let last = List.last result.Rate.Value.Rungs
                    let leading = (1.0 + 1.0 / float ReferenceFactor) * log last.X / (4.0 * Math.PI * last.X)
                    let ratio = last.Mean / leading
                    { result with
                        Notes =
                          [ sprintf "Prefactor: at N = %g the mean error is %.3f times (1 + 1/%d) log N / (4 pi N), the leading term for a sample against an independent reference of %d N points; the next-order term is of order 1 / N, so the ratio approaches 1 slowly." last.X ratio ReferenceFactor ReferenceFactor ] } }

    /// The sharpness checks with the project's exact transport.
    let sharpness (case: SharpnessCase) = sharpnessWith exactCost case
