// The ImageNet weights that can be had offline (docs/pretrained.md §12.1): ML.NET's ResNet-18 featurizer, a CNTK export
// in the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, read from its ONNX graph and named as torchvision
// names ResNet(BasicBlock, [2, 2, 2, 3]) (`resnet18-cntk`). The names come from the graph's data flow, not from a list
// of initializer names: the Conv reading the input is conv1 and the BatchNormalization it feeds bn1; after the max
// pool, each residual block is a Conv → BN → Relu → Conv → BN → Add whose other input is the block's input or a
// Conv → BN (the downsample), followed by a Relu; its stage is its width (64, 128, 256, 512 → layer1..layer4). Strides,
// paddings and epsilons are checked against torchvision's, every node and initializer must be used exactly once, and
// anything else is a one-line error naming the file. The graph expects CNTK's input (BGR, 0–255, minus a mean image);
// the channel swap, the scale and the channel means are folded into conv1 and bn1 (§12.1) so the network takes
// torchvision's input like every other backbone.
using Google.Protobuf.Collections;
using Onnx;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Onnx;
using static TorchSharp.torch;

namespace SpinalNet.Pretrained;

/// <summary>The offline ImageNet ResNet-18 (ML.NET's, from CNTK) under torchvision's names.</summary>
public static class CntkResNet18
{
    /// <summary>The NuGet package that carries the ONNX files.</summary>
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18", PackageVersion = "0.23.1";

    /// <summary>Makes PretrainedWeights (--pretrained, `weights list`) find resnet18-cntk's weights here (the spinalnet
    /// tool calls it at start; a program of its own calls it once before loading them).</summary>
    public static void Register() =>
        PretrainedWeights.Packaged ??= new PackagedWeights(Package, () => GraphFile, ImageNetWeights);

    /// <summary>The package's folder of models, which its build props copy beside every program that references it.</summary>
    const string ModelsFolder = "DnnImageModels";

    /// <summary>The network's graph (output: the pooled 512 features).</summary>
    public static string GraphFile => Find(Path.Combine("ResNet18Onnx", "ResNet18.onnx"));

    /// <summary>The preprocessing graph: RGB to BGR, minus the mean image.</summary>
    public static string PreprocessFile => Find(Path.Combine("ResNetPrepOnnx", "ResNetPreprocess.onnx"));

    /// <summary>Where the files are looked for, in order: beside the program (where the package's build props put
    /// them), then in the NuGet packages folder ($NUGET_PACKAGES, else ~/.nuget/packages).</summary>
    public static IReadOnlyList<string> Folders =>
    [
        Path.Combine(AppContext.BaseDirectory, ModelsFolder),
        Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            Package.ToLowerInvariant(), PackageVersion, "tools", ModelsFolder),
    ];

    static string Find(string file) =>
        Folders.Select(folder => Path.Combine(folder, file)).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"{Path.GetFileName(file)} of the NuGet package {Package} {PackageVersion} " +
            $"not found in {string.Join(" or ", Folders)}; add the package to the program " +
            $"(dotnet add package {Package} --version {PackageVersion})", file);

    /// <summary>The ImageNet weights under torchvision's names (conv1.weight, bn1.*, layer1.0.conv1.weight, ...; no fc),
    /// for torchvision's input: RGB in [0, 1] normalised with the ImageNet mean and standard deviation.</summary>
    public static Dictionary<string, Tensor> ImageNetWeights()
    {
        var weights = GraphWeights(GraphFile);
        try
        {
            using var mean = MeanImage(PreprocessFile);
            FoldPreprocessing(weights, mean, ChannelNormalization.ImageNet);
            return weights;
        }
        catch
        {
            foreach (var t in weights.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>The graph's initializers under torchvision's names, found by following the data flow; the weights
    /// expect the graph's own input (BGR, 0–255, minus the mean image). The caller disposes them.</summary>
    public static Dictionary<string, Tensor> GraphWeights(string path) => GraphWeights(OnnxFile.Read(path).Model, path);

    /// <summary>The initializers of <paramref name="model"/> under torchvision's names; <paramref name="source"/> is
    /// named in errors.</summary>
    public static Dictionary<string, Tensor> GraphWeights(ModelProto model, string source)
    {
        var names = new ResNetGraphWalk(model.Graph, source).Names();
        var tensors = OnnxFile.Initializers(model, source);
        return tensors.ToDictionary(t => names[t.Key], t => t.Value);
    }

    /// <summary>The preprocessing graph's mean image [1, 3, H, W] (BGR, 0–255), after checking that the graph is the
    /// channel reversal followed by the subtraction of that image.</summary>
    public static Tensor MeanImage(string path)
    {
        var (_, model) = OnnxFile.Read(path);
        var g = model.Graph;
        var nodes = g.Node.ToDictionary(n => n.OpType, n => n);
        if (g.Node.Count != 3 || !nodes.TryGetValue("Split", out var split) || !nodes.TryGetValue("Concat", out var concat)
            || !nodes.TryGetValue("Sub", out var sub) || !concat.Input.SequenceEqual(split.Output.Reverse())
            || sub.Input[0] != concat.Output[0] || g.Initializer.SingleOrDefault(i => i.Name == sub.Input[1]) is not { } mean
            || !mean.Dims.Take(2).SequenceEqual([1L, 3L]) || mean.Dims.Count != 4)
            throw new InvalidDataException($"{path}: not the expected preprocessing (split into 3 channels, reversed, " +
                                           "minus a [1, 3, H, W] mean image)");
        var initializers = OnnxFile.Initializers(model, path);
        return initializers[mean.Name];
    }

    /// <summary>Rewrites conv1 and bn1, which expect CNTK's input x' = BGR(255·rgb) − mean, to take torchvision's
    /// x = (rgb − m) / s: conv1's input channels reversed and scaled by 255·s, and conv1's response to the constant
    /// 255·m − (the mean image's channel means) taken off bn1's running mean (exact but for the image borders and the
    /// mean image's variation around its channel means, §12.1).</summary>
    public static void FoldPreprocessing(Dictionary<string, Tensor> weights, Tensor meanImage,
        ChannelNormalization normalization)
    {
        using var scope = NewDisposeScope();
        var w = weights["conv1.weight"].to(ScalarType.Float64).flip(1);     // input channels now R, G, B
        var std = tensor(normalization.Std, ScalarType.Float64);
        var offset = tensor(normalization.Mean, ScalarType.Float64).mul(255)
            .sub(meanImage.to(ScalarType.Float64).mean([0, 2, 3]).flip(0));
        var response = w.sum([2, 3]).matmul(offset);                        // [64]: conv1 on the constant offset
        var folded = w.mul(std.mul(255).view(1, 3, 1, 1));
        var runningMean = weights["bn1.running_mean"].to(ScalarType.Float64).sub(response);
        Replace(weights, "conv1.weight", folded.to(ScalarType.Float32).MoveToOuterDisposeScope());
        Replace(weights, "bn1.running_mean", runningMean.to(ScalarType.Float32).MoveToOuterDisposeScope());
    }

    static void Replace(Dictionary<string, Tensor> weights, string key, Tensor value)
    {
        weights[key].Dispose();
        weights[key] = value;
    }

    /// <summary>The walk through the ResNet graph from its input to its output, naming every initializer as torchvision
    /// does.</summary>
    sealed class ResNetGraphWalk(GraphProto graph, string source)
    {
        readonly ILookup<string, NodeProto> readers =
            graph.Node.SelectMany(n => n.Input.Select(input => (input, n))).ToLookup(p => p.input, p => p.n);
        readonly Dictionary<string, TensorProto> initializers = graph.Initializer.ToDictionary(i => i.Name);
        readonly Dictionary<string, string> names = [];
        readonly HashSet<NodeProto> visited = new(ReferenceEqualityComparer.Instance);

        public Dictionary<string, string> Names()
        {
            var inputs = graph.Input.Select(i => i.Name).Where(n => !initializers.ContainsKey(n)).ToList();
            if (inputs.Count != 1) throw Fail($"{inputs.Count} graph inputs besides the initializers; one is expected");
            var stem = Next(inputs[0], "Conv");
            Convolution(stem, "conv1", 7, 2);
            var norm = Norm(stem, "bn1");
            var pool = Next(Out(Next(Out(norm), "Relu")), "MaxPool");
            CheckWindow(pool, "maxpool", 3, 2);
            string x = Out(pool);
            int stage = -1, index = 0;
            while (Block(ref x, ref stage, ref index)) { }
            if (graph.Node.FirstOrDefault(n => !visited.Contains(n)) is { } other)
                throw Fail($"node '{other.Name}' ({other.OpType}) is not part of the ResNet");
            if (initializers.Keys.FirstOrDefault(i => !names.ContainsKey(i)) is { } unused)
                throw Fail($"initializer '{unused}' is read by no layer of the ResNet");
            return names;
        }

        /// <summary>One residual block from <paramref name="x"/>; false at the final average pool.</summary>
        bool Block(ref string x, ref int stage, ref int index)
        {
            var from = readers[x].ToList();
            if (from is [{ OpType: "AveragePool" or "GlobalAveragePool" } average])
            {
                visited.Add(average);
                if (graph.Output.Count != 1 || Out(average) != graph.Output[0].Name)
                    throw Fail($"the average pool '{average.Name}' is not the graph's output");
                return false;
            }
            // The block's first convolution is the one whose batch norm feeds a Relu; a downsample's feeds the Add.
            var convolutions = from.Where(n => n.OpType == "Conv").ToList();
            var main = convolutions.Where(c => NormOf(c) is { } n && readers[Out(n)].Any(r => r.OpType == "Relu")).ToList();
            if (main.Count != 1) throw Fail($"'{x}' feeds {from.Count} nodes, not one residual block");
            var conv1 = main[0];
            var conv2 = Next(Out(Next(Out(NormOf(conv1)!), "Relu")), "Conv");
            var add = Next(Out(NormOf(conv2)!), "Add");
            var downsample = convolutions.SingleOrDefault(c => c != conv1);
            string shortcut = add.Input.Single(i => i != Out(NormOf(conv2)!));
            if (downsample is null ? shortcut != x || from.Count != 2 || !from.Contains(add)
                    : shortcut != Out(NormOf(downsample)!) || from.Count != 2)
                throw Fail($"block after '{x}' is not conv-BN-ReLU-conv-BN plus the identity or a conv-BN shortcut");

            long planes = initializers[conv2.Input[1]].Dims[0];
            int blockStage = (int)Math.Log2(planes / 64.0);
            if (planes != 64L << blockStage || blockStage < stage || blockStage > 3)
                throw Fail($"a block of {planes} channels after stage layer{stage + 1}");
            index = blockStage == stage ? index + 1 : 0;
            stage = blockStage;
            string prefix = $"layer{stage + 1}.{index}";
            int stride = index == 0 && stage > 0 ? 2 : 1;
            Convolution(conv1, $"{prefix}.conv1", 3, stride);
            Norm(conv1, $"{prefix}.bn1");
            Convolution(conv2, $"{prefix}.conv2", 3, 1);
            Norm(conv2, $"{prefix}.bn2");
            if (downsample is not null)
            {
                Convolution(downsample, $"{prefix}.downsample.0", 1, stride);
                Norm(downsample, $"{prefix}.downsample.1");
            }
            visited.Add(add);
            x = Out(Next(Out(add), "Relu"));
            return true;
        }

        /// <summary>The one node reading <paramref name="tensor"/>, which must be an <paramref name="op"/>.</summary>
        NodeProto Next(string tensor, string op)
        {
            var from = readers[tensor].ToList();
            if (from is not [var node] || node.OpType != op)
                throw Fail($"'{tensor}' feeds {string.Join(", ", from.Select(n => n.OpType))}, not one {op}");
            visited.Add(from[0]);
            return from[0];
        }

        NodeProto? NormOf(NodeProto conv) =>
            readers[Out(conv)].ToList() is [{ OpType: "BatchNormalization" } norm] ? norm : null;

        NodeProto Norm(NodeProto conv, string key)
        {
            var norm = Next(Out(conv), "BatchNormalization");
            var epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            if (Math.Abs(epsilon - 1e-5) > 1e-9 || norm.Input.Count != 5)
                throw Fail($"batch norm '{norm.Name}' has epsilon {epsilon} or {norm.Input.Count} inputs; " +
                           "torchvision's has 1e-5 and 5");
            string[] parts = ["weight", "bias", "running_mean", "running_var"];
            for (int i = 0; i < 4; i++) Name(norm.Input[i + 1], $"{key}.{parts[i]}");
            return norm;
        }

        void Convolution(NodeProto conv, string key, int kernel, int stride)
        {
            visited.Add(conv);
            if (conv.Input.Count != 2) throw Fail($"convolution '{conv.Name}' ({key}) has a bias; torchvision's has none");
            var ints = conv.Attribute.Where(a => a.Name is "group" or "dilations").SelectMany(a => a.Ints.Append(a.I));
            if (ints.Any(v => v > 1)) throw Fail($"convolution '{conv.Name}' ({key}) is grouped or dilated");
            CheckWindow(conv, key, kernel, stride);
            Name(conv.Input[1], $"{key}.weight");
        }

        /// <summary>torchvision's stride and padding: k/2 on every side, or, as CNTK writes a stride-2 window, one less
        /// at the end (the same result for input sizes divisible by 32).</summary>
        void CheckWindow(NodeProto node, string key, int kernel, int stride)
        {
            RepeatedField<long>? Ints(string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints;
            var strides = Ints("strides")?.ToArray() ?? [1, 1];
            var pads = Ints("pads")?.ToArray() ?? [0, 0, 0, 0];
            var size = Ints("kernel_shape")?.ToArray() ?? [kernel, kernel];
            int p = kernel / 2;
            bool padsFit = pads.Length == 4 && pads[0] == p && pads[1] == p && pads[2] == pads[3]
                           && (pads[2] == p || (stride == 2 && pads[2] == p - 1));
            if (!strides.SequenceEqual([stride, stride]) || !size.SequenceEqual([kernel, kernel]) || !padsFit)
                throw Fail($"'{node.Name}' ({key}) has kernel [{string.Join(", ", size)}], strides " +
                           $"[{string.Join(", ", strides)}], pads [{string.Join(", ", pads)}]; torchvision's {key} has " +
                           $"kernel {kernel}, stride {stride}, padding {p}");
        }

        void Name(string initializer, string key)
        {
            if (!initializers.ContainsKey(initializer)) throw Fail($"'{initializer}' ({key}) is not an initializer");
            if (!names.TryAdd(initializer, key))
                throw Fail($"initializer '{initializer}' is read as {names[initializer]} and {key}");
        }

        static string Out(NodeProto node) => node.Output[0];

        Exception Fail(string why) =>
            new InvalidDataException($"{source}: does not map onto torchvision's ResNet: {why}");
    }
}
