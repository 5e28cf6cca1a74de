// The offline ImageNet ResNet-18 (docs/pretrained.md §12.1): the ONNX graph of the NuGet package, restored like any
// dependency and copied beside the tests by the package's build props, maps by data flow onto resnet18-cntk's torchvision
// names; our backbone with those weights gives the graph's own features in ONNX Runtime on a real photo at 224 px (the
// graph's input exactly; torchvision's input through the folded preprocessing); the mapping does not depend on the
// initializers' names or the order of the nodes, and a graph that is not that ResNet is a one-line error naming the file.
using Onnx;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Onnx;
using SpinalNet.Pretrained;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class CntkResNet18Tests(ITestOutputHelper log)
{
    static readonly ModelSpec Spec = ModelCatalog.Get("resnet18-cntk");
    static readonly Lazy<ModelProto> Graph = new(() => OnnxFile.Read(CntkResNet18.GraphFile).Model);

    /// <summary>The photo as RGB in [0, 1], [1, 3, 224, 224].</summary>
    static Tensor Photo()
    {
        var image = ImageCodec.Decode(InteropFixtureTests.Fixture("chelsea-224.png", "pretrained"), 3);
        return tensor(image.Data, [1, 3, 224, 224]);
    }

    /// <summary>The graph's own input: BGR, 0–255, minus the mean image of the preprocessing graph.</summary>
    static Tensor GraphInput(Tensor rgb)
    {
        using var mean = CntkResNet18.MeanImage(CntkResNet18.PreprocessFile);
        return rgb.flip(1).mul(255).sub(mean);
    }

    static Tensor OnnxFeatures(Tensor input)
    {
        using var session = OnnxSession.Open(CntkResNet18.GraphFile, threads: TestSetup.Threads);
        return session.Forward(input).reshape(1, 512);
    }

    static Tensor OurFeatures(Dictionary<string, Tensor> weights, Tensor input)
    {
        using var network = Spec.Create(HeadKind.Fc, 0);
        PretrainedWeights.LoadBackbone(network, Spec, weights, "test");
        network.eval();
        using var noGrad = no_grad();
        return network.Features(input);
    }

    [Fact]
    public void The_package_puts_the_graph_beside_the_program()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"),
            CntkResNet18.GraphFile);
        Assert.Equal(63_653_533, new FileInfo(CntkResNet18.GraphFile).Length);
    }

    [Fact]
    public void Mapped_weights_give_the_graphs_features_on_its_own_input()
    {
        var weights = CntkResNet18.GraphWeights(CntkResNet18.GraphFile);
        Assert.Equal(110, weights.Count);
        Assert.Equal(15_908_800, weights.Values.Sum(t => t.numel()));
        Assert.Equal([64, 3, 7, 7], weights["conv1.weight"].shape);
        Assert.Equal([512, 256, 1, 1], weights["layer4.0.downsample.0.weight"].shape);
        Assert.Contains("layer4.2.bn2.running_var", weights.Keys);
        using var input = GraphInput(Photo());
        using var ours = OurFeatures(weights, input);
        using var theirs = OnnxFeatures(input);
        double difference = ours.sub(theirs).abs().max().item<float>();
        log.WriteLine($"graph input: max |ours − ONNX Runtime| = {difference:G3}, max feature {theirs.max().item<float>():G3}");
        Assert.True(difference < 2e-5, $"max difference {difference}");
    }

    [Fact]
    public void Folded_weights_take_torchvisions_input_and_give_the_graphs_features()
    {
        var weights = CntkResNet18.ImageNetWeights();
        using var rgb = Photo();
        using var mean = tensor(ChannelNormalization.ImageNet.Mean.Select(m => (float)m).ToArray()).view(1, 3, 1, 1);
        using var std = tensor(ChannelNormalization.ImageNet.Std.Select(s => (float)s).ToArray()).view(1, 3, 1, 1);
        using var ours = OurFeatures(weights, rgb.sub(mean).div(std));
        using var graphInput = GraphInput(rgb);
        using var theirs = OnnxFeatures(graphInput);
        double cosine = nn.functional.cosine_similarity(ours, theirs).item<float>();
        double difference = ours.sub(theirs).abs().max().item<float>();
        double largest = theirs.abs().max().item<float>();
        log.WriteLine($"torchvision input: cosine {cosine:F6}, max |ours − ONNX Runtime| = {difference:G3} " +
                      $"(largest feature {largest:G3})");
        // What is left is the mean image's variation around its channel means (§12.1), which no per-channel fold carries.
        Assert.True(cosine > 0.999, $"cosine {cosine}");
        Assert.True(difference < 0.35, $"max difference {difference} of {largest}");
    }

    [Fact]
    public void The_mapping_follows_the_data_flow_not_the_names_or_the_node_order()
    {
        var reference = CntkResNet18.GraphWeights(Graph.Value, "original");
        var renamed = Graph.Value.Clone();
        var rename = renamed.Graph.Initializer.Select((t, i) => (t.Name, New: $"w{renamed.Graph.Initializer.Count - i}"))
            .ToDictionary(p => p.Name, p => p.New);
        foreach (var t in renamed.Graph.Initializer) t.Name = rename[t.Name];
        foreach (var node in renamed.Graph.Node)
            for (int i = 0; i < node.Input.Count; i++) node.Input[i] = rename.GetValueOrDefault(node.Input[i], node.Input[i]);
        var shuffled = renamed.Graph.Node.OrderBy(n => n.Output[0].GetHashCode(StringComparison.Ordinal)).ToList();
        renamed.Graph.Node.Clear();
        renamed.Graph.Node.AddRange(shuffled);

        var mapped = CntkResNet18.GraphWeights(renamed, "renamed");
        Assert.Equal(reference.Keys.Order(), mapped.Keys.Order());
        Assert.All(reference, p => Assert.True(p.Value.eq(mapped[p.Key]).all().item<bool>(), p.Key));
    }

    public static TheoryData<string, string> Broken => new()
    {
        { "stride", "'Convolution257' (layer1.0.conv1) has kernel [3, 3], strides [2, 2]" },
        { "shared", "initializer 'Parameter86' is read as layer1.0.conv1.weight and layer1.0.conv2.weight" },
        { "extra", "the average pool 'Pooling395' is not the graph's output" },
        { "unused", "initializer 'Spare' is read by no layer of the ResNet" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_graph_that_is_not_the_resnet_is_a_one_line_error(string change, string message)
    {
        var graph = Graph.Value.Clone();
        var g = graph.Graph;
        NodeProto Node(string output) => g.Node.Single(n => n.Output[0] == output);
        switch (change)
        {
            case "stride":
                var strides = Node("Convolution257_Output_0").Attribute.Single(a => a.Name == "strides").Ints;
                strides[0] = strides[1] = 2;
                break;
            case "shared":
                Node("Convolution263_Output_0").Input[1] = "Parameter86";
                break;
            case "extra":
                g.Node.Add(new NodeProto
                    { OpType = "Relu", Name = "Extra", Input = { g.Output[0].Name }, Output = { "extra" } });
                g.Output[0].Name = "extra";
                break;
            case "unused":
                g.Initializer.Add(new TensorProto
                    { Name = "Spare", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1 }, FloatData = { 0f } });
                break;
        }
        var error = Assert.Throws<InvalidDataException>(() => CntkResNet18.GraphWeights(graph, "broken.onnx"));
        Assert.StartsWith($"broken.onnx: does not map onto torchvision's ResNet: {message}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
