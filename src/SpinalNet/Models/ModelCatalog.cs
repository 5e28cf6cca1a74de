// The networks the library can build, by name (docs/networks.md §2), with what a user needs to build and feed one:
// the input shape, the class count, and how the authors' PyTorch state dicts name its weights. How each network is
// trained by default (the authors' recipe for it) is the business of the run layer (Runs/Configuration/Recipes.cs), not of the
// model.

using SpinalNet.Data;

namespace SpinalNet.Models;

/// <summary>A network of the catalogue: its name, input shape, classes, the paper's Spinal head for it and how to build
/// it with either head.</summary>
/// <param name="Description">What the network is; <see cref="Summary"/> adds its Spinal head.</param>
/// <param name="InputShape">One sample's shape: channels, height, width.</param>
/// <param name="Classes">Outputs unless the run asks for another count.</param>
/// <param name="Spinal">The paper's Spinal head for this network: the settings a run has unless told otherwise.</param>
/// <param name="Build">The network of a choice of this entry.</param>
/// <param name="AuthorsKeys">How the authors' PyTorch state dict names this network's weights, per choice (a dropout
/// moves the linear map within the authors' nn.Sequential).</param>
/// <param name="ImageNet">Where ImageNet weights for the backbone come from (null: a network trained from
/// scratch).</param>
public sealed record ModelSpec(
    string Name,
    string Description,
    long[] InputShape,
    int Classes,
    SpinalSettings Spinal,
    Func<NetworkChoice, ClassifierNetwork> Build,
    Func<NetworkChoice, AuthorsKeys>? AuthorsKeys = null,
    ImageNetBackbone? ImageNet = null)
{
    /// <summary>This network with <paramref name="head"/>, its own Spinal settings, and its own class count unless
    /// <paramref name="classes"/> says otherwise.</summary>
    public NetworkChoice Network(HeadKind head = HeadKind.Spinal, int? classes = null) =>
        new(this, head, Spinal, classes ?? Classes);

    /// <summary>Shorthand for <c>Network(head, classes).Create(seed)</c>.</summary>
    public ClassifierNetwork Create(HeadKind head, long seed, int? classes = null) => Network(head, classes).Create(seed);

    /// <summary>The description with the Spinal head's settings, as `spinalnet models` lists it.</summary>
    public string Summary => $"{Description}; Spinal head {Spinal}";
}

/// <summary>The networks of the paper by name (mnist-cnn, vgg5, cifar10-resnet18, ...; docs/networks.md §2).</summary>
public static class ModelCatalog
{
    static readonly long[] Mnist = [1, 28, 28], Cifar = [3, 32, 32];

    static readonly ModelSpec[] Specs =
    [
        new("mnist-cnn", "simple CNN of the MNIST experiments", Mnist, 10, MnistCnn.PaperSpinal, MnistCnn.Create,
            Keys(MnistCnn.Keys)),
        new("emnist-digits-cnn", "simple CNN of the EMNIST-digits experiment", Mnist, 10,
            MnistCnn.PaperSpinal with { Width = 10 }, MnistCnn.Create, Keys(MnistCnn.Keys)),
        .. new (string Name, string Data, int Width)[]
        {
            ("arch2-mnist", "MNIST", 30), ("arch2-kmnist", "KMNIST, QMNIST, EMNIST digits", 50),
            ("arch2-fashion", "Fashion-MNIST", 300),
        }.Select(a => new ModelSpec(a.Name,
            $"Arch2 for {a.Data}: Spinal stacks on pixels (L + 2 layers), conv1 and conv2; fc = the MNIST default CNN",
            Mnist, 10, Arch2.PaperSpinal(a.Width), Arch2.Create, Keys(Arch2.Keys))),
        .. new (string Name, string Data, int Classes)[] { ("vgg5", "MNIST family", 10), ("vgg5-emnist-letters", "EMNIST letters", 62) }
            .Select(v => new ModelSpec(v.Name, $"VGG-5 for {v.Data}, {v.Classes} classes", Mnist, v.Classes,
                Vgg5.PaperSpinal, c => Vgg5.Create(c, new Vgg5Config()), Keys(Vgg5.Keys))),
        .. new (int Classes, int Width)[] { (10, 128), (100, 256) }
            .Select(n => new ModelSpec($"cifar{n.Classes}-cnn", $"CNN of the CIFAR-{n.Classes} experiments", Cifar,
                n.Classes, CifarCnn.PaperSpinal(n.Width), c => CifarCnn.Create(c, new CifarCnnConfig()),
                Keys(CifarCnn.Keys))),
        .. from classes in new[] { 10, 100 }
           from depth in VggFeatures.Depths.Keys
           select new ModelSpec($"cifar{classes}-vgg{depth}-bn", $"VGG-{depth} with batch norm for CIFAR-{classes}",
               Cifar, classes, CifarVgg.PaperSpinal, c => CifarVgg.Create(c, new CifarVggConfig(depth)),
               Keys(CifarVgg.Keys)),
        .. from classes in new[] { 10, 100 }
           from depth in new[] { 18, 34 }
           select new ModelSpec($"cifar{classes}-resnet{depth}",
               $"ResNet-{depth}, base width 32, for CIFAR-{classes}; spatial Spinal head", Cifar, classes,
               CifarResNet.PaperSpinal(classes == 10 ? 256 : 512), c => CifarResNet.Create(c,
                   new CifarResNetConfig(depth == 18 ? CifarResNetConfig.ResNet18 : CifarResNetConfig.ResNet34)),
               Keys(CifarResNet.Keys)),
        .. ImageNetNetworks.Specs,
    ];

    /// <summary>A key map that depends on the head alone.</summary>
    static Func<NetworkChoice, AuthorsKeys> Keys(Func<HeadKind, AuthorsKeys> keys) => choice => keys(choice.Head);

    /// <summary>Every network, in catalogue order.</summary>
    public static IReadOnlyList<ModelSpec> All => Specs;

    /// <summary>The network of a name, or an <see cref="ArgumentException"/> listing the valid names.</summary>
    public static ModelSpec Get(string name) =>
        Specs.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException(
            NearestName.Unknown("model", name, Specs.Select(s => s.Name)), "Model");
}
