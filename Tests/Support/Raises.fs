/// Expecto's throwsT checks the type but drops the exception; tests here also read its fields.
[<AutoOpen>]
module MeanField.Tests.Raises

open Expecto

/// Runs f, which must raise 'e, and returns the exception.
let raises<'e when 'e :> exn> (f: unit -> unit) : 'e =
    try
        f ()
        failtestf "expected %s, but nothing was raised" typeof<'e>.Name
    with
    | :? 'e as e -> e
