/// A fresh folder under the temp directory for one test, deleted afterwards.
[<RequireQualifiedAccess>]
module MeanField.Tests.TempFolder

open System
open System.IO

/// Runs <c>f</c> with a new folder whose name starts with <c>meanfield-{purpose}-</c>; removes it after.
let within (purpose: string) (f: string -> 'a) =
    let dir = Path.Combine(Path.GetTempPath(), $"meanfield-{purpose}-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory dir |> ignore
    try f dir finally Directory.Delete(dir, true)
