namespace MeanField.Verification

/// A law on which the Fournier-Guillin bound is attained (or beaten): the sharpness checks' cases.
[<RequireQualifiedAccess>]
type SharpnessCase =
    /// Uniform on the unit square: log N / N, faster than the bound.
    | Square
    /// Two unit squares three apart: N^-1/2, the bound itself.
    | Clusters
    /// Uniform on the unit cube in D = 6: N^-1/3.
    | Cube6

    /// The case's name in its check id.
    member this.Name =
        match this with
        | Square -> "square"
        | Clusters -> "clusters"
        | Cube6 -> "cube6"

    static member all = [ Square; Clusters; Cube6 ]

/// The identity of every check the suites run. Its text (for --check, the outputs and the baseline) is
/// built here only: a module that needs another check's id (a derived check reads its results) asks for
/// the case, never spells the string.
[<RequireQualifiedAccess>]
type CheckId =
    /// Theorem 4.2 in d (phase-space dimension 2d), on the model's initial law.
    | FournierGuillin of d: int
    | Sharpness of SharpnessCase
    /// Theorem 2.1 at time t against a reference of (V) (a particle one, or in d = 1 the grid).
    | MeanField of d: int * t: float
    /// The prefactor of Theorem 2.1 in time, from the Fournier-Guillin and mean-field checks of d.
    | Growth of d: int
    | ChemicalGradient of d: int * t: float
    | Monokinetic of t: float
    | Dobrushin
    | APriori
    /// Convergence to the exact solution of (P) on the manufactured problem of dimension d.
    | Convergence of d: int
    /// Convergence to the exact solution of (P) on the manufactured problem of dimension d with the chemotaxis
    /// off (alignment, F_ext and masses): what a flocking code without a field is judged on.
    | AlignmentConvergence of d: int
    /// Convergence to the exact solution of (P) on a user's model, in its dimension.
    | ConvergenceModel of d: int
    | ClosedForm of d: int
    | Momentum of d: int
    | FieldIndependence of d: int

    /// The id as --check, the outputs and the baseline spell it.
    member this.Text =
        match this with
        | FournierGuillin d -> sprintf "fournier-guillin-d%d" d
        | Sharpness case -> "sharpness-" + case.Name
        | MeanField(d, t) -> sprintf "mean-field-d%d-t%g" d t
        | Growth d -> sprintf "growth-d%d" d
        | ChemicalGradient(d, t) -> sprintf "chemical-gradient-d%d-t%g" d t
        | Monokinetic t -> sprintf "monokinetic-d1-t%g" t
        | Dobrushin -> "dobrushin"
        | APriori -> "a-priori-bounds"
        | Convergence d -> sprintf "convergence-d%d" d
        | ConvergenceModel d -> sprintf "convergence-model-d%d" d
        | AlignmentConvergence d -> sprintf "convergence-alignment-d%d" d
        | ClosedForm d -> sprintf "closed-form-d%d" d
        | Momentum d -> sprintf "momentum-d%d" d
        | FieldIndependence d -> sprintf "field-independence-d%d" d

    override this.ToString() = this.Text
