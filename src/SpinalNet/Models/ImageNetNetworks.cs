// The ImageNet backbones of the paper's transfer-learning experiments (docs/transfer.md §11), named as torchvision
// names them, each with the conventional head (a new `fc` Linear for the ResNet family; torchvision's classifier with C
// outputs for VGG/AlexNet) or a Spinal head where the authors attach it (`fc` after the global pool for the ResNet
// family, the whole `classifier` for VGG/AlexNet). The authors' two Spinal head modules are data (§11.2):
//   "SpinalNet_ResNet"  k = 2, L = 4, each spinal layer Linear → ReLU; output Linear
//   "SpinalNet_VGG"     k = 2, L = 4, each spinal layer Dropout 0.5 → Linear → BatchNorm1d → ReLU; output
//                       Dropout 0.5 → Linear
// and any other variant (k, L, LeakyReLU, shared weights) is SpinalOverrides over them. State-dict keys: the backbone's
// are torchvision's under `backbone.`, so ImageNet weights load by name; the key map gives torchvision's names for the
// backbone and the authors' for the head (fc.fc_spinal_layer1.0.weight, ..., classifier.fc_out.1.weight).
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

    /// <summary>The authors' "SpinalNet_ResNet" head: Linear → ReLU layers, no dropout, no batch norm.</summary>
    public static SpinalConfig SpinalResNetHead(int features, int width, int classes) => new(features, width, 4, classes);

    /// <summary>The authors' "SpinalNet_VGG" head: Dropout 0.5 → Linear → BatchNorm1d → ReLU layers.</summary>
    public static SpinalConfig SpinalVggHead(int features, int width, int classes) =>
        new(features, width, 4, classes, Dropout: 0.5, BatchNorm: true);

    /// <summary>One network: its torchvision name, its backbone, where the head goes and the paper's Spinal head for
    /// it.</summary>
    sealed record Entry(string Name, string Uses, Func<nn.Module<Tensor, Tensor>> Backbone, int Features,
        string HeadKey, Func<int, int, int, SpinalConfig> SpinalHead, int SpinalWidth,
        Func<int, FullyConnectedConfig> Conventional, string[] ConventionalKeys);

    static Entry ResNet(string name, string uses, Func<int, int, int, SpinalConfig>? head = null, int width = 20)
    {
        var config = ImageNetResNet.Variants[name];
        return new(name, uses, () => ImageNetResNet.Backbone(config), config.Features, "fc", head ?? SpinalResNetHead,
            width, classes => new FullyConnectedConfig(config.Features, [], classes), ["fc"]);
    }

    static Entry Vgg(string name, string uses, Func<int, int, int, SpinalConfig> head, int width)
    {
        var config = ImageNetVgg.Variants[name];
        return new(name, uses, () => ImageNetVgg.Backbone(config, torchvisionInit: name != "alexnet"),
            config.FeatureWidth, "classifier", head, width, config.Classifier, config.ClassifierKeys);
    }

    static readonly Entry[] Entries =
    [
        ResNet("resnet18", "hymenoptera script"),
        ResNet("resnet18-cntk", "offline ImageNet weights (ML.NET's ResNet-18): BasicBlock [2, 2, 2, 3]", width: 128),
        ResNet("resnet34", "ImageNet ResNet-34"),
        ResNet("resnet50", "ImageNet ResNet-50"),
        ResNet("resnet101", "CIFAR-10/100 docstring runs"),
        ResNet("resnet152", "ImageNet ResNet-152"),
        ResNet("wide_resnet50_2", "ImageNet Wide-ResNet-50-2"),
        ResNet("wide_resnet101_2", "most transfer experiments; Spinal head of STL-10 / CIFAR-100 / Bird-225",
            SpinalVggHead, 512),
        ResNet("resnext50_32x4d", "Oxford-102 two-layer comparison notebook"),
        Vgg("vgg16_bn", "ImageNet VGG-16-bn", SpinalVggHead, 1024),
        Vgg("vgg19_bn", "MNIST transfer script and Bird-225", SpinalVggHead, 1024),
        Vgg("alexnet", "10 Monkey notebook", SpinalResNetHead, 20),
    ];

    /// <summary>The catalogue's entries for these networks.</summary>
    public static IEnumerable<ModelSpec> Specs => Entries.Select(e => new ModelSpec(
        e.Name, Describe(e), InputShape, 10,
        (head, spinal, classes) => Create(e, head, spinal, classes),
        (head, spinal) => Keys(e, head, spinal),
        new ImageNetBackbone(e.Name, e.HeadKey)));

    static string Describe(Entry e)
    {
        var spinal = e.SpinalHead(e.Features, e.SpinalWidth, 10);
        string variant = spinal.BatchNorm ? "dropout 0.5 + BN" : "Linear + ReLU";
        return $"torchvision {e.Name} ({e.Uses}); Spinal head on the {e.Features:N0} features at `{e.HeadKey}`, " +
               $"w = {e.SpinalWidth}, L = 4, {variant}";
    }

    static ClassifierNetwork Create(Entry e, HeadKind head, SpinalOverrides spinal, int classes) => new(
        e.Backbone(),
        ClassifierNetwork.HeadOf(head, e.SpinalHead(e.Features, e.SpinalWidth, classes), e.Conventional(classes), spinal),
        logSoftmax: false);

    /// <summary>torchvision's names for the backbone; the authors' for a Spinal head (nn.Sequential per layer, so the
    /// linear map is at .0, or .1 behind a dropout, and its batch norm right after it), torchvision's for the
    /// conventional one.</summary>
    static AuthorsKeys Keys(Entry e, HeadKind head, SpinalOverrides spinal)
    {
        var keys = new AuthorsKeys().Module("backbone", "");
        if (head == HeadKind.Fc)
            return keys.FullyConnected("head", e.ConventionalKeys[..^1], null, e.ConventionalKeys[^1]);
        var config = spinal.Apply(e.SpinalHead(e.Features, e.SpinalWidth, 10));
        int linear = config.Dropout > 0 ? 1 : 0;
        return keys.SpinalSequentials("head", linear, config.BatchNorm ? linear + 1 : null, e.HeadKey);
    }
}
