namespace MeanField.Verification

open System
open System.IO
open System.Security.Cryptography
open System.Text
open MeanField.Core.Particles

/// Reference runs kept between processes: a work unit computes one, later units (and the merge) read it.
/// A file is named by the SHA-256 of its key (the scenario's text, the steps, the cells and the seed: what
/// determines its bits), holds the key itself, the cells and grad psi at that time, and ends with the
/// SHA-256 of everything before it. A file whose key or checksum does not match is refused by name.
[<RequireQualifiedAccess>]
module ReferenceFiles =

    [<Literal>]
    let private Magic = "meanfield-reference/1"

    /// The file in <c>folder</c> for <c>key</c>.
    let path (folder: string) (key: string) =
        let hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes key)).ToLowerInvariant()
        Path.Combine(folder, $"reference-{hash}.bin")

    let private writeDoubles (w: BinaryWriter) (values: float[]) =
        w.Write values.Length
        for v in values do w.Write v

    let private readDoubles (r: BinaryReader) =
        let n = r.ReadInt32()
        if n < 0 then raise (InvalidDataException $"a negative array length {n}")
        Array.init n (fun _ -> r.ReadDouble())

    /// Writes the snapshot of <c>key</c> into <c>folder</c>, whole or not at all.
    let write (folder: string) (key: string) (state: ParticleState, gradient: float[][]) =
        Directory.CreateDirectory folder |> ignore
        use buffer = new MemoryStream()
        (
            use w = new BinaryWriter(buffer, Encoding.UTF8, true)
            w.Write Magic
            w.Write key
            w.Write state.Dimension
            w.Write state.Count
            writeDoubles w state.Positions
            writeDoubles w state.Velocities
            writeDoubles w (match state.Masses with null -> [||] | m -> m)
            w.Write gradient.Length
            for g in gradient do writeDoubles w g
        )
        let body = buffer.ToArray()
        MeanField.Core.Files.AtomicFile.Write(path folder key, fun stream ->
            stream.Write(body, 0, body.Length)
            stream.Write(SHA256.HashData body, 0, 32))

    /// The snapshot of <c>key</c> in <c>folder</c>, None if there is no file for it; InvalidDataException,
    /// naming the file, if the file holds another key or its checksum does not match its contents.
    let tryRead (folder: string) (key: string) =
        let file = path folder key
        if not (File.Exists file) then None
        else
            let bytes = File.ReadAllBytes file
            let refuse (why: string) = raise (InvalidDataException $"the reference file {file} {why}: it does not match the plan's reference; delete it to compute it again")
            if bytes.Length < 32 then refuse "is truncated"
            let body = bytes.AsSpan(0, bytes.Length - 32)
            let stored = Convert.ToHexString(bytes.AsSpan(bytes.Length - 32)).ToLowerInvariant()
            let actual = Convert.ToHexString(SHA256.HashData body).ToLowerInvariant()
            if stored <> actual then refuse $"has the checksum {actual}, stored {stored}"
            use r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32), Encoding.UTF8)
            if r.ReadString() <> Magic then refuse $"is not of the format {Magic}"
            let stored = r.ReadString()
            if stored <> key then refuse $"holds the run of another key (sha256 of its key {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes stored)).ToLowerInvariant()})"
            let d = r.ReadInt32()
            let n = r.ReadInt32()
            let positions = readDoubles r
            let velocities = readDoubles r
            let masses = readDoubles r
            if positions.Length <> d * n || velocities.Length <> d * n then refuse $"holds {positions.Length} coordinates for {n} cells in d = {d}"
            let state = ParticleState(d, n, Masses = (if masses.Length = 0 then null else masses))
            positions.CopyTo(state.Positions, 0)
            velocities.CopyTo(state.Velocities, 0)
            let gradient = Array.init (r.ReadInt32()) (fun _ -> readDoubles r)
            Some(state, gradient)
