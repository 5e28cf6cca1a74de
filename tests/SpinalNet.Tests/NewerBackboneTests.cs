// The newer torchvision backbones (docs/transfer.md §11.4): DenseNet, EfficientNet, MobileNetV3, ConvNeXt and ViT. Their
// parameter counts and key digests are pinned with the older ones in ImageNetNetworkTests; here every one takes a
// Spinal head and trains a step at a tiny size (ViT at its 224 px), each head variant counts as its modules do, the
// key map names the head where torchvision has it, the cost report counts the new layers by the stated conventions,
// and the image size is checked against what each backbone takes.
using SpinalNet.Cost;
using SpinalNet.Interop;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Onnx;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class NewerBackboneTests
{
    /// <summary>One network of each family with the side it trains at here (ViT at its 224 px); the other variants
    /// are the same modules from the same tables, counted exactly in ImageNetNetworkTests and run against torchvision
    /// in TorchvisionParityTests (the suite's time on 2 cores is the limit).</summary>
    public static TheoryData<string, int> Trainable => new()
    {
        { "densenet121", 32 }, { "efficientnet_b0", 32 }, { "mobilenet_v3_small", 32 }, { "mobilenet_v3_large", 32 },
        { "convnext_tiny", 32 }, { "swin_t", 32 }, { "vit_b_32", 224 },
    };

    [Theory]
    [MemberData(nameof(Trainable))]
    public void Spinal_head_trains_a_step_and_the_conventional_head_runs(string name, int side)
    {
        var spec = ModelCatalog.Get(name);
        using var scope = NewDisposeScope();
        var x = randn(2, 3, side, side);
        using (var network = spec.Create(HeadKind.Spinal, seed: 0, classes: 3))
        {
            network.train();
            using var optimizer = optim.SGD(network.parameters(), 0.01);
            var before = network.Head.parameters().First().clone();
            var loss = network.Loss(network.call(x), tensor(new long[] { 0, 2 }), nn.Reduction.Mean);
            loss.backward();
            optimizer.step();
            Assert.True(loss.isfinite().item<bool>(), name);
            Assert.False(before.equal(network.Head.parameters().First()).all().item<bool>(), $"{name}: the head did not move");
            Assert.True(network.Backbone.parameters().All(p => p.grad is not null), $"{name}: a backbone weight got no gradient");
        }
        using var conventional = spec.Create(HeadKind.Fc, seed: 0, classes: 3);
        conventional.eval();
        using var noGrad = no_grad();
        var logits = conventional.call(x);
        Assert.Equal([2L, 3], logits.shape);
        Assert.True(logits.isfinite().all().item<bool>(), name);
    }

    /// <summary>The Spinal head replaces torchvision's head at the pooled features: its parameters are the Spinal
    /// layer's on those features, for every variant (plain, dropout + batch norm, k = 3, shared weights).</summary>
    [Theory]
    [InlineData("densenet121", 1024)]
    [InlineData("efficientnet_b0", 1280)]
    [InlineData("mobilenet_v3_large", 960)]
    [InlineData("convnext_tiny", 768)]
    [InlineData("vit_b_16", 768)]
    [InlineData("swin_t", 768)]
    public void Spinal_head_variants_count_as_their_modules(string name, int features)
    {
        var spec = ModelCatalog.Get(name);
        long conventional = spec.Network(HeadKind.Fc).CountParameters();
        long ownHead = name switch
        {
            "mobilenet_v3_large" => 960 * 1280 + 1280 + 1280 * 10 + 10,
            _ => features * 10 + 10,
        };
        long backbone = conventional - ownHead;
        foreach (var settings in new[]
                 {
                     spec.Spinal, spec.Spinal with { Width = 64, Dropout = 0.5, BatchNorm = true },
                     spec.Spinal with { Width = 16, Splits = 3 },
                     spec.Spinal with { Width = 16, Layers = 8, Splits = 8, SharedWeights = true },
                 })
        {
            var config = settings.For(features, 10);
            long s = config.SplitWidth, w = config.Width;
            long distinct = config.BlockOfLayer.Distinct().Count();
            long head = (s * w + w) + (distinct - 1) * ((s + w) * w + w) + (config.BatchNorm ? 2 * w * distinct : 0)
                        + config.Layers * w * 10 + 10;
            Assert.Equal(backbone + head, spec.With(HeadKind.Spinal, _ => settings).CountParameters());
        }
    }

    /// <summary>torchvision's names for the head: the conventional head where torchvision has its classifier, the
    /// authors' Spinal modules under the attribute it replaces.</summary>
    [Fact]
    public void Key_map_names_the_heads_where_torchvision_has_them()
    {
        string Theirs(string model, HeadKind head, string ours) =>
            ModelCatalog.Get(model).Network(head).AuthorsKeys.Theirs(ours) ?? "(none)";
        Assert.Equal("classifier.weight", Theirs("densenet121", HeadKind.Fc, "head.output.linear.weight"));
        Assert.Equal("classifier.1.bias", Theirs("efficientnet_b2", HeadKind.Fc, "head.output.linear.bias"));
        Assert.Equal("classifier.0.weight", Theirs("mobilenet_v3_small", HeadKind.Fc, "head.layers.0.linear.weight"));
        Assert.Equal("classifier.3.weight", Theirs("mobilenet_v3_small", HeadKind.Fc, "head.output.linear.weight"));
        Assert.Equal("classifier.2.weight", Theirs("convnext_tiny", HeadKind.Fc, "head.output.linear.weight"));
        Assert.Equal("classifier.0.weight", Theirs("convnext_tiny", HeadKind.Fc, "backbone.classifier.0.weight"));
        Assert.Equal("heads.head.weight", Theirs("vit_b_16", HeadKind.Fc, "head.output.linear.weight"));
        Assert.Equal("heads.fc_spinal_layer1.0.weight", Theirs("vit_b_16", HeadKind.Spinal, "head.layers.0.linear.weight"));
        Assert.Equal("class_token", Theirs("vit_b_16", HeadKind.Spinal, "backbone.class_token"));
        Assert.Equal("classifier.2.fc_out.0.bias", Theirs("convnext_small", HeadKind.Spinal, "head.output.linear.bias"));
    }

    /// <summary>The cost report on the new layers: a depthwise convolution costs k² per output element, squeeze-excitation
    /// its two 1×1 convolutions plus one per gated element, self-attention 3·D² per token for the projection and 2·T²·D
    /// for its two products, out_proj D² per token.</summary>
    [Fact]
    public void Cost_report_counts_grouped_convolutions_excitation_and_attention()
    {
        using (var depthwise = ImageNetBlocks.ConvNormActivation(8, 8, 3, groups: 8))
            Assert.Equal(8L * 5 * 5 * 9, CostReport.Measure(depthwise, 8, 5, 5).Multiplications);
        // The report traces named modules, so each block goes in as a child.
        using (var se = nn.Sequential(("se", new SqueezeExcitation(8, 2, () => nn.ReLU(), () => nn.Sigmoid()))))
            Assert.Equal(8L * 2 + 2 * 8 + 8 * 4 * 4, CostReport.Measure(se, 8, 4, 4).Multiplications);
        using (var attention = nn.Sequential(("attention", new SelfAttention(8, 2))))
            Assert.Equal(5L * 3 * 64 + 2 * 25 * 8 + 5 * 64, CostReport.Measure(attention, 5, 8).Multiplications);
    }

    /// <summary>The convolutional backbones take small images down to their smallest size; ViT takes 224 px only.</summary>
    [Fact]
    public void Image_size_is_checked_against_what_each_backbone_takes()
    {
        (ModelCatalog.Get("mobilenet_v3_small").Network() with { ImageSize = 32 }).CheckImageSize();
        (ModelCatalog.Get("vit_b_32").Network() with { ImageSize = 224 }).CheckImageSize();
        var e = Assert.Throws<SettingException>(() =>
            (ModelCatalog.Get("vit_b_32").Network() with { ImageSize = 96 }).CheckImageSize());
        Assert.Contains("224", e.Message);
    }

    /// <summary>torchvision's published DenseNet and ViT files use older names (`denselayer1.norm.1`, `mlp.linear_1`),
    /// which torchvision renames when it loads them; so does the strict loader. A state dict under the old names fills
    /// the backbone exactly.</summary>
    [Fact]
    public void Older_torchvision_names_load_strictly()
    {
        Assert.Equal("features.denseblock1.denselayer1.norm1.weight",
            PretrainedWeights.CurrentName("features.denseblock1.denselayer1.norm.1.weight"));
        Assert.Equal("encoder.layers.encoder_layer_0.mlp.3.bias",
            PretrainedWeights.CurrentName("encoder.layers.encoder_layer_0.mlp.linear_2.bias"));
        var spec = ModelCatalog.Get("densenet121");
        using var scope = NewDisposeScope();
        using var source = spec.Create(HeadKind.Fc, seed: 1);
        var keys = spec.Network(HeadKind.Fc).AuthorsKeys;
        var old = source.state_dict().ToDictionary(
            p => System.Text.RegularExpressions.Regex.Replace(keys.Theirs(p.Key)!, @"(denselayer\d+\.(norm|conv))([12])\.", "$1.$3."),
            p => p.Value);
        Assert.Contains("features.denseblock1.denselayer1.conv.2.weight", old.Keys);
        using var target = spec.Create(HeadKind.Spinal, seed: 2);
        PretrainedWeights.LoadBackbone(target, spec, old, "old names");
        var loaded = target.Backbone.state_dict();
        foreach (var (key, value) in source.Backbone.state_dict())
            Assert.True(value.equal(loaded[key]).all().item<bool>(), key);
    }

    /// <summary>`spinalnet models` traces each ImageNet backbone once and the second head alone on its features: the
    /// same report, layer by layer, as a trace of the whole network.</summary>
    [Fact]
    public void Cost_from_the_backbone_once_equals_the_whole_trace()
    {
        var spec = ModelCatalog.Get("mobilenet_v3_small");
        var spinal = spec.Network(HeadKind.Spinal);
        using var first = spinal.Create(0);
        var backbone = CostReport.Measure(first, 3, 64, 64).Part("backbone");
        foreach (var head in new[] { HeadKind.Spinal, HeadKind.Fc })
        {
            var network = spec.Network(head);
            using var whole = network.Create(0);
            var expected = CostReport.Measure(whole, 3, 64, 64);
            var composed = SpinalNet.Runs.NetworkCosts.WithBackbone(network, backbone);
            Assert.Equal(expected.Layers.Select(l => (l.Name, l.Parameters, l.Multiplications)),
                composed.Layers.Select(l => (l.Name, l.Parameters, l.Multiplications)));
        }
    }

    /// <summary>Swin's shifted windows (cyclic roll, padding, region masks) have no ONNX translation yet: the export
    /// names the first module it cannot write.</summary>
    [Fact]
    public void Swin_export_to_onnx_names_the_module_it_cannot_write()
    {
        using var model = ModelCatalog.Get("swin_t").Create(HeadKind.Fc, 0, classes: 3);
        var e = Assert.Throws<InvalidOperationException>(() => OnnxExport.ToModel(model, [3, 32, 32]));
        Assert.Contains("backbone.features.1.0", e.Message);
        Assert.Contains("SwinBlock", e.Message);
    }

    /// <summary>Every newer architecture has torchvision's IMAGENET1K_V1 file for `weights download`.</summary>
    [Fact]
    public void Each_newer_architecture_has_torchvisions_weights_file()
    {
        foreach (var name in ImageNetNetworks.Newer)
        {
            var file = PretrainedWeights.Torchvision.Single(f => f.Architecture == name);
            Assert.StartsWith(name, file.Name);
            Assert.Matches("^[0-9a-f]{8}$", file.Sha256Prefix);
        }
    }
}
