// The torchvision-named ImageNet networks (docs/transfer.md §11): parameter counts and backbone state-dict keys equal
// torchvision's (numbers and key digests computed once with torchvision 0.14 on the meta device), the paper's transfer
// heads counted exactly, every backbone × head variant runs on a tiny input, and the key map gives torchvision's names
// for the backbone and the authors' for the head.
using System.Security.Cryptography;
using System.Text;
using SpinalNet.Cost;
using SpinalNet.Interop;
using SpinalNet.Layers;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class ImageNetNetworkTests
{
    /// <summary>torchvision's parameter count with a 10-way head, and its backbone's state-dict keys (all but `fc.*` /
    /// `classifier.*`): how many, and the first 16 hex digits of the SHA-256 of the "key:shape\n" lines in code-point
    /// order (TorchSharp lists buffers after all parameters, PyTorch module by module).</summary>
    public static TheoryData<string, long, int, string> Torchvision => new()
    {
        { "resnet18", 11_181_642, 120, "359ab013522b2465" },
        { "resnet18-cntk", 15_902_282, 132, "cb456be118a76312" },
        { "resnet34", 21_289_802, 216, "c252742ca1d5d3e6" },
        { "resnet50", 23_528_522, 318, "cfdfe54ea4e1db31" },
        { "resnet101", 42_520_650, 624, "5ca59ac150bb1470" },
        { "resnet152", 58_164_298, 930, "0475a53103d8312f" },
        { "wide_resnet50_2", 66_854_730, 318, "83ede5893f8116ae" },
        { "wide_resnet101_2", 124_858_186, 624, "59810ce28d049dc5" },
        { "resnext50_32x4d", 23_000_394, 318, "0e276b55f6475793" },
        { "vgg16_bn", 134_309_962, 91, "f29486b495678d83" },
        { "vgg19_bn", 139_622_218, 112, "5edd76968e6e89fa" },
        { "alexnet", 57_044_810, 10, "4244d66373f6f701" },
        { "densenet121", 6_964_106, 725, "7df3d3eb0796aab6" },
        { "densenet169", 12_501_130, 1013, "a1f04bf2c4d4918a" },
        { "densenet201", 18_112_138, 1205, "544cb72833c703c6" },
        { "efficientnet_b0", 4_020_358, 358, "601641cd20013ae4" },
        { "efficientnet_b1", 6_525_994, 506, "03bb8eead82360f9" },
        { "efficientnet_b2", 7_715_084, 506, "26a98c41dc32315b" },
        { "efficientnet_b3", 10_711_602, 572, "992a33788a4e5c01" },
        { "mobilenet_v3_large", 4_214_842, 308, "295bfda3acb8b2e6" },
        { "mobilenet_v3_small", 1_528_106, 240, "9c1c3ac898869b7b" },
        { "convnext_tiny", 27_827_818, 180, "9e405f81489539ae" },
        { "convnext_small", 49_462_378, 342, "31958375b5750349" },
        { "convnext_base", 87_576_714, 342, "84fa402e0e8cf5d8" },
        { "vit_b_16", 85_806_346, 150, "06a4f734e108928f" },
        { "vit_b_32", 87_462_922, 150, "b8368d79dd3692e6" },
        { "vit_l_16", 303_311_882, 294, "dd9fbfbf93ff1158" },
        { "swin_t", 27_527_044, 183, "a3984b2ee81aa32d" },
        { "swin_s", 48_844_948, 351, "3737bf2abb15fa21" },
        { "swin_b", 86_753_474, 351, "9b2a57e2d36fda2a" },
    };

    [Theory]
    [MemberData(nameof(Torchvision))]
    public void Conventional_network_matches_torchvision(string name, long parameters, int backboneKeys, string digest)
    {
        var spec = ModelCatalog.Get(name);
        Assert.Equal(parameters, spec.Network(HeadKind.Fc).CountParameters());
        var (count, sha) = spec.Network(HeadKind.Fc).OnMeta(network =>
        {
            var keys = spec.Network(HeadKind.Fc).AuthorsKeys;
            var lines = network.state_dict().Where(p => p.Key.StartsWith("backbone."))
                .Select(p => $"{keys.Theirs(p.Key)}:{string.Join(",", p.Value.shape)}\n").Order(StringComparer.Ordinal).ToList();
            return (lines.Count, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(lines))))[..16]);
        });
        Assert.Equal(backboneKeys, count);
        Assert.Equal(digest, sha);
    }

    /// <summary>The heads the paper trains, counted as PyTorch counts their modules.</summary>
    public static TheoryData<string, long> PaperHeads => new()
    {
        // STL-10: wide_resnet101_2 + SpinalNet_VGG w = 512 (dropout 0.5, BN), 10 classes.
        { "wide_resnet101_2", 127_747_914 },
        // MNIST transfer: vgg19_bn, the whole classifier a SpinalNet_VGG w = 1024, 10 classes.
        { "vgg19_bn", 74_614_602 },
        // 10 Monkey: AlexNet + SpinalNet_ResNet w = 20 on 9,216 features: 2,469,696 + 4608·20+20 + 3·(4628·20+20) + 80·10+10.
        { "alexnet", 2_469_696 + 92_180 + 3 * 92_580 + 810 },
        // The demonstration's resnet18-cntk head: w = 128 on 512 features.
        { "resnet18-cntk", 15_897_152 + 32_896 + 3 * 49_280 + 5_130 },
    };

    [Theory]
    [MemberData(nameof(PaperHeads))]
    public void Spinal_network_has_the_papers_parameter_count(string name, long parameters) =>
        Assert.Equal(parameters, ModelCatalog.Get(name).Network().CountParameters());

    [Fact]
    public void Spinal_head_options_change_the_count_as_the_modules_do()
    {
        var spec = ModelCatalog.Get("wide_resnet101_2");
        const long backbone = 124_837_696;
        // Without batch norm: 4 × 2·512 fewer; the authors' SpinalNet_ResNet w = 20 (CIFAR-10, CINIC-10).
        Assert.Equal(127_747_914 - 4 * 1024, spec.With(HeadKind.Spinal, s => s with { BatchNorm = false }).CountParameters());
        Assert.Equal(backbone + (1024 * 20 + 20) + 3 * (1044 * 20 + 20) + (80 * 10 + 10),
            spec.With(HeadKind.Spinal, s => s with { Width = 20, Dropout = 0, BatchNorm = false }).CountParameters());
        // Shared weights (SpinalNet SW, k = 8, w = 20, L = 8): layer 1 reads 256, layers 2..8 share one 276 → 20 map.
        Assert.Equal(backbone + (256 * 20 + 20) + (276 * 20 + 20) + (160 * 10 + 10),
            spec.With(HeadKind.Spinal, s => s with
            {
                Width = 20, Layers = 8, Splits = 8, Dropout = 0, BatchNorm = false, SharedWeights = true,
            }).CountParameters());
    }

    /// <summary>Every backbone with each head, on a tiny batch: logits of the right shape, finite.</summary>
    public static TheoryData<string, int> TinyInputs => new()
    {
        { "resnet18", 32 }, { "resnet18-cntk", 32 }, { "resnet34", 32 }, { "resnet50", 32 }, { "resnet101", 32 },
        { "resnet152", 32 }, { "wide_resnet50_2", 32 }, { "wide_resnet101_2", 32 }, { "resnext50_32x4d", 32 },
        { "vgg16_bn", 32 }, { "vgg19_bn", 32 }, { "alexnet", 64 },
    };

    [Theory]
    [MemberData(nameof(TinyInputs))]
    public void Backbone_with_each_head_runs_on_a_tiny_input(string name, int side)
    {
        var spec = ModelCatalog.Get(name);
        foreach (var head in new[] { HeadKind.Spinal, HeadKind.Fc })
        {
            using var scope = torch.NewDisposeScope();
            using var network = spec.Create(head, seed: 0, classes: 3);
            network.train();
            var logits = network.call(torch.randn(2, 3, side, side));
            Assert.Equal([2L, 3], logits.shape);
            Assert.True(logits.isfinite().all().item<bool>(), $"{name} {head.Id()}");
        }
    }

    /// <summary>The head variants the authors use, on resnet18's 512 features: plain (Linear + ReLU), dropout + batch
    /// norm, k = 3, shared weights, LeakyReLU, L = 6; each head's cost traced exactly.</summary>
    [Fact]
    public void Head_variants_run_and_cost_what_their_layers_do()
    {
        var spec = ModelCatalog.Get("resnet18");
        SpinalSettings[] variants =
        [
            spec.Spinal with { Width = 5, Layers = 6, Activation = Activation.LeakyRelu },
            spec.Spinal with { Width = 64, Dropout = 0.5, BatchNorm = true },
            spec.Spinal with { Width = 16, Splits = 3 },
            spec.Spinal with { Width = 16, Layers = 8, Splits = 8, SharedWeights = true },
        ];
        foreach (var v in variants)
        {
            using var scope = torch.NewDisposeScope();
            using var network = spec.With(HeadKind.Spinal, _ => v, classes: 2).Create(0);
            Assert.Equal([2L, 2], network.call(torch.randn(2, 3, 32, 32)).shape);
            var config = v.For(512, 2);
            var head = CostReport.Measure(network, 3, 32, 32).Part("head");
            long s = config.SplitWidth, w = config.Width, layers = config.Layers;
            long distinct = config.BlockOfLayer.Distinct().Count();
            long norm = config.BatchNorm ? 2 * w * distinct : 0;
            long expected = (s * w + w) + (distinct - 1) * ((s + w) * w + w) + norm + layers * w * 2 + 2;
            Assert.Equal(expected, head.Parameters);
            Assert.Equal(s * w + (layers - 1) * (s + w) * w + layers * w * 2, head.Multiplications);
        }
    }

    [Fact]
    public void Key_map_gives_the_authors_head_names_where_they_attach_it()
    {
        Assert.Equal(
            ["fc.fc_spinal_layer1.0.weight", "fc.fc_spinal_layer1.0.bias", "fc.fc_out.0.weight"],
            TheirKeys("resnet18-cntk", HeadKind.Spinal, s => s, "head.layers.0.linear.weight",
                "head.layers.0.linear.bias", "head.output.linear.weight"));
        Assert.Equal(
            ["classifier.fc_spinal_layer4.1.weight", "classifier.fc_spinal_layer2.2.running_var",
                "classifier.fc_out.1.bias", "features.0.weight"],
            TheirKeys("vgg19_bn", HeadKind.Spinal, s => s, "head.layers.3.linear.weight",
                "head.layers.1.norm.running_var", "head.output.linear.bias", "backbone.features.0.weight"));
        Assert.Equal(["fc.fc_spinal_layer1.1.weight", "fc.fc_spinal_layer1.2.weight"],
            TheirKeys("resnet50", HeadKind.Spinal, s => s with { Dropout = 0.5, BatchNorm = true }, "head.layers.0.linear.weight",
                "head.layers.0.norm.weight"));
        Assert.Equal(["fc.weight", "classifier.6.bias", "classifier.1.weight"],
            [.. TheirKeys("resnet152", HeadKind.Fc, s => s, "head.output.linear.weight"),
                .. TheirKeys("vgg16_bn", HeadKind.Fc, s => s, "head.output.linear.bias"),
                .. TheirKeys("alexnet", HeadKind.Fc, s => s, "head.layers.0.linear.weight")]);
    }

    /// <summary>Export under torchvision's and the authors' names, then import into a network from another seed: every
    /// tensor of the state dict comes back bit-identical, for each format and head variant (the networks up to
    /// 25M parameters; the others have the same module kinds).</summary>
    [Theory]
    [InlineData("resnet18", HeadKind.Spinal, "plain")]
    [InlineData("resnet18", HeadKind.Spinal, "vgg-variant")]
    [InlineData("resnet18", HeadKind.Spinal, "shared-leaky-k3")]
    [InlineData("resnet18-cntk", HeadKind.Fc, "plain")]
    [InlineData("alexnet", HeadKind.Spinal, "plain")]
    [InlineData("resnext50_32x4d", HeadKind.Spinal, "vgg-variant")]
    public void Export_and_import_round_trip_bit_identically(string name, HeadKind head, string variant)
    {
        var spec = ModelCatalog.Get(name);
        var spinal = variant switch
        {
            "vgg-variant" => spec.Spinal with { Width = 16, Dropout = 0.5, BatchNorm = true },
            "shared-leaky-k3" => spec.Spinal with
            {
                Width = 8, Layers = 5, Splits = 3, Activation = Activation.LeakyRelu, SharedWeights = true,
            },
            _ => spec.Spinal with { Width = 16 },
        };
        var network = spec.With(head, _ => spinal, classes: 4);
        using var temp = new TempFolder();
        using var original = network.Create(1);
        using (var noGrad = torch.no_grad())
            foreach (var bn in original.modules().OfType<TorchSharp.Modules.BatchNorm>())
                bn.running_mean!.normal_();
        foreach (var format in new[] { WeightsFormat.Pt, WeightsFormat.Safetensors })
        {
            var path = Path.Combine(temp.Path, $"export.{format.ToString().ToLowerInvariant()}");
            AuthorsWeights.Save(network, original, path, format);
            using var copy = network.Create(2);
            AuthorsWeights.Load(network, copy, path);
            var theirs = copy.state_dict();
            foreach (var (key, value) in original.state_dict())
                Assert.True(value.equal(theirs[key]).all().item<bool>(), $"{name} {variant} {format}: {key} differs");
        }
    }

    static string[] TheirKeys(string model, HeadKind head, Func<SpinalSettings, SpinalSettings> spinal,
        params string[] ours)
    {
        var keys = ModelCatalog.Get(model).With(head, spinal).AuthorsKeys;
        return ours.Select(k => keys.Theirs(k) ?? "(none)").ToArray();
    }
}
