module MeanField.Tests.Reports.ReportTests

open System
open System.Globalization
open System.IO
open System.Threading
open Expecto
open MeanField.Core.Statistics
open MeanField.Reports.Verification
open MeanField.Verification
open MeanField.Verification.Checks
open MeanField.Tests

let private rung x (errors: float[]) fitted =
    { X = x; Errors = errors; Seeds = Array.init errors.Length (fun r -> 1000 * int x + r); Extras = Array.create errors.Length [||]; Fitted = fitted; Seconds = 0.25; Control = None }

/// Two looks of a sequential ladder, the second undecided at its budget.
let private twoLooks verdict =
    { Method = Ladder.sequentialMethod
      Alpha = 0.05
      MaxReplicas = 6
      Looks =
        [ { Replicas = 3; Confidence = 0.9821; Slope = -0.95; Lower = -1.45; Upper = -0.45; Verdict = Verdict.Inconclusive(Some 60); Seconds = 0.75 }
          { Replicas = 6; Confidence = 0.9679; Slope = -1.0123456; Lower = -1.3097; Upper = -0.7149; Verdict = verdict; Seconds = 1.5 } ]
      Stop = Stop.ReplicaBudget }

/// A control variate on a rung: the adjusted replicas beside the raw ones.
let private withControl (r: Rung) =
    { r with Control = Some { Values = r.Errors |> Array.map (fun e -> 2.0 * e); Expectation = 2.0 * Array.average r.Errors; Coefficient = 0.5; Adjusted = r.Errors |> Array.map (fun e -> 0.5 * (e + Array.average r.Errors)); VarianceRatio = 0.25 } }

let private check id claim kind theory verdict floor =
    let sequential = id = "inconclusive"
    { Id = id
      Title = $"Check {id}"
      Source = "Theorem 4.2"
      Statement = "E W2^2(mu_N, rho) <= C N^(-1/2)."
      Parameters = [ "phase-space dimension D", "2"; "replicas per rung", "3" ]
      Measurement =
        Measurement.Rate
            { XLabel = "N"
              ErrorLabel = "E W2^2(mu_N, rho)"
              Rungs =
                [ rung 125.0 [| 0.0125; 0.0131; 0.0119 |] false; rung 250.0 [| 0.00625; 0.0061; 0.0066 |] true; rung 500.0 [| 0.0031; 0.00325; 0.0030 |] true; rung 1000.0 [| 0.00155; 0.0016; 0.0015 |] true ]
                |> List.map (fun r -> if sequential then withControl r else r)
              FitKind = kind
              Fit = RateFit(-1.0123456, -1.5, 0.0234, 1.0, 0.95, -1.3097, -0.7149, -0.9876)
              Claim = claim
              Theory = theory
              Tolerance = { Name = "fg-rate"; Slope = 0.05; Reason = "finite ladders" }
              ReferenceFloor = floor
              Sequential = if sequential then twoLooks verdict else Ladder.singleLook 3 (RateFit(-1.0123456, -1.5, 0.0234, 1.0, 0.95, -1.3097, -0.7149, -0.9876)) verdict 1.5 }
      Verdict = verdict
      Reference = { Description = "samples of the law"; Components = MeanField.Core.Solvers.CodeComponents.None; UsesSolver = false; Cells = None }
      Notes = [ "A note." ]
      Seconds = 1.5 }

/// A bounds check: one quantity well inside its bound, one finite-difference quantity at its bound within the slack.
let private boundsCheck =
    { Id = "bounds"
      Title = "Check bounds"
      Source = "Proposition 7.2"
      Statement = "|v_i(t)| <= V0 e^(2 gamma0 t)."
      Parameters = [ "horizon T", "1" ]
      Measurement =
        Measurement.Bounds
            [ { Quantity = "max_i |v_i(t)|"; Source = "Proposition 7.2"; Formula = "V0 e^(2 t)"
                Times = [| 0.0; 0.5; 1.0 |]; Measured = [| 0.5; 0.45; 0.4 |]; Bound = [| 0.5; 1.359; 3.695 |]; Slack = 0.0 }
              { Quantity = "max_i |d z_i(t) / d z_1(0)|"; Source = "Theorem 7.3"; Formula = "e^(t)"
                Times = [| 0.0; 0.5; 1.0 |]; Measured = [| 1.0000000004; 1.2; 1.5 |]; Bound = [| 1.0; 1.6487; 2.7183 |]; Slack = 1e-6 } ]
      Verdict = Verdict.Holds
      Reference = { Description = "closed-form bounds"; Components = MeanField.Core.Solvers.CodeComponents.None; UsesSolver = true; Cells = None }
      Notes = [ "A note on bounds." ]
      Seconds = 0.75 }

/// A growth check over three times: tau = 0.1, 0.2, 0.4 with intervals of +- 0.1 in logs.
let private growthCheck =
    let point t source (tau: float) = { Time = t; Source = source; Fit = PrefactorFit(log tau, 0.05, 3, 0.95, log tau - 0.1, log tau + 0.1) }
    { Id = "growth"
      Title = "Check growth"
      Source = "Theorem 2.1"
      Statement = "tau(t) <= e^{e^{Ct}}."
      Parameters = [ "times", "0, 1, 2" ]
      Measurement =
        Measurement.Growth
            { Points = [ point 0.0 "holds" 0.1; point 1.0 "inconclusive" 0.2; point 2.0 "violated" 0.4 ]
              Xs = [ 250.0; 500.0; 1000.0 ]
              Theory = -0.5
              FitKind = FitKind.Plain
              GrowthRate = log 2.0
              DoubleExponentialC = 0.0 }
      Verdict = Verdict.Informational
      Reference =
        { Description = "a particle run"
          Components = MeanField.Core.Solvers.CodeComponents.ParticleStepper ||| MeanField.Core.Solvers.CodeComponents.ChemicalField
          UsesSolver = true
          Cells = None }
      Notes = [ "A note on growth." ]
      Seconds = 0.0 }

/// A convergence check: second order in dt down to the floor, fifth in h.
let private convergenceCheck =
    let steps = [| 0.1; 0.05; 0.025 |]
    let margins = [ { Term = Term.ExternalForce; Effect = 2.5e-3 }; { Term = Term.Masses; Effect = 4e-4 } ]
    let time =
        Convergence.judge { Variable = "dt"; Xs = steps; Errors = steps |> Array.map (fun dt -> 0.08 * dt * dt); Seconds = [| 0.5; 1.0; 2.0 |] }
            { Floor = 1e-7; Declared = DeclaredOrder.Order 2.0; Margins = margins }
    let grid =
        Convergence.judge { Variable = "h"; Xs = [| 0.25; 0.125 |]; Errors = [| 4e-3; 1.25e-4 |]; Seconds = [| 0.1; 0.2 |] }
            { Floor = 1e-7; Declared = DeclaredOrder.Undeclared; Margins = margins }
    { Id = "convergence"
      Title = "Check convergence"
      Source = "METHODS.md section 8"
      Statement = "The error falls as dt^2."
      Parameters = [ "cells", "64" ]
      Measurement =
        Measurement.Convergence
            { Time = time
              Grid = Some grid
              Floor = 1e-7
              FloorText = "refined reference"
              FloorFactor = 100.0
              Margins = margins
              Bound = Convergence.bound 1e-7 [ time; grid ] }
      Verdict = Convergence.combine time (Some grid)
      Reference = { Description = "a spectral reference"; Components = MeanField.Core.Solvers.CodeComponents.None; UsesSolver = true; Cells = None }
      Notes = []
      Seconds = 3.0 }

/// A check that measured nothing: Error (a run of the solver failed) or Not applicable.
let private unjudged id verdict =
    { Id = id
      Title = $"Check {id}"
      Source = "Not judged"
      Statement = "The solver failed."
      Parameters = []
      Measurement = Measurement.Nothing
      Verdict = verdict
      Reference = { Description = "a grid solver"; Components = MeanField.Core.Solvers.CodeComponents.ChemicalField; UsesSolver = true; Cells = None }
      Notes = [ "The solver's message." ]
      Seconds = 0.5 }

/// A run with one check of each kind of verdict, fixed numbers throughout.
let sampleRun =
    { Suite = "quick"
      Seed = 20261123
      Checks =
        [ check "holds" Claim.AtMost FitKind.Plain -0.5 Verdict.Holds None
          check "inconclusive" Claim.Sharp FitKind.LogCorrected -1.0 (Verdict.Inconclusive(Some 42)) (Some 1.25e-6)
          check "violated" Claim.AtMost FitKind.Plain -2.0 Verdict.Violated None
          boundsCheck
          growthCheck
          convergenceCheck
          unjudged "error" (Verdict.Error "non-zero exit: the solver exited with code 1")
          unjudged "not-applicable" (Verdict.NotApplicable "the solver gives no grad phi") ]
      Solver = MeanField.Core.Solvers.OwnSolver(version = "0.1.0").Identity
      ConfigurationHash = "0123456789abcdef"
      Seconds = 12.5 }

let sampleInfo = RunInfo("0.1.0", "abc123", ".NET 10.0.0", "Linux, X64, 2 cores", "the embedded defaults")

let private inCulture (name: string) f =
    let saved = Thread.CurrentThread.CurrentCulture
    Thread.CurrentThread.CurrentCulture <- CultureInfo.GetCultureInfo name
    try f () finally Thread.CurrentThread.CurrentCulture <- saved

let private render () =
    use w = new StringWriter()
    w.NewLine <- "\n"
    VerificationMarkdown.Render(w, sampleRun, sampleInfo)
    w.ToString()

let private snapshot = Path.Combine(AppContext.BaseDirectory, "Reports", "Snapshots", "report.md")

[<Tests>]
let tests =
    testList "MeanField.Reports.Verification" [
        test "The Markdown report matches its snapshot under the invariant culture and under German number formatting" {
            // MEANFIELD_UPDATE_SNAPSHOTS=1 writes the snapshot into the source tree instead (review the diff).
            if Environment.GetEnvironmentVariable "MEANFIELD_UPDATE_SNAPSHOTS" = "1" then
                File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Reports", "Snapshots", "report.md"), render ())
            let expected = File.ReadAllText(snapshot).Replace("\r\n", "\n")
            for culture in [ ""; "de-DE" ] do
                let text = inCulture culture render
                Expect.equal text expected $"culture '{culture}'"
        }

        test "The report lists every verdict in the summary before the sections, with the replicas that would decide" {
            let text = render ()
            let summary = text.IndexOf "## Summary"
            for c in sampleRun.Checks do
                Expect.isLessThan summary (text.IndexOf $"## {c.Title}") $"{c.Id} after the summary"
            Expect.stringContains text "Inconclusive (about 42 replicas per rung would decide)" "replicas to resolve"
            Expect.stringContains text "no (pre-asymptotic)" "dropped rungs shown"
        }

        test "LaTeX escaping sets every special character as text and the report's relations as math" {
            Expect.equal (VerificationLatex.Escape "a_b 5% R&D #1 $x {y} e^{t} ~ \\ |v| <= >= < >") "a\\_b 5\\% R\\&D \\#1 \\$x \\{y\\} e\\textasciicircum{}\\{t\\} \\textasciitilde{} \\textbackslash{} \\textbar{}v\\textbar{} $\\leq$ $\\geq$ $<$ $>$" "each character"
        }

        test "summary.tex has a row per check between booktabs rules, five cells each, with nothing left for LaTeX to misread" {
            use w = new StringWriter()
            w.NewLine <- "\n"
            VerificationLatex.Render(w, sampleRun, sampleInfo)
            let lines = w.ToString().Split('\n')
            let index (text: string) = lines |> Array.findIndex (fun l -> l.Trim() = text)
            let rows = lines[index "\\midrule" + 1 .. index "\\bottomrule" - 1]
            Expect.equal rows.Length sampleRun.Checks.Length "a row per check"
            // What remains of a cell once its escapes and relations are taken out must hold no special character.
            let escapes = [ "\\textasciicircum{}"; "\\textasciitilde{}"; "\\textbackslash{}"; "\\textbar{}"; "$\\leq$"; "$\\geq$"; "$<$"; "$>$"; "\\_"; "\\%"; "\\&"; "\\#"; "\\$"; "\\{"; "\\}" ]
            for row, check in Array.zip rows (List.toArray sampleRun.Checks) do
                Expect.isTrue (row.TrimEnd().EndsWith "\\\\") $"{check.Id}: the row ends the line"
                let body = row.TrimEnd().[.. row.TrimEnd().Length - 3]
                let cells = body.Split(" & ")
                Expect.equal cells.Length 5 $"{check.Id}: five cells"
                Expect.equal (cells[0].Trim()) (VerificationLatex.Escape check.Title) $"{check.Id}: its title first"
                Expect.equal (cells[4].Trim()) check.Verdict.Name $"{check.Id}: its verdict last"
                for cell in cells do
                    let bare = escapes |> List.fold (fun (t: string) e -> t.Replace(e, "")) cell
                    for special in [ '_'; '%'; '&'; '#'; '$'; '{'; '}'; '^'; '~'; '\\'; '<'; '>'; '|' ] do
                        Expect.isFalse (bare.Contains special) $"{check.Id}: '{special}' left in '{cell}'"
            Expect.stringContains (w.ToString()) "root seed 20261123" "the caption names the seed"
        }

        test "results.json reads back into the summaries a baseline compares" {
            use stream = new MemoryStream()
            VerificationJson.Write(stream, sampleRun, sampleInfo)
            stream.Position <- 0L
            let read = VerificationJson.ReadSummaries stream |> List.ofSeq
            let expected = sampleRun.Checks |> List.map Baseline.summarize
            Expect.equal read expected "round trip"
        }

        test "A stored file that is not a results.json is refused with the field it lacks" {
            use stream = new MemoryStream(Text.Encoding.UTF8.GetBytes """{ "checks": [ { "id": "x" } ] }""")
            let e: InvalidDataException = raises (fun () -> VerificationJson.ReadSummaries stream |> ignore)
            Expect.stringContains e.Message "checks[0]" "names the entry"
        }

        test "JUnit XML has one test case per check: violated and inconclusive fail, not applicable is skipped" {
            let xml = VerificationJUnit.Build sampleRun
            let cases = xml.Descendants(Xml.Linq.XName.Get "testcase") |> List.ofSeq
            Expect.equal cases.Length sampleRun.Checks.Length "one per check"
            let has (name: string) (child: string) =
                cases |> List.exists (fun c -> string (c.Attribute(Xml.Linq.XName.Get "name")) = $"name=\"{name}\"" && not (isNull (c.Element(Xml.Linq.XName.Get child))))
            Expect.isTrue (has "violated" "failure") "failure"
            Expect.isTrue (has "error" "error") "a solver's failure is an error"
            Expect.isTrue (has "not-applicable" "skipped") "not applicable is skipped, not passed"
            Expect.isTrue (has "inconclusive" "failure") "a gate that cannot decide fails"
            Expect.isFalse (has "holds" "failure" || has "holds" "skipped") "a pass"
        }

        test "The rate plot shows the fitted rungs, the pre-asymptotic ones apart, the fit and the theory line" {
            let model = nonNull (VerificationPlots.Of sampleRun.Checks.Head)
            let titles = model.Series |> Seq.map (fun s -> s.Title) |> List.ofSeq
            Expect.equal titles.Length 4 $"series {titles}"
            use stream = new MemoryStream()
            MeanField.Reports.Output.Svg.Write(model, stream)
            Expect.isGreaterThan stream.Length 1000L "an SVG document"
        }

        test "A bounds check is reported with each quantity's tightness, its slack and a table per quantity; its plot has one line per quantity and the bound" {
            let text = render ()
            // The tightness is over t > 0: 0.45 / 1.359 for the velocity, 1.2 / 1.6487 for the derivative.
            let velocity = (0.45 / 1.359).ToString("G6", CultureInfo.InvariantCulture)
            let derivative = (1.2 / 1.6487).ToString("G6", CultureInfo.InvariantCulture)
            Expect.stringContains text $"| 1 | max_i \\|v_i(t)\\| | Proposition 7.2 | V0 e^(2 t) | {velocity} | none | yes |" "the tightness row, bars escaped"
            Expect.stringContains text $"| Theorem 7.3 | e^(t) | {derivative} | 1E-06 | yes |" "a finite difference at t = 0 within its slack holds"
            Expect.stringContains text "| t | measured | bound | ratio |" "the table per quantity"
            let bounds = sampleRun.Checks |> List.find (fun c -> c.Id = "bounds")
            let model = nonNull (VerificationPlots.Of bounds)
            Expect.equal model.Series.Count 3 "two quantities and the line at 1"
        }
    
        test "A growth check is reported with each time's prefactor, its interval and its ratio to the first; its plot has the points, the line and the double exponential" {
            let text = render ()
            Expect.stringContains text "| 1 | [inconclusive](#inconclusive) | 2.0000e-01 | [1.810e-01, 2.210e-01] | 2 |" "the row at t = 1"
            Expect.stringContains text "tau(t) x4 from t = 0 to 2" "the summary's measured column"
            let model = nonNull (VerificationPlots.Of growthCheck)
            Expect.isNull (VerificationPlots.Of(unjudged "error" (Verdict.Error "x"))) "a check that measured nothing has no plot"
            Expect.equal model.Series.Count 3 "points, exponential line, double exponential"
        }

        test "A convergence check shows each ladder's rungs, local orders and verdict, writes its rows to CSV and draws both ladders" {
            let text = render ()
            Expect.stringContains text "| 0.05 | 2.000e-04 | 2.00 | yes |" "a time rung with its local order"
            Expect.stringContains text "Order in dt: **2.00**, declared 2" "the order against the declared one"
            Expect.stringContains text "order 2.00 in dt, 5.00 in h" "the summary's measured column"
            use w = new StringWriter()
            VerificationCsv.WriteConvergence(w, sampleRun)
            Expect.equal (w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length) 6 "a header and five rungs"
            let titles = (nonNull (VerificationPlots.Of convergenceCheck)).Series |> Seq.map _.Title |> List.ofSeq
            Expect.equal titles [ "dt"; "dt, judged"; "h"; "h, judged"; "floor" ] "each ladder's line and judged rungs, and the floor line"
            Expect.stringContains text "| external force F_ext | 2.500e-03 | 2.5e+04 |" "each term's margin over the floor"
            use margins = new StringWriter()
            VerificationCsv.WriteMargins(margins, sampleRun)
            Expect.stringContains (margins.ToString()) "convergence,masses,0.0004,1E-07,4000" "and in margins.csv"
            // The bound: the smaller finest-rung error (0.08 x 0.025^2 = 5e-5 in dt) plus the floor; the masses' margin
            // (4e-4) is under 100 x the judging threshold (1e-3): not verified; the external force's is.
            let rows = margins.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries) |> Array.map _.Trim()
            let row term = rows |> Array.find (fun r -> r.StartsWith("convergence," + term + ",")) |> fun r -> r.Split(',')
            let masses, force = row "masses", row "external-force"
            Expect.floatClose Accuracy.high (float masses[5]) 5.01e-5 "the bound"
            Expect.floatClose Accuracy.high (float masses[6]) (0.05 * 5.01e-5 / 4e-4) "the relative error in the masses it rules out"
            Expect.equal (masses[7], force[7]) ("false", "true") "a margin under 100 x the threshold is not verified"
            Expect.stringContains text "| masses m_j (their spread about 1/N) | 4.000e-04 | 4.0e+03 | 0.63% | no: under 100 x the judging threshold |" "the report names it"
        }

        test "The convergence plot draws the rungs at the floor hollow and apart from the judged ones" {
            let steps = [| 0.1; 0.05; 0.025 |]
            // 5e-7 stands below 100 x the floor of 1e-8: not judged.
            let time =
                Convergence.judge { Variable = "dt"; Xs = steps; Errors = [| 8e-4; 2e-4; 5e-7 |]; Seconds = [| 0.5; 1.0; 2.0 |] }
                    { Floor = 1e-8; Declared = DeclaredOrder.Order 2.0; Margins = [] }
            Expect.equal time.Judged [| true; true; false |] "the last rung at the floor"
            let m =
                { Time = time; Grid = None; Floor = 1e-8; FloorText = "refined reference"; FloorFactor = 100.0; Margins = []; Bound = 5e-7 }
            let model = VerificationPlots.Convergence(convergenceCheck, m)
            let points (title: string) =
                model.Series |> Seq.find (fun s -> s.Title = title) :?> OxyPlot.Series.ScatterSeries |> _.Points |> Seq.map (fun p -> p.X, p.Y) |> List.ofSeq
            Expect.equal (points "dt, judged") [ 1.0, 8e-4; 0.5, 2e-4 ] "the judged rungs"
            Expect.equal (points "dt, at the floor") [ 0.25, 5e-7 ] "the rung at the floor, apart"
        }

        test "The power report has a row per solver and a column per check, with the score" {
            let row (id: MeanField.Verification.Mutant) verdict =
                let check = { unjudged "x" verdict with Id = "convergence-d1" }
                { Mutant = id; Run = { sampleRun with Checks = [ check ] }; Caught = verdict.IsViolated }
            let power =
                { Suite = "quick"; Seed = 1; Own = { sampleRun with Checks = [ { unjudged "x" Verdict.Holds with Id = "convergence-d1" } ] }
                  Rows = [ row MeanField.Verification.Mutant.ForwardEuler Verdict.Violated; row (MeanField.Verification.Mutant.RandomKick 1e-3) Verdict.Holds ]
                  Seconds = 4.0 }
            use w = new StringWriter()
            PowerMarkdown.Render(w, power, sampleInfo)
            let text = w.ToString()
            Expect.stringContains text "**1 of 2** mutants caught (50%)" "the score"
            Expect.stringContains text "| forward-euler: forward Euler instead of Heun for the cells | **V** | **yes** |" "a caught mutant"
            Expect.stringContains text "| random-kick-0.001: a random kick of size 0.001 per step | H | no |" "one that got through"
            Expect.stringContains text "| own (correct) | H | clean |" "the correct solver"
        }

        test "report.html is one page with nothing to fetch: every check folded under its verdict, every plot inline with ids of its own" {
            let html =
                VerificationExporters.All()
                |> Seq.collect (fun e -> e.Artifacts(sampleRun, sampleInfo))
                |> Seq.find (fun a -> a.FileName = "report.html")
                |> fun a ->
                    use stream = new MemoryStream()
                    a.Write.Invoke stream
                    Text.Encoding.UTF8.GetString(stream.ToArray())
            Expect.stringStarts html "<!DOCTYPE html>" "a document"
            let summary = html.IndexOf "<h2>Summary</h2>"
            Expect.isGreaterThan summary 0 "the summary"
            for c in sampleRun.Checks do
                let at = html.IndexOf $"<details id=\"{c.Id}\" class=\"check\">"
                Expect.isGreaterThan at summary $"{c.Id}: folded, after the summary"
                let badge = $"<span class=\"badge {MeanField.Reports.Output.HtmlPage.VerdictClass c.Verdict.Name}\">{c.Verdict.Name}</span>"
                Expect.isGreaterThan (html.IndexOf(badge, at)) at $"{c.Id}: its verdict on its fold line"
            // Nothing outside the page: no src or href but in-page anchors and data: URIs, no <img> left.
            let references = Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"([^\"]*)\"") |> Seq.map (fun m -> m.Groups[1].Value) |> List.ofSeq
            Expect.all references (fun r -> r.StartsWith "#" || r.StartsWith "data:") $"only in-page references: {references}"
            Expect.isFalse (html.Contains "<img") "every plot inline"
            let plots = sampleRun.Checks |> List.filter (fun c -> not c.Measurement.IsNothing)
            Expect.equal (Text.RegularExpressions.Regex.Matches(html, "<figure class=\"plot\"").Count) plots.Length "a plot per check that measured something"
            let ids = Text.RegularExpressions.Regex.Matches(html, " id=\"([^\"]+)\"") |> Seq.map (fun m -> m.Groups[1].Value) |> List.ofSeq
            Expect.equal (List.distinct ids) ids "no id twice on the page (each plot's clip paths are its own)"
            for m in Text.RegularExpressions.Regex.Matches(html, "url\\(#([^)]+)\\)") do
                Expect.contains ids m.Groups[1].Value $"{m.Value} points to an element of the page"
            Expect.stringContains html "<td class=\"verdict violated\">Violated" "the summary's verdict cells are marked for their colour"
        }

        test "Every kind of measurement goes through every exporter as itself: a kind the sample or a renderer lacks fails here" {
            let cases = Microsoft.FSharp.Reflection.FSharpType.GetUnionCases(typeof<Measurement>) |> Array.map _.Name |> Set.ofArray
            let caseOf (m: Measurement) = (fst (Microsoft.FSharp.Reflection.FSharpValue.GetUnionFields(m, typeof<Measurement>))).Name
            Expect.equal (sampleRun.Checks |> List.map (fun c -> caseOf c.Measurement) |> Set.ofList) cases "the sample run has every kind"
            // The JSON kind of each case: a new case must be named here, and rendered as itself.
            let jsonKind = Map [ "Rate", "rate"; "Bounds", "bounds"; "Growth", "growth"; "Convergence", "convergence"; "Nothing", "none" ]
            Expect.equal (jsonKind |> Map.keys |> Set.ofSeq) cases "every kind has its JSON name"
            let files = Collections.Generic.Dictionary<string, byte[]>()
            for exporter in VerificationExporters.All() do
                for artifact in exporter.Artifacts(sampleRun, sampleInfo) do
                    use stream = new MemoryStream()
                    artifact.Write.Invoke stream
                    files[artifact.FileName] <- stream.ToArray()
            for file in [ "report.md"; "report.html"; "results.json"; "data.csv"; "bounds.csv"; "growth.csv"; "convergence.csv"; "margins.csv" ] do
                Expect.isTrue (files.ContainsKey file && files[file].Length > 0) $"{file} rendered"
            let json = Text.Json.JsonDocument.Parse(files["results.json"]).RootElement
            for c, element in Seq.zip sampleRun.Checks (json.GetProperty("checks").EnumerateArray()) do
                Expect.equal (element.GetProperty("kind").GetString()) jsonKind[caseOf c.Measurement] $"{c.Id} renders as its own kind"
            let plots = files.Keys |> Seq.filter (fun f -> f.EndsWith ".svg") |> Set.ofSeq
            let measured = sampleRun.Checks |> List.filter (fun c -> not c.Measurement.IsNothing) |> List.map (fun c -> c.Id + ".svg") |> Set.ofList
            Expect.equal plots measured "a plot for each check that measured something, none for the others"
        }

        test "A picture of a large cloud draws a bounded number of cells and says so" {
            let n = MeanField.Reports.Simulation.SimulationPlots.MaxCellsDrawn + 5000
            let state = MeanField.Core.Particles.ParticleState(1, n)
            let grid = MeanField.Core.Chemistry.PeriodicGrid(1, 16, 8.0, ReadOnlySpan [| 0.0 |])
            let model = MeanField.Reports.Simulation.SimulationPlots.FinalState(1.0, state, grid, Array.zeroCreate 16)
            let drawn = model.Series |> Seq.sumBy (fun s -> match s with :? OxyPlot.Series.LineSeries as l -> l.Points.Count | _ -> 0)
            Expect.equal drawn MeanField.Reports.Simulation.SimulationPlots.MaxCellsDrawn "markers drawn"
            Expect.stringContains model.Title "drawn" "the title says only some are drawn"
        }
    ]
