// Reading ONNX files (docs/deployment.md §8.3): the model (checked before anything else uses it, so that a truncated
// or hostile file is a one-line error naming it), its metadata, and its initializers as tensors by name, which is all
// any ONNX source of weights needs (our own exports, whose initializer names are our state-dict keys, or another
// network's file read through a key map). Importing our own export back is the strict loader over those tensors.
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using SpinalNet.Interop;
using static TorchSharp.torch;

namespace SpinalNet.Onnx;

/// <summary>Reads an ONNX file: its checks, its metadata and its weights by name.</summary>
public static class OnnxFile
{
    /// <summary>Protobuf's own limit on one message; a larger file cannot be an ONNX model without external data.</summary>
    const long MaxBytes = int.MaxValue;

    /// <summary>The bytes and the parsed model of an ONNX file, or a one-line error naming it.</summary>
    public static (byte[] Bytes, ModelProto Model) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: ONNX model not found", path);
        long length = new FileInfo(path).Length;
        if (length == 0 || length > MaxBytes)
            throw new InvalidDataException($"{path}: not an ONNX model ({length} bytes)");
        var bytes = File.ReadAllBytes(path);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not an ONNX model (truncated or not protobuf: {OneLine(e.Message)})", e);
        }
        if (model.IrVersion < 3 || model.Graph is null || model.OpsetImport.Count == 0 || model.Graph.Output.Count == 0)
            throw new InvalidDataException($"{path}: not an ONNX model (no IR version, graph, opset or output)");
        return (bytes, model);
    }

    /// <summary>The model's metadata (key → value).</summary>
    public static IReadOnlyDictionary<string, string> Metadata(ModelProto model) =>
        model.MetadataProps.GroupBy(p => p.Key).ToDictionary(p => p.Key, p => p.Last().Value);

    /// <summary>Every float32/int64 initializer as a CPU tensor, by name; the caller disposes them.</summary>
    public static Dictionary<string, Tensor> Initializers(ModelProto model, string source)
    {
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var t in model.Graph.Initializer) tensors[t.Name] = ToTensor(t, source);
            return tensors;
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    static Tensor ToTensor(TensorProto t, string source)
    {
        var dims = t.Dims.ToArray();
        if (dims.Any(d => d < 0) || t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new InvalidDataException($"{source}: initializer '{t.Name}' has negative dimensions or external data");
        long count = dims.Aggregate(1L, (a, d) => a * d);
        var type = (TensorProto.Types.DataType)t.DataType;
        int size = type switch
        {
            TensorProto.Types.DataType.Float => 4,
            TensorProto.Types.DataType.Int64 => 8,
            _ => throw new InvalidDataException($"{source}: initializer '{t.Name}' is of type {type}; only float and " +
                                                "int64 initializers are read"),
        };
        long stored = t.RawData.Length > 0 ? t.RawData.Length / size
            : type == TensorProto.Types.DataType.Float ? t.FloatData.Count : t.Int64Data.Count;
        if (stored != count || (t.RawData.Length > 0 && t.RawData.Length % size != 0))
            throw new InvalidDataException(
                $"{source}: initializer '{t.Name}' of shape [{string.Join(", ", dims)}] holds {stored} values, not {count}");
        if (type == TensorProto.Types.DataType.Float)
        {
            var values = t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : t.FloatData.ToArray();
            return tensor(values, dims);
        }
        var longs = t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray() : t.Int64Data.ToArray();
        return tensor(longs, dims);
    }

    /// <summary>Loads an ONNX file written by <see cref="OnnxExport"/> back into a network of the same architecture,
    /// strictly (every state-dict entry, by name and shape, and nothing else).</summary>
    public static void LoadWeights(nn.Module model, string path, string network = "this model")
    {
        var (_, proto) = Read(path);
        var tensors = Initializers(proto, path);
        try
        {
            WeightsFile.Load(model, tensors, path, network);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
