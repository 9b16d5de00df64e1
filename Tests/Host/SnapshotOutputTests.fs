module MeanField.Tests.Host.SnapshotOutputTests

open System
open System.Diagnostics
open System.Globalization
open System.IO
open System.Xml.Linq
open Expecto
open MeanField.Tests.Host.SimulateTests

let private withTemp f = MeanField.Tests.TempFolder.within "snapshots" f

let private xname (s: string) = XName.Get s

/// An attribute that must be there.
let private attr (e: XElement) (name: string) =
    match e.Attribute(xname name) with
    | null -> failtest $"<{e.Name.LocalName}> has no attribute {name}"
    | a -> a.Value

/// A VTK inline binary array: a base64 block of the UInt64 byte count (12 characters), then a base64 block of the data.
let private decode (element: XElement) =
    let text = element.Value.Trim()
    let count = BitConverter.ToUInt64(Convert.FromBase64String(text.Substring(0, 12)), 0)
    let data = Convert.FromBase64String(text.Substring 12)
    let name = attr element "Name"
    Expect.equal (uint64 data.Length) count $"the byte count of {name}"
    data

let private float64s (element: XElement) =
    Expect.equal (attr element "type") "Float64" "Float64 array"
    let b = decode element
    Array.init (b.Length / 8) (fun i -> BitConverter.ToDouble(b, 8 * i))

let private array (doc: XDocument) (name: string) =
    doc.Descendants(xname "DataArray") |> Seq.find (fun e -> attr e "Name" = name)

/// particles.csv by time: t -> rows of x1, x2, v1, v2 (d = 2).
let private csvByTime (path: string) =
    File.ReadLines path
    |> Seq.skip 1
    |> Seq.map (fun line -> line.Split(',') |> Array.map (fun s -> Double.Parse(s, CultureInfo.InvariantCulture)))
    |> Seq.groupBy (fun row -> row[0])
    |> Seq.map (fun (t, rows) -> t, Array.ofSeq rows)
    |> Map.ofSeq

/// The collection's (time, file) entries.
let private collection (path: string) =
    XDocument.Load(path).Descendants(xname "DataSet")
    |> Seq.map (fun e -> Double.Parse(attr e "timestep", CultureInfo.InvariantCulture), attr e "file")
    |> List.ofSeq

let private vtkPython () =
    let psi = ProcessStartInfo("/usr/bin/python3", "-c \"import vtk, numpy\"", RedirectStandardError = true, UseShellExecute = false)
    try
        match Process.Start psi with
        | null -> false
        | p ->
            use p = p
            p.WaitForExit()
            p.ExitCode = 0
    with :? ComponentModel.Win32Exception -> false

let private python (script: string) (dir: string) =
    let path = Path.Combine(dir, "read.py")
    File.WriteAllText(path, script)
    let code, out, err = MeanField.Tests.Processes.run "/usr/bin/python3" [ path ] dir
    Expect.equal code 0 err
    out.Trim()

[<Tests>]
let tests =
    testList "MeanField.Host.Snapshots" [
        test "The default simulate writes a VTK time series: valid XML, one cell file and one field file per output time, counts and coordinates equal to the run's CSV bit for bit, grad phi oriented as the field" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "run")
                let code, _, stderr = run [ "simulate"; "--out"; out; "--format"; "csv,vtk"; "--quiet" ]
                Expect.equal code 0 stderr
                let vtk = Path.Combine(out, "vtk")
                let cells = collection (Path.Combine(vtk, "cells.pvd"))
                let fields = collection (Path.Combine(vtk, "field.pvd"))
                let csv = csvByTime (Path.Combine(out, "particles.csv"))
                let summaryTimes =
                    File.ReadLines(Path.Combine(out, "summary.csv")) |> Seq.skip 1 |> Seq.map (fun l -> Double.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)) |> List.ofSeq
                Expect.equal (List.map fst cells) summaryTimes "one cell file per output time (t = 0, 0.1, .., 2)"
                Expect.equal (List.map fst fields) summaryTimes "one field file per output time"
                Expect.equal cells.Length 21 "the default's 21 output times"
                for t, file in cells do
                    let doc = XDocument.Load(Path.Combine(vtk, file))
                    Expect.equal (attr (nonNull doc.Root) "type") "PolyData" file
                    let piece = doc.Descendants(xname "Piece") |> Seq.exactlyOne
                    Expect.equal (attr piece "NumberOfPoints") "2000" $"{file}: the run's 2000 cells"
                    Expect.equal (attr piece "NumberOfVerts") "2000" $"{file}: a vertex per cell"
                    let points = float64s (array doc "position")
                    let velocity = float64s (array doc "velocity")
                    let rows = csv[t]
                    Expect.equal points.Length (3 * rows.Length) file
                    for i in 0 .. rows.Length - 1 do
                        let r = rows[i]
                        if points[3 * i] <> r[2] || points[3 * i + 1] <> r[3] || points[3 * i + 2] <> 0.0
                           || velocity[3 * i] <> r[4] || velocity[3 * i + 1] <> r[5] then
                            failtest $"{file}: cell {i} differs from particles.csv at t = {t}"
                // The field at the horizon: a 128 x 128 image; grad phi against fourth-order central differences of
                // phi along VTK's own axes (x fastest), so a transposed grid would fail.
                let doc = XDocument.Load(Path.Combine(vtk, snd (List.last fields)))
                let image = doc.Descendants(xname "ImageData") |> Seq.exactlyOne
                Expect.equal (attr image "WholeExtent") "0 127 0 127 0 0" "128 x 128 nodes"
                let spacing = Double.Parse((attr image "Spacing").Split(' ')[0], CultureInfo.InvariantCulture)
                let phi = float64s (array doc "phi")
                let grad = float64s (array doc "grad_phi")
                Expect.equal phi.Length (128 * 128) "phi at every node"
                Expect.equal grad.Length (3 * 128 * 128) "grad phi at every node"
                let n = 128
                let at i j = phi[(i + n) % n + n * ((j + n) % n)]
                let mismatch swap =
                    let mutable worst, scale = 0.0, 0.0
                    for j in 0 .. n - 1 do
                        for i in 0 .. n - 1 do
                            // Fourth-order central differences: their O(h^4) error is far below the tolerance.
                            let dx = (-(at (i + 2) j) + 8.0 * at (i + 1) j - 8.0 * at (i - 1) j + at (i - 2) j) / (12.0 * spacing)
                            let dy = (-(at i (j + 2)) + 8.0 * at i (j + 1) - 8.0 * at i (j - 1) + at i (j - 2)) / (12.0 * spacing)
                            let k = 3 * (i + n * j)
                            let gx, gy = if swap then grad[k + 1], grad[k] else grad[k], grad[k + 1]
                            worst <- max worst (max (abs (dx - gx)) (abs (dy - gy)))
                            scale <- max scale (max (abs gx) (abs gy))
                    worst / scale
                let error = mismatch false
                Expect.isLessThan error 0.02 $"grad phi agrees with central differences of phi (relative {error})"
                Expect.isGreaterThan (mismatch true) (10.0 * error) "and the components are not interchangeable")
        }

        test "VTK reads the cell and field files back with the run's counts and values (python3-vtk9)" {
            if not (vtkPython ()) then skiptest "python3-vtk9 with NumPy is not installed (ci/setup.sh installs it as root)"
            withTemp (fun dir ->
                let out = Path.Combine(dir, "run")
                let code, _, stderr = run [ "simulate"; "--out"; out; "--format"; "vtk"; "--format"; "csv"; "--snapshots"; "last"; "--quiet" ]
                Expect.equal code 0 stderr
                let printed =
                    python
                        """
import vtk, numpy as np
from vtk.util.numpy_support import vtk_to_numpy
r = vtk.vtkXMLPolyDataReader(); r.SetFileName("run/vtk/cells-0000.vtp"); r.Update(); o = r.GetOutput()
rows = np.loadtxt("run/particles.csv", delimiter=",", skiprows=1)
p = vtk_to_numpy(o.GetPoints().GetData()); v = vtk_to_numpy(o.GetPointData().GetArray("velocity"))
g = vtk.vtkXMLImageDataReader(); g.SetFileName("run/vtk/field-0000.vti"); g.Update(); im = g.GetOutput()
phi = vtk_to_numpy(im.GetPointData().GetArray("phi"))
print(o.GetNumberOfPoints(), o.GetNumberOfVerts(), np.abs(p[:, :2] - rows[:, 2:4]).max(), np.abs(v[:, :2] - rows[:, 4:6]).max(),
      "x".join(map(str, im.GetDimensions())), im.GetPointData().GetArray("grad_phi").GetNumberOfComponents(), int(phi.max() > 0))
"""
                        dir
                Expect.equal printed "2000 2000 0.0 0.0 128x128x1 3 1" "points, vertices, exact coordinates, the grid, a 3-vector grad phi, a positive field")
        }

        test "The Parquet snapshots hold particles.csv's columns and values bit for bit, a row group per kept time, as Apache Arrow's C++ reader sees them" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "run")
                let code, _, stderr = run [ "simulate"; "--out"; out; "--format"; "csv,parquet"; "--snapshots"; "8"; "--quiet" ]
                Expect.equal code 0 stderr
                let csv = csvByTime (Path.Combine(out, "particles.csv"))
                // ParquetSharp wraps the parquet-cpp reader that pyarrow and pandas use: not the library that wrote the file.
                use file = new ParquetSharp.ParquetFileReader(Path.Combine(out, "particles.parquet"))
                let meta = file.FileMetaData
                let names = [ for c in 0 .. meta.NumColumns - 1 -> meta.Schema.Column(c).Name ]
                Expect.equal names [ "t"; "i"; "x1"; "x2"; "v1"; "v2" ] "particles.csv's header"
                Expect.equal meta.NumRowGroups csv.Count "a row group per kept time (0, 0.8, 1.6, 2)"
                Expect.equal meta.NumRows (int64 (2000 * csv.Count)) "2000 rows per time"
                let times = csv |> Map.keys |> Array.ofSeq
                for g in 0 .. meta.NumRowGroups - 1 do
                    use group = file.RowGroup g
                    let n = int group.MetaData.NumRows
                    let doubles (c: int) =
                        use column = group.Column c
                        column.LogicalReader<float>().ReadAll n
                    let index =
                        use column = group.Column 1
                        column.LogicalReader<int>().ReadAll n
                    let t = doubles 0
                    Expect.isTrue (t |> Array.forall ((=) times[g])) $"row group {g}: t = {times[g]} throughout"
                    Expect.equal index [| 0 .. 1999 |] $"row group {g}: cells in order"
                    let rows = csv[times[g]]
                    for c in 2 .. 5 do
                        let values = doubles c
                        for i in 0 .. n - 1 do
                            if values[i] <> rows[i][c] then failtest $"row group {g}, {names[c]} of cell {i}: {values[i]:R} in Parquet, {rows[i][c]:R} in the CSV"
                let parquet = FileInfo(Path.Combine(out, "particles.parquet")).Length
                let text = FileInfo(Path.Combine(out, "particles.csv")).Length
                Expect.isLessThan (float parquet) (0.6 * float text) $"smaller than the CSV ({parquet} against {text} bytes)")
        }

        test "--snapshots keeps all, the last, none or every k-th output time, the last included; the summary keeps every time" {
            withTemp (fun dir ->
                let snapshotTimes (selection: string) =
                    let out = Path.Combine(dir, selection)
                    let code, _, stderr = run [ "simulate"; "--out"; out; "--format"; "csv,vtk"; "--snapshots"; selection; "--quiet" ]
                    Expect.equal code 0 stderr
                    Expect.equal (File.ReadLines(Path.Combine(out, "summary.csv")) |> Seq.length) 22 $"{selection}: the summary has all 21 times"
                    let csv = Path.Combine(out, "particles.csv")
                    let pvd = Path.Combine(out, "vtk", "cells.pvd")
                    if selection = "none" then
                        Expect.isFalse (File.Exists csv || Directory.Exists(Path.Combine(out, "vtk"))) "none: no snapshot files"
                        []
                    else
                        let fromCsv = csvByTime csv |> Map.keys |> List.ofSeq |> List.sort
                        let fromVtk = collection pvd |> List.map fst
                        Expect.equal fromVtk fromCsv $"{selection}: the same times in both formats"
                        Expect.equal (Directory.GetFiles(Path.Combine(out, "vtk"), "*.vtp").Length) fromVtk.Length "a .vtp per kept time"
                        fromCsv
                let round = List.map (fun (t: float) -> Math.Round(t, 9))
                Expect.equal (snapshotTimes "all" |> List.length) 21 "all"
                Expect.equal (snapshotTimes "last" |> round) [ 2.0 ] "last"
                Expect.equal (snapshotTimes "none") [] "none"
                Expect.equal (snapshotTimes "8" |> round) [ 0.0; 0.8; 1.6; 2.0 ] "every 8th, the last included")
        }

        test "A wrong --format or --snapshots, or snapshots asked of a reference without cells, is refused with exit code 2, naming the option and the value" {
            withTemp (fun dir ->
                let out = Path.Combine(dir, "never")
                for args, expected in
                    [ [ "simulate"; "--format"; "csv,xml"; "--out"; out ], "--format csv,xml: unknown format 'xml'"
                      [ "simulate"; "--snapshots"; "0"; "--out"; out ], "--snapshots 0: expected all, last, none or a whole number k >= 1"
                      [ "reference"; "--method"; "particles"; "--snapshots"; "sometimes"; "--out"; out ], "--snapshots sometimes"
                      [ "reference"; "--method"; "grid"; "--format"; "vtk"; "--out"; out ], "apply to --method particles (cell snapshots), not --method grid" ] do
                    let code, _, stderr = run args
                    Expect.equal code 2 $"{args}: {stderr}"
                    Expect.stringContains stderr expected $"{args}"
                    Expect.isFalse (Directory.Exists out) "nothing written")
        }
    ]
