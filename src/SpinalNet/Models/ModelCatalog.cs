// The networks the library can build, by name, with what a user needs to train one: the input shape, the class
// count, and the authors' training setting for it (reference §3).
using SpinalNet.Layers;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Models;

/// <param name="InputShape">One sample's shape: channels, height, width.</param>
/// <param name="Classes">Outputs unless the run asks for another count.</param>
/// <param name="Defaults">The authors' training setting for this network (reference §3).</param>
/// <param name="Build">The network for a head, the user's Spinal changes and a class count.</param>
/// <param name="AuthorsKeys">How the authors' PyTorch state dict names this network's weights, per head.</param>
/// <param name="Data">The data the network trains on unless told otherwise ("embedded" or a catalogued set).</param>
/// <param name="Augmentation">The preprocessing pipeline of the authors' scripts for it.</param>
public sealed record ModelSpec(
    string Name,
    string Description,
    long[] InputShape,
    int Classes,
    TrainingSettings Defaults,
    Func<HeadKind, SpinalOverrides, int, ClassifierNetwork> Build,
    Func<HeadKind, AuthorsKeys>? AuthorsKeys = null,
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
    // Reference §3.1: SGD 0.01, momentum 0.5, batch 64 / 1000, 8 epochs (Arch2: 200 epochs, per-set learning rates).
    static readonly TrainingSettings MnistScript =
        new(Epochs: 8, BatchSize: 64, TestBatchSize: 1000, LearningRate: 0.01, Momentum: 0.5);

    // Reference §3.2 (VGG-5): Adam 0.005; lr ← 0.005·U³ whenever test accuracy fails to improve; batch 100 / 1000.
    static readonly TrainingSettings Vgg5Script = new(Epochs: 200, BatchSize: 100, TestBatchSize: 1000,
        Optimizer: "adam", LearningRate: 0.005, Momentum: 0, Schedule: new ScheduleSettings("random-on-plateau", Power: 3));

    static readonly long[] Mnist = [1, 28, 28], Cifar = [3, 32, 32];

    static readonly ModelSpec[] Specs =
    [
        new("mnist-cnn",
            "simple CNN of the MNIST experiments (reference §2.1); Spinal head w = 8, L = 6",
            Mnist, 10, MnistScript,
            (head, spinal, classes) => MnistCnn.Create(new MnistCnnConfig(classes), head, spinal), MnistCnn.Keys),
        new("emnist-digits-cnn",
            "simple CNN of the EMNIST-digits experiment (reference §2.1); Spinal head w = 10, L = 6",
            Mnist, 10, MnistScript,
            (head, spinal, classes) => MnistCnn.Create(new MnistCnnConfig(classes, SpinalWidth: 10), head, spinal),
            MnistCnn.Keys, Data: "emnist-digits"),
        .. Arch2Specs(),
        .. Vgg5Specs(),
        .. CifarCnnSpecs(),
        .. CifarVggSpecs(),
        .. CifarResNetSpecs(),
    ];

    static IEnumerable<ModelSpec> Arch2Specs() =>
        new (string Name, string Data, string Set, int Width, TrainingSettings Settings, string Augmentation)[]
        {
            ("arch2-mnist", "MNIST", "mnist", 30, MnistScript with { Epochs = 200 }, "mnist-arch2"),
            ("arch2-kmnist", "KMNIST, QMNIST, EMNIST digits", "kmnist", 50,
                MnistScript with { Epochs = 200, LearningRate = 0.1 }, "mnist-arch2"),
            ("arch2-fashion", "Fashion-MNIST", "fashion-mnist", 300,
                MnistScript with { Epochs = 200, LearningRate = 0.005 }, "fashion-arch2"),
        }.Select(a => new ModelSpec(a.Name,
            $"Arch2 for {a.Data} (reference §2.2): Spinal stacks on pixels, conv1 and conv2, w = {a.Width}; fc = the MNIST default CNN",
            Mnist, 10, a.Settings,
            (head, spinal, classes) => Arch2.Create(new Arch2Config(a.Width, classes), head, spinal), Arch2.Keys,
            a.Set, a.Augmentation));

    static IEnumerable<ModelSpec> Vgg5Specs() =>
        new (string Name, string Data, string Set, int Classes)[]
        {
            ("vgg5", "MNIST family", "mnist", 10), ("vgg5-emnist-letters", "EMNIST letters", "emnist-letters", 62),
        }.Select(v => new ModelSpec(v.Name,
            $"VGG-5 for {v.Data}, {v.Classes} classes (reference §2.3); Spinal w = 128, L = 4, dropout 0.5, BN",
            Mnist, v.Classes, Vgg5Script,
            (head, spinal, classes) => Vgg5.Create(new Vgg5Config(classes), head, spinal), Vgg5.Keys, v.Set, "mnist-arch2"));

    // Reference §3.3: CIFAR CNN Adam 1e-3 (batch 100 / 200); VGG Adam 1e-4 with lr ← 1e-4·U³ when accuracy drops;
    // ResNet Adam 1e-3 with lr ← 1e-3·U⁵, batch 200.
    static IEnumerable<ModelSpec> CifarCnnSpecs() =>
        new (int Classes, int Width, int Batch)[] { (10, 128, 100), (100, 256, 200) }
            .Select(c => new ModelSpec($"cifar{c.Classes}-cnn",
                $"CNN of the CIFAR-{c.Classes} experiments (reference §2.4); Spinal w = {c.Width}, L = 4, dropout 0.1",
                Cifar, c.Classes,
                new TrainingSettings(Epochs: 160, BatchSize: c.Batch, TestBatchSize: 1000, Optimizer: "adam",
                    LearningRate: 1e-3, Momentum: 0),
                (head, spinal, classes) => CifarCnn.Create(new CifarCnnConfig(classes, c.Width), head, spinal),
                CifarCnn.Keys, $"cifar{c.Classes}", "cifar-cnn"));

    static IEnumerable<ModelSpec> CifarVggSpecs() =>
        from classes in new[] { 10, 100 }
        from depth in VggFeatures.Depths.Keys
        select new ModelSpec($"cifar{classes}-vgg{depth}-bn",
            $"VGG-{depth} with batch norm for CIFAR-{classes} (reference §2.4); Spinal w = 512, L = 4, dropout 0.5",
            Cifar, classes,
            new TrainingSettings(Epochs: 200, BatchSize: classes == 10 ? 100 : 200, TestBatchSize: 1000,
                Optimizer: "adam", LearningRate: 1e-4, Momentum: 0,
                Schedule: new ScheduleSettings("random-on-plateau", Power: 3)),
            (head, spinal, n) => CifarVgg.Create(new CifarVggConfig(depth, n), head, spinal), CifarVgg.Keys,
            $"cifar{classes}", classes == 10 ? "cifar-cnn" : "cifar-resnet");

    static IEnumerable<ModelSpec> CifarResNetSpecs() =>
        from classes in new[] { 10, 100 }
        from depth in new[] { 18, 34 }
        let width = classes == 10 ? 256 : 512
        select new ModelSpec($"cifar{classes}-resnet{depth}",
            $"ResNet-{depth}, base width 32, for CIFAR-{classes} (reference §2.4, §1.3); spatial Spinal w = {width}",
            Cifar, classes,
            new TrainingSettings(Epochs: 160, BatchSize: 200, TestBatchSize: 1000, Optimizer: "adam", LearningRate: 1e-3,
                Momentum: 0, Schedule: new ScheduleSettings("random-on-plateau", Power: 5)),
            (head, spinal, n) => CifarResNet.Create(
                new CifarResNetConfig(depth == 18 ? CifarResNetConfig.ResNet18 : CifarResNetConfig.ResNet34, n, width),
                head, spinal),
            CifarResNet.Keys, $"cifar{classes}", "cifar-resnet");

    public static IReadOnlyList<ModelSpec> All => Specs;

    public static ModelSpec Get(string name) =>
        Specs.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException(
            $"unknown model '{name}' (valid: {string.Join(", ", Specs.Select(s => s.Name))})", "model");
}
