// The trained Spinal MLP as the ONNX graph ML.NET scores (docs/mlnet.md §15.4): the library's exporter writes the Spinal
// layer (docs/deployment.md §8.1); this adds the standardisation around it, (x − mean) / std on the way in and, for
// regression, · std + mean on the way out, and names the graph's input after the feature column, as ML.NET's
// OnnxTransformer binds graph inputs to columns by name. The output is reshaped to one dimension of C values: ML.NET
// scores one row at a time, and a [C] vector is the feature column its linear scorers read.
using Google.Protobuf;
using Onnx;
using SpinalNet.Interop;

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
        var graph = model.Graph;
        long outputs = graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue;

        // The exporter's "input" becomes a value the standardisation computes from the feature column.
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == OnnxExport.InputName) node.Input[i] = Standardised;
        graph.Initializer.Add(Constant("spinal_feature_mean", fit.FeatureMean));
        graph.Initializer.Add(Constant("spinal_feature_std", fit.FeatureStd));
        graph.Node.Insert(0, Node("Sub", [inputName, "spinal_feature_mean"], "spinal_centred"));
        graph.Node.Insert(1, Node("Div", ["spinal_centred", "spinal_feature_std"], Standardised));
        graph.Input[0].Name = inputName;

        // "output" [batch, C] becomes the named [C] output (scaled back for regression).
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == OnnxExport.OutputName) node.Output[i] = Raw;
        string last = Raw;
        if (regression)
        {
            graph.Initializer.Add(Constant("spinal_target_std", [fit.TargetStd]));
            graph.Initializer.Add(Constant("spinal_target_mean", [fit.TargetMean]));
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

    static TensorProto Constant(string name, float[] values) => new()
    {
        Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { values.Length }, FloatData = { values },
    };

    static NodeProto Node(string op, string[] inputs, string output) =>
        new() { OpType = op, Name = output, Input = { inputs }, Output = { output } };
}
