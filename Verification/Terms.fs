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
        | Term.Alignment ->
            match scenario.Alignment with
            | :? CuckerSmaleSpec as cs -> cs.Beta <> 0.0
            | :? NoAlignmentSpec -> false
            | _ -> true
        | Term.Chemotaxis -> c.Eta <> 0.0
        | Term.Diffusion -> c.Eta <> 0.0 && c.Diffusion <> 0.0
        | Term.Decay -> c.Eta <> 0.0 && c.Decay <> 0.0
        | Term.Source -> c.Eta <> 0.0
        | Term.ExternalForce -> not (scenario.ExternalForce :? NoForceSpec)
        | Term.InitialField -> c.Eta <> 0.0 && not (c.InitialField :? ZeroFieldSpec)
        | Term.Masses -> not (isNull cells.Masses)

    /// Whether <see cref="scale"/> can scale the term of this scenario (kernels given as ONNX models cannot be).
    let canScale (scenario: Scenario) (term: Term) =
        match term with
        | Term.Alignment -> scenario.Alignment :? CuckerSmaleSpec
        | Term.Source -> scenario.Chemotaxis.Source :? PolynomialBumpSpec || scenario.Chemotaxis.Source :? SmoothBumpSpec
        | _ -> true

    /// The problem with the term times <c>factor</c> (0 drops it). Kernels given as ONNX models cannot be scaled.
    let scale (term: Term) (factor: float) (scenario: Scenario, cells: ParticleState) : Scenario * ParticleState =
        let scenario' =
            match term with
            | Term.Alignment ->
                match scenario.Alignment with
                | :? CuckerSmaleSpec as cs -> scenario.WithAlignment(CuckerSmaleSpec(factor * cs.Beta, cs.Radius, cs.Sigma))
                | other -> invalidArg (nameof scenario) $"the alignment can be scaled only in a Cucker-Smale kernel, not {other.GetType().Name}"
            | Term.Chemotaxis -> scenario |> withChemotaxis (fun c -> ChemotaxisSpec(factor * c.Eta, c.Diffusion, c.Decay, c.Source, c.InitialField))
            | Term.Diffusion -> scenario |> withChemotaxis (fun c -> ChemotaxisSpec(c.Eta, factor * c.Diffusion, c.Decay, c.Source, c.InitialField))
            | Term.Decay -> scenario |> withChemotaxis (fun c -> ChemotaxisSpec(c.Eta, c.Diffusion, factor * c.Decay, c.Source, c.InitialField))
            | Term.Source ->
                scenario
                |> withChemotaxis (fun c ->
                    let source: SourceSpec =
                        match c.Source with
                        | :? PolynomialBumpSpec as bump -> PolynomialBumpSpec(bump.Radius, factor * bump.Amplitude)
                        | :? SmoothBumpSpec as bump -> SmoothBumpSpec(bump.Radius, factor * bump.Amplitude, bump.Sharpness)
                        | other -> invalidArg (nameof scenario) $"the source can be scaled only in a bump, not {other.GetType().Name}"
                    ChemotaxisSpec(c.Eta, c.Diffusion, c.Decay, source, c.InitialField))
            | Term.ExternalForce ->
                let force: ExternalForceSpec =
                    match scenario.ExternalForce with
                    | :? NoForceSpec as none -> none
                    | :? ConstantForceSpec as f -> ConstantForceSpec(f.Vector |> Array.map ((*) factor))
                    | :? ConfinementForceSpec as f -> ConfinementForceSpec(factor * f.Strength, f.Length)
                    | other -> invalidArg (nameof scenario) $"the external force {other.GetType().Name} cannot be scaled"
                scenario.WithExternalForce force
            | Term.InitialField ->
                scenario
                |> withChemotaxis (fun c ->
                    let field: InitialFieldSpec =
                        match c.InitialField with
                        | :? GaussianFieldSpec when factor = 0.0 -> ZeroFieldSpec()
                        | :? GaussianFieldSpec as g -> GaussianFieldSpec(factor * g.Amplitude, g.Width, g.Center)
                        | other -> other
                    ChemotaxisSpec(c.Eta, c.Diffusion, c.Decay, c.Source, field))
            | Term.Masses -> scenario
        scenario', (if term = Term.Masses then scaleMasses factor cells else cells)
