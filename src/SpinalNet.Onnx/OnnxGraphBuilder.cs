// The pieces an ONNX graph is written from (docs/deployment.md §8.1): nodes with unique names, weights as initializers
// named by their state-dict keys (each written once, however many nodes read it: shared Spinal blocks), and small
// integer constants (slice bounds, gather indices) as Constant nodes, so the initializers are exactly the network's
// state dict.
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace SpinalNet.Onnx;

/// <summary>Builds an ONNX graph node by node: inputs, initializers, nodes and outputs with unique names.</summary>
public sealed class OnnxGraphBuilder
{
    readonly HashSet<string> names = [];
    readonly Dictionary<string, Tensor> stateDict;
    int counter;

    public GraphProto Graph { get; } = new();

    /// <param name="stateDict">The network's state dict: the only source of initializers.</param>
    public OnnxGraphBuilder(string name, Dictionary<string, Tensor> stateDict)
    {
        Graph.Name = name;
        this.stateDict = stateDict;
    }

    /// <summary>A value name not used before, from a readable hint.</summary>
    public string Fresh(string hint)
    {
        var name = hint.Length == 0 ? "value" : hint.TrimEnd('.');
        while (!names.Add(name)) name = $"{hint.TrimEnd('.')}_{++counter}";
        return name;
    }

    /// <summary>Adds a node with one output; returns the output's name.</summary>
    public string Node(string op, string path, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = Fresh(path + op);
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>The initializer of a state-dict entry (written once), by its key.</summary>
    public string Weight(string key)
    {
        if (!stateDict.TryGetValue(key, out var tensor))
            throw new InvalidOperationException($"ONNX export: '{key}' is not an entry of the network's state dict");
        if (Graph.Initializer.All(i => i.Name != key))
        {
            names.Add(key);
            Graph.Initializer.Add(ToProto(key, tensor));
        }
        return key;
    }

    /// <summary>Writes every state-dict entry no node reads (batch-norm counters, registered but unused layers),
    /// so that the file holds the whole state dict and loads back strictly.</summary>
    public void AddRemainingWeights()
    {
        foreach (var key in stateDict.Keys) Weight(key);
    }

    /// <summary>A 1-D int64 constant.</summary>
    public string Constant(string path, params long[] values)
    {
        var value = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        value.Dims.Add(values.Length);
        value.Int64Data.AddRange(values);
        return Constant(path, value);
    }

    /// <summary>A float scalar constant.</summary>
    public string Constant(string path, float value)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        tensor.FloatData.Add(value);
        return Constant(path, tensor);
    }

    /// <summary>A float tensor constant of the given shape (row-major values).</summary>
    public string Constant(string path, float[] values, long[] shape)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape);
        tensor.FloatData.AddRange(values);
        return Constant(path, tensor);
    }

    string Constant(string path, TensorProto value)
    {
        var output = Fresh(path + "const");
        value.Name = output;
        var node = new NodeProto { OpType = "Constant", Name = output };
        node.Output.Add(output);
        node.Attribute.Add(new AttributeProto
            { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
        Graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    /// <summary>A float32 or int64 tensor as an ONNX tensor (little-endian raw data).</summary>
    public static TensorProto ToProto(string name, Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        var proto = new TensorProto { Name = name };
        proto.Dims.AddRange(cpu.shape);
        switch (cpu.dtype)
        {
            case ScalarType.Float32:
                proto.DataType = (int)TensorProto.Types.DataType.Float;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes<float>(cpu.data<float>().ToArray()));
                break;
            case ScalarType.Int64:
                proto.DataType = (int)TensorProto.Types.DataType.Int64;
                proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes<long>(cpu.data<long>().ToArray()));
                break;
            default:
                throw new InvalidOperationException($"ONNX export: '{name}' has type {cpu.dtype}; only float32 and " +
                                                    "int64 tensors are written");
        }
        return proto;
    }
}
