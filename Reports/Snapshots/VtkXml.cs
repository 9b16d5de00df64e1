using System.Globalization;
using System.Runtime.InteropServices;
using System.Xml;
using MeanField.Core.Chemistry;
using MeanField.Core.Particles;

namespace MeanField.Reports.Snapshots;

/// <summary>
/// VTK XML files that ParaView and VTK read: the cells as PolyData (<c>.vtp</c>), the chemical field
/// as ImageData (<c>.vti</c>) and a time series over them (<c>.pvd</c>). Pure renders to a
/// <see cref="TextWriter"/>; writing the files is the caller's.
/// </summary>
/// <remarks>
/// Conventions: file format 1.0, little-endian; every data array is Float64, inline
/// <c>format="binary"</c> (base64), its UInt64 byte count encoded before it as a block of its own, as
/// VTK's own writer does. Points and vectors have 3 components, zero beyond the dimension d. The
/// periodic grid's n^d nodes are written once (node n is node 0), x varying fastest as VTK orders
/// them; the grid stores the last coordinate fastest, so the nodes are transposed on the way out.
/// </remarks>
public static class VtkXml
{
    private static readonly XmlWriterSettings Settings = new() { Indent = true, OmitXmlDeclaration = false, NewLineChars = "\n" };

    /// <summary>The cells: positions as points (each a vertex cell), with velocity, mass and index i as point data.</summary>
    public static void WritePolyData(TextWriter w, ParticleState cells)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(cells);
        int n = cells.Count, d = cells.Dimension;
        using var x = XmlWriter.Create(w, Settings);
        Begin(x, "PolyData");
        x.WriteStartElement("PolyData");
        x.WriteStartElement("Piece");
        x.WriteAttributeString("NumberOfPoints", I(n));
        x.WriteAttributeString("NumberOfVerts", I(n));
        foreach (string none in (string[])["NumberOfLines", "NumberOfStrips", "NumberOfPolys"]) x.WriteAttributeString(none, "0");

        x.WriteStartElement("PointData");
        x.WriteAttributeString("Vectors", "velocity");
        x.WriteAttributeString("Scalars", "mass");
        Float64Array(x, "velocity", 3, n, buffer => Interleave(cells.Velocities, d, n, buffer));
        Float64Array(x, "mass", 1, n, buffer => { for (int i = 0; i < n; i++) buffer[i] = cells.Mass(i); });
        Int64Array(x, "i", n, buffer => { for (int i = 0; i < n; i++) buffer[i] = i; });
        x.WriteEndElement();

        x.WriteStartElement("Points");
        Float64Array(x, "position", 3, n, buffer => Interleave(cells.Positions, d, n, buffer));
        x.WriteEndElement();

        x.WriteStartElement("Verts");
        Int64Array(x, "connectivity", n, buffer => { for (int i = 0; i < n; i++) buffer[i] = i; });
        Int64Array(x, "offsets", n, buffer => { for (int i = 0; i < n; i++) buffer[i] = i + 1; });
        x.WriteEndElement();

        x.WriteEndElement();
        x.WriteEndElement();
        x.WriteEndElement();
    }

    /// <summary>The chemical field on the grid's nodes: phi (scalar) and grad phi (vector), in VTK's node order.</summary>
    /// <param name="phi">Nodal values in the grid's order (<see cref="ChemicalField.GetNodalValues"/>).</param>
    /// <param name="gradient">Per component of grad phi, nodal values in the grid's order (<see cref="ChemicalField.Gradient"/>).</param>
    public static void WriteImageData(TextWriter w, PeriodicGrid grid, ReadOnlySpan<double> phi, IReadOnlyList<double[]> gradient)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(gradient);
        int nodes = grid.NodeCount, d = grid.Dimension;
        if (phi.Length != nodes) throw new ArgumentException($"phi has {phi.Length} values, the grid {nodes} nodes", nameof(phi));
        if (gradient.Count != d || gradient.Any(g => g.Length != nodes))
            throw new ArgumentException($"grad phi needs {d} components of {nodes} nodal values", nameof(gradient));

        // VTK's flat index of grid node k: its grid indices reversed in significance (x fastest).
        var order = new int[nodes];
        Span<int> index = stackalloc int[d];
        for (int k = 0; k < nodes; k++)
        {
            grid.Unflatten(k, index);
            int vtk = 0;
            for (int a = d - 1; a >= 0; a--) vtk = vtk * grid.Points + index[a];
            order[vtk] = k;
        }

        string extent = string.Join(' ', Enumerable.Range(0, 3).Select(a => a < d ? $"0 {grid.Points - 1}" : "0 0"));
        using var x = XmlWriter.Create(w, Settings);
        Begin(x, "ImageData");
        x.WriteStartElement("ImageData");
        x.WriteAttributeString("WholeExtent", extent);
        x.WriteAttributeString("Origin", string.Join(' ', Enumerable.Range(0, 3).Select(a => R(a < d ? grid.Origin[a] : 0))));
        x.WriteAttributeString("Spacing", string.Join(' ', Enumerable.Range(0, 3).Select(a => R(a < d ? grid.Spacing : 1))));
        x.WriteStartElement("Piece");
        x.WriteAttributeString("Extent", extent);
        x.WriteStartElement("PointData");
        x.WriteAttributeString("Scalars", "phi");
        x.WriteAttributeString("Vectors", "grad_phi");
        var values = phi.ToArray();
        Float64Array(x, "phi", 1, nodes, buffer => { for (int v = 0; v < nodes; v++) buffer[v] = values[order[v]]; });
        Float64Array(x, "grad_phi", 3, nodes, buffer =>
        {
            buffer.Clear();
            for (int v = 0; v < nodes; v++)
            {
                for (int a = 0; a < d; a++) buffer[3 * v + a] = gradient[a][order[v]];
            }
        });
        x.WriteEndElement();
        x.WriteStartElement("CellData");
        x.WriteEndElement();
        x.WriteEndElement();
        x.WriteEndElement();
        x.WriteEndElement();
    }

    /// <summary>A ParaView collection: one data set per output time, file names relative to the .pvd.</summary>
    public static void WriteCollection(TextWriter w, IReadOnlyList<(double Time, string File)> series)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(series);
        using var x = XmlWriter.Create(w, Settings);
        Begin(x, "Collection");
        x.WriteStartElement("Collection");
        foreach (var (time, file) in series)
        {
            x.WriteStartElement("DataSet");
            x.WriteAttributeString("timestep", R(time));
            x.WriteAttributeString("group", "");
            x.WriteAttributeString("part", "0");
            x.WriteAttributeString("file", file);
            x.WriteEndElement();
        }

        x.WriteEndElement();
        x.WriteEndElement();
    }

    private static void Begin(XmlWriter x, string type)
    {
        x.WriteStartDocument();
        x.WriteStartElement("VTKFile");
        x.WriteAttributeString("type", type);
        x.WriteAttributeString("version", "1.0");
        x.WriteAttributeString("byte_order", "LittleEndian");
        x.WriteAttributeString("header_type", "UInt64");
    }

    /// <summary>Component-major coordinates (x1 of every cell, then x2, ...) as VTK's interleaved triples.</summary>
    private static void Interleave(double[] componentMajor, int d, int n, Span<double> triples)
    {
        triples.Clear();
        for (int a = 0; a < d; a++)
        {
            var column = componentMajor.AsSpan(a * n, n);
            for (int i = 0; i < n; i++) triples[3 * i + a] = column[i];
        }
    }

    private delegate void Fill<T>(Span<T> buffer);

    private static void Float64Array(XmlWriter x, string name, int components, int tuples, Fill<double> fill) =>
        DataArray(x, "Float64", name, components, tuples, fill);

    private static void Int64Array(XmlWriter x, string name, int tuples, Fill<long> fill) =>
        DataArray(x, "Int64", name, 1, tuples, fill);

    private static void DataArray<T>(XmlWriter x, string type, string name, int components, int tuples, Fill<T> fill)
        where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("VTK output is written little-endian");
        var values = new T[components * tuples];
        fill(values);
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        x.WriteStartElement("DataArray");
        x.WriteAttributeString("type", type);
        x.WriteAttributeString("Name", name);
        if (components > 1) x.WriteAttributeString("NumberOfComponents", I(components));
        x.WriteAttributeString("format", "binary");
        x.WriteString("\n");
        // The byte count and the data are two base64 blocks, each padded on its own.
        x.WriteString(Convert.ToBase64String(BitConverter.GetBytes((ulong)bytes.Length)));
        byte[] chunk = new byte[3 * 16384]; // whole 3-byte groups: the encoder carries no remainder between chunks
        for (int start = 0; start < bytes.Length; start += chunk.Length)
        {
            int count = Math.Min(chunk.Length, bytes.Length - start);
            bytes.Slice(start, count).CopyTo(chunk);
            x.WriteBase64(chunk, 0, count);
        }

        x.WriteString("\n");
        x.WriteEndElement();
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
