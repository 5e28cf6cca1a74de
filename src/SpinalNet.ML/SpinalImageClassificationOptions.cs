// The options of the Spinal image classification trainer for ML.NET (docs/mlnet.md §15.8): the image column, the
// backbone by name with its ImageNet weights, the image size, the Spinal head (docs/spinal-layer.md §1), the
// fine-tuning mode (docs/fine-tuning.md §13.1, §13.6) and the training. Public fields, as ML.NET's own trainer options
// (ImageClassificationTrainer.Options) are; a null field takes a default that depends on the mode or the data's size
// when Fit sees it (Resolve).
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.ML;

/// <summary>What the image trainer trains: the head alone on a frozen backbone's cached features, or the whole
/// network.</summary>
public enum ImageFineTuning
{
    /// <summary>The backbone stays as pretrained (bit-identical) and runs once per image in evaluation mode; the
    /// Spinal head trains on those cached features. No random augmentation: each image has one feature vector.</summary>
    FrozenBackbone,

    /// <summary>The whole network trains: every epoch runs the backbone forward and backward on every image.</summary>
    Full,
}

/// <summary>Options of <c>mlContext.MulticlassClassification.Trainers.SpinalImageClassification</c>.</summary>
public sealed class SpinalImageClassificationOptions
{
    /// <summary>The label column: a key type (mlContext.Transforms.Conversion.MapValueToKey).</summary>
    public string LabelColumnName = "Label";

    /// <summary>The image column: a path (text; relative paths are read from <see cref="ImageFolder"/>) or the
    /// encoded bytes of a PNG, JPEG, BMP, GIF or WebP (VarVector&lt;Byte&gt;, as LoadRawImageBytes gives).</summary>
    public string ImageColumnName = "Image";

    /// <summary>The folder relative paths of a path column are read from (null: the working folder).</summary>
    public string? ImageFolder;

    /// <summary>The backbone: an ImageNet network of the library's catalogue (docs/networks.md §2). resnet18-cntk's
    /// weights come with the package, offline.</summary>
    public string Backbone = "resnet18-cntk";

    /// <summary>Start from the backbone's ImageNet weights (resnet18-cntk: the package's; others: the weights cache,
    /// `spinalnet weights download`). False: random weights (only sensible with <see cref="ImageFineTuning.Full"/>).</summary>
    public bool Pretrained = true;

    /// <summary>The side in pixels the images are resized to (squares). 128 keeps a ResNet-18 step about 3 times
    /// cheaper than ImageNet's 224 while its last stage still sees 4 × 4 positions.</summary>
    public int ImageSize = 128;

    /// <summary>What trains (default: the head alone, on cached features).</summary>
    public ImageFineTuning FineTuning = ImageFineTuning.FrozenBackbone;

    /// <summary>w, neurons per spinal layer of the head. Null: the backbone's Spinal head of the paper (128 for
    /// resnet18-cntk).</summary>
    public int? Width;

    /// <summary>L, the head's spinal layers.</summary>
    public int Layers = 4;

    /// <summary>k, the parts the backbone's features are cut into (2: the paper's halves).</summary>
    public int Splits = 2;

    /// <summary>Dropout on each spinal layer's input and on the output layer's.</summary>
    public double Dropout;

    /// <summary>BatchNorm1d after each spinal layer's linear map.</summary>
    public bool BatchNorm;

    /// <summary>φ of the head's spinal layers.</summary>
    public Activation Activation = Activation.Relu;

    /// <summary>Passes over the training images. Null: 20 with a frozen backbone (an epoch costs only the head's
    /// steps), 4 for a full fine-tune.</summary>
    public int? Epochs;

    /// <summary>Images per step.</summary>
    public int BatchSize = 32;

    /// <summary>The optimiser (the library's fused ones, docs/performance.md §9.2).</summary>
    public OptimizerKind Optimizer = OptimizerKind.Adam;

    /// <summary>The learning rate. Null: 0.001 for the head alone, 0.0003 for a full fine-tune (pretrained weights
    /// want smaller steps than a new head).</summary>
    public double? LearningRate;

    /// <summary>Weight decay (L2 for SGD and Adam, decoupled for AdamW).</summary>
    public double WeightDecay;

    /// <summary>The seed of the head's weights, the validation split and the batch order. Null: drawn from the
    /// MLContext's seed, so MLContext(seed: 1) trains the same network every time.</summary>
    public int? Seed;

    /// <summary>The part of the training images held out and reported after each epoch (loss, accuracy). Null: 0.1
    /// from 500 images on, none below (then the first 500 training images are reported).</summary>
    public double? ValidationFraction;

    /// <summary>libtorch's intra-op threads during Fit (restored after). Null: libtorch's own choice.</summary>
    public int? Threads;

    /// <summary>Every option's value for <paramref name="rows"/> images of <paramref name="classes"/> classes, the nulls
    /// filled in; throws an ArgumentOutOfRangeException naming the first option out of range.</summary>
    internal ResolvedImageOptions Resolve(long rows, int classes, int seed)
    {
        var spec = ModelCatalog.All.FirstOrDefault(s => s.Name == Backbone && s.ImageNet is not null);
        Require(spec is not null, nameof(Backbone), Backbone, "must be an ImageNet network of the catalogue (" +
            string.Join(", ", ModelCatalog.All.Where(s => s.ImageNet is not null).Select(s => s.Name)) + ")");
        bool frozen = FineTuning == ImageFineTuning.FrozenBackbone;
        int epochs = Epochs ?? (frozen ? 20 : 4);
        double rate = LearningRate ?? (frozen ? 0.001 : 0.0003);
        double validation = SharedOptions.ValidationFraction(ValidationFraction, rows, Trainer, belowFiveHundred: 0);
        Require(Enum.IsDefined(FineTuning), nameof(FineTuning), FineTuning, "must be FrozenBackbone or Full");
        Require(ImageSize >= 16 && ImageSize <= 1024, nameof(ImageSize), ImageSize, "must be between 16 and 1024");
        Require(Width is null or >= 1, nameof(Width), Width!, "must be at least 1");
        Require(Layers >= 1, nameof(Layers), Layers, "must be at least 1");
        Require(Splits >= 1, nameof(Splits), Splits, "must be at least 1");
        Require(Dropout >= 0 && Dropout < 1, nameof(Dropout), Dropout, "must be in [0, 1)");
        Require(epochs >= 1, nameof(Epochs), epochs, "must be at least 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Require(rate > 0 && double.IsFinite(rate), nameof(LearningRate), rate, "must be a positive number");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "must be 0 or more");
        Require(Threads is null or >= 1, nameof(Threads), Threads!, "must be at least 1");

        var head = spec!.Spinal with
        {
            Width = Width ?? spec.Spinal.Width, Layers = Layers, Splits = Splits, Dropout = Dropout,
            BatchNorm = BatchNorm, Activation = Activation,
        };
        var network = spec.Network(HeadKind.Spinal, classes) with { Spinal = head, ImageSize = ImageSize };
        var training = new TrainingSettings(Epochs: epochs, BatchSize: BatchSize, TestBatchSize: Math.Max(BatchSize, 64),
            Optimizer: Optimizer, LearningRate: rate, Momentum: 0.9, WeightDecay: WeightDecay, Seed: Seed ?? seed,
            Threads: Threads ?? 0, FreezeBackbone: frozen);
        return new ResolvedImageOptions(network, training, validation, Pretrained);
    }

    const string Trainer = "Spinal image classification";

    static void Require(bool ok, string option, object value, string rule) =>
        SharedOptions.Require(ok, Trainer, option, value, rule);
}

/// <summary>The options with every default filled in: the network (backbone, Spinal head, classes, image size), the
/// training settings (FreezeBackbone for the frozen mode), the validation part and whether to load ImageNet
/// weights.</summary>
internal sealed record ResolvedImageOptions(NetworkChoice Network, TrainingSettings Training, double Validation,
    bool Pretrained);
