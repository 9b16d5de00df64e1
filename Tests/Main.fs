module MeanField.Tests.Main

open Expecto
open Expecto.Impl

/// Runs every test and ends with the plain summary line CI reads: `Tests: N passed, N failed`.
[<EntryPoint>]
let main argv =
    let mutable counts = None
    let printer =
        { defaultConfig.printer with
            summary =
                fun config summary ->
                    async {
                        do! defaultConfig.printer.summary config summary
                        counts <- Some(summary.passed.Length, summary.failed.Length + summary.errored.Length)
                    } }
    let options = [ CLIArguments.Printer printer; CLIArguments.No_Spinner; CLIArguments.Colours 0 ]
    let code = Tests.runTestsInAssemblyWithCLIArgs options argv
    stdout.Flush()
    let passed, failed = defaultArg counts (0, 0)
    // Expecto wraps Console.Out (colour resets, line padding); the summary must stand alone on its
    // own line for CI to read it, so it goes straight to the process's standard output.
    use raw = new System.IO.StreamWriter(System.Console.OpenStandardOutput())
    raw.Write($"\nTests: {passed} passed, {failed} failed\n")
    code
