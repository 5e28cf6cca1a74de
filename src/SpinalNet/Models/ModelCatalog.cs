// The networks the library can build, by name (docs/networks.md §2), with what a user needs to build and feed one:
// the input shape, the class count, and how the authors' PyTorch state dicts name its weights. How each network is
// trained by default (the authors' recipe for it) is the business of the run layer (Runs/Recipes.cs), not of the
// model.
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <param name="InputShape">One sample's shape: channels, height, width.</param>
/// <param name="Classes">Outputs unless the run asks for another count.</param>
/// <param name="Build">The network for a head, the user's Spinal changes and a class count.</param>
/// <param name="AuthorsKeys">How the authors' PyTorch state dict names this network's weights, per head and Spinal
/// changes (a dropout moves the linear map within the authors' nn.Sequential).</param>
/// <param name="ImageNet">Where ImageNet weights for the backbone come from (null: a network trained from
/// scratch).</param>
/// <summary>A network of the catalogue: its name, input shape, classes and how to build it with either
/// head.</summary>
public sealed record ModelSpec(
    string Name,
    string Description,
    long[] InputShape,
    int Classes,
    Func<HeadKind, SpinalOverrides, int, ClassifierNetwork> Build,
    Func<HeadKind, SpinalOverrides, AuthorsKeys>? AuthorsKeys = null,
    ImageNetBackbone? ImageNet = null)
{
    /// <summary>Builds the network with weights drawn from the given seed, after checking on the meta device that
    /// training it fits in this machine's memory.</summary>
    public ClassifierNetwork Create(HeadKind head, long seed, SpinalOverrides? spinal = null, int? classes = null)
    {
        CheckFits(head, spinal, classes);
        torch.manual_seed(seed);
        return Build(head, spinal ?? SpinalOverrides.None, classes ?? Classes);
    }

    /// <summary>Fails in one line, allocating nothing, when the network is invalid or training it (weights, gradients
    /// and optimiser state) would need more memory than this machine has.</summary>
    public void CheckFits(HeadKind head, SpinalOverrides? spinal = null, int? classes = null)
    {
        if (classes is < 1 or > DenseBlock.MaxWidth)
            throw new ArgumentException($"--classes {classes} must be between 1 and {DenseBlock.MaxWidth:N0}", "classes");
        long parameters = CountParameters(head, spinal, classes);
        long bytes = parameters * sizeof(float) * 4, available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
            throw new ArgumentException(
                $"{Name} ({head.Id()} head{(classes is null ? "" : $", {classes} classes")}) would have " +
                $"{parameters:N0} parameters, {bytes / 1e9:F1} GB to train (weights, gradients and optimiser state): " +
                $"more than the {available / 1e9:F1} GB of memory here", "model");
    }

    /// <summary>The network's parameters, counted on the meta device: shapes without storage, so even networks too
    /// large for memory cost nothing to count.</summary>
    public long CountParameters(HeadKind head, SpinalOverrides? spinal = null, int? classes = null) =>
        OnMeta(head, spinal, classes, network => network.parameters().Sum(p => p.numel()));

    /// <summary>What <paramref name="measure"/> reads off the network built on the meta device (shapes without
    /// storage: a 127M-parameter network costs nothing to build there, and a forward pass gives shapes only).</summary>
    public T OnMeta<T>(HeadKind head, SpinalOverrides? spinal, int? classes, Func<ClassifierNetwork, T> measure)
    {
        torch.set_default_device(new torch.Device(DeviceType.META));
        try
        {
            using var network = Build(head, spinal ?? SpinalOverrides.None, classes ?? Classes);
            return measure(network);
        }
        finally
        {
            torch.set_default_device(torch.CPU);
        }
    }

    /// <summary>Fails in one line when the network cannot take <paramref name="size"/> × <paramref name="size"/>
    /// images: naming the smallest size that works where the size is too small for the backbone, or the size a network
    /// without global pooling is made for (docs/fine-tuning.md §13.3). The network is probed with empty batches, which
    /// check every layer's shapes and compute nothing; the global generator is left as it was.</summary>
    public void CheckImageSize(int size, HeadKind head, SpinalOverrides? spinal = null, int? classes = null)
    {
        if (size < 1) throw new ArgumentException($"--image-size {size} must be at least 1", "image-size");
        int own = (int)InputShape[1];
        if (size == own) return;
        CheckFits(head, spinal, classes);
        string? problem = ImageSizeProblems.GetOrAdd((Name, head, size), _ =>
        {
            using var generator = torch.get_rng_state();
            using var network = Build(head, spinal ?? SpinalOverrides.None, classes ?? Classes);
            torch.set_rng_state(generator);
            network.eval();
            bool Takes(int n)
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                try
                {
                    return network.call(torch.zeros(0, InputShape[0], n, n)).shape.SequenceEqual([0L, classes ?? Classes]);
                }
                catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException)
                {
                    return false;
                }
            }
            if (Takes(size)) return null;
            if (size > own) return $"does not fit {Name}, made for {own} x {own} images";
            // Sizes that work are taken to stay working above the smallest (pooling backbones): bisect below own.
            int fails = size, works = own;
            while (works - fails > 1)
            {
                int middle = (fails + works) / 2;
                if (Takes(middle)) works = middle;
                else fails = middle;
            }
            return $"is too small for {Name}: the smallest image size it takes is {works}";
        });
        if (problem is not null) throw new ArgumentException($"--image-size {size} {problem}", "image-size");
    }

    // What CheckImageSize found, by network, head and size (the head's changes leave the features it reads as they
    // are): a configuration is checked more than once on its way to a run, and a large backbone takes a second to build.
    static readonly ConcurrentDictionary<(string, HeadKind, int), string?> ImageSizeProblems = new();
}

/// <param name="Width">w, neurons in each spinal layer (the authors' layer_width).</param>
/// <param name="Layers">L, the number of spinal layers.</param>
/// <param name="Splits">k, the number of parts the features are cut into (2 gives the authors' Half_width = N/2).</param>
/// <param name="Dropout">Dropout on each spinal layer's input and on the output layer's (the authors' SpinalNet_VGG:
/// 0.5).</param>
/// <param name="BatchNorm">BatchNorm1d after each spinal layer's linear map.</param>
/// <param name="Activation">φ of the spinal layers (LeakyReLU in the hymenoptera script).</param>
/// <param name="SharedWeights">Layers 2..L share one linear map (SpinalNet SW).</param>
/// <summary>Changes to a network's Spinal head (null: the network's own).</summary>
public sealed record SpinalOverrides(int? Width = null, int? Layers = null, int? Splits = null, double? Dropout = null,
    bool? BatchNorm = null, Activation? Activation = null, bool? SharedWeights = null)
{
    /// <summary>No change.</summary>
    public static readonly SpinalOverrides None = new();

    /// <summary>The configuration with the given values over it.</summary>
    public SpinalConfig Apply(SpinalConfig config) => config with
    {
        LayerWidth = Width ?? config.LayerWidth,
        Layers = Layers ?? config.Layers,
        Splits = Splits ?? config.Splits,
        Dropout = Dropout ?? config.Dropout,
        BatchNorm = BatchNorm ?? config.BatchNorm,
        Activation = Activation ?? config.Activation,
        SharedWeights = SharedWeights ?? config.SharedWeights,
    };
}

/// <summary>The networks of the paper by name (mnist-cnn, vgg5, cifar10-resnet18, ...; docs/networks.md §2).</summary>
public static class ModelCatalog
{
    static readonly long[] Mnist = [1, 28, 28], Cifar = [3, 32, 32];

    static readonly ModelSpec[] Specs =
    [
        new("mnist-cnn", "simple CNN of the MNIST experiments; Spinal head w = 8, L = 6", Mnist, 10,
            (head, spinal, classes) => MnistCnn.Create(new MnistCnnConfig(classes), head, spinal), Keys(MnistCnn.Keys)),
        new("emnist-digits-cnn", "simple CNN of the EMNIST-digits experiment; Spinal head w = 10, L = 6", Mnist, 10,
            (head, spinal, classes) => MnistCnn.Create(new MnistCnnConfig(classes, SpinalWidth: 10), head, spinal),
            Keys(MnistCnn.Keys)),
        .. new (string Name, string Data, int Width)[]
        {
            ("arch2-mnist", "MNIST", 30), ("arch2-kmnist", "KMNIST, QMNIST, EMNIST digits", 50),
            ("arch2-fashion", "Fashion-MNIST", 300),
        }.Select(a => new ModelSpec(a.Name,
            $"Arch2 for {a.Data}: Spinal stacks on pixels, conv1 and conv2, w = {a.Width}; fc = the MNIST default CNN",
            Mnist, 10, (head, spinal, classes) => Arch2.Create(new Arch2Config(a.Width, classes), head, spinal),
            Keys(Arch2.Keys))),
        .. new (string Name, string Data, int Classes)[] { ("vgg5", "MNIST family", 10), ("vgg5-emnist-letters", "EMNIST letters", 62) }
            .Select(v => new ModelSpec(v.Name,
                $"VGG-5 for {v.Data}, {v.Classes} classes; Spinal w = 128, L = 4, dropout 0.5, BN", Mnist, v.Classes,
                (head, spinal, classes) => Vgg5.Create(new Vgg5Config(classes), head, spinal), Keys(Vgg5.Keys))),
        .. new (int Classes, int Width)[] { (10, 128), (100, 256) }
            .Select(c => new ModelSpec($"cifar{c.Classes}-cnn",
                $"CNN of the CIFAR-{c.Classes} experiments; Spinal w = {c.Width}, L = 4, dropout 0.1", Cifar, c.Classes,
                (head, spinal, classes) => CifarCnn.Create(new CifarCnnConfig(classes, c.Width), head, spinal),
                Keys(CifarCnn.Keys))),
        .. from classes in new[] { 10, 100 }
           from depth in VggFeatures.Depths.Keys
           select new ModelSpec($"cifar{classes}-vgg{depth}-bn",
               $"VGG-{depth} with batch norm for CIFAR-{classes}; Spinal w = 512, L = 4, dropout 0.5", Cifar, classes,
               (head, spinal, n) => CifarVgg.Create(new CifarVggConfig(depth, n), head, spinal), Keys(CifarVgg.Keys)),
        .. from classes in new[] { 10, 100 }
           from depth in new[] { 18, 34 }
           let width = classes == 10 ? 256 : 512
           select new ModelSpec($"cifar{classes}-resnet{depth}",
               $"ResNet-{depth}, base width 32, for CIFAR-{classes}; spatial Spinal w = {width}", Cifar, classes,
               (head, spinal, n) => CifarResNet.Create(
                   new CifarResNetConfig(depth == 18 ? CifarResNetConfig.ResNet18 : CifarResNetConfig.ResNet34, n, width),
                   head, spinal),
               Keys(CifarResNet.Keys)),
        .. ImageNetNetworks.Specs,
    ];

    /// <summary>A key map that does not depend on the Spinal changes.</summary>
    static Func<HeadKind, SpinalOverrides, AuthorsKeys> Keys(Func<HeadKind, AuthorsKeys> keys) => (head, _) => keys(head);

    /// <summary>Every network, in catalogue order.</summary>
    public static IReadOnlyList<ModelSpec> All => Specs;

    /// <summary>The network of a name, or an <see cref="ArgumentException"/> listing the valid names.</summary>
    public static ModelSpec Get(string name) =>
        Specs.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException(
            $"unknown model '{name}' (valid: {string.Join(", ", Specs.Select(s => s.Name))})", "model");
}
