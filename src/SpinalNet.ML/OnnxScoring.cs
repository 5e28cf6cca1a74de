// The trained networks as the ONNX graphs ML.NET scores (docs/mlnet.md §15.4, §15.8): the library's exporter writes
// the network (docs/deployment.md §8.1), the Spinal MLP or an image backbone with its Spinal head; this adds the
// standardisation in front of it, (x − mean) / std (per feature for the MLP; per channel, ImageNet's, on 0–255 pixels
// for images), for regression · std + mean behind it, and names the graph's input after the feature column, as ML.NET's
// OnnxTransformer binds graph inputs to columns by name. The output is reshaped to one dimension of C values: ML.NET
// scores one row at a time, and a [C] vector is the feature column its linear scorers read.
using Google.Protobuf;
using Onnx;
using SpinalNet.Data;
using SpinalNet.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.ML;

internal static class OnnxScoring
{
    /// <summary>The graph's values the standardisation adds: the network's own input is fed by them.</summary>
    const string Standardised = "spinal_standardised", Raw = "spinal_raw_output";

    /// <summary>The ONNX bytes of <paramref name="fit"/>: input <paramref name="inputName"/> [batch, N] floats, output
    /// <paramref name="outputName"/> [C] floats (logits, or the regression target in its units).</summary>
    public static byte[] ToOnnx(SpinalFitResult fit, string inputName, string outputName, bool regression)
    {
        int width = fit.FeatureMean.Length;
        var model = OnnxExport.ToModel(fit.Network, [width],
            new Dictionary<string, string> { ["producer"] = "SpinalNet.ML" }, "Spinal MLP trained by SpinalNet.ML");
        return Wrap(model, inputName, outputName, fit.FeatureMean, fit.FeatureStd, [width],
            regression ? (fit.TargetMean, fit.TargetStd) : null);
    }

    /// <summary>The ONNX bytes of an image classifier (backbone and Spinal head, docs/mlnet.md §15.8): input
    /// <paramref name="inputName"/> [batch, 3, H, W] RGB floats in 0–255 as ML.NET's ExtractPixels gives them, scaled
    /// to [0, 1] and normalised per channel (<paramref name="normalization"/>) inside the graph; output
    /// <paramref name="outputName"/> [C] logits.</summary>
    public static byte[] ToOnnx(nn.Module<Tensor, Tensor> network, long[] sampleShape, ChannelNormalization normalization,
        string inputName, string outputName)
    {
        var model = OnnxExport.ToModel(network, sampleShape,
            new Dictionary<string, string> { ["producer"] = "SpinalNet.ML" },
            "image classifier with a Spinal head trained by SpinalNet.ML");
        int channels = (int)sampleShape[0];
        // (x / 255 − mean) / std = (x − 255·mean) / (255·std).
        var mean = Enumerable.Range(0, channels).Select(c => (float)(255 * normalization.MeanOf(c))).ToArray();
        var std = Enumerable.Range(0, channels).Select(c => (float)(255 * normalization.StdOf(c))).ToArray();
        return Wrap(model, inputName, outputName, mean, std, [channels, 1, 1], null);
    }

    /// <summary>The exporter's graph with (x − mean) / std (constants of shape <paramref name="dims"/>, broadcast over
    /// the batch) in front of the network, the regression target's scaling behind it where given, and its output
    /// reshaped to one dimension.</summary>
    static byte[] Wrap(ModelProto model, string inputName, string outputName, float[] mean, float[] std, long[] dims,
        (float Mean, float Std)? target)
    {
        var graph = model.Graph;
        long outputs = graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue;

        // The exporter's "input" becomes a value the standardisation computes from the feature column.
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == OnnxExport.InputName) node.Input[i] = Standardised;
        graph.Initializer.Add(Constant("spinal_feature_mean", mean, dims));
        graph.Initializer.Add(Constant("spinal_feature_std", std, dims));
        graph.Node.Insert(0, Node("Sub", [inputName, "spinal_feature_mean"], "spinal_centred"));
        graph.Node.Insert(1, Node("Div", ["spinal_centred", "spinal_feature_std"], Standardised));
        graph.Input[0].Name = inputName;
        // The exporter keeps every state-dict entry; those no node reads (batch norm's num_batches_tracked) would only
        // make ONNX Runtime warn at every session it opens.
        var read = graph.Node.SelectMany(n => n.Input).ToHashSet();
        foreach (var unused in graph.Initializer.Where(i => !read.Contains(i.Name)).ToList())
            graph.Initializer.Remove(unused);

        // "output" [batch, C] becomes the named [C] output (scaled back for regression).
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == OnnxExport.OutputName) node.Output[i] = Raw;
        string last = Raw;
        if (target is { } scale)
        {
            graph.Initializer.Add(Constant("spinal_target_std", [scale.Std], [1]));
            graph.Initializer.Add(Constant("spinal_target_mean", [scale.Mean], [1]));
            graph.Node.Add(Node("Mul", [last, "spinal_target_std"], "spinal_scaled"));
            graph.Node.Add(Node("Add", ["spinal_scaled", "spinal_target_mean"], last = "spinal_target"));
        }
        graph.Initializer.Add(new TensorProto
        {
            Name = "spinal_flat_shape", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1 }, Int64Data = { -1 },
        });
        graph.Node.Add(Node("Reshape", [last, "spinal_flat_shape"], outputName));
        var output = graph.Output[0];
        output.Name = outputName;
        output.Type.TensorType.Shape.Dim.Clear();
        output.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = outputs });
        return model.ToByteArray();
    }

    static TensorProto Constant(string name, float[] values, long[] dims) => new()
    {
        Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { dims }, FloatData = { values },
    };

    static NodeProto Node(string op, string[] inputs, string output) =>
        new() { OpType = op, Name = output, Input = { inputs }, Output = { output } };
}
