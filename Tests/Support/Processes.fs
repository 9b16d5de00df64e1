/// Programs the tests start as processes of their own.
module MeanField.Tests.Processes

open System
open System.Diagnostics
open System.IO
open Expecto

/// A process a test started, killed with its children when disposed if it still runs: a failed or timed-out
/// test leaves nothing behind.
type Owned(p: Process) =
    member _.Process = p

    interface IDisposable with
        member _.Dispose() =
            try
                if not p.HasExited then
                    p.Kill(entireProcessTree = true)
                    p.WaitForExit()
            with :? InvalidOperationException -> ()
            p.Dispose()

/// Starts a process the test owns (see <see cref="Owned"/>).
let start (psi: ProcessStartInfo) =
    match Process.Start psi with
    | null -> failtest $"could not start {psi.FileName}"
    | p -> new Owned(p)

/// Runs a process the test owns to its end: the exit code, standard output and standard error.
let private complete (psi: ProcessStartInfo) =
    use owned = start psi
    let p = owned.Process
    let err = p.StandardError.ReadToEndAsync()
    let out = p.StandardOutput.ReadToEnd()
    p.WaitForExit()
    p.ExitCode, out, err.Result

/// Runs <c>file</c> with <c>args</c> (each one argument, no shell) in <c>directory</c>, to its end: the exit code, standard output and standard error.
let run (file: string) (args: string list) (directory: string) =
    let psi = ProcessStartInfo(file, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory)
    for a in args do psi.ArgumentList.Add a
    complete psi

/// The signals the tests send to the tool, and that a background job of a non-interactive shell (and so every
/// process it starts) ignores: the tool is started with their default disposition, whatever the runner's.
let private defaultSignals = "--default-signal=INT,TERM,QUIT"

/// How to start the built tool beside the tests (<c>dotnet meanfield.dll ARGS</c>) in <c>directory</c>, its
/// output redirected, with the default disposition of SIGINT, SIGTERM and SIGQUIT (coreutils' env, which
/// execs dotnet: the process's id is the tool's).
let toolStart (args: string list) (directory: string) =
    let psi = ProcessStartInfo("env", UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory)
    for a in defaultSignals :: "dotnet" :: Path.Combine(AppContext.BaseDirectory, "meanfield.dll") :: args do
        psi.ArgumentList.Add a
    psi

/// The built tool beside the tests (<c>dotnet meanfield.dll ARGS</c>) as a process: it shares no memory with the tests.
let meanfield (args: string list) = complete (toolStart args Environment.CurrentDirectory)
