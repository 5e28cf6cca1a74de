// Layer order, dropout and batch-norm placement, activations and output kinds (docs/spinal-layer.md §1.2,
// docs/networks.md §2), pinned as the sequence of the modules each network runs, identity placeholders left out; and
// the initialisations of §2.3, §2.4.
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class ModelsStructureTests
{
    static string Leaves(nn.Module module) => string.Join(" ", LeafModules(module)
        .Where(m => m is not TorchSharp.Modules.Identity)
        .Select(m => m switch
        {
            TorchSharp.Modules.Linear l => $"Linear{l.weight!.shape[1]}-{l.weight!.shape[0]}",
            TorchSharp.Modules.Conv2d c => $"Conv{c.weight!.shape[1]}-{c.weight!.shape[0]}",
            var other => other.GetType().Name,
        }));

    /// <summary>Modules without children, depth first in registration order (the order forward runs them here).</summary>
    static IEnumerable<nn.Module> LeafModules(nn.Module module)
    {
        var children = module.named_children().ToList();
        if (children.Count == 0 && module.GetType().Name.StartsWith("ModuleList")) return [];
        return children.Count == 0 ? [module] : children.SelectMany(c => LeafModules(c.module));
    }

    static nn.Module Part(ClassifierNetwork network, string name) =>
        network.named_children().Single(c => c.name == name).module;

    public static TheoryData<string, HeadKind, string> Heads => new()
    {
        { "mnist-cnn", HeadKind.Fc, "Linear320-50 ReLU Dropout Linear50-10" },
        { "vgg5", HeadKind.Fc, "Dropout Linear256-512 BatchNorm1d ReLU Dropout Linear512-10" },
        { "vgg5", HeadKind.Spinal, "Dropout Linear128-128 BatchNorm1d ReLU Dropout Linear256-128 BatchNorm1d ReLU " +
                                   "Dropout Linear256-128 BatchNorm1d ReLU Dropout Linear256-128 BatchNorm1d ReLU " +
                                   "Dropout Linear512-10" },
        { "cifar10-cnn", HeadKind.Fc, "Dropout Linear4096-1024 ReLU Linear1024-512 ReLU Dropout Linear512-10" },
        { "cifar10-cnn", HeadKind.Spinal, "Dropout Linear2048-128 ReLU Dropout Linear2176-128 ReLU " +
                                          "Dropout Linear2176-128 ReLU Dropout Linear2176-128 ReLU Dropout Linear512-10" },
        { "cifar100-vgg19-bn", HeadKind.Fc, "Linear512-4096 ReLU Dropout Linear4096-4096 ReLU Dropout Linear4096-100" },
        { "cifar10-vgg19-bn", HeadKind.Spinal, "Dropout Linear256-512 ReLU Dropout Linear768-512 ReLU " +
                                               "Dropout Linear768-512 ReLU Dropout Linear768-512 ReLU Dropout Linear2048-10" },
        { "cifar10-resnet18", HeadKind.Fc, "MaxPool2d Flatten Linear256-10" },
        { "cifar100-resnet34", HeadKind.Spinal, "MaxPool2x2 ChannelsLastFlatten Linear256-512 ReLU Linear768-512 ReLU " +
                                                "Linear768-512 ReLU Linear768-512 ReLU Linear2048-100" },
        { "arch2-mnist", HeadKind.Spinal, "" },
    };

    [Theory]
    [MemberData(nameof(Heads))]
    public void Head_layers_run_in_the_papers_order(string model, HeadKind head, string expected)
    {
        using var network = ModelCatalog.Get(model).Create(head, 0);
        var leaves = Leaves(Part(network, "head"));
        if (model.StartsWith("arch2"))
        {
            // Three plain stacks (10, 8, 8 layers of Linear + ReLU, no dropout), then 26w→50→ReLU→C.
            Assert.Equal(26, leaves.Split(' ').Count(t => t.StartsWith("Linear")) - 2);
            Assert.DoesNotContain("Dropout", leaves);
            Assert.EndsWith("Linear780-50 ReLU Linear50-10", leaves);
        }
        else Assert.Equal(expected, leaves);
    }

    [Theory]
    [InlineData("mnist-cnn", true)]
    [InlineData("arch2-mnist", true)]
    [InlineData("vgg5", true)]
    [InlineData("cifar10-cnn", false)]
    [InlineData("cifar10-vgg19-bn", false)]
    [InlineData("cifar10-resnet18", false)]
    public void Output_is_log_softmax_where_the_script_applies_it(string model, bool logSoftmax)
    {
        var spec = ModelCatalog.Get(model);
        foreach (var head in new[] { HeadKind.Fc, HeadKind.Spinal })
        {
            using var network = spec.Create(head, 0);
            network.eval();
            using var noGrad = no_grad();
            var y = network.call(randn([2, .. spec.InputShape]));
            var total = y.exp().sum(1);
            Assert.Equal(logSoftmax, total.sub(1).abs().max().item<float>() < 1e-4);
        }
    }

    [Fact]
    public void Backbones_place_batch_norm_and_dropout_as_the_scripts()
    {
        using var cnn = ModelCatalog.Get("cifar10-cnn").Create(HeadKind.Fc, 0);
        Assert.Equal("Conv3-32 BatchNorm2d ReLU Conv32-64 ReLU MaxPool2x2 Conv64-128 BatchNorm2d ReLU Conv128-128 ReLU " +
                     "MaxPool2x2 Dropout2d Conv128-256 BatchNorm2d ReLU Conv256-256 ReLU MaxPool2x2 Flatten",
            Leaves(Part(cnn, "backbone")));
        using var resnet = ModelCatalog.Get("cifar10-resnet18").Create(HeadKind.Fc, 0);
        var leaves = Leaves(Part(resnet, "backbone"));
        Assert.StartsWith("Conv3-32 BatchNorm2d ReLU Dropout2d Conv32-32 BatchNorm2d ReLU Conv32-32 BatchNorm2d " +
                          "Conv32-32 BatchNorm2d ReLU Conv32-32 BatchNorm2d Conv32-64 BatchNorm2d ReLU Conv64-64 " +
                          "BatchNorm2d Conv32-64 BatchNorm2d ", leaves);
        Assert.Equal(20, leaves.Split(' ').Count(t => t.StartsWith("Conv"))); // 1 + 16 + 3 shortcuts
        using var vgg5 = ModelCatalog.Get("vgg5").Create(HeadKind.Fc, 0);
        Assert.Equal(10, Leaves(Part(vgg5, "backbone")).Split(' ').Count(t => t == "BatchNorm2d"));
    }

    [Fact]
    public void Residual_addition_is_not_followed_by_relu()
    {
        // With a zero residual branch a block returns its shortcut unchanged, negative values included.
        using var block = new BasicBlock(4, 4, 1);
        using (no_grad())
            foreach (var (name, p) in block.named_parameters())
                if (name.StartsWith("bn2.weight")) p.zero_();
        block.eval();
        using var x = randn(1, 4, 5, 5);
        Assert.True(block.call(x).eq(x).all().item<bool>());
    }

    [Theory]
    [InlineData("vgg5")]
    [InlineData("cifar10-resnet18")]
    public void Convolutions_start_from_normal_with_std_sqrt_2_over_fan_out(string model)
    {
        // vgg5 (§2.3): N(0, sqrt(2 / (3·3·out))); ResNet (§2.4): Kaiming normal, fan_out, ReLU gain: the same std.
        using var network = ModelCatalog.Get(model).Create(HeadKind.Fc, 7);
        foreach (var conv in network.modules().OfType<TorchSharp.Modules.Conv2d>().Where(c => c.weight!.numel() > 50_000))
        {
            var w = conv.weight!;
            double expected = Math.Sqrt(2.0 / (w.shape[0] * w.shape[2] * w.shape[3]));
            Assert.InRange(w.std().item<float>() / expected, 0.98, 1.02);
            Assert.InRange(Math.Abs(w.mean().item<float>()) / expected, 0, 0.02);
        }
        foreach (var bn in network.modules().OfType<TorchSharp.Modules.BatchNorm2d>())
        {
            Assert.True(bn.weight!.eq(1).all().item<bool>());
            Assert.True(bn.bias!.eq(0).all().item<bool>());
        }
        if (model.Contains("resnet"))
            Assert.All(network.modules().OfType<TorchSharp.Modules.Linear>(), l => Assert.True(l.bias!.eq(0).all().item<bool>()));
    }
}
