// The knobs of one training run (docs/experiments.md §3: optimiser, learning rate and its schedule, batch sizes,
// epochs, seed, model selection). Defaults are the authors' MNIST setting: SGD, lr 0.01, momentum 0.5, constant rate,
// batch 64 (test 1000), 8 epochs, seed 1.
using System.Text.Json.Serialization;
using SpinalNet.Layers;
using static SpinalNet.Layers.SettingException;

namespace SpinalNet.Training;

/// <summary>The settings of a training run; the defaults are the authors' MNIST setting.</summary>
/// <param name="ValidationFraction">Share of the training data held out for model selection (0: none, and the best
/// epoch is then chosen on the test split, as the authors' scripts do).</param>
/// <param name="Patience">Stop after this many epochs without improvement of the selection metric (0: never).</param>
/// <param name="MaxTimeSeconds">Stop after the step during which this much training time has passed (0: no limit).</param>
/// <param name="Threads">Torch intra-op threads; 0 keeps the process's setting (the spinalnet command records the
/// physical cores free when a run starts, Training/ThreadPolicy.cs).</param>
/// <param name="Device">cpu, cuda or auto (cuda where available).</param>
/// <param name="FreezeBackbone">Train the head alone: the backbone gets no gradient, no optimiser state, and runs in
/// evaluation mode, so it ends bit-identical, batch-norm statistics included (docs/fine-tuning.md §13.1).</param>
/// <param name="HeadLearningRate">The head's learning rate where it differs from the backbone's (null: the same); the
/// schedule scales both alike (docs/fine-tuning.md §13.1).</param>
/// <param name="KeepBest">End with the weights of the best epoch (held in memory) rather than the last epoch's; where
/// nothing selects (no validation or test split), the last epoch is the best.</param>
/// <param name="CacheFeatures">With the backbone frozen, compute its features of every image once (through the
/// pipeline's evaluation steps, without random augmentation) and train the head on them alone (docs/fine-tuning.md
/// §13.6).</param>
public sealed record TrainingSettings(
    int Epochs = 8,
    int BatchSize = 64,
    int TestBatchSize = 1000,
    OptimizerKind Optimizer = OptimizerKind.Sgd,
    double LearningRate = 0.01,
    double Momentum = 0.5,
    double WeightDecay = 0,
    long Seed = 1,
    double ValidationFraction = 0,
    int Patience = 0,
    double MaxTimeSeconds = 0,
    int Threads = 0,
    DeviceKind Device = DeviceKind.Cpu,
    bool FreezeBackbone = false,
    double? HeadLearningRate = null,
    bool CacheFeatures = false,
    bool KeepBest = false)
{
    /// <summary>The learning-rate rule (constant unless set).</summary>
    public Schedule Schedule { get; init; } = new ConstantSchedule();

    /// <summary>Which split picks the best epoch.</summary>
    [JsonIgnore]
    public string SelectionSplit => ValidationFraction > 0 ? "validation" : "test";

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Require(Epochs >= 1, nameof(Epochs), Epochs, "must be at least 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Require(TestBatchSize >= 1, nameof(TestBatchSize), TestBatchSize, "must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be a positive number");
        Require(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "must be in [0, 1)");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "must be 0 or more");
        Require(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), ValidationFraction,
            "must be in [0, 1)");
        Require(Patience >= 0, nameof(Patience), Patience, "must be 0 (off) or more");
        Require(MaxTimeSeconds >= 0 && double.IsFinite(MaxTimeSeconds), nameof(MaxTimeSeconds), MaxTimeSeconds,
            "must be 0 (no limit) or more seconds");
        Require(HeadLearningRate is null || (HeadLearningRate > 0 && double.IsFinite(HeadLearningRate.Value)), nameof(HeadLearningRate),
            HeadLearningRate!, "must be a positive number");
        Require(Threads >= 0, nameof(Threads), Threads, "must be 0 (the default: one per physical core) or more");
        if (CacheFeatures && !FreezeBackbone)
            throw new SettingException(nameof(CacheFeatures),
                "needs a frozen backbone: only a frozen backbone gives every image the same features every epoch");
        Schedule.Validate();
    }

}
