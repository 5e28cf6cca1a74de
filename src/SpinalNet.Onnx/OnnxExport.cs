// ONNX export of the project's networks (docs/deployment.md §8.1), written from our own modules: the module tree is
// walked from the root and every module becomes the ONNX nodes that compute it in evaluation mode (dropout is the
// identity, batch norm uses its running statistics). Opset 13, a dynamic batch dimension, input "input" and output
// "output", metadata as given. The Spinal layer becomes Slice (a contiguous split) or Gather (a split that wraps round
// the end of x), Concat of the split and the previous layer's output, Gemm, BatchNormalization and the activation,
// with shared blocks reading the same initializers. The ImageNet backbones (docs/transfer.md §11.1) add their residual
// blocks (Add, then Relu) and the adaptive average pool: GlobalAveragePool to 1×1, else, for the sizes seen when the
// graph is written, two MatMuls with constant averaging matrices (exact for any input and output size, so a VGG fed
// 32 px images pools 1×1 up to its 7×7 as PyTorch does). The newer backbones (docs/transfer.md §11.4) add dense
// blocks (Concat), AveragePool, SiLU, Hardswish / Hardsigmoid, squeeze-excitation, layer norms written out (opset 13
// has no LayerNormalization), Linear maps on tokens as MatMul + Add, ViT's class token and self-attention; Swin's
// shifted windows are not written. A module the export does not know is a one-line error naming it.
using Google.Protobuf;
using Onnx;
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Regression;
using TorchSharp;
using TorchSharp.Modules;
using static SpinalNet.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace SpinalNet.Onnx;

/// <summary>Writes one of the library's networks as an ONNX graph (docs/deployment.md §8.1).</summary>
public static class OnnxExport
{
    public const int Opset = 13;
    public const long IrVersion = 7;
    public const string InputName = "input", OutputName = "output", BatchDimension = "batch";

    /// <summary>The ONNX model of <paramref name="network"/> for samples of <paramref name="sampleShape"/>.</summary>
    public static ModelProto ToModel(nn.Module<Tensor, Tensor> network, long[] sampleShape,
        IReadOnlyDictionary<string, string>? metadata = null, string? description = null)
    {
        bool wasTraining = network.training;
        network.eval();
        try
        {
            long[] outputShape;
            // The spatial sizes into and out of each adaptive pool, for the averaging matrices.
            var pools = new Dictionary<nn.Module, (long[] In, long[] Out)>(ReferenceEqualityComparer.Instance);
            var hooks = network.modules().OfType<AdaptiveAvgPool2d>().Select(p => p.register_forward_hook(
                (m, input, output) =>
                {
                    pools[m] = (input.shape[2..], output.shape[2..]);
                    return output;
                })).ToList();
            try
            {
                using (no_grad())
                using (var sample = zeros([1, .. sampleShape]))
                using (var y = network.call(sample))
                    outputShape = y.shape[1..];
            }
            finally
            {
                foreach (var hook in hooks) hook.remove();
            }

            var stateDict = network.state_dict().ToDictionary(p => p.Key, p => p.Value);
            var builder = new OnnxGraphBuilder(network.GetName(), stateDict);
            builder.Fresh(InputName);
            var last = new ModuleTranslator(builder, pools).Emit(network, "", InputName);
            builder.Graph.Node.Add(new NodeProto
                { OpType = "Identity", Name = OutputName, Input = { last }, Output = { OutputName } });
            builder.AddRemainingWeights();
            builder.Graph.Input.Add(Value(InputName, sampleShape));
            builder.Graph.Output.Add(Value(OutputName, outputShape));

            var model = new ModelProto
            {
                IrVersion = IrVersion, ProducerName = "SpinalNet", Graph = builder.Graph,
                ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
                DocString = description ?? "",
            };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
            foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
                model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
            return model;
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    /// <summary>Writes the ONNX model of <paramref name="network"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(nn.Module<Tensor, Tensor> network, long[] sampleShape, string path,
        IReadOnlyDictionary<string, string>? metadata = null, string? description = null)
    {
        var bytes = ToModel(network, sampleShape, metadata, description).ToByteArray();
        AtomicFile.Write(path, temp => File.WriteAllBytes(temp, bytes));
    }

    /// <summary>A float tensor value [batch, dims...] with a symbolic batch dimension.</summary>
    static ValueInfoProto Value(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    /// <summary>Translates each module of the tree into the ONNX nodes that compute it.</summary>
    sealed class ModuleTranslator(OnnxGraphBuilder g, IReadOnlyDictionary<nn.Module, (long[] In, long[] Out)> pools)
    {
        /// <summary>Writes the nodes of <paramref name="module"/> (state-dict prefix <paramref name="path"/>) reading
        /// value <paramref name="x"/>; returns the name of its output.</summary>
        public string Emit(nn.Module module, string path, string x) => module switch
        {
            Identity or Dropout or Dropout2d => x,
            Sequential or ClassifierNetwork or FullyConnectedHead or ModuleList<nn.Module<Tensor, Tensor>> =>
                Chain(module, path, x),
            // The script's registered but unused layers are not part of the computation.
            RegressionNetwork => Chain(module, path, x, "net"),
            StandardisedRegression => g.Node("Add", path, [g.Node("Mul", path, [Emit(Child(module, "net"), path + "net.",
                g.Node("Div", path, [g.Node("Sub", path, [x, g.Weight(path + "feature_mean")]),
                    g.Weight(path + "feature_std")])), g.Weight(path + "target_std")]), g.Weight(path + "target_mean")]),
            Conv2d c => Conv(c, path, x),
            BatchNorm1d or BatchNorm2d => g.Node("BatchNormalization", path, [x, g.Weight(path + "weight"),
                g.Weight(path + "bias"), g.Weight(path + "running_mean"), g.Weight(path + "running_var")],
                Float("epsilon", ((BatchNorm)module).eps)),
            Linear l => g.Node("Gemm", path,
                l.bias is null ? [x, g.Weight(path + "weight")] : [x, g.Weight(path + "weight"), g.Weight(path + "bias")],
                Int("transB", 1)),
            MaxPool2d p => Pool(p, path, x),
            SpinalNet.Layers.MaxPool2x2 => g.Node("MaxPool", path, [x], Ints("kernel_shape", [2, 2]), Ints("strides", [2, 2])),
            ReLU => g.Node("Relu", path, [x]),
            Tanh => g.Node("Tanh", path, [x]),
            Sigmoid => g.Node("Sigmoid", path, [x]),
            LeakyReLU r => g.Node("LeakyRelu", path, [x], Float("alpha", r.negative_slope)),
            GELU { approximate: GELU.Approximate.none } => Gelu(path, x),
            Flatten { start_dim: 1, end_dim: -1 } => g.Node("Flatten", path, [x], Int("axis", 1)),
            LogSoftmax { dim: 1 or -1 } => g.Node("LogSoftmax", path, [x], Int("axis", 1)),
            ChannelsLastFlatten => g.Node("Flatten", path,
                [g.Node("Transpose", path, [x], Ints("perm", [0, 2, 3, 1]))], Int("axis", 1)),
            SpinalLayer s => Spinal(s, path, x),
            BasicBlock => g.Node("Add", path, [Chain(module, path, x, "conv1", "bn1", "relu", "conv2", "bn2"),
                Emit(Child(module, "downsample"), path + "downsample.", x)]),
            ImageNetBasicBlock => Residual(module, path, x, "conv1", "bn1", "relu", "conv2", "bn2"),
            Bottleneck => Residual(module, path, x, "conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3"),
            AdaptiveAvgPool2d => AdaptivePool(module, path, x),
            SiLU => g.Node("Mul", path, [x, g.Node("Sigmoid", path, [x])]),
            Hardswish => g.Node("Mul", path, [x, HardSigmoid(path, x)]),
            Hardsigmoid => HardSigmoid(path, x),
            AvgPool2d p => g.Node("AveragePool", path, [x], Ints("kernel_shape", p.kernel_size),
                Ints("strides", p.stride ?? p.kernel_size)),
            LayerNorm n => LayerNorm(path, x, -1, g.Weight(path + "weight"), g.Weight(path + "bias"), n.eps),
            Models.LayerNorm2d n => LayerNorm(path, x, 1, Channels(path, g.Weight(path + "weight")),
                Channels(path, g.Weight(path + "bias")), n.Eps),
            Models.Permute p => g.Node("Transpose", path, [x], Ints("perm", p.Order)),
            Models.StochasticDepth => x,
            Models.DenseNetBlock => module.named_children().Aggregate(x, (input, child) => g.Node("Concat", path,
                [input, Emit(child.module, $"{path}{child.name}.", input)], Int("axis", 1))),
            Models.InvertedResidual r => r.Residual
                ? g.Node("Add", path, [Chain(module, path, x, "block"), x])
                : Chain(module, path, x, "block"),
            Models.SqueezeExcitation => g.Node("Mul", path,
                [x, Chain(module, path, x, "avgpool", "fc1", "activation", "fc2", "scale_activation")]),
            Models.ConvNeXtBlock => g.Node("Add", path, [g.Node("Mul", path,
                [Tokens(Child(module, "block"), path + "block.", x), g.Weight(path + "layer_scale")]), x]),
            Models.VitBackbone => VitBackbone(module, path, x),
            Models.VitEncoder => Chain(module, path, g.Node("Add", path, [x, g.Weight(path + "pos_embedding")]),
                "layers", "ln"),
            Models.VitEncoderBlock => VitEncoderBlock(module, path, x),
            Models.SelfAttention a => SelfAttention(a, path, x),
            Models.Arch2Features => Arch2Features(module, path, x),
            Models.Arch2Head => Arch2Head(module, path, x),
            _ => throw new InvalidOperationException(
                $"ONNX export: module '{(path.Length == 0 ? "(root)" : path.TrimEnd('.'))}' is a {module.GetType().Name}, " +
                "which the ONNX writer does not know"),
        };

        /// <summary>The children (all, or those named) applied one after the other.</summary>
        string Chain(nn.Module module, string path, string x, params string[] only)
        {
            var children = only.Length == 0 ? module.named_children().ToList()
                : only.Select(name => (name, Child(module, name))).ToList();
            foreach (var (name, child) in children) x = Emit(child, $"{path}{name}.", x);
            return x;
        }

        static nn.Module Child(nn.Module module, string name) =>
            module.named_children().FirstOrDefault(c => c.name == name).module
            ?? throw new InvalidOperationException($"ONNX export: {module.GetType().Name} has no child '{name}'");

        string Conv(Conv2d c, string path, string x)
        {
            if (c.padding_mode != PaddingModes.Zeros || c.padding is null)
                throw new InvalidOperationException(
                    $"ONNX export: convolution '{path.TrimEnd('.')}' pads with {c.padding_mode}; only explicit zero " +
                    "padding is written");
            var inputs = new List<string> { x, g.Weight(path + "weight") };
            if (c.bias is not null) inputs.Add(g.Weight(path + "bias"));
            return g.Node("Conv", path, inputs, Ints("kernel_shape", c.kernel_size), Ints("strides", c.stride),
                Ints("pads", [.. c.padding, .. c.padding]), Ints("dilations", c.dilation), Int("group", c.groups));
        }

        string Pool(MaxPool2d p, string path, string x)
        {
            var padding = p.padding ?? [0, 0];
            return g.Node("MaxPool", path, [x], Ints("kernel_shape", p.kernel_size),
                Ints("strides", p.stride ?? p.kernel_size), Ints("pads", [.. padding, .. padding]),
                Ints("dilations", p.dilation ?? [1, 1]), Int("ceil_mode", p.ceil_mode ? 1 : 0));
        }

        /// <summary>torchvision's residual blocks: ReLU(the chain + the shortcut).</summary>
        string Residual(nn.Module module, string path, string x, params string[] chain) => g.Node("Relu", path,
            [g.Node("Add", path, [Chain(module, path, x, chain), Emit(Child(module, "downsample"), path + "downsample.", x)])]);

        /// <summary>Output bin i of n over m inputs averages inputs ⌊i·m/n⌋ … ⌈(i+1)·m/n⌉ − 1, PyTorch's rule, as
        /// out = P_h · x · P_wᵀ.</summary>
        string AdaptivePool(nn.Module module, string path, string x)
        {
            var (input, output) = pools.TryGetValue(module, out var sizes) ? sizes
                : throw new InvalidOperationException($"ONNX export: adaptive pool '{path.TrimEnd('.')}' did not run");
            if (output[0] == 1 && output[1] == 1) return g.Node("GlobalAveragePool", path, [x]);
            var rows = g.Node("MatMul", path, [g.Constant(path, Averaging(input[0], output[0]), [output[0], input[0]]), x]);
            return g.Node("MatMul", path, [rows, g.Constant(path, Transposed(Averaging(input[1], output[1]), output[1],
                input[1]), [input[1], output[1]])]);
        }

        static float[] Averaging(long m, long n)
        {
            var p = new float[n * m];
            for (long i = 0; i < n; i++)
            {
                long start = i * m / n, end = ((i + 1) * m + n - 1) / n;
                for (long j = start; j < end; j++) p[i * m + j] = 1f / (end - start);
            }
            return p;
        }

        static float[] Transposed(float[] p, long rows, long columns)
        {
            var t = new float[p.Length];
            for (long i = 0; i < rows; i++)
                for (long j = 0; j < columns; j++) t[j * rows + i] = p[i * columns + j];
            return t;
        }

        /// <summary>GELU(x) = x · ½ · (1 + erf(x / √2)); opset 13 has no Gelu.</summary>
        string Gelu(string path, string x)
        {
            var erf = g.Node("Erf", path, [g.Node("Div", path, [x, g.Constant(path, MathF.Sqrt(2))])]);
            var half = g.Node("Mul", path, [x, g.Constant(path, 0.5f)]);
            return g.Node("Mul", path, [half, g.Node("Add", path, [erf, g.Constant(path, 1f)])]);
        }

        /// <summary>docs/spinal-layer.md §1.2: layer i reads split i (Slice where contiguous, Gather where it wraps
        /// round) and, from layer 1 on, the previous layer's output after it; the output layer reads them all.</summary>
        string Spinal(SpinalLayer spinal, string path, string x)
        {
            var config = spinal.Config;
            var blocks = Child(spinal, "layers").named_children().ToList();
            int s = config.SplitWidth;
            var hidden = new string[config.Layers];
            for (int i = 0; i < config.Layers; i++)
            {
                int start = config.InputIndex(i, 0);
                var split = start + s <= config.InputWidth
                    ? Slice(path, x, start, start + s)
                    : g.Node("Gather", path, [x, g.Constant(path, Enumerable.Range(0, s)
                        .Select(j => (long)config.InputIndex(i, j)).ToArray())], Int("axis", 1));
                var input = i == 0 ? split : g.Node("Concat", path, [split, hidden[i - 1]], Int("axis", 1));
                var (name, block) = blocks[config.BlockOfLayer[i]];
                hidden[i] = Emit(block, $"{path}layers.{name}.", input);
            }
            return Emit(Child(spinal, "output"), path + "output.", g.Node("Concat", path, hidden, Int("axis", 1)));
        }

        string Slice(string path, string x, long start, long end, long axis = 1) =>
            g.Node("Slice", path, [x, g.Constant(path, start), g.Constant(path, end), g.Constant(path, axis)]);

        /// <summary>PyTorch's Hardsigmoid, ReLU6(x + 3) / 6 = clip(x / 6 + ½, 0, 1).</summary>
        string HardSigmoid(string path, string x) =>
            g.Node("HardSigmoid", path, [x], Float("alpha", 1.0 / 6), Float("beta", 0.5));

        /// <summary>A per-channel vector as [C, 1, 1], to scale [N, C, H, W].</summary>
        string Channels(string path, string vector) => g.Node("Reshape", path, [vector, g.Constant(path, -1, 1, 1)]);

        /// <summary>Layer norm over one axis (opset 13 has no LayerNormalization): (x − mean) / √(var + eps) · γ + β,
        /// the variance biased, as PyTorch's.</summary>
        string LayerNorm(string path, string x, long axis, string weight, string bias, double eps)
        {
            var centred = g.Node("Sub", path, [x, g.Node("ReduceMean", path, [x], Ints("axes", [axis]))]);
            var variance = g.Node("ReduceMean", path, [g.Node("Mul", path, [centred, centred])], Ints("axes", [axis]));
            var normed = g.Node("Div", path,
                [centred, g.Node("Sqrt", path, [g.Node("Add", path, [variance, g.Constant(path, (float)eps)])])]);
            return g.Node("Add", path, [g.Node("Mul", path, [normed, weight]), bias]);
        }

        /// <summary>A Linear map on the last axis of a tensor of any rank (Gemm takes matrices only): x · Wᵀ + b.</summary>
        string LinearLastAxis(string path, string x) => g.Node("Add", path, [g.Node("MatMul", path,
            [x, g.Node("Transpose", path, [g.Weight(path + "weight")], Ints("perm", [1, 0]))]), g.Weight(path + "bias")]);

        /// <summary>A chain whose Linear maps act on tokens or channels-last pixels (ConvNeXt's block, ViT's MLP).</summary>
        string Tokens(nn.Module module, string path, string x)
        {
            foreach (var (name, child) in module.named_children())
                x = child is Linear ? LinearLastAxis($"{path}{name}.", x) : Emit(child, $"{path}{name}.", x);
            return x;
        }

        /// <summary>conv_proj's patches as tokens [N, T, D] after the class token, then the encoder; the class
        /// token's features out.</summary>
        string VitBackbone(nn.Module module, string path, string x)
        {
            var patches = g.Node("Transpose", path, [g.Node("Reshape", path,
                [Emit(Child(module, "conv_proj"), path + "conv_proj.", x), g.Constant(path, 0, 0, -1)])],
                Ints("perm", [0, 2, 1]));
            var width = g.Node("Shape", path, [g.Weight(path + "class_token")]);
            var shape = g.Node("Concat", path, [Slice(path, g.Node("Shape", path, [patches]), 0, 1, axis: 0),
                g.Constant(path, 1), Slice(path, width, 2, 3, axis: 0)], Int("axis", 0));
            var tokens = g.Node("Concat", path,
                [g.Node("Expand", path, [g.Weight(path + "class_token"), shape]), patches], Int("axis", 1));
            var encoded = Emit(Child(module, "encoder"), path + "encoder.", tokens);
            return g.Node("Flatten", path, [Slice(path, encoded, 0, 1)], Int("axis", 1));
        }

        string VitEncoderBlock(nn.Module module, string path, string x)
        {
            var attended = g.Node("Add", path, [Chain(module, path, x, "ln_1", "self_attention"), x]);
            return g.Node("Add", path, [Tokens(Child(module, "mlp"), path + "mlp.",
                Emit(Child(module, "ln_2"), path + "ln_2.", attended)), attended]);
        }

        /// <summary>Multi-head self-attention: queries, keys and values from the rows of in_proj, per head
        /// softmax(q·kᵀ / √d) · v, the heads side by side, then out_proj.</summary>
        string SelfAttention(Models.SelfAttention attention, string path, string x)
        {
            long width = attention.Width, heads = attention.Heads, side = width / heads;
            string Projection(int part, long[] perm)
            {
                var weight = Slice(path, g.Weight(path + "in_proj_weight"), part * width, (part + 1) * width, axis: 0);
                var bias = Slice(path, g.Weight(path + "in_proj_bias"), part * width, (part + 1) * width, axis: 0);
                var projected = g.Node("Add", path,
                    [g.Node("MatMul", path, [x, g.Node("Transpose", path, [weight], Ints("perm", [1, 0]))]), bias]);
                return g.Node("Transpose", path,
                    [g.Node("Reshape", path, [projected, g.Constant(path, 0, 0, heads, side)])], Ints("perm", perm));
            }
            var scores = g.Node("Mul", path, [g.Node("MatMul", path, [Projection(0, [0, 2, 1, 3]),
                Projection(1, [0, 2, 3, 1])]), g.Constant(path, (float)(1 / Math.Sqrt(side)))]);
            var weighted = g.Node("MatMul", path,
                [g.Node("Softmax", path, [scores], Int("axis", -1)), Projection(2, [0, 2, 1, 3])]);
            var merged = g.Node("Reshape", path, [g.Node("Transpose", path, [weighted], Ints("perm", [0, 2, 1, 3])),
                g.Constant(path, 0, 0, width)]);
            return LinearLastAxis(path + "out_proj.", merged);
        }

        /// <summary>Raw pixels, conv1's and conv2's activations, flattened side by side (docs/networks.md §2.2).</summary>
        string Arch2Features(nn.Module module, string path, string x)
        {
            var first = Chain(module, path, x, "conv1", "pool1", "act1");
            var second = Chain(module, path, first, "conv2", "drop2", "pool2", "act2");
            return g.Node("Concat", path, new[] { x, first, second }
                .Select(v => g.Node("Flatten", path, [v], Int("axis", 1))), Int("axis", 1));
        }

        /// <summary>Three Spinal stacks over consecutive parts of the features, then hidden → output.</summary>
        string Arch2Head(nn.Module module, string path, string x)
        {
            var stacks = Child(module, "stacks").named_children().ToList();
            long offset = 0;
            var outputs = new List<string>();
            foreach (var (name, stack) in stacks)
            {
                long width = ((SpinalLayer)stack).Config.InputWidth;
                outputs.Add(Emit(stack, $"{path}stacks.{name}.", Slice(path, x, offset, offset + width)));
                offset += width;
            }
            return Chain(module, path, g.Node("Concat", path, outputs, Int("axis", 1)), "hidden", "output");
        }
    }
}
