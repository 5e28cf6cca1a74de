// The ImageNet backbones of the paper's transfer-learning experiments (docs/transfer.md §11), named as torchvision
// names them, each with the conventional head (a new `fc` Linear for the ResNet family; torchvision's classifier with C
// outputs for VGG/AlexNet) or a Spinal head where the authors attach it (`fc` after the global pool for the ResNet
// family, the whole `classifier` for VGG/AlexNet). The authors' two Spinal head modules are data (§11.2):
//   "SpinalNet_ResNet"  k = 2, L = 4, each spinal layer Linear → ReLU; output Linear
//   "SpinalNet_VGG"     k = 2, L = 4, each spinal layer Dropout 0.5 → Linear → BatchNorm1d → ReLU; output
//                       Dropout 0.5 → Linear
// and any other variant (k, L, LeakyReLU, shared weights) is other SpinalSettings. State-dict keys: the backbone's
// are torchvision's under `backbone.`, so ImageNet weights load by name; the key map gives torchvision's names for the
// backbone and the authors' for the head (fc.fc_spinal_layer1.0.weight, ..., classifier.fc_out.1.weight). The newer
// backbones (docs/transfer.md §11.4: DenseNet, EfficientNet, MobileNetV3, ConvNeXt, Swin, ViT) are entries of the same
// kind, their Spinal head where torchvision's classifier reads the pooled features (`classifier`, ConvNeXt's
// `classifier.2`, Swin's `head`, ViT's `heads`).
using SpinalNet.Layers;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>Where a network's ImageNet weights come from: torchvision's architecture name and the attribute its own
/// head lives under (whose weights a pretrained start leaves out).</summary>
/// <param name="Architecture">torchvision's name (resnet18, vgg19_bn, ...), or resnet18-cntk.</param>
/// <param name="HeadKey">"fc" for the ResNet family, "classifier" for VGG and AlexNet.</param>
public sealed record ImageNetBackbone(string Architecture, string HeadKey);

/// <summary>The torchvision-named ImageNet networks, with either head.</summary>
public static class ImageNetNetworks
{
    /// <summary>The input the ImageNet weights were trained at; any size the backbone accepts works.</summary>
    public static readonly long[] InputShape = [3, 224, 224];

    /// <summary>The authors' "SpinalNet_ResNet" head: k = 2, L = 4, Linear → ReLU layers, no dropout, no batch
    /// norm.</summary>
    public static SpinalSettings SpinalResNet(int width) => new(width, Layers: 4);

    /// <summary>The authors' "SpinalNet_VGG" head: k = 2, L = 4, Dropout 0.5 → Linear → BatchNorm1d → ReLU
    /// layers.</summary>
    public static SpinalSettings SpinalVgg(int width) => SpinalResNet(width) with { Dropout = 0.5, BatchNorm = true };

    /// <summary>One network: its torchvision name, its backbone, where the head goes and the paper's Spinal head for
    /// it.</summary>
    sealed record Entry(string Name, string Uses, Func<nn.Module<Tensor, Tensor>> Backbone, int Features,
        string HeadKey, SpinalSettings Spinal, Func<int, FullyConnectedConfig> Conventional, string[] ConventionalKeys)
    {
        /// <summary>Whether the backbone reads channels-last images (ClassifierNetwork, docs/performance.md §9.7):
        /// set where it was measured to be faster (the ResNets).</summary>
        public bool ChannelsLast { get; init; }
    }

    /// <summary>A network whose own head is one linear map at <paramref name="linearKey"/> (behind a dropout where
    /// torchvision has one), its Spinal head replacing <paramref name="headKey"/>.</summary>
    static Entry Linear(string name, string uses, Func<nn.Module<Tensor, Tensor>> backbone, int features,
        string headKey, string linearKey, double dropout = 0, SpinalSettings? spinal = null) =>
        new(name, uses, backbone, features, headKey, spinal ?? SpinalResNet(20),
            classes => new FullyConnectedConfig(features, [], classes, InputDropout: dropout > 0 ? [dropout] : null),
            [linearKey]);

    static Entry ResNet(string name, string uses, SpinalSettings? spinal = null)
    {
        var config = ImageNetResNet.Variants[name];
        return Linear(name, uses, () => ImageNetResNet.Backbone(config), config.Features, "fc", "fc", spinal: spinal)
            with { ChannelsLast = true };
    }

    static Entry DenseNet(string name)
    {
        var config = ImageNetDenseNet.Variants[name];
        return Linear(name, $"DenseNet growth {config.Growth}, blocks [{string.Join(", ", config.Blocks)}]",
            () => ImageNetDenseNet.Backbone(config), config.Features, "classifier", "classifier");
    }

    static Entry EfficientNet(string name)
    {
        var config = ImageNetEfficientNet.Variants[name];
        return Linear(name, $"EfficientNet width × {config.Width}, depth × {config.Depth}",
            () => ImageNetEfficientNet.Backbone(config), config.Features, "classifier", "classifier.1", config.Dropout);
    }

    static Entry MobileNet(string name)
    {
        var config = ImageNetMobileNet.Variants[name];
        return new(name, $"MobileNetV3, {config.Rows.Length} bottlenecks", () => ImageNetMobileNet.Backbone(config),
            config.Features, "classifier", SpinalResNet(20), config.Classifier, ["classifier.0", "classifier.3"]);
    }

    static Entry ConvNeXt(string name)
    {
        var config = ImageNetConvNeXt.Variants[name];
        return Linear(name, $"ConvNeXt channels [{string.Join(", ", config.Channels)}], blocks " +
            $"[{string.Join(", ", config.Blocks)}]", () => ImageNetConvNeXt.Backbone(config), config.Features,
            "classifier.2", "classifier.2");
    }

    static Entry Swin(string name)
    {
        var config = ImageNetSwin.Variants[name];
        return Linear(name, $"Swin width {config.Embedding}, blocks [{string.Join(", ", config.Blocks)}], 7 × 7 windows",
            () => ImageNetSwin.Backbone(config), config.Features, "head", "head");
    }

    static Entry Vit(string name)
    {
        var config = ImageNetVit.Variants[name];
        return Linear(name, $"ViT patch {config.Patch}, {config.Layers} layers, {config.Heads} heads; 224 px only",
            () => new VitBackbone(config), config.Hidden, "heads", "heads.head");
    }

    static Entry Vgg(string name, string uses, SpinalSettings spinal)
    {
        var config = ImageNetVgg.Variants[name];
        return new(name, uses, () => ImageNetVgg.Backbone(config, torchvisionInit: name != "alexnet"),
            config.FeatureWidth, "classifier", spinal, config.Classifier, config.ClassifierKeys);
    }

    static readonly Entry[] Entries =
    [
        ResNet("resnet18", "hymenoptera script"),
        ResNet("resnet18-cntk", "offline ImageNet weights (ML.NET's ResNet-18): BasicBlock [2, 2, 2, 3]", SpinalResNet(128)),
        ResNet("resnet34", "ImageNet ResNet-34"),
        ResNet("resnet50", "ImageNet ResNet-50"),
        ResNet("resnet101", "CIFAR-10/100 docstring runs"),
        ResNet("resnet152", "ImageNet ResNet-152"),
        ResNet("wide_resnet50_2", "ImageNet Wide-ResNet-50-2"),
        ResNet("wide_resnet101_2", "most transfer experiments; Spinal head of STL-10 / CIFAR-100 / Bird-225",
            SpinalVgg(512)),
        ResNet("resnext50_32x4d", "Oxford-102 two-layer comparison notebook"),
        Vgg("vgg16_bn", "ImageNet VGG-16-bn", SpinalVgg(1024)),
        Vgg("vgg19_bn", "MNIST transfer script and Bird-225", SpinalVgg(1024)),
        Vgg("alexnet", "10 Monkey notebook", SpinalResNet(20)),
        .. ImageNetDenseNet.Variants.Keys.Select(DenseNet),
        .. ImageNetEfficientNet.Variants.Keys.Select(EfficientNet),
        .. ImageNetMobileNet.Variants.Keys.Select(MobileNet),
        .. ImageNetConvNeXt.Variants.Keys.Select(ConvNeXt),
        .. ImageNetVit.Variants.Keys.Select(Vit),
        .. ImageNetSwin.Variants.Keys.Select(Swin),
    ];

    /// <summary>The newer backbones (docs/transfer.md §11.4): DenseNet, EfficientNet, MobileNetV3, ConvNeXt, Swin and ViT,
    /// which takes 224 px only.</summary>
    public static IReadOnlyList<string> Newer => [.. NewerConvolutional, .. ImageNetVit.Variants.Keys];

    /// <summary>The newer backbones that take any image size from their smallest up.</summary>
    public static IReadOnlyList<string> NewerConvolutional =>
    [
        .. ImageNetDenseNet.Variants.Keys, .. ImageNetEfficientNet.Variants.Keys, .. ImageNetMobileNet.Variants.Keys,
        .. ImageNetConvNeXt.Variants.Keys, .. ImageNetSwin.Variants.Keys,
    ];

    /// <summary>The catalogue's entries for these networks.</summary>
    public static IEnumerable<ModelSpec> Specs => Entries.Select(e => new ModelSpec(
        e.Name, $"torchvision {e.Name} ({e.Uses}); Spinal head on the {e.Features:N0} features at `{e.HeadKey}`",
        InputShape, 10, e.Spinal, choice => Create(e, choice), choice => Keys(e, choice),
        new ImageNetBackbone(e.Name, e.HeadKey)));

    static ClassifierNetwork Create(Entry e, NetworkChoice choice) => new(
        e.Backbone(),
        ClassifierNetwork.HeadOf(choice.Head, choice.Spinal.For(e.Features, choice.Classes), e.Conventional(choice.Classes)),
        logSoftmax: false, e.ChannelsLast);

    /// <summary>torchvision's names for the backbone; the authors' for a Spinal head (nn.Sequential per layer, so the
    /// linear map is at .0, or .1 behind a dropout, and its batch norm right after it), torchvision's for the
    /// conventional one.</summary>
    static AuthorsKeys Keys(Entry e, NetworkChoice choice)
    {
        var keys = new AuthorsKeys().Module("backbone", "");
        if (choice.Head == HeadKind.Fc)
            return keys.FullyConnected("head", e.ConventionalKeys[..^1], null, e.ConventionalKeys[^1]);
        int linear = choice.Spinal.Dropout > 0 ? 1 : 0;
        return keys.SpinalSequentials("head", linear, choice.Spinal.BatchNorm ? linear + 1 : null, e.HeadKey);
    }
}
