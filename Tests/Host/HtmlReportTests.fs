module MeanField.Tests.Host.HtmlReportTests

open System
open System.Diagnostics
open System.IO
open Expecto
open MeanField.Tests.Host.SimulateTests

/// Debian's Chromium, headless: its exit code, its standard output and its standard error.
let private chromium (args: string list) =
    let psi = ProcessStartInfo("chromium", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    // Root in a container: no sandbox, no GPU, no reliance on a small /dev/shm; console messages logged to standard error.
    for a in [ "--headless"; "--no-sandbox"; "--disable-gpu"; "--disable-dev-shm-usage"; "--hide-scrollbars"; "--enable-logging=stderr"; "--v=0" ] @ args do
        psi.ArgumentList.Add a
    use p =
        try
            match Process.Start psi with
            | null -> failtest "could not start chromium"
            | p -> p
        with :? ComponentModel.Win32Exception -> failtest "chromium is not installed: ci/setup.sh installs Debian's chromium"
    let output = p.StandardOutput.ReadToEndAsync()
    let errors = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit 120000) then
        p.Kill true
        failtest "chromium did not finish in 2 minutes"
    p.ExitCode, output.Result, errors.Result

/// Chromium's log lines for the page's console (messages, uncaught errors, resources that failed to load).
let private consoleLines (log: string) =
    log.Split('\n') |> Array.filter (fun l -> l.Contains ":CONSOLE") |> List.ofArray

[<Tests>]
let tests =
    testList "MeanField.Host.HtmlReport" [
        test "report.html loads in headless Chromium with no console message, shows every check's verdict, and opens the check a link names" {
            MeanField.Tests.TempFolder.within "html" (fun dir ->
                let out = Path.Combine(dir, "report")
                let checks = [ "fournier-guillin-d1"; "convergence-d1"; "closed-form-d2"; "momentum-d2" ]
                let code, _, stderr = run ([ "verify"; "--out"; out; "--quiet" ] @ (checks |> List.collect (fun c -> [ "--check"; c ])))
                Expect.equal code 0 stderr
                let page = Uri(Path.Combine(out, "report.html")).AbsoluteUri
                let code, dom, log = chromium [ "--dump-dom"; page ]
                Expect.equal code 0 $"chromium loads it: {log}"
                Expect.isEmpty (consoleLines log) "no console message: no script error, nothing failed to load"
                Expect.stringContains dom "data-ready=\"yes\"" "its script ran to the end"
                let results = Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(out, "results.json"))).RootElement.GetProperty("checks")
                Expect.equal (results.GetArrayLength()) checks.Length "the run's checks"
                for c in results.EnumerateArray() do
                    let id = c.GetProperty("id").GetString() |> nonNull
                    let verdict = c.GetProperty("verdict").GetString() |> nonNull
                    let at = dom.IndexOf $"<details id=\"{id}\" class=\"check\""
                    Expect.isGreaterThan at 0 $"{id}: its section"
                    Expect.isGreaterThan (dom.IndexOf($">{verdict}</span>", at)) at $"{id}: its verdict {verdict} on its fold line"
                // A link to a check opens it: the script runs on the address's fragment.
                let code, opened, _ = chromium [ "--dump-dom"; page + "#convergence-d1" ]
                Expect.equal code 0 "chromium loads it with a fragment"
                Expect.stringContains opened "<details id=\"convergence-d1\" class=\"check\" open=\"\">" "the named check is open"
                Expect.isFalse (opened.Contains "<details id=\"momentum-d2\" class=\"check\" open") "the others stay folded"
                let _, all, _ = chromium [ "--dump-dom"; page + "#all" ]
                for id in checks do
                    Expect.stringContains all $"<details id=\"{id}\" class=\"check\" open=\"\">" $"#all opens {id}"
                let png = Path.Combine(dir, "report.png")
                let code, _, log = chromium [ "--window-size=1280,1600"; $"--screenshot={png}"; page + "#convergence-d1" ]
                Expect.equal code 0 $"chromium takes a screenshot: {log}"
                let bytes = File.ReadAllBytes png
                Expect.sequenceEqual bytes[0..7] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |] "a PNG"
                let width = (int bytes[16] <<< 24) ||| (int bytes[17] <<< 16) ||| (int bytes[18] <<< 8) ||| int bytes[19]
                Expect.equal width 1280 "of the window's width"
                Expect.isGreaterThan bytes.Length 20000 "with something drawn on it (a blank page compresses to a few kB)"
                // For the README: MEANFIELD_SCREENSHOTS names a folder to keep the pictures in (the page's top, and the open check).
                match Environment.GetEnvironmentVariable "MEANFIELD_SCREENSHOTS" with
                | null | "" -> ()
                | folder ->
                    for name, size, address in [ "report.png", "1280,900", page; "report-check.png", "1280,2300", page + "#all" ] do
                        let code, _, log = chromium [ $"--window-size={size}"; $"--screenshot={Path.Combine(folder, name)}"; address ]
                        Expect.equal code 0 $"chromium takes {name}: {log}")
        }
    ]
