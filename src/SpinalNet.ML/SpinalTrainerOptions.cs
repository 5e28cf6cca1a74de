// The options of the Spinal trainers for ML.NET (docs/mlnet.md §15.2): the Spinal MLP's shape (docs/spinal-layer.md §1)
// and its training. Public fields, as ML.NET's own trainer options are; a null field takes a default chosen from the
// data's size when Fit sees it (Resolve), so the same options work on a few hundred and on a few hundred thousand rows.
using SpinalNet.Layers;
using SpinalNet.Training;

namespace SpinalNet.ML;

/// <summary>What the Spinal trainers of the three tasks share: columns, the network's shape and its training.</summary>
public abstract class SpinalTrainerOptions
{
    /// <summary>The label column: a key for multiclass, a Boolean for binary, a Single for regression.</summary>
    public string LabelColumnName = "Label";

    /// <summary>The feature column: a vector of Single of known size.</summary>
    public string FeatureColumnName = "Features";

    /// <summary>w, neurons per spinal layer. Null: 2·√N rounded up to a multiple of 8, between 32 and 128 (N the
    /// feature count), and at most a sixteenth of the training rows (at least 16).</summary>
    public int? Width;

    /// <summary>L, the number of spinal layers.</summary>
    public int Layers = 4;

    /// <summary>k, the parts the feature vector is cut into (2: the paper's halves).</summary>
    public int Splits = 2;

    /// <summary>φ of the spinal layers.</summary>
    public Activation Activation = Activation.LeakyRelu;

    /// <summary>Dropout on each spinal layer's input and on the output layer's.</summary>
    public double Dropout;

    /// <summary>BatchNorm1d after each spinal layer's linear map.</summary>
    public bool BatchNorm;

    /// <summary>Passes over the training rows. Null: enough for about 4,000 optimiser steps, between 5 and 200 (early
    /// stopping usually ends sooner).</summary>
    public int? Epochs;

    /// <summary>Rows per step. Null: the rows / 50 rounded down to a power of two, between 32 and 256.</summary>
    public int? BatchSize;

    /// <summary>The optimiser (the library's fused ones, docs/performance.md §9.2).</summary>
    public OptimizerKind Optimizer = OptimizerKind.Adam;

    /// <summary>The learning rate (0.002 suits Adam and AdamW on standardised features; SGD wants about 0.05).</summary>
    public double LearningRate = 0.002;

    /// <summary>SGD's momentum.</summary>
    public double Momentum = 0.9;

    /// <summary>Weight decay (L2 for SGD and Adam, decoupled for AdamW).</summary>
    public double WeightDecay;

    /// <summary>The seed of the weights, the validation split and the batch order. Null: drawn from the MLContext's
    /// seed, so MLContext(seed: 1) trains the same network every time.</summary>
    public int? Seed;

    /// <summary>The part of the training rows held out to pick the best epoch and stop early. Null: 0.1 from 500
    /// rows on, 0.2 below (none where the rows are too few to hold one out).</summary>
    public double? ValidationFraction;

    /// <summary>Epochs without a better validation loss before training stops; the best epoch's weights are kept.
    /// 0: no early stopping (the best epoch is still kept where a validation part exists).</summary>
    public int Patience = 8;

    /// <summary>libtorch's intra-op threads during Fit. Null: libtorch's own choice.</summary>
    public int? Threads;

    /// <summary>Every option's value for a data set of <paramref name="rows"/> rows of <paramref name="features"/>
    /// features, the nulls filled in; throws an ArgumentOutOfRangeException naming the first option out of
    /// range.</summary>
    internal ResolvedOptions Resolve(long rows, int features, int seed)
    {
        int width = Width ?? (int)Math.Min(Math.Clamp(8 * Math.Ceiling(2 * Math.Sqrt(features) / 8), 32, 128),
            Math.Max(16, rows / 16));
        double validation = SharedOptions.ValidationFraction(ValidationFraction, rows, Trainer, belowFiveHundred: 0.2);
        int batch = BatchSize ?? (int)Math.Clamp(1L << (int)Math.Floor(Math.Log2(Math.Max(1, rows / 50))), 32, 256);
        long trainRows = rows - HoldOut.Size(rows, validation);
        long stepsPerEpoch = (trainRows + batch - 1) / batch;
        int epochs = Epochs ?? (int)Math.Clamp((4000 + stepsPerEpoch - 1) / stepsPerEpoch, 5, 200);

        Require(width >= 1, nameof(Width), width, "must be at least 1");
        Require(Layers >= 1, nameof(Layers), Layers, "must be at least 1");
        Require(Splits >= 1 && Splits <= features, nameof(Splits), Splits,
            $"must be between 1 and the feature count {features}");
        Require(Dropout >= 0 && Dropout < 1, nameof(Dropout), Dropout, "must be in [0, 1)");
        Require(epochs >= 1, nameof(Epochs), epochs, "must be at least 1");
        Require(batch >= 1, nameof(BatchSize), batch, "must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate,
            "must be a positive number");
        Require(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "must be in [0, 1)");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay,
            "must be 0 or more");
        Require(Patience >= 0, nameof(Patience), Patience, "must be 0 or more");
        Require(Threads is null or >= 1, nameof(Threads), Threads!, "must be at least 1");

        var spinal = new SpinalConfig(features, width, Layers, 0, Splits, Activation, Dropout, BatchNorm);
        var training = new TrainingSettings(Epochs: epochs, BatchSize: batch, Optimizer: Optimizer,
            LearningRate: LearningRate, Momentum: Momentum, WeightDecay: WeightDecay, Seed: Seed ?? seed,
            ValidationFraction: validation, Patience: Patience, Threads: Threads ?? 0);
        return new ResolvedOptions(spinal, training);
    }

    const string Trainer = "Spinal trainer";

    static void Require(bool ok, string option, object value, string rule) =>
        SharedOptions.Require(ok, Trainer, option, value, rule);
}

/// <summary>The options with every default filled in: the Spinal layer's shape (outputs still 0: the task sets them)
/// and the training settings.</summary>
internal sealed record ResolvedOptions(SpinalConfig Spinal, TrainingSettings Training);

/// <summary>Options of <c>mlContext.MulticlassClassification.Trainers.Spinal</c>: a key-typed label.</summary>
public sealed class SpinalMulticlassOptions : SpinalTrainerOptions;

/// <summary>Options of <c>mlContext.BinaryClassification.Trainers.Spinal</c>: a Boolean label.</summary>
public sealed class SpinalBinaryOptions : SpinalTrainerOptions;

/// <summary>Options of <c>mlContext.Regression.Trainers.Spinal</c>: a Single label.</summary>
public sealed class SpinalRegressionOptions : SpinalTrainerOptions;
