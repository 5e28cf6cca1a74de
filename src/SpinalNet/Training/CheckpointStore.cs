// What the training loop (Training/Trainer.cs, docs/experiments.md §3) saves and resumes through: its state besides the
// weights and the optimiser's, and the store that keeps them (the run layer's checkpoint files). The state records the
// batch-order generator as it was at the start of the epoch under way, the steps done in it and torch's global
// generator, so a resumed run replays the same batches and dropout draws and ends with the weights of an uninterrupted
// run (same thread count).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>Where the loop stands, all a checkpoint needs besides the weights and the optimiser's state.</summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Step">Steps completed in the epoch under way (0 at an epoch boundary).</param>
/// <param name="PartialLoss">Training-loss sum and sample count of the epoch under way.</param>
/// <param name="GlobalGenerator">torch's global generator (dropout) at the checkpoint.</param>
/// <param name="ShuffleAtEpochStart">The batch-order generator as it was when the epoch under way began.</param>
public sealed record TrainerState(
    int Epoch,
    long Step,
    double PartialLoss,
    long PartialSamples,
    double PartialSeconds,
    double BestScore,
    int BestEpoch,
    int EpochsWithoutImprovement,
    ScheduleState Schedule,
    byte[] GlobalGenerator,
    byte[] ShuffleAtEpochStart,
    IReadOnlyList<EpochMetrics> History);

/// <summary>Which checkpoint a save writes: the last one, or the best one so far.</summary>
public enum CheckpointSlot { Last, Best }

/// <summary>Where a run keeps its state (the run layer's checkpoint files): the loop saves into it after every epoch
/// and when it stops early, and continues from it when it holds a state to resume.</summary>
public interface ICheckpointStore
{
    /// <summary>The state to continue from, with the model's and the optimiser's filled in; null to start afresh.</summary>
    TrainerState? Resume(nn.Module model, OptimizerHelper optimizer);

    void Save(CheckpointSlot slot, TrainerState state, nn.Module model, OptimizerHelper optimizer);

    /// <summary>Loads the best epoch's weights (the best slot) into <paramref name="model"/>: what a run that keeps its
    /// best weights (TrainingSettings.KeepBest) ends with when the best epoch came before it was resumed.</summary>
    void LoadBest(nn.Module model) => throw new InvalidOperationException(
        "this checkpoint store cannot load the best epoch's weights, which the run keeps (KeepBest)");

    /// <summary>The metrics so far, after every epoch.</summary>
    void WriteMetrics(IReadOnlyList<EpochMetrics> history);

    /// <summary>The last good checkpoint, for messages; null while there is none.</summary>
    string? LastGood { get; }
}
