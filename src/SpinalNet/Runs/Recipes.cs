// The paper's from-scratch experiments (docs/experiments.md §3.1–§3.3), one typed value each: the script's network,
// head, data set, preprocessing, optimiser, learning rate and its rule, batch sizes, epochs and seed. The table serves
// twice: a recipe is the default configuration of its network (and of the variants it lists), and, as a preset, the
// same recipe with 10% of the training data held out to pick the best epoch (the scripts pick it on the test set;
// `--validation-fraction 0` reproduces them). Where a script's intent and its code differ (a learning-rate rule that
// never reaches the optimiser), the recipe follows the code and its description says so.
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>Which heads a script trains: one, or both side by side on the same batches (spinalnet compare).</summary>
public enum RecipeHeads { Spinal, Fc, Both }

/// <param name="Script">The authors' script whose setting this is.</param>
/// <param name="Section">Where docs/experiments.md describes it, e.g. "3.1".</param>
/// <param name="AlsoFor">Other networks that train with this recipe unless told otherwise (e.g. VGG-11/13/16 beside the
/// script's VGG-19).</param>
/// <param name="Spinal">The script's Spinal head where it differs from the network's own (null: the network's).</param>
public sealed record Recipe(
    string Name, string Script, string Section, string Description, string Model, RecipeHeads Heads, string Data,
    string Augmentation, TrainingSettings Settings, string[]? AlsoFor = null, SpinalOverrides? Spinal = null)
{
    /// <summary>The script's own setting, as a configuration (the Spinal head where it trains both).</summary>
    public RunConfig Config => new(Model, Heads == RecipeHeads.Fc ? HeadKind.Fc : HeadKind.Spinal,
        Spinal ?? SpinalOverrides.None, Data, Settings, Augmentation);

    /// <summary>The recipe as a preset: 10% of the training data held out to pick the best epoch.</summary>
    public RunConfig Preset => Config with { Settings = Settings with { ValidationFraction = 0.1 } };

    public string HeadsName => Heads.ToString().ToLowerInvariant();
}

/// <summary>The paper's experiments as recipes: the default configuration of each network and the presets.</summary>
public static class Recipes
{
    // SGD 0.01, momentum 0.5, constant rate, batch 64 / 1000, 8 epochs, seed 1.
    static readonly TrainingSettings MnistScript = new(Epochs: 8, BatchSize: 64, TestBatchSize: 1000,
        Optimizer: OptimizerKind.Sgd, LearningRate: 0.01, Momentum: 0.5, Seed: 1);

    // The Arch2 scripts: SGD momentum 0.5, batch 64, 200 epochs.
    static readonly TrainingSettings Arch2Script = MnistScript with { Epochs = 200, Seed = 0 };

    // VGG-5: Adam 0.005, lr ← 0.005·U³ when accuracy fails to improve, batch 100, 200 epochs.
    static readonly TrainingSettings Vgg5Script = new(Epochs: 200, BatchSize: 100, TestBatchSize: 1000,
        Optimizer: OptimizerKind.Adam, LearningRate: 0.005, Momentum: 0, Seed: 0)
        { Schedule = new RandomOnPlateauSchedule(Power: 3) };

    // The CIFAR scripts: Adam, batch 100 or 200.
    static TrainingSettings Cifar(int epochs, int batch, double lr, Schedule schedule, long seed) =>
        new(Epochs: epochs, BatchSize: batch, TestBatchSize: 1000, Optimizer: OptimizerKind.Adam, LearningRate: lr,
            Momentum: 0, Seed: seed) { Schedule = schedule };

    static readonly Recipe MnistCnn = new("mnist-cnn-spinal", "SpinalNet_MNIST.py", "3.1",
        "simple CNN, Spinal head w = 8, L = 6, 8 epochs (embedded sample; --data mnist for the full set)",
        "mnist-cnn", RecipeHeads.Spinal, "embedded", "mnist", MnistScript);

    static readonly Recipe EmnistDigitsCnn = new("emnist-digits-cnn-spinal", "SpinalNet_EMNIST_Digits.py", "3.1",
        "simple CNN, Spinal head w = 10, EMNIST digits, 8 epochs", "emnist-digits-cnn", RecipeHeads.Spinal,
        "emnist-digits", "mnist", MnistScript);

    static readonly Recipe Arch2Kmnist = new("arch2-kmnist", "Arch2_KMNIST.py", "3.1",
        "Arch2 w = 50, perspective + rotation, SGD 0.1 m 0.5 (constant: the script's rule never reaches the " +
        "optimiser), 200 epochs", "arch2-kmnist", RecipeHeads.Spinal, "kmnist", "mnist-arch2",
        Arch2Script with { LearningRate = 0.1 });

    static readonly Recipe Vgg5Mnist = new("vgg5-mnist", "MNIST_VGG/ MNIST script", "3.2",
        "VGG-5 default and Spinal heads side by side, Adam 0.005 with lr = 0.005·U³ when accuracy fails to " +
        "improve, 200 epochs", "vgg5", RecipeHeads.Both, "mnist", "mnist-arch2", Vgg5Script);

    static readonly Recipe Cifar10Cnn = new("cifar10-cnn-spinal", "CNN_dropout_SpinalFC_CIFAR10.py", "3.3",
        "CIFAR CNN, Spinal w = 128, pad + flip + crop, Adam 1e-3 (constant: the script's rule never fires), " +
        "batch 100, 160 epochs, seed 1", "cifar10-cnn", RecipeHeads.Spinal, "cifar10", "cifar-cnn",
        Cifar(160, 100, 1e-3, new ConstantSchedule(), 1));

    static readonly Recipe Cifar10Vgg = new("cifar10-vgg", "VGG_default_and_SpinalFC_CIFAR10.py", "3.3",
        "VGG-19-bn both heads, pad + flip + crop, Adam 1e-4 with lr = 1e-4·U³ when accuracy drops, batch 100, " +
        "200 epochs", "cifar10-vgg19-bn", RecipeHeads.Both, "cifar10", "cifar-cnn",
        Cifar(200, 100, 1e-4, new RandomOnPlateauSchedule(Power: 3), 0),
        ["cifar10-vgg11-bn", "cifar10-vgg13-bn", "cifar10-vgg16-bn"]);

    static readonly Recipe Cifar10ResNet = new("cifar10-resnet", "ResNet_default_and_SpinalFC_CIFAR10.py", "3.3",
        "ResNet-18 both heads, crop + flip, CIFAR statistics, Adam 1e-3 with lr = 1e-3·U⁵ when accuracy drops, " +
        "batch 200, 160 epochs", "cifar10-resnet18", RecipeHeads.Both, "cifar10", "cifar-resnet",
        Cifar(160, 200, 1e-3, new RandomOnPlateauSchedule(Power: 5), 0), ["cifar10-resnet34"]);

    // The transfer scripts (docs/experiments.md §3.4): SGD momentum 0.9, StepLR(7, 0.1) once per epoch.
    static readonly Recipe Hymenoptera = new("tl-hymenoptera", "Transfer_Learning_hymenoptera.py", "3.4",
        "resnet18 from ImageNet weights, LeakyReLU Spinal head w = 5, L = 6 (6 distinct layers; the script reuses its " +
        "layers 3 and 4 as 5 and 6), random resized crop + flip, ImageNet statistics, SGD 1e-3 m 0.9, StepLR 7/0.1, " +
        "batch 4, 25 epochs", "resnet18", RecipeHeads.Spinal, "hymenoptera", "tl-hymenoptera",
        new TrainingSettings(Epochs: 25, BatchSize: 4, TestBatchSize: 64, Optimizer: OptimizerKind.Sgd, LearningRate: 1e-3,
            Momentum: 0.9, Seed: 0) { Schedule = new StepSchedule(7, 0.1) },
        [.. ImageNetNetworks.Specs.Select(s => s.Name).Where(n => n != "resnet18")],
        new SpinalOverrides(Width: 5, Layers: 6, Activation: Layers.Activation.LeakyRelu));

    public static readonly IReadOnlyList<Recipe> All =
    [
        MnistCnn with
        {
            Name = "mnist-cnn-default", Script = "default_pytorch_MNIST.py", Heads = RecipeHeads.Fc,
            Description = "simple CNN, default head 320→50→10, 8 epochs (embedded sample; --data mnist for the full set)",
        },
        MnistCnn,
        EmnistDigitsCnn with
        {
            Name = "emnist-digits-cnn-default", Script = "default_pytorch_EMNIST.py", Heads = RecipeHeads.Fc,
            Description = "simple CNN, default head, EMNIST digits (upright; --data emnist-digits-stored keeps the " +
                          "authors' transposed images), 8 epochs",
        },
        EmnistDigitsCnn,
        Arch2Kmnist with
        {
            Name = "arch2-mnist", Script = "Arch2_MNIST.py", Model = "arch2-mnist", Data = "mnist",
            Description = "Arch2 w = 30, perspective + rotation, SGD 0.01 m 0.5, then from epoch 101 lr = 0.05·U³ every " +
                          "epoch (the script's momentum reset is not reproduced), 200 epochs",
            Settings = Arch2Script with
            {
                LearningRate = 0.01, Schedule = new RandomEveryEpochSchedule(Power: 3, RandomBase: 0.05, StartEpoch: 100),
            },
        },
        Arch2Kmnist with
        {
            Name = "arch2-fashion", Script = "Arch2_Fashion_MNIST.py", Model = "arch2-fashion", Data = "fashion-mnist",
            Augmentation = "fashion-arch2",
            Description = "Arch2 w = 300, rotation + resized crop, Normalize(0.5, 0.5), SGD 0.005 m 0.5, then from " +
                          "epoch 51 lr = 0.025·U³ every epoch, 200 epochs, seed 1",
            Settings = Arch2Script with
            {
                LearningRate = 0.005, Seed = 1,
                Schedule = new RandomEveryEpochSchedule(Power: 3, RandomBase: 0.025, StartEpoch: 50),
            },
        },
        Arch2Kmnist,
        Arch2Kmnist with { Name = "arch2-qmnist", Script = "Arch2_QMNIST.py", Data = "qmnist" },
        Arch2Kmnist with { Name = "arch2-emnist-digits", Script = "Arch2_EMNIST_Digits.py", Data = "emnist-digits" },
        Vgg5Mnist,
        Vgg5Mnist with
        {
            Name = "vgg5-kmnist", Data = "kmnist", Script = "MNIST_VGG/ KMNIST script",
            Description = Vgg5Mnist.Description + ", seed 1", Settings = Vgg5Script with { Seed = 1 },
        },
        Vgg5Mnist with { Name = "vgg5-qmnist", Data = "qmnist", Script = "MNIST_VGG/ QMNIST script" },
        Vgg5Mnist with { Name = "vgg5-emnist-digits", Data = "emnist-digits", Script = "MNIST_VGG/ EMNIST digits script" },
        Vgg5Mnist with
        {
            Name = "vgg5-emnist-letters", Data = "emnist-letters", Model = "vgg5-emnist-letters",
            Script = "MNIST_VGG/ EMNIST letters script",
            Description = Vgg5Mnist.Description + "; 62 outputs as the script, labels 0..25",
        },
        Vgg5Mnist with
        {
            Name = "vgg5-fashion", Data = "fashion-mnist", Augmentation = "fashion-arch2",
            Script = "MNIST_VGG/ Fashion-MNIST script",
            Description = Vgg5Mnist.Description + "; rotation + resized crop, Normalize(0.5, 0.5)",
        },
        Cifar10Cnn,
        Cifar10Cnn with
        {
            Name = "cifar10-cnn-default", Script = "CNN_dropout_CIFAR10.py", Heads = RecipeHeads.Fc,
            Description = "CIFAR CNN, default head, pad + flip + crop, Adam 1e-3 divided by 3 after epoch 2 and after " +
                          "every epoch past 20, batch 100, 160 epochs",
            Settings = Cifar(160, 100, 1e-3, new DivideEveryEpochSchedule(Factor: 3, StartEpoch: 20, AlsoAfter: [2]), 0),
        },
        Cifar10ResNet,
        Cifar10Vgg,
        Cifar10Cnn with
        {
            Name = "cifar100-cnn", Script = "CNN_dropout_Default_and_SpinalFC_CIFAR100.py", Model = "cifar100-cnn",
            Heads = RecipeHeads.Both, Data = "cifar100",
            Description = "CIFAR CNN both heads (Spinal w = 256), Adam 1e-3 divided by 3 when accuracy drops, " +
                          "batch 200, 160 epochs, seed 1",
            Settings = Cifar(160, 200, 1e-3, new DivideOnPlateauSchedule(Factor: 3), 1),
        },
        Cifar10ResNet with
        {
            Name = "cifar100-resnet", Script = "ResNet_Default_and_SpinalFC_CIFAR100.py", Model = "cifar100-resnet34",
            Data = "cifar100", AlsoFor = ["cifar100-resnet18"],
            Description = "ResNet-34 both heads (Spinal w = 512), crop + flip, CIFAR statistics, Adam 1e-3 with U⁵, " +
                          "batch 200, 160 epochs",
        },
        Cifar10Vgg with
        {
            Name = "cifar100-vgg", Script = "VGG_Default_and_SpinalFC_CIFAR_100.py", Model = "cifar100-vgg19-bn",
            Data = "cifar100", Augmentation = "cifar-resnet",
            AlsoFor = ["cifar100-vgg11-bn", "cifar100-vgg13-bn", "cifar100-vgg16-bn"],
            Description = "VGG-19-bn both heads, crop + flip, CIFAR statistics, Adam 1e-4 with U³, batch 200, 200 epochs",
            Settings = Cifar(200, 200, 1e-4, new RandomOnPlateauSchedule(Power: 3), 0),
        },
        Hymenoptera,
    ];

    /// <summary>The recipe (preset) of a name, or an <see cref="ArgumentException"/> listing the valid names.</summary>
    public static Recipe Get(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException(
            $"unknown preset '{name}' (valid: {string.Join(", ", All.Select(p => p.Name))})", "preset");

    /// <summary>The recipe a network trains with unless told otherwise: its script's (the Spinal one where a network has
    /// scripts for each head), or that of the script network it is a variant of.</summary>
    public static Recipe RecipeFor(string model) =>
        All.Where(r => r.Model == model || (r.AlsoFor ?? []).Contains(model))
            .OrderBy(r => r.Heads == RecipeHeads.Fc ? 1 : 0).FirstOrDefault()
        ?? throw new ArgumentException(
            $"unknown model '{model}' (valid: {string.Join(", ", ModelCatalog.All.Select(s => s.Name))})", "model");

    /// <summary>The configuration a network trains with unless told otherwise: its recipe's training, its own Spinal
    /// head (a recipe's head changes are the preset's), the scripts' model selection (best epoch on the test
    /// split).</summary>
    public static RunConfig DefaultsFor(string model) =>
        RecipeFor(model).Config with { Model = model, Head = HeadKind.Spinal, Spinal = SpinalOverrides.None };
}
