// Inference through ONNX Runtime (docs/deployment.md §8.3): one session over a checked ONNX file, fed float batches
// [batch, ...] and returning the graph's one float output, as arrays or as TorchSharp tensors (so evaluation and
// prediction code is the same for both paths). A file ONNX Runtime refuses is a one-line error naming it.
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Onnx;

/// <summary>An ONNX Runtime inference session over one model file.</summary>
public sealed class OnnxSession : IDisposable
{
    readonly InferenceSession session;
    readonly string path;

    public ModelProto Model { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public string InputName { get; }
    public string OutputName { get; }

    OnnxSession(InferenceSession session, ModelProto model, string path)
    {
        (this.session, Model, this.path) = (session, model, path);
        Metadata = OnnxFile.Metadata(model);
        InputName = session.InputNames.Single();
        OutputName = session.OutputNames[0];
    }

    /// <param name="threads">Intra-op threads (0: ONNX Runtime's default, one per core).</param>
    public static OnnxSession Open(string path, int threads = 0)
    {
        var (bytes, model) = OnnxFile.Read(path);
        using var options = new SessionOptions
        {
            // Initializers no node reads (batch-norm counters kept for a strict round trip) are dropped with a warning.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = threads,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load it: {OnnxFile.OneLine(e.Message)}", e);
        }
        if (session.InputNames.Count != 1)
        {
            session.Dispose();
            throw new InvalidDataException($"{path}: the graph has {session.InputNames.Count} inputs; one is expected");
        }
        return new OnnxSession(session, model, path);
    }

    /// <summary>Runs one batch; returns the output values and shape.</summary>
    public (float[] Values, long[] Shape) Run(float[] input, long[] shape)
    {
        try
        {
            using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
            using var options = new RunOptions();
            using var outputs = session.Run(options, [InputName], [value], [OutputName]);
            var output = outputs[0];
            return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ArgumentException(
                $"{path}: input of shape [{string.Join(", ", shape)}] was refused: {OnnxFile.OneLine(e.Message)}", "input");
        }
    }

    /// <summary>The graph's output for a float batch, as a CPU tensor.</summary>
    public Tensor Forward(Tensor x)
    {
        using var cpu = x.detach().cpu().to(ScalarType.Float32).contiguous();
        var (values, shape) = Run(cpu.data<float>().ToArray(), cpu.shape);
        return torch.tensor(values, shape);
    }

    public void Dispose() => session.Dispose();
}
