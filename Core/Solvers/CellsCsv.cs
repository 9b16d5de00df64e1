using System.Globalization;
using MeanField.Core.Particles;

namespace MeanField.Core.Solvers;

/// <summary>
/// The CSV files of the solver protocol (and of <c>simulate</c>): <c>initial.csv</c>
/// (<c>i,x1..xd,v1..vd[,m]</c>), <c>particles.csv</c> (<c>t,i,x1..xd,v1..vd</c>) and <c>gradient.csv</c>
/// (<c>t,node,g1..gd</c>). Invariant culture, round-trip numbers ("R"), so a state written and read
/// back has the same bits. Readers check everything and throw <see cref="ProtocolFileException"/>
/// naming the file, the line and what is wrong.
/// </summary>
public static class CellsCsv
{
    public static string InitialHeader(int d, bool masses) =>
        "i," + string.Join(",", Columns("x", d).Concat(Columns("v", d))) + (masses ? ",m" : "");

    public static string SnapshotHeader(int d) => "t," + InitialHeader(d, false);

    public static string GradientHeader(int d) => "t,node," + string.Join(",", Columns("g", d));

    private static IEnumerable<string> Columns(string prefix, int d) => Enumerable.Range(1, d).Select(a => prefix + a.ToString(CultureInfo.InvariantCulture));

    /// <summary>Writes <c>initial.csv</c>: a header and one row per cell, with a last column m when the cells carry masses.</summary>
    public static void WriteInitial(TextWriter w, ParticleState state)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(state);
        bool masses = state.Masses is not null;
        w.Write(InitialHeader(state.Dimension, masses));
        w.Write('\n');
        for (int i = 0; i < state.Count; i++)
        {
            w.Write(i.ToString(CultureInfo.InvariantCulture));
            WriteCell(w, state, i);
            if (masses) w.Write("," + N(state.Masses![i]));
            w.Write('\n');
        }
    }

    /// <summary>Writes the rows of one time of <c>particles.csv</c> (no header: see <see cref="SnapshotHeader"/>).</summary>
    public static void WriteSnapshot(TextWriter w, double time, ParticleState state)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(state);
        string t = N(time);
        for (int i = 0; i < state.Count; i++)
        {
            w.Write(t);
            w.Write(',');
            w.Write(i.ToString(CultureInfo.InvariantCulture));
            WriteCell(w, state, i);
            w.Write('\n');
        }
    }

    /// <summary>Writes the rows of one time of <c>gradient.csv</c>: one row per node, components as columns.</summary>
    public static void WriteGradient(TextWriter w, double time, double[][] gradient)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(gradient);
        string t = N(time);
        for (int node = 0; node < gradient[0].Length; node++)
        {
            w.Write(t);
            w.Write(',');
            w.Write(node.ToString(CultureInfo.InvariantCulture));
            foreach (var component in gradient) w.Write("," + N(component[node]));
            w.Write('\n');
        }
    }

    private static void WriteCell(TextWriter w, ParticleState s, int i)
    {
        int n = s.Count;
        for (int a = 0; a < s.Dimension; a++) w.Write("," + N(s.Positions[a * n + i]));
        for (int a = 0; a < s.Dimension; a++) w.Write("," + N(s.Velocities[a * n + i]));
    }

    /// <summary>Reads <c>initial.csv</c> in dimension <paramref name="d"/>: rows i = 0, 1, ... in order; masses (column m) are normalised to sum to 1.</summary>
    public static ParticleState ReadInitial(string path, int d)
    {
        var lines = Lines(path);
        string header = lines.Count > 0 ? lines[0] : "";
        bool masses = header == InitialHeader(d, true);
        if (!masses && header != InitialHeader(d, false))
            throw new ProtocolFileException(SolverFailure.WrongColumns, $"{path}: line 1 is '{Clip(header)}', expected the header '{InitialHeader(d, false)}' (with ',m' for masses) for d = {d}");
        int n = lines.Count - 1;
        if (n < 1) throw new ProtocolFileException(SolverFailure.WrongCells, $"{path}: no cells (an empty cloud)");
        var state = new ParticleState(d, n);
        var m = masses ? new double[n] : null;
        int columns = 1 + 2 * d + (masses ? 1 : 0);
        for (int row = 0; row < n; row++)
        {
            var fields = Fields(path, lines[row + 1], row + 2, columns);
            int i = Index(path, fields[0], row + 2, "i");
            if (i != row) throw new ProtocolFileException(SolverFailure.WrongCells, $"{path}: line {row + 2} has i = {i}, expected {row} (one row per cell, in order)");
            for (int a = 0; a < d; a++)
            {
                state.Positions[a * n + row] = Number(path, fields[1 + a], row + 2, $"x{a + 1}");
                state.Velocities[a * n + row] = Number(path, fields[1 + d + a], row + 2, $"v{a + 1}");
            }

            if (m is not null)
            {
                m[row] = Number(path, fields[^1], row + 2, "m");
                if (!(m[row] > 0)) throw new ProtocolFileException(SolverFailure.NonFinite, $"{path}: line {row + 2}: m = {fields[^1]} is not positive");
            }
        }

        if (m is not null)
        {
            double total = m.Sum();
            for (int i = 0; i < n; i++) m[i] /= total;
            var weighted = new ParticleState(d, n) { Masses = m };
            state.Positions.CopyTo(weighted.Positions, 0);
            state.Velocities.CopyTo(weighted.Velocities, 0);
            return weighted;
        }

        return state;
    }

    /// <summary>
    /// Reads <c>particles.csv</c>: the cells at each of <paramref name="times"/> (matched to 1e-9 relative;
    /// rows at other times, t = 0 among them, are ignored), each of the <paramref name="count"/> cells exactly once per time.
    /// </summary>
    public static IReadOnlyList<ParticleState> ReadSnapshots(string path, int d, int count, IReadOnlyList<double> times)
    {
        var lines = Lines(path);
        string header = lines.Count > 0 ? lines[0] : "";
        if (header != SnapshotHeader(d))
            throw new ProtocolFileException(SolverFailure.WrongColumns, $"{path}: line 1 is '{Clip(header)}', expected the header '{SnapshotHeader(d)}' for d = {d}");
        var states = times.Select(_ => new ParticleState(d, count)).ToArray();
        var seen = times.Select(_ => new bool[count]).ToArray();
        for (int row = 1; row < lines.Count; row++)
        {
            var fields = Fields(path, lines[row], row + 1, 2 + 2 * d);
            int k = TimeIndex(times, Number(path, fields[0], row + 1, "t"));
            if (k < 0) continue;
            int i = Index(path, fields[1], row + 1, "i");
            if (i < 0 || i >= count) throw new ProtocolFileException(SolverFailure.WrongCells, $"{path}: line {row + 1}: cell i = {i} at t = {fields[0]}, but there are {count} cells (0 .. {count - 1})");
            if (seen[k][i]) throw new ProtocolFileException(SolverFailure.WrongCells, $"{path}: line {row + 1}: cell {i} appears twice at t = {fields[0]}");
            seen[k][i] = true;
            for (int a = 0; a < d; a++)
            {
                states[k].Positions[a * count + i] = Number(path, fields[2 + a], row + 1, $"x{a + 1}");
                states[k].Velocities[a * count + i] = Number(path, fields[2 + d + a], row + 1, $"v{a + 1}");
            }
        }

        for (int k = 0; k < times.Count; k++)
        {
            int present = seen[k].Count(b => b);
            if (present == 0) throw new ProtocolFileException(SolverFailure.MissingTime, $"{path}: no rows at the output time t = {N(times[k])}");
            if (present < count)
                throw new ProtocolFileException(SolverFailure.WrongCells, $"{path}: at t = {N(times[k])} cell {Array.IndexOf(seen[k], false)} is missing ({present} of {count} cells)");
        }

        return states;
    }

    /// <summary>Reads <c>gradient.csv</c>: grad phi at each of the <paramref name="nodes"/> nodes at each of <paramref name="times"/>.</summary>
    public static IReadOnlyList<double[][]> ReadGradients(string path, int d, int nodes, IReadOnlyList<double> times)
    {
        var lines = Lines(path);
        string header = lines.Count > 0 ? lines[0] : "";
        if (header != GradientHeader(d))
            throw new ProtocolFileException(SolverFailure.WrongColumns, $"{path}: line 1 is '{Clip(header)}', expected the header '{GradientHeader(d)}' for d = {d}");
        var gradients = times.Select(_ => Enumerable.Range(0, d).Select(_ => new double[nodes]).ToArray()).ToArray();
        var seen = times.Select(_ => new bool[nodes]).ToArray();
        for (int row = 1; row < lines.Count; row++)
        {
            var fields = Fields(path, lines[row], row + 1, 2 + d);
            int k = TimeIndex(times, Number(path, fields[0], row + 1, "t"));
            if (k < 0) continue;
            int node = Index(path, fields[1], row + 1, "node");
            if (node < 0 || node >= nodes) throw new ProtocolFileException(SolverFailure.WrongCells, $"{path}: line {row + 1}: node = {node}, but the grid has {nodes} nodes");
            seen[k][node] = true;
            for (int a = 0; a < d; a++) gradients[k][a][node] = Number(path, fields[2 + a], row + 1, $"g{a + 1}");
        }

        for (int k = 0; k < times.Count; k++)
        {
            int missing = Array.IndexOf(seen[k], false);
            if (missing >= 0) throw new ProtocolFileException(SolverFailure.MissingTime, $"{path}: at t = {N(times[k])} node {missing} is missing");
        }

        return gradients;
    }

    private static int TimeIndex(IReadOnlyList<double> times, double t)
    {
        for (int k = 0; k < times.Count; k++)
            if (Math.Abs(t - times[k]) <= 1e-9 * Math.Max(1, Math.Abs(times[k]))) return k;
        return -1;
    }

    private static List<string> Lines(string path)
    {
        if (!File.Exists(path)) throw new ProtocolFileException(SolverFailure.MissingFile, $"{path}: no such file");
        var lines = new List<string>();
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length > 0) lines.Add(line);
        }

        return lines;
    }

    private static string[] Fields(string path, string line, int number, int columns)
    {
        var fields = line.Split(',');
        if (fields.Length != columns) throw new ProtocolFileException(SolverFailure.WrongColumns, $"{path}: line {number} has {fields.Length} columns, expected {columns}");
        return fields;
    }

    private static int Index(string path, string text, int line, string column) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)
            ? i
            : throw new ProtocolFileException(SolverFailure.WrongColumns, $"{path}: line {line}: {column} = '{Clip(text)}' is not a whole number");

    private static double Number(string path, string text, int line, string column)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x))
            throw new ProtocolFileException(SolverFailure.NonFinite, $"{path}: line {line}: {column} = '{Clip(text)}' is not a number");
        if (!double.IsFinite(x)) throw new ProtocolFileException(SolverFailure.NonFinite, $"{path}: line {line}: {column} = {text} is not finite");
        return x;
    }

    private static string Clip(string text) => text.Length <= 80 ? text : text[..80] + "...";

    private static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A protocol file that is missing or malformed; the message names the file, the line and the field.</summary>
public sealed class ProtocolFileException(SolverFailure failure, string message) : IOException(message)
{
    public SolverFailure Failure { get; } = failure;
}
