// The networks the library can build, by name, with what a user needs to train one: the input shape, the class
// count, and the authors' training setting for it (reference §3).
using SpinalNet.Layers;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Models;

/// <param name="InputShape">One sample's shape: channels, height, width.</param>
/// <param name="Classes">Outputs unless the run asks for another count.</param>
/// <param name="Defaults">The authors' training setting for this network.</param>
/// <param name="Data">The data the network trains on unless told otherwise ("embedded" or a catalogued set).</param>
/// <param name="Augmentation">The preprocessing pipeline of the authors' scripts for it.</param>
public sealed record ModelSpec(
    string Name,
    string Description,
    long[] InputShape,
    int Classes,
    TrainingSettings Defaults,
    Func<HeadKind, SpinalOverrides, int, ClassifierNetwork> Build,
    string Data = "embedded",
    string Augmentation = "mnist")
{
    /// <summary>Builds the network with weights drawn from the given seed.</summary>
    public ClassifierNetwork Create(HeadKind head, long seed, SpinalOverrides? spinal = null, int? classes = null)
    {
        if (classes is < 1) throw new ArgumentException($"classes = {classes} must be at least 1", "classes");
        torch.manual_seed(seed);
        return Build(head, spinal ?? SpinalOverrides.None, classes ?? Classes);
    }
}

/// <summary>Changes to a model's Spinal head; null keeps the paper's value.</summary>
/// <param name="Width">w, neurons in each spinal layer (the authors' layer_width).</param>
/// <param name="Layers">L, the number of spinal layers.</param>
/// <param name="Splits">k, the number of parts the features are cut into (2 gives the authors' Half_width = N/2).</param>
public sealed record SpinalOverrides(int? Width = null, int? Layers = null, int? Splits = null)
{
    public static readonly SpinalOverrides None = new();

    public SpinalConfig Apply(SpinalConfig config) => config with
    {
        LayerWidth = Width ?? config.LayerWidth,
        Layers = Layers ?? config.Layers,
        Splits = Splits ?? config.Splits,
    };
}

public static class ModelCatalog
{
    // Reference §3.1: SGD 0.01, momentum 0.5, batch 64 / 1000, 8 epochs.
    static readonly TrainingSettings MnistScripts =
        new(Epochs: 8, BatchSize: 64, TestBatchSize: 1000, LearningRate: 0.01, Momentum: 0.5);

    // Reference §3.2 (VGG-5): Adam 0.005; lr ← 0.005·U³ whenever test accuracy fails to improve; batch 100 / 1000.
    static readonly TrainingSettings Vgg5Scripts = new(Epochs: 200, BatchSize: 100, TestBatchSize: 1000,
        Optimizer: "adam", LearningRate: 0.005, Schedule: new ScheduleSettings("random-on-plateau", Power: 3));

    // Reference §3.3: CIFAR CNN Adam 1e-3 batch 100; VGG Adam 1e-4 with U³; ResNet Adam 1e-3 with U⁵, batch 200.
    static readonly TrainingSettings CifarCnnScripts = new(Epochs: 160, BatchSize: 100, TestBatchSize: 1000,
        Optimizer: "adam", LearningRate: 0.001);
    static readonly TrainingSettings CifarVggScripts = new(Epochs: 200, BatchSize: 100, TestBatchSize: 1000,
        Optimizer: "adam", LearningRate: 0.0001, Schedule: new ScheduleSettings("random-on-plateau", Power: 3));
    static readonly TrainingSettings CifarResNetScripts = new(Epochs: 160, BatchSize: 200, TestBatchSize: 1000,
        Optimizer: "adam", LearningRate: 0.001, Schedule: new ScheduleSettings("random-on-plateau", Power: 5));

    static readonly long[] Mnist = [1, 28, 28], Cifar = [3, 32, 32];

    static ModelSpec CifarVgg(string depth) => new($"cifar-{depth}",
        $"{depth.ToUpperInvariant()} with batch norm on CIFAR (§2.4); Spinal s = 256, w = 512, L = 4, dropout 0.5",
        Cifar, 10, CifarVggScripts, (head, spinal, classes) => PaperNetworks.CifarVgg(depth, head, spinal, classes),
        "cifar10", "cifar-cnn");

    static ModelSpec CifarResNet(string depth, string what) => new($"cifar-{depth}",
        $"{what} (base width 32) on CIFAR (§2.4); Spinal head on the 2×2 spatial split (§1.3), w = 256 for 10 " +
        "classes, 512 for more", Cifar, 10, CifarResNetScripts,
        (head, spinal, classes) => Models.CifarResNet.Create(depth, head, spinal, classes), "cifar10", "cifar-resnet");

    static readonly ModelSpec[] Specs =
    [
        new("mnist-cnn", "simple CNN of the MNIST experiments (§2.1); Spinal head w = 8, L = 6", Mnist, 10,
            MnistScripts, (head, spinal, classes) => MnistCnn.Create(new MnistCnnConfig(classes), head, spinal)),
        new("emnist-digits-cnn", "simple CNN of the EMNIST-digits experiment (§2.1); Spinal head w = 10, L = 6",
            Mnist, 10, MnistScripts,
            (head, spinal, classes) => MnistCnn.Create(new MnistCnnConfig(classes, SpinalWidth: 10), head, spinal)),
        new("arch2", "Arch2 (§2.2): three Spinal stacks on pixels, conv1 and conv2 features; w = 50 (KMNIST, QMNIST, " +
                     "EMNIST digits; --spinal-width 30 for MNIST, 300 for Fashion-MNIST)", Mnist, 10,
            MnistScripts with { Epochs = 200 }, (head, spinal, classes) => Arch2.Create(head, spinal, classes, 50),
            Augmentation: "mnist-arch2"),
        new("vgg5", "VGG-5 of the MNIST-family experiments (§2.3); Spinal s = 128, w = 128, L = 4, dropout 0.5, " +
                    "batch norm", Mnist, 10, Vgg5Scripts, PaperNetworks.Vgg5, Augmentation: "mnist-arch2"),
        new("cifar-cnn", "CIFAR \"CNN dropout\" (§2.4); Spinal s = 2048, w = 128 for 10 classes, 256 for more, " +
                         "L = 4, dropout 0.1", Cifar, 10, CifarCnnScripts, PaperNetworks.CifarCnn, "cifar10", "cifar-cnn"),
        CifarVgg("vgg11"), CifarVgg("vgg13"), CifarVgg("vgg16"), CifarVgg("vgg19"),
        CifarResNet("resnet18", "ResNet-18 [2,2,2,2]"), CifarResNet("resnet34", "ResNet-34 [3,4,6,3]"),
    ];

    public static IReadOnlyList<ModelSpec> All => Specs;

    public static ModelSpec Get(string name) =>
        Specs.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException(
            $"unknown model '{name}' (valid: {string.Join(", ", Specs.Select(s => s.Name))})", "model");
}
