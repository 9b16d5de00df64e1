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
    let code = Tests.runTestsInAssemblyWithCLIArgs [ CLIArguments.Printer printer ] argv
    let passed, failed = defaultArg counts (0, 0)
    printfn "Tests: %d passed, %d failed" passed failed
    code
