namespace MeanField.Verification

open System
open MeanField.Core.Statistics

/// What a theorem says about a fitted slope s of log(error) against log(x).
[<RequireQualifiedAccess>]
type Claim =
    /// The theorem bounds the error: s at or below the theoretical exponent is a pass (faster decay is fine).
    | AtMost
    /// The bound is attained: s must equal the theoretical exponent (a sharpness check).
    | Sharp

/// A named slack on the theoretical exponent, recorded in every output that uses it.
type Tolerance =
    { Name: string
      /// Added to (AtMost) or allowed on either side of (Equals) the theoretical exponent.
      Slope: float
      Reason: string }

/// The outcome of a check.
[<RequireQualifiedAccess>]
type Verdict =
    /// The whole confidence interval is where the theorem says.
    | Holds
    /// The whole confidence interval is where the theorem forbids.
    | Violated
    /// The interval straddles the boundary; with the slope where it is, about this many replicas per rung
    /// would shrink the interval enough to decide (None when the slope sits on the boundary).
    | Inconclusive of replicasToResolve: int option
    /// Reported without a verdict (for example the growth in time of a prefactor).
    | Informational
    /// The check needs an output the solver under test does not give (a gradient): nothing was judged,
    /// and it is never counted as Holds.
    | NotApplicable of reason: string
    /// A run of the solver under test failed (a non-zero exit, a time-out, a malformed output, a blow-up):
    /// nothing was judged, and the run fails.
    | Error of message: string

    member this.Name =
        match this with
        | Holds -> "Holds"
        | Violated -> "Violated"
        | Inconclusive _ -> "Inconclusive"
        | Informational -> "Informational"
        | NotApplicable _ -> "Not applicable"
        | Error _ -> "Error"

    /// Replicas per rung that would resolve an inconclusive verdict, or null.
    member this.ReplicasToResolve: Nullable<int> =
        match this with
        | Inconclusive(Some r) -> Nullable r
        | _ -> Nullable()

    /// Why nothing was judged (Not applicable, Error), or "" for a judged check.
    member this.Reason: string =
        match this with
        | NotApplicable reason -> reason
        | Error message -> message
        | _ -> ""

    /// Order of badness, for comparing runs and for the exit code: Holds, Informational and Not applicable 0,
    /// Inconclusive 1, Violated 2, Error 3.
    member this.Severity =
        match this with
        | Holds
        | Informational
        | NotApplicable _ -> 0
        | Inconclusive _ -> 1
        | Violated -> 2
        | Error _ -> 3

[<RequireQualifiedAccess>]
module Verdict =

    /// The interval's half-width scales like 1 / sqrt(R): replicas that bring it down to the distance
    /// between the slope and the boundary.
    let private replicasFor (fit: RateFit) (replicas: int) (distance: float) =
        let half = fit.Upper - fit.Slope
        if distance <= 0.0 || half <= 0.0 then None
        else Some(int (ceil (float replicas * (half / distance) ** 2.0)))

    /// The verdict of a fitted slope against the theoretical exponent, with the replicas per rung used.
    let decide (claim: Claim) (theory: float) (tolerance: Tolerance) (replicas: int) (fit: RateFit) =
        match claim with
        | Claim.AtMost ->
            let bound = theory + tolerance.Slope
            if fit.Upper <= bound then Verdict.Holds
            elif fit.Lower > bound then Verdict.Violated
            else Verdict.Inconclusive(replicasFor fit replicas (abs (fit.Slope - bound)))
        | Claim.Sharp ->
            let low, high = theory - tolerance.Slope, theory + tolerance.Slope
            if fit.Lower >= low && fit.Upper <= high then Verdict.Holds
            elif fit.Upper < low || fit.Lower > high then Verdict.Violated
            else Verdict.Inconclusive(replicasFor fit replicas (min (abs (fit.Slope - low)) (abs (high - fit.Slope))))
