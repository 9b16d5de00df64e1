using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MeanField.Core.Kernels.Onnx;

/// <summary>
/// A function R^k -> R^m given as an ONNX model, evaluated in batches: one input tensor of shape
/// [batch, k] and one output of shape [batch, m] (for k = m = 1 also [batch]), float32 or float64
/// (read from the model and checked at load). Thread-safe: the runtime's session may be run from
/// several threads at once.
/// </summary>
public sealed class OnnxFunction : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _rank;

    private OnnxFunction(string path, InferenceSession session, string input, string output, bool isFloat32, int rank, int inputWidth, int outputWidth)
    {
        Path = path;
        _session = session;
        _inputNames = [input];
        _outputNames = [output];
        IsFloat32 = isFloat32;
        _rank = rank;
        InputWidth = inputWidth;
        OutputWidth = outputWidth;
    }

    /// <summary>k: values per input row.</summary>
    public int InputWidth { get; }

    /// <summary>m: values per output row.</summary>
    public int OutputWidth { get; }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>Whether the model computes in float32 (float64 otherwise).</summary>
    public bool IsFloat32 { get; }

    public string InputName => _inputNames[0];

    public string OutputName => _outputNames[0];

    /// <summary>
    /// Loads and checks a model; every failure is an <see cref="OnnxModelException"/> whose message
    /// names the file and what is wrong with it.
    /// </summary>
    /// <param name="inputWidth">k, the values per input row (1 for a scalar function).</param>
    /// <param name="outputWidth">m, the values per output row.</param>
    public static OnnxFunction Load(string path, int inputWidth = 1, int outputWidth = 1)
    {
        if (!File.Exists(path)) throw new OnnxModelException(path, "no such file");
        InferenceSession session;
        try
        {
            // The runtime hands native code the options' raw handle, so options with no later use may be
            // finalized during that call: disposed at the end of the scope, they outlive it.
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException(path, $"not a model ONNX Runtime can load ({FirstLine(e.Message)})");
        }

        try
        {
            if (session.InputMetadata.Count != 1)
                throw new OnnxModelException(path, $"has {session.InputMetadata.Count} inputs; a kernel takes exactly one (a batch of scalars)");
            if (session.OutputMetadata.Count != 1)
                throw new OnnxModelException(path, $"has {session.OutputMetadata.Count} outputs; a kernel gives exactly one");
            var (inputName, input) = session.InputMetadata.First();
            var (outputName, output) = session.OutputMetadata.First();
            int rank = CheckShape(path, "input", inputName, input, inputWidth);
            int outputRank = CheckShape(path, "output", outputName, output, outputWidth);
            if (rank != outputRank)
                throw new OnnxModelException(path, $"input '{inputName}' has rank {rank} and output '{outputName}' rank {outputRank}: they must match ([batch] or [batch, 1])");
            var type = input.ElementDataType;
            if (type is not (TensorElementType.Float or TensorElementType.Double))
                throw new OnnxModelException(path, $"input '{inputName}' is {type}; float32 or float64 expected");
            if (output.ElementDataType != type)
                throw new OnnxModelException(path, $"output '{outputName}' is {output.ElementDataType} while the input is {type}");
            return new OnnxFunction(path, session, inputName, outputName, type == TensorElementType.Float, rank, inputWidth, outputWidth);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>[batch, width] (or [batch] for width 1), the batch dimension free or any size.</summary>
    private static int CheckShape(string path, string role, string name, NodeMetadata meta, int width)
    {
        if (!meta.IsTensor) throw new OnnxModelException(path, $"{role} '{name}' is not a tensor");
        var dims = meta.Dimensions;
        bool ok = (dims.Length == 1 && width == 1) || (dims.Length == 2 && dims[1] == width);
        if (!ok)
        {
            string shape = "[" + string.Join(", ", dims.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";
            string expected = width == 1 ? "[batch] or [batch, 1]" : $"[batch, {width}]";
            throw new OnnxModelException(path, $"{role} '{name}' has shape {shape}; {expected} expected");
        }

        return dims.Length;
    }

    /// <summary>
    /// <c>output row b = f(input row b)</c> for the whole batch (rows of <see cref="InputWidth"/> and
    /// <see cref="OutputWidth"/> values) in one call of the runtime. Fails with the offending input
    /// when the model returns a wrong number of values or a non-finite value.
    /// </summary>
    public void Evaluate(ReadOnlySpan<double> input, Span<double> output)
    {
        int rows = input.Length / InputWidth;
        if (rows * InputWidth != input.Length) throw new ArgumentException($"input has {input.Length} values, not whole rows of {InputWidth}", nameof(input));
        if (output.Length != rows * OutputWidth) throw new ArgumentException($"output has length {output.Length}, expected {rows * OutputWidth}", nameof(output));
        if (rows == 0) return;
        long[] shape = _rank == 1 ? [rows] : [rows, InputWidth];
        // Alive to the end of the call, as the session options are: Run passes the raw handle to native
        // code, and a RunOptions created inline could be finalized during it (a use-after-free; the test
        // suite once died in the runtime on a worker thread).
        using var runOptions = new RunOptions();
        if (IsFloat32)
        {
            var data = new float[input.Length];
            for (int k = 0; k < input.Length; k++) data[k] = (float)input[k];
            using var value = OrtValue.CreateTensorValueFromMemory(data, shape);
            using var results = _session.Run(runOptions, _inputNames, [value], _outputNames);
            var span = results[0].GetTensorDataAsSpan<float>();
            CheckCount(span.Length, output.Length);
            for (int k = 0; k < output.Length; k++) output[k] = span[k];
        }
        else
        {
            var data = input.ToArray();
            using var value = OrtValue.CreateTensorValueFromMemory(data, shape);
            using var results = _session.Run(runOptions, _inputNames, [value], _outputNames);
            var span = results[0].GetTensorDataAsSpan<double>();
            CheckCount(span.Length, output.Length);
            span.CopyTo(output);
        }

        for (int k = 0; k < output.Length; k++)
        {
            if (!double.IsFinite(output[k]))
            {
                int row = k / OutputWidth;
                string at = string.Join(", ", input.Slice(row * InputWidth, InputWidth).ToArray().Select(v => v.ToString("G6", CultureInfo.InvariantCulture)));
                throw new OnnxModelException(Path, $"returned {output[k].ToString(CultureInfo.InvariantCulture)} at input {(InputWidth == 1 ? at : "(" + at + ")")}: a kernel must be finite");
            }
        }
    }

    private void CheckCount(int count, int expected)
    {
        if (count != expected) throw new OnnxModelException(Path, $"returned {count} values where {expected} were expected ({OutputWidth} per input row)");
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    public void Dispose() => _session.Dispose();
}

/// <summary>An ONNX model that cannot serve as a kernel: the message names the file and the reason.</summary>
public sealed class OnnxModelException(string path, string reason) : Exception($"ONNX model {path}: {reason}")
{
    public string ModelPath { get; } = path;

    public string Reason { get; } = reason;
}
