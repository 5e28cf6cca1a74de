// Whole-network parameter counts as PyTorch counts them (trainable parameters), pinned to the numbers of
// docs/spinal-layer.md §1.4, §1.5 and docs/networks.md §2, for every network of the catalog and both heads.
using SpinalNet.Cost;
using SpinalNet.Layers;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class ModelsParameterCountTests
{
    public static TheoryData<string, HeadKind, long> PaperCounts => new()
    {
        { "mnist-cnn", HeadKind.Fc, 21_840 },
        { "mnist-cnn", HeadKind.Spinal, 13_818 },
        { "emnist-digits-cnn", HeadKind.Spinal, 16_050 },
        { "arch2-mnist", HeadKind.Spinal, 395_120 },
        { "arch2-kmnist", HeadKind.Spinal, 5_280 + 672_360 },
        { "arch2-fashion", HeadKind.Spinal, 5_761_640 },
        { "arch2-mnist", HeadKind.Fc, 21_840 },
        { "vgg5", HeadKind.Fc, 3_646_154 },
        { "vgg5", HeadKind.Spinal, 3_629_770 },
        { "vgg5-emnist-letters", HeadKind.Fc, 3_672_830 },
        { "vgg5-emnist-letters", HeadKind.Spinal, 3_656_446 },
        { "cifar10-cnn", HeadKind.Fc, 5_852_170 },
        { "cifar10-cnn", HeadKind.Spinal, 2_230_282 },
        { "cifar100-cnn", HeadKind.Fc, 5_898_340 },
        { "cifar100-cnn", HeadKind.Spinal, 3_524_196 },
        { "cifar10-resnet18", HeadKind.Fc, 3_141_674 },
        { "cifar10-resnet18", HeadKind.Spinal, 3_609_130 },
        { "cifar100-resnet34", HeadKind.Fc, 5_693_700 },
        { "cifar100-resnet34", HeadKind.Spinal, 7_185_668 },
        { "cifar10-vgg19-bn", HeadKind.Fc, 38_958_922 },
        { "cifar10-vgg19-bn", HeadKind.Spinal, 21_368_650 },
        { "cifar100-vgg19-bn", HeadKind.Fc, 39_327_652 },
        { "cifar100-vgg19-bn", HeadKind.Spinal, 21_553_060 },
    };

    [Theory]
    [MemberData(nameof(PaperCounts))]
    public void Network_has_the_authors_parameter_count(string model, HeadKind head, long expected)
    {
        Assert.Equal(expected, TrainableOnMeta(() => ModelCatalog.Get(model).Create(head, 0)));
    }

    /// <summary>Trainable parameters of a network built on the meta device: shapes without storage, so the
    /// 39-million-parameter VGGs cost nothing to build.</summary>
    static long TrainableOnMeta(Func<nn.Module> build)
    {
        torch.set_default_device(new torch.Device(DeviceType.META));
        try
        {
            using var network = build();
            return network.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        }
        finally
        {
            torch.set_default_device(torch.CPU);
        }
    }

    // Head-only counts of docs/spinal-layer.md §1.5's table, measured by the cost report (which also checks the forward pass
    // runs every head layer on the network's input shape).
    public static TheoryData<string, HeadKind, long, long> HeadCosts => new()
    {
        { "vgg5", HeadKind.Fc, 137_738, 136_192 },
        { "vgg5", HeadKind.Spinal, 121_354, 119_808 },
        { "cifar10-cnn", HeadKind.Spinal, 1_103_370, 1_102_848 },
        { "cifar100-cnn", HeadKind.Fc, 4_771_428, 4_769_792 },
        { "cifar10-resnet18", HeadKind.Fc, 2_570, 2_560 },
        { "cifar10-resnet18", HeadKind.Spinal, 470_026, 468_992 },
        { "cifar100-resnet34", HeadKind.Spinal, 1_517_668, 1_515_520 },
        { "arch2-mnist", HeadKind.Spinal, 389_840, 389_840 - 30 * 26 - 50 - 10 },
    };

    [Theory]
    [MemberData(nameof(HeadCosts))]
    public void Head_costs_match_reference_table(string model, HeadKind head, long parameters, long multiplications)
    {
        var spec = ModelCatalog.Get(model);
        using var network = spec.Create(head, 0);
        var cost = CostReport.Measure(network, spec.InputShape).Part("head");
        Assert.Equal((parameters, multiplications), (cost.Parameters, cost.Multiplications));
    }

    // torchvision's VGG feature counts (vgg11/13/16 without batch norm: 9,220,480 / 9,404,992 / 14,714,688) plus
    // 2 per batch-norm channel, plus the default CIFAR head of 18,923,530 (C = 10).
    [Theory]
    [InlineData(11, 9_220_480 + 2 * 2_752)]
    [InlineData(13, 9_404_992 + 2 * 2_944)]
    [InlineData(16, 14_714_688 + 2 * 4_224)]
    public void Cifar_vgg_depths_have_torchvision_feature_counts(int depth, long features)
    {
        Assert.Equal(features + 18_923_530, TrainableOnMeta(() => CifarVgg.Create(
            ModelCatalog.Get("cifar10-vgg19-bn").Network(HeadKind.Fc), new CifarVggConfig(depth))));
    }

    [Fact]
    public void Customizable_example_of_reference_1_4_has_38707_parameters()
    {
        // N = 200, k = 4, w = 30, L = 15, C = 7: fc1 50→30, fc2..fc15 80→30, fcx 450→7.
        using var layer = new SpinalLayer(new SpinalConfig(200, 30, 15, 7, Splits: 4));
        Assert.Equal(38_707, layer.parameters().Sum(p => p.numel()));
        Assert.Equal(50, layer.Config.SplitWidth);
        using var shared = new SpinalLayer(new SpinalConfig(200, 30, 15, 7, Splits: 4, SharedWeights: true));
        Assert.Equal(1_530 + 2_430 + 3_157, shared.parameters().Sum(p => p.numel()));
    }

    public static TheoryData<string, HeadKind> CatalogNetworks()
    {
        var data = new TheoryData<string, HeadKind>();
        foreach (var spec in ModelCatalog.All)
        foreach (var head in new[] { HeadKind.Fc, HeadKind.Spinal })
            data.Add(spec.Name, head);
        return data;
    }

    [Theory]
    [MemberData(nameof(CatalogNetworks))]
    public void Every_weight_has_one_distinct_authors_name(string model, HeadKind head)
    {
        var spec = ModelCatalog.Get(model);
        torch.set_default_device(new torch.Device(DeviceType.META));
        try
        {
            using var network = spec.Create(head, 0);
            var keys = spec.Network(head).AuthorsKeys;
            var names = network.state_dict().Keys.Select(k => keys.Theirs(k) ?? $"<none for {k}>").ToList();
            // torchvision's Swin calls its own head `head`: there "head." is the authors' name, not an unmapped key.
            bool headIsTheirs = spec.ImageNet?.HeadKey == "head";
            Assert.DoesNotContain(names, n => n.StartsWith("<none") || n.StartsWith("backbone.") ||
                                              n.StartsWith("head.") && !headIsTheirs);
            Assert.Equal(names.Count, names.Distinct().Count());
        }
        finally
        {
            torch.set_default_device(torch.CPU);
        }
    }

    [Fact]
    public void Catalog_lists_every_network_of_the_paper()
    {
        var names = ModelCatalog.All.Select(s => s.Name).ToHashSet();
        foreach (var name in new[] { "mnist-cnn", "emnist-digits-cnn", "arch2-mnist", "arch2-kmnist", "arch2-fashion",
                     "vgg5", "vgg5-emnist-letters", "cifar10-cnn", "cifar100-cnn", "cifar10-vgg11-bn", "cifar10-vgg13-bn",
                     "cifar10-vgg16-bn", "cifar10-vgg19-bn", "cifar100-vgg19-bn", "cifar10-resnet18", "cifar100-resnet34" })
            Assert.Contains(name, names);
        Assert.All(ModelCatalog.All, s => Assert.NotNull(s.AuthorsKeys));
    }
}
