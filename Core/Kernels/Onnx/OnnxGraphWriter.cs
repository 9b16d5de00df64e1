using System.Text;

namespace MeanField.Core.Kernels.Onnx;

/// <summary>
/// Writes small ONNX models: a graph of elementwise operators over one batch input, with scalar
/// constants as initializers (opset 17, IR version 8), encoded as protocol buffers by hand (field
/// numbers of onnx.proto). Enough to export an analytic profile, e.g. to compare a learned kernel with
/// it, and to build the models the tests and benchmarks run.
/// </summary>
public static class OnnxGraphWriter
{
    /// <summary>An operator node: <c>output = op(inputs)</c>.</summary>
    public sealed record Node(string Op, string[] Inputs, string Output);

    /// <summary>A graph input or output: its name and shape (null for the free batch dimension).</summary>
    public sealed record Port(string Name, int?[] Shape);

    /// <summary>A constant tensor (row-major values; no dimensions for a scalar).</summary>
    public sealed record Constant(string Name, double[] Values, long[] Dimensions)
    {
        public static Constant Scalar(string name, double value) => new(name, [value], []);
    }

    /// <summary>The model's bytes.</summary>
    /// <param name="float32">Element type float32 (true) or float64.</param>
    public static byte[] Write(bool float32, IReadOnlyList<Port> inputs, IReadOnlyList<Port> outputs, IReadOnlyList<Constant> constants, IReadOnlyList<Node> nodes)
    {
        long element = float32 ? 1 : 11;
        using var w = new MemoryStream();
        Int(w, 1, 8);
        String(w, 2, "meanfield");
        Message(w, 7, graph =>
        {
            for (int k = 0; k < nodes.Count; k++)
            {
                var node = nodes[k];
                Message(graph, 1, n =>
                {
                    foreach (var input in node.Inputs) String(n, 1, input);
                    String(n, 2, node.Output);
                    String(n, 3, $"node{k}");
                    String(n, 4, node.Op);
                });
            }

            String(graph, 2, "kernel");
            foreach (var constant in constants)
            {
                Message(graph, 5, t =>
                {
                    foreach (long dim in constant.Dimensions) Int(t, 1, dim);
                    Int(t, 2, element);
                    // Packed repeated float (field 4) or double (field 10).
                    Bytes(t, float32 ? 4 : 10, constant.Values.SelectMany(v => float32 ? BitConverter.GetBytes((float)v) : BitConverter.GetBytes(v)).ToArray());
                    String(t, 8, constant.Name);
                });
            }

            foreach (var port in inputs) Message(graph, 11, v => ValueInfo(v, element, port));
            foreach (var port in outputs) Message(graph, 12, v => ValueInfo(v, element, port));
        });
        Message(w, 8, opset =>
        {
            String(opset, 1, "");
            Int(opset, 2, 17);
        });
        return w.ToArray();
    }

    /// <summary>psi(r) = (1 + r^2/R^2)^(-sigma), input "r" and output "psi" of shape [batch, 1]: the Cucker-Smale profile as a model.</summary>
    public static byte[] CuckerSmaleProfile(double radius, double sigma, bool float32) =>
        Write(
            float32,
            [new Port("r", [null, 1])],
            [new Port("psi", [null, 1])],
            [Constant.Scalar("R2", radius * radius), Constant.Scalar("one", 1.0), Constant.Scalar("exponent", -sigma)],
            [
                new Node("Mul", ["r", "r"], "r2"),
                new Node("Div", ["r2", "R2"], "scaled"),
                new Node("Add", ["scaled", "one"], "base"),
                new Node("Pow", ["base", "exponent"], "psi"),
            ]);

    private static void ValueInfo(Stream w, long element, Port port)
    {
        String(w, 1, port.Name);
        Message(w, 2, type => Message(type, 1, tensor =>
        {
            Int(tensor, 1, element);
            Message(tensor, 2, shape =>
            {
                foreach (var dim in port.Shape)
                {
                    Message(shape, 1, d =>
                    {
                        if (dim is { } size) Int(d, 1, size);
                        else String(d, 2, "batch");
                    });
                }
            });
        }));
    }

    private static void Varint(Stream w, ulong value)
    {
        while (value >= 0x80)
        {
            w.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        w.WriteByte((byte)value);
    }

    private static void Tag(Stream w, int field, int wire) => Varint(w, (ulong)((field << 3) | wire));

    private static void Int(Stream w, int field, long value)
    {
        Tag(w, field, 0);
        Varint(w, (ulong)value);
    }

    private static void Bytes(Stream w, int field, byte[] data)
    {
        Tag(w, field, 2);
        Varint(w, (ulong)data.Length);
        w.Write(data);
    }

    private static void String(Stream w, int field, string text) => Bytes(w, field, Encoding.UTF8.GetBytes(text));

    private static void Message(Stream w, int field, Action<Stream> build)
    {
        using var inner = new MemoryStream();
        build(inner);
        Bytes(w, field, inner.ToArray());
    }
}
