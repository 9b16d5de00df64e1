namespace MeanField.Verification

open MeanField.Core.Particles
open MeanField.Core.Scenarios

/// A term of (P) (METHODS.md section 1), as code verification switches it on, sizes it and breaks it.
[<RequireQualifiedAccess>]
type Term =
    /// The alignment gamma (Cucker-Smale's beta).
    | Alignment
    /// The chemotactic force eta grad phi on the cells.
    | Chemotaxis
    /// The field's diffusion D_c.
    | Diffusion
    /// The field's decay kappa.
    | Decay
    /// The source chi (its amplitude).
    | Source
    /// The external force F_ext.
    | ExternalForce
    /// The initial field phi_in.
    | InitialField
    /// The cells' masses m_j (their spread about 1/N).
    | Masses

    /// The term's name in ids and reports (built here only).
    member this.Id =
        match this with
        | Alignment -> "alignment"
        | Chemotaxis -> "chemotaxis"
        | Diffusion -> "diffusion"
        | Decay -> "decay"
        | Source -> "source-mass"
        | ExternalForce -> "external-force"
        | InitialField -> "initial-field"
        | Masses -> "masses"

    member this.Description =
        match this with
        | Alignment -> "alignment gamma (beta)"
        | Chemotaxis -> "chemotactic force eta grad phi"
        | Diffusion -> "diffusion D_c"
        | Decay -> "decay kappa"
        | Source -> "source chi (its amplitude)"
        | ExternalForce -> "external force F_ext"
        | InitialField -> "initial field phi_in"
        | Masses -> "masses m_j (their spread about 1/N)"

[<RequireQualifiedAccess>]
module Term =

    let all =
        [ Term.Alignment; Term.Chemotaxis; Term.Diffusion; Term.Decay; Term.Source; Term.ExternalForce; Term.InitialField; Term.Masses ]

    let private withChemotaxis (change: ChemotaxisSpec -> ChemotaxisSpec) (s: Scenario) = s.WithChemotaxis(change s.Chemotaxis)

    /// The cells with their masses' spread about 1/N times <c>factor</c> (0: equal masses).
    let scaleMasses (factor: float) (cells: ParticleState) =
        match cells.Masses with
        | null -> cells
        | masses ->
            let n = float cells.Count
            let scaled = masses |> Array.map (fun m -> 1.0 / n + factor * (m - 1.0 / n))
            let total = Array.sum scaled
            cells.WithMasses(if factor = 0.0 then null else scaled |> Array.map (fun m -> m / total))

    /// Whether the term is switched on in this problem (a zero constant, no force, no initial field or equal masses leave it off).
    let isOn (scenario: Scenario) (cells: ParticleState) (term: Term) =
        let c = scenario.Chemotaxis
        match term with
        | Term.Alignment -> scenario.Alignment.IsOn
        | Term.Chemotaxis -> c.Eta <> 0.0
        | Term.Diffusion -> c.Eta <> 0.0 && c.Diffusion <> 0.0
        | Term.Decay -> c.Eta <> 0.0 && c.Decay <> 0.0
        | Term.Source -> c.Eta <> 0.0
        | Term.ExternalForce -> scenario.ExternalForce.IsOn
        | Term.InitialField -> c.Eta <> 0.0 && c.InitialField.IsOn
        | Term.Masses -> not (isNull cells.Masses)

    /// Whether <see cref="scale"/> can scale the term of this scenario (kernels given as ONNX models cannot be).
    let canScale (scenario: Scenario) (term: Term) =
        match term with
        | Term.Alignment -> not (isNull (scenario.Alignment.Scaled 1.0))
        | Term.Source -> not (isNull (scenario.Chemotaxis.Source.Scaled 1.0))
        | _ -> true

    /// The model with the term times <c>factor</c> (0 drops it); the masses, a property of the cells, are left
    /// as they are (see <see cref="scale"/>). Kernels given as ONNX models cannot be scaled.
    let scaleModel (term: Term) (factor: float) (scenario: Scenario) : Scenario =
        match term with
        | Term.Alignment ->
            match scenario.Alignment.Scaled factor with
            | null -> invalidArg (nameof scenario) $"the alignment kernel {scenario.Alignment.GetType().Name} cannot be scaled"
            | scaled -> scenario.WithAlignment scaled
        | Term.Chemotaxis -> scenario |> withChemotaxis (fun c -> ChemotaxisSpec(factor * c.Eta, c.Diffusion, c.Decay, c.Source, c.InitialField))
        | Term.Diffusion -> scenario |> withChemotaxis (fun c -> ChemotaxisSpec(c.Eta, factor * c.Diffusion, c.Decay, c.Source, c.InitialField))
        | Term.Decay -> scenario |> withChemotaxis (fun c -> ChemotaxisSpec(c.Eta, c.Diffusion, factor * c.Decay, c.Source, c.InitialField))
        | Term.Source ->
            scenario
            |> withChemotaxis (fun c ->
                let source =
                    match c.Source.Scaled factor with
                    | null -> invalidArg (nameof scenario) $"the source {c.Source.GetType().Name} cannot be scaled"
                    | scaled -> scaled
                ChemotaxisSpec(c.Eta, c.Diffusion, c.Decay, source, c.InitialField))
        | Term.ExternalForce -> scenario.WithExternalForce(scenario.ExternalForce.Scaled factor)
        | Term.InitialField ->
            scenario
            |> withChemotaxis (fun c -> ChemotaxisSpec(c.Eta, c.Diffusion, c.Decay, c.Source, c.InitialField.Scaled factor))
        | Term.Masses -> scenario

    /// The problem with the term times <c>factor</c> (0 drops it). Kernels given as ONNX models cannot be scaled.
    let scale (term: Term) (factor: float) (scenario: Scenario, cells: ParticleState) : Scenario * ParticleState =
        scaleModel term factor scenario, (if term = Term.Masses then scaleMasses factor cells else cells)
