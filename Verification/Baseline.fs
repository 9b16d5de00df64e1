namespace MeanField.Verification

/// The fitted slope of a rate check, as a later run is compared with it.
type SlopeSummary =
    { Slope: float
      Lower: float
      Upper: float
      Theory: float
      Claim: Claim
      /// The check's named slope tolerance, also the allowance for a slope change between runs.
      ToleranceSlope: float }

/// The part of a check's result that a later run is compared with: the verdict, and the slope (rate
/// checks) or the largest measured / bound ratio (bounds checks).
type CheckSummary =
    { Id: string
      Title: string
      Verdict: string
      /// 0 Holds, Informational or Not applicable, 1 Inconclusive, 2 Violated, 3 Error.
      Severity: int
      Slope: SlopeSummary option
      /// Bounds checks: the largest measured / bound over every quantity and time.
      MaxRatio: float option }

/// One check compared across two runs.
type ComparisonRow =
    { Id: string
      Before: CheckSummary option
      After: CheckSummary option
      Regressed: bool
      Reason: string }

/// Comparing a run with a stored one: a verdict that worsens, or a slope that worsens by more than the
/// check's tolerance (a bound's slope rising, a sharpness slope moving away from theory), is a regression.
[<RequireQualifiedAccess>]
module Baseline =

    /// The severity of a stored verdict's name (see <c>Verdict.Severity</c>).
    let severityOf (verdict: string) =
        match verdict with
        | "Error" -> 3
        | "Violated" -> 2
        | "Inconclusive" -> 1
        | _ -> 0

    /// The name a stored run gives a check it could not judge for want of an output of the solver.
    let private notApplicable = (Verdict.NotApplicable "").Name

    let summarize (c: CheckResult) =
        { Id = c.Id
          Title = c.Title
          Verdict = c.Verdict.Name
          Severity = c.Verdict.Severity
          Slope =
            c.Rate
            |> Option.map (fun r ->
                { Slope = r.Fit.Slope
                  Lower = r.Fit.Lower
                  Upper = r.Fit.Upper
                  Theory = r.Theory
                  Claim = r.Claim
                  ToleranceSlope = r.Tolerance.Slope })
          MaxRatio = if c.BoundSeries.IsEmpty then None else Some(c.BoundSeries |> List.map _.MaxRatio |> List.max) }

    /// How bad the slope is: for a bound, the slope itself (slower decay is worse, even within the bound:
    /// a solver change that costs half an order is what a baseline is for); for a sharpness check, its
    /// distance from theory.
    let private badness (s: SlopeSummary) =
        match s.Claim with
        | Claim.AtMost -> s.Slope
        | Claim.Sharp -> abs (s.Slope - s.Theory)

    /// A worse verdict regresses any check; a rate check also regresses when its slope worsens beyond the
    /// tolerance. A bounds check's ratio may move while the bound holds: that is shown, not failed.
    let private row (before: CheckSummary) (after: CheckSummary) =
        let slopeChange =
            match before.Slope, after.Slope with
            | Some b, Some a -> Some(badness a - badness b, b.ToleranceSlope)
            | _ -> None
        if after.Severity > before.Severity then
            { Id = after.Id; Before = Some before; After = Some after; Regressed = true; Reason = $"verdict worsened from {before.Verdict} to {after.Verdict}" }
        elif after.Verdict = notApplicable && before.Verdict <> notApplicable then
            { Id = after.Id; Before = Some before; After = Some after; Regressed = true; Reason = $"no longer judged: {before.Verdict} before, {after.Verdict} now" }
        else
            match slopeChange with
            | Some(worse, allowed) when worse > allowed ->
                { Id = after.Id; Before = Some before; After = Some after; Regressed = true
                  Reason = sprintf "slope worsened by %.3f (allowed %g)" worse allowed }
            | _ -> { Id = after.Id; Before = Some before; After = Some after; Regressed = false; Reason = "" }

    /// Every check of either run, in the order of the new run, then those only in the baseline.
    let compare (before: CheckSummary list) (after: CheckSummary list) =
        let old = before |> List.map (fun s -> s.Id, s) |> Map.ofList
        let current =
            after
            |> List.map (fun a ->
                match old.TryFind a.Id with
                | Some b -> row b a
                | None -> { Id = a.Id; Before = None; After = Some a; Regressed = false; Reason = "not in the baseline" })
        let dropped =
            before
            |> List.filter (fun b -> not (after |> List.exists (fun a -> a.Id = b.Id)))
            |> List.map (fun b -> { Id = b.Id; Before = Some b; After = None; Regressed = false; Reason = "not run" })
        current @ dropped
