// The paper's experiments (docs/experiments.md §3.1–§3.5, docs/fine-tuning.md §13.4), one typed value each: the
// script's network, head, data set, input size, preprocessing, optimiser, learning rate and its rule, batch sizes,
// epochs and seed. The table serves
// twice: a recipe is the default configuration of its network (and of the variants it lists), and, as a preset, the
// same recipe with 10% of the training data held out to pick the best epoch (the scripts pick it on the test set;
// `--validation-fraction 0` reproduces them). Where a script's intent and its code differ (a learning-rate rule that
// never reaches the optimiser), the recipe follows the code and its description says so; where a transfer script's bug
// would train something other than what the paper reports (a head on an attribute VGG never calls), the recipe follows
// the paper and its description says so.
using System.Text.Json;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>Which heads a script trains: one, or both side by side on the same batches (spinalnet compare).</summary>
public enum RecipeHeads { Spinal, Fc, Both }

/// <param name="Script">The authors' script whose setting this is.</param>
/// <param name="Section">Where the docs describe it, e.g. "3.1" (docs/experiments.md; 13.x: docs/fine-tuning.md).</param>
/// <param name="AlsoFor">Other networks that train with this recipe unless told otherwise (e.g. VGG-11/13/16 beside the
/// script's VGG-19).</param>
/// <param name="Spinal">The script's Spinal head where it differs from the network's own (null: the network's).</param>
/// <param name="Classes">The script's outputs where they differ from the network's own (null: the network's).</param>
/// <param name="ImageSize">The side of the script's input where it is not the network's own (null: the network's).</param>
public sealed record Recipe(
    string Name, string Script, string Section, string Description, string Model, RecipeHeads Heads, string Data,
    string Augmentation, TrainingSettings Settings, string[]? AlsoFor = null, SpinalSettings? Spinal = null,
    int? Classes = null, int? ImageSize = null)
{
    /// <summary>The script's own setting, as a configuration (the Spinal head where it trains both); on an ImageNet
    /// backbone, from its ImageNet weights, as every transfer script starts.</summary>
    public RunConfig Config
    {
        get
        {
            var spec = ModelCatalog.Get(Model);
            return new(Model, Heads == RecipeHeads.Fc ? HeadKind.Fc : HeadKind.Spinal, Spinal ?? spec.Spinal,
                Classes ?? spec.Classes, Data, Settings, Augmentation, ImageSize: ImageSize,
                Pretrained: spec.ImageNet is not null);
        }
    }

    /// <summary>The recipe as a preset: 10% of the training data held out to pick the best epoch.</summary>
    public RunConfig Preset => Config with { Settings = Settings with { ValidationFraction = 0.1 } };

    /// <summary>The preset as a configuration layer; what the recipe leaves to the network (its Spinal head, its
    /// classes) stays out of it, so over another model it takes that model's.</summary>
    public ConfigLayer Layer
    {
        get
        {
            var values = JsonSerializer.SerializeToNode(Preset, RunJson.Options)!.AsObject();
            values.Remove("world_size");
            if (Spinal is null) values.Remove("spinal");
            if (Classes is null) values.Remove("classes");
            return new ConfigLayer($"preset {Name}", values);
        }
    }

    public string HeadsName => Heads.ToString().ToLowerInvariant();
}

/// <summary>The paper's experiments as recipes: the default configuration of each network and the presets.</summary>
public static class Recipes
{
    /// <summary>The presets, as `spinalnet presets` lists them.</summary>
    public static TextTable Table => new(["preset", "head", "network", "script", "description"],
        All.Select(p => new[] { p.Name, p.HeadsName, p.Model, p.Script, p.Description }));

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

    // The transfer scripts and notebooks (docs/experiments.md §3.4, §3.5; docs/fine-tuning.md §13.4): the whole network
    // trained from ImageNet weights with SGD momentum 0.9, StepLR(7, 0.1) stepped once per epoch within each learning-
    // rate stage, a new optimiser per stage, evaluation batch = training batch.
    static TrainingSettings Transfer(int batch, params (double Rate, int Epochs)[] stages) =>
        new(Epochs: stages.Sum(s => s.Epochs), BatchSize: batch, TestBatchSize: batch, Optimizer: OptimizerKind.Sgd,
            LearningRate: stages[0].Rate, Momentum: 0.9, Seed: 0) { Schedule = StagesSchedule.Of(stages) };

    // The authors' two head modules (docs/networks.md §2.5), k = 2, L = 4: "SpinalNet_ResNet" (Linear → ReLU) and
    // "SpinalNet_VGG" (dropout 0.5 → Linear → BatchNorm1d → ReLU).
    static SpinalSettings SpinalResNet(int width) => ImageNetNetworks.SpinalResNet(width);

    static SpinalSettings SpinalVgg(int width) => ImageNetNetworks.SpinalVgg(width);

    const string Wrn = "wide_resnet101_2";
    const string TransferNote = "SGD m 0.9, StepLR 7/0.1 in each stage";

    static readonly Recipe Stl10 = new("tl-stl10", "Transfer_Learning_STL10.py", "3.4",
        "wide_resnet101_2, SpinalNet_VGG head w = 512; 256 px: Resize 272², rotation 15, crop 256, flip; CIFAR-100 " +
        $"statistics; {TransferNote}; 1e-3 × 20 epochs, batch 24", Wrn, RecipeHeads.Spinal, "stl10", "tl-stl10",
        Transfer(24, (1e-3, 20)), Spinal: SpinalVgg(512), ImageSize: 256);

    static readonly Recipe Hymenoptera = new("tl-hymenoptera", "Transfer_Learning_hymenoptera.py", "3.4",
        "resnet18 from ImageNet weights, LeakyReLU Spinal head w = 5, L = 6 (6 distinct layers; the script reuses its " +
        "layers 3 and 4 as 5 and 6), random resized crop + flip, ImageNet statistics, SGD 1e-3 m 0.9, StepLR 7/0.1, " +
        "batch 4, 25 epochs", "resnet18", RecipeHeads.Spinal, "hymenoptera", "tl-hymenoptera", Transfer(4, (1e-3, 25)),
        [.. ImageNetNetworks.Specs.Select(s => s.Name).Where(n => n != "resnet18" && !ImageNetNetworks.Newer.Contains(n))],
        SpinalResNet(5) with { Layers = 6, Activation = Layers.Activation.LeakyRelu }, Classes: 2);

    /// <summary>The transfer scripts and notebooks on ImageNet backbones.</summary>
    static readonly Recipe[] TransferRecipes =
    [
        Stl10,
        Stl10 with
        {
            Name = "tl-bird225", Script = "Transfer_Learning_Bird225.py", Data = "bird225", Augmentation = "tl-bird225",
            Description = "wide_resnet101_2, SpinalNet_VGG head w = 1024; 224 px: Resize 230², rotation 15, crop 224, " +
                          $"flip; CIFAR-100 statistics; {TransferNote}; 1e-3 × 25 epochs, batch 24",
            Settings = Transfer(24, (1e-3, 25)), Spinal = SpinalVgg(1024), Classes = 225, ImageSize = null,
        },
        Stl10 with
        {
            Name = "tl-cifar10", Script = "Transfer_Learning_CIFAR10.py", Heads = RecipeHeads.Both, Data = "cifar10",
            Augmentation = "tl-cifar10",
            Description = "wide_resnet101_2 both heads, SpinalNet_ResNet w = 20, as the paper reports (98.22 / 98.12%; the " +
                          "script loads vgg19_bn and puts the head on .fc, which VGG never calls); 256 px as STL10; " +
                          $"{TransferNote}; 1e-3 × 50 epochs, batch 28",
            Settings = Transfer(28, (1e-3, 50)), Spinal = SpinalResNet(20),
        },
        Stl10 with
        {
            Name = "tl-cifar100", Script = "Transfer_Learning_CIFAR100.py", Data = "cifar100", Augmentation = "tl-cifar100",
            Description = "wide_resnet101_2, SpinalNet_VGG head w = 512, on CIFAR-100 (the script's data folder points " +
                          $"at CIFAR-10); 256 px as STL10; {TransferNote}; 1e-3 × 50 epochs, batch 24",
            Settings = Transfer(24, (1e-3, 50)), Classes = 100,
        },
        Stl10 with
        {
            Name = "tl-cinic10", Script = "Transfer_Learning_CINIC10.py", Data = "cinic10", Augmentation = "tl-cinic10",
            Description = "wide_resnet101_2, SpinalNet_ResNet w = 20; 448 px: Resize 456², rotation 15, crop 448, flip; " +
                          $"CINIC-10 statistics; {TransferNote}; 1e-2 × 20 then 1e-3 × 20 epochs, batch 9",
            Settings = Transfer(9, (1e-2, 20), (1e-3, 20)), Spinal = SpinalResNet(20), ImageSize = 448,
        },
        Stl10 with
        {
            Name = "tl-caltech101", Script = "Transfer_Learning_Caltech101.py", Heads = RecipeHeads.Both,
            Data = "caltech101", Augmentation = "tl-caltech101",
            Description = "wide_resnet101_2 both heads, SpinalNet_VGG w = 1024, the paper's best (96.87% against 96.11% " +
                          "for Linear; the script has its Linear baseline committed); 224 px: Resize 230², rotation 15, " +
                          $"crop 224, flip; {TransferNote}; 1e-3 × 20 epochs, batch 30",
            Settings = Transfer(30, (1e-3, 20)), Spinal = SpinalVgg(1024), Classes = 101, ImageSize = null,
        },
        Stl10 with
        {
            Name = "tl-fruits360", Script = "Transfer_Learning_Fruits360.py", Data = "fruits360", Augmentation = "tl-fruits360",
            Description = "wide_resnet101_2, SpinalNet_ResNet w = 131; 128 px: Resize 140², rotation 15, random resized " +
                          $"crop 128, H and V flips; {TransferNote}; 1e-2 × 20 epochs, batch 224",
            Settings = Transfer(224, (1e-2, 20)), Spinal = SpinalResNet(131), Classes = 131, ImageSize = 128,
        },
        Stl10 with
        {
            Name = "tl-mnist", Script = "Transfer_Learning_MNIST.py", Model = "vgg19_bn", Data = "mnist",
            Augmentation = "tl-mnist",
            Description = "vgg19_bn, its classifier replaced by a SpinalNet_VGG head w = 1024 on 25,088 features; 112 px " +
                          "(grey repeated to RGB): Resize 120², rotation 10, crop 112, perspective; MNIST statistics; " +
                          $"{TransferNote}; 1e-2 × 10 then 1e-3 × 10 epochs, batch 128",
            Settings = Transfer(128, (1e-2, 10), (1e-3, 10)), Spinal = SpinalVgg(1024), ImageSize = 112,
        },
        Stl10 with
        {
            Name = "tl-oxford102", Script = "Transfer_Learning_Oxford102flower.py", Heads = RecipeHeads.Both,
            Data = "oxford102", Augmentation = "tl-oxford102",
            Description = "wide_resnet101_2 both heads, SpinalNet_ResNet w = 102; 448 px: Resize 464², rotation 15, crop " +
                          $"448, flip; {TransferNote}; 1e-3 × 50 epochs, batch 8; tested on the valid split",
            Settings = Transfer(8, (1e-3, 50)), Spinal = SpinalResNet(102), Classes = 102, ImageSize = 448,
        },
        Stl10 with
        {
            Name = "tl-svhn", Script = "Transfer_Learning_SVHN.py", Data = "svhn", Augmentation = "tl-svhn",
            Description = "wide_resnet101_2, SpinalNet_ResNet w = 20, as the paper reports (97.87%; the script loads " +
                          "vgg19_bn with the head on .fc, which VGG never calls, and applies ToTensor twice); 256 px: " +
                          $"Resize 272×320, rotation 15, centre crop 272, crop 256; {TransferNote}; 1e-3 × 50, batch 28",
            Settings = Transfer(28, (1e-3, 50)), Spinal = SpinalResNet(20),
        },
        Stl10 with
        {
            Name = "tl-stanford-cars", Script = "Transfer_Learning_Stanford_Cars.py", Data = "stanford-cars",
            Augmentation = "tl-stanford-cars",
            Description = "wide_resnet101_2, SpinalNet_ResNet w = 196; 448 px: Resize 456², rotation 15, crop 448, flip; " +
                          $"{TransferNote}; 1e-3 × 25 then 1e-4 × 25 epochs, batch 9",
            Settings = Transfer(9, (1e-3, 25), (1e-4, 25)), Spinal = SpinalResNet(196), Classes = 196, ImageSize = 448,
        },
        Hymenoptera,
        Stl10 with
        {
            Name = "nb-fashion-tl", Script = "transfer-learning-on-fashion-mnist-dataset.ipynb", Section = "3.5",
            Data = "fashion-mnist", Augmentation = "nb-fashion-tl",
            Description = "wide_resnet101_2, linear Spinal head w = 1024 (SpinalNet_Resnet without activation); 112 px " +
                          "(grey repeated to RGB): Resize 120, flip, affine 10° / 0.2, resized crop 112; Normalize(0.5, " +
                          $"0.5); {TransferNote}; 1e-2 × 5 then 1e-3 × 5 epochs, batch 200",
            Settings = Transfer(200, (1e-2, 5), (1e-3, 5)), ImageSize = 112,
            Spinal = SpinalResNet(1024) with { Activation = Layers.Activation.Identity },
        },
        Stl10 with
        {
            Name = "nb-cifar10", Script = "spinalnet-cifar10-97-5+.ipynb", Section = "3.5", Data = "cifar10",
            Augmentation = "tl-cifar10",
            Description = "wide_resnet101_2, SpinalNet_ResNet w = 20; 256 px as the CIFAR10 script; " +
                          $"{TransferNote}; 1e-2, 1e-3, 1e-4 × 5 epochs each, batch 56",
            Settings = Transfer(56, (1e-2, 5), (1e-3, 5), (1e-4, 5)), Spinal = SpinalResNet(20),
        },
        Stl10 with
        {
            Name = "nb-cifar100", Script = "spinalnet-cifar100.ipynb", Section = "3.5", Data = "cifar100",
            Augmentation = "tl-cifar100",
            Description = "wide_resnet101_2, SpinalNet_ResNet w = 200; 256 px as the CIFAR100 script; " +
                          $"{TransferNote}; 1e-2, 1e-3, 1e-4 × 5 epochs each, batch 56",
            Settings = Transfer(56, (1e-2, 5), (1e-3, 5), (1e-4, 5)), Spinal = SpinalResNet(200), Classes = 100,
        },
        Stl10 with
        {
            Name = "nb-stl10", Script = "stl-10-spinalnet.ipynb", Section = "3.5",
            Description = "wide_resnet101_2, SpinalNet_VGG head w = 512; 256 px as the STL10 script; " +
                          $"{TransferNote}; 5e-4 × 20 epochs, batch 24",
            Settings = Transfer(24, (5e-4, 20)),
        },
        Stl10 with
        {
            Name = "nb-caltech101", Script = "spinalnet-caltech101.ipynb", Section = "3.5", Data = "caltech101",
            Augmentation = "tl-caltech101",
            Description = "wide_resnet101_2, SpinalNet_ResNet w = 101; 224 px as the Caltech101 script; " +
                          $"{TransferNote}; 1e-2 × 5 then 1e-3 × 5 epochs, batch 64",
            Settings = Transfer(64, (1e-2, 5), (1e-3, 5)), Spinal = SpinalResNet(101), Classes = 101, ImageSize = null,
        },
        Stl10 with
        {
            Name = "nb-monkey", Script = "alexnet-spinalnet-fc-tl-10-monkey.ipynb", Section = "3.5", Model = "alexnet",
            Data = "monkey10", Augmentation = "nb-monkey",
            Description = "alexnet, its classifier replaced by a SpinalNet_ResNet head w = 20 on 9,216 features; 300 px: " +
                          "Resize 320, rotation 15, random resized crop 300, H and V flips; " + TransferNote +
                          "; 1e-2 × 10 twice (a new optimiser for the second 10), batch 40",
            Settings = Transfer(40, (1e-2, 10), (1e-2, 10)), Spinal = SpinalResNet(20), ImageSize = 300,
        },
        Stl10 with
        {
            Name = "nb-stl10-customizable", Script = "Customizable-SpinalNet-on-STL-10.ipynb", Section = "3.5",
            Description = "wide_resnet101_2, customizable Spinal head k = 2, w = 512, L = 10, ReLU; 256 px and batch 24 " +
                          $"as the STL10 script; {TransferNote}; 1e-3 × 5 then 1e-4 × 10 epochs",
            Settings = Transfer(24, (1e-3, 5), (1e-4, 10)), Spinal = SpinalResNet(512) with { Layers = 10 },
        },
        Stl10 with
        {
            Name = "nb-stl10-shared", Script = "SpinalNet SW: WideResNet-101 on STL-10 notebook", Section = "3.5",
            Description = "wide_resnet101_2, shared-weight Spinal head k = 8, w = 20, L = 8; 256 px and batch 24 as the " +
                          $"STL10 script; {TransferNote}; 1e-3 × 5 then 1e-4 × 10 epochs",
            Settings = Transfer(24, (1e-3, 5), (1e-4, 10)),
            Spinal = SpinalResNet(20) with { Layers = 8, Splits = 8, SharedWeights = true },
        },
        new("resnet18-cntk-digits", "this project's demonstration", "13.5",
            "resnet18-cntk (the offline ImageNet weights' network), its Spinal head w = 128, L = 4, on the embedded " +
            "digits repeated to RGB at 96 px, ImageNet statistics; SGD 1e-3 m 0.9, batch 24, 2 epochs",
            "resnet18-cntk", RecipeHeads.Spinal, DatasetCatalog.Embedded, "imagenet",
            Demonstration, ImageSize: 96),
        // The newer backbones (docs/transfer.md §11.4) fine-tune the same way: torchvision's input (Resize to the
        // network's size, ImageNet statistics), the network's own Spinal head; ViT at its 224 px.
        new("digits-convnets", "this project's demonstration", "13.5",
            "efficientnet_b0 (and every DenseNet, EfficientNet, MobileNetV3 and ConvNeXt), its own Spinal head, on the " +
            "embedded digits repeated to RGB at 96 px, ImageNet statistics; SGD 1e-3 m 0.9, batch 24, 2 epochs",
            "efficientnet_b0", RecipeHeads.Spinal, DatasetCatalog.Embedded, "imagenet", Demonstration,
            [.. ImageNetNetworks.NewerConvolutional.Where(n => n != "efficientnet_b0")], ImageSize: 96),
        new("digits-vit", "this project's demonstration", "13.5",
            "vit_b_16 (and vit_b_32, vit_l_16), its own Spinal head on the class token, on the embedded digits " +
            "repeated to RGB at 224 px (the only size ViT takes), ImageNet statistics; SGD 1e-3 m 0.9, batch 24, 2 epochs",
            "vit_b_16", RecipeHeads.Spinal, DatasetCatalog.Embedded, "imagenet", Demonstration,
            [.. ImageNetVit.Variants.Keys.Where(n => n != "vit_b_16")]),
    ];

    /// <summary>The demonstration's training: SGD 1e-3 momentum 0.9, batch 24, 2 epochs.</summary>
    static TrainingSettings Demonstration =>
        new(Epochs: 2, BatchSize: 24, TestBatchSize: 100, LearningRate: 1e-3, Momentum: 0.9, Seed: 0);

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
        .. TransferRecipes,
    ];

    /// <summary>The recipe (preset) of a name, or an <see cref="ArgumentException"/> listing the valid names.</summary>
    public static Recipe Get(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException(
            NearestName.Unknown("preset", name, All.Select(p => p.Name)), "Preset");

    /// <summary>The recipe a network trains with unless told otherwise: its script's (the first listed, the Spinal one
    /// where a network has scripts for each head), or that of the script network it is a variant of.</summary>
    public static Recipe RecipeFor(string model) =>
        All.Where(r => r.Model == model || (r.AlsoFor ?? []).Contains(model))
            .OrderBy(r => r.Model == model ? 0 : 1).ThenBy(r => r.Heads == RecipeHeads.Fc ? 1 : 0).FirstOrDefault()
        ?? throw new ArgumentException(
            NearestName.Unknown("model", model, ModelCatalog.All.Select(s => s.Name)), "Model");

    /// <summary>The configuration a network trains with unless told otherwise: its recipe's data and training, its own
    /// Spinal head and outputs (a recipe's changes to them are the preset's), a random initialisation (--pretrained
    /// or a preset starts from ImageNet weights), the scripts' model selection (best epoch on the test split).</summary>
    public static RunConfig DefaultsFor(string model)
    {
        var own = ModelCatalog.Get(model).Network();
        return RecipeFor(model).Config with
        {
            Model = model, Head = HeadKind.Spinal, Spinal = own.Spinal, Classes = own.Classes, Pretrained = false,
        };
    }
}
