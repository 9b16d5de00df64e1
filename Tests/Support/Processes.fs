/// Programs the tests start as processes of their own.
module MeanField.Tests.Processes

open System
open System.Diagnostics
open System.IO
open Expecto

/// Runs <c>file</c> with <c>args</c> (each one argument, no shell) in <c>directory</c>, to its end: the exit code, standard output and standard error.
let run (file: string) (args: string list) (directory: string) =
    let psi = ProcessStartInfo(file, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory)
    for a in args do psi.ArgumentList.Add a
    match Process.Start psi with
    | null -> failtest $"could not start {file}"
    | p ->
        use p = p
        let err = p.StandardError.ReadToEndAsync()
        let out = p.StandardOutput.ReadToEnd()
        p.WaitForExit()
        p.ExitCode, out, err.Result

/// The built tool beside the tests (<c>dotnet meanfield.dll ARGS</c>) as a process: it shares no memory with the tests.
let meanfield (args: string list) =
    run "dotnet" (Path.Combine(AppContext.BaseDirectory, "meanfield.dll") :: args) Environment.CurrentDirectory
