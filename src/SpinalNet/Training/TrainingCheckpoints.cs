// The training loop's checkpoints (Training/Trainer.cs, docs/experiments.md §3): where a run continues from, and what
// it saves: after every epoch the metrics, then best.ckpt when the selection accuracy improved, then last.ckpt; and
// last.ckpt when the run stops inside an epoch, with the part of the epoch done. With replicas, rank 0 alone saves
// (docs/distributed.md §10.1). A state records the batch-order generator as it was at the start of the epoch under way
// and torch's global generator, so that a resumed run replays the same permutation, skips the steps done and ends with
// the weights of an uninterrupted run.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>Resumes the loop from a checkpoint store and saves its state into it; without a store, does neither.</summary>
sealed class TrainingCheckpoints(ICheckpointStore? store, IReplicaGroup group, nn.Module model,
    LearningRateSchedule schedule, Generator shuffle)
{
    /// <summary>The state to continue from, with the model, optimiser, schedule and generators restored; without one
    /// to resume, a fresh state and torch's global generator (which dropout draws from) seeded.</summary>
    public LoopState Resume(OptimizerHelper optimizer, long seed)
    {
        if (store?.Resume(model, optimizer) is not { } state)
        {
            torch.manual_seed(seed);
            return new LoopState();
        }
        schedule.Restore(state.Schedule);
        torch.set_rng_state(torch.tensor(state.GlobalGenerator, dtype: ScalarType.Byte));
        shuffle.set_state(torch.tensor(state.ShuffleAtEpochStart, dtype: ScalarType.Byte));
        return LoopState.Of(state);
    }

    /// <summary>The generator's state, as a checkpoint records it.</summary>
    public static byte[] StateOf(Generator generator) => generator.get_state().data<byte>().ToArray();

    /// <summary>A stop before <paramref name="step"/> of the epoch under way: last.ckpt with the part of the epoch done
    /// (its loss read from the device first).</summary>
    public void SaveStop(LoopState loop, long step, TrainingSteps steps, OptimizerHelper optimizer)
    {
        if (store is null) return;
        Save(CheckpointSlot.Last, loop,
            new PartialEpoch(step, steps.ReadLoss(loop.Epoch + 1, step), steps.Samples, steps.Seconds), optimizer);
    }

    /// <summary>After an epoch: the metrics, best.ckpt where <paramref name="improved"/>, and last.ckpt.</summary>
    public void SaveEpoch(LoopState loop, bool improved, OptimizerHelper optimizer)
    {
        if (store is null || !group.IsRoot) return;
        loop.ShuffleAtEpochStart = StateOf(shuffle);   // the next epoch's start
        store.WriteMetrics(loop.History);
        // Best first: a stop between the two writes leaves last.ckpt at the previous epoch, which the resumed run
        // repeats, writing best.ckpt again; the other order could lose this epoch's best for good.
        if (improved) Save(CheckpointSlot.Best, loop, PartialEpoch.None, optimizer);
        Save(CheckpointSlot.Last, loop, PartialEpoch.None, optimizer);
    }

    void Save(CheckpointSlot slot, LoopState loop, PartialEpoch done, OptimizerHelper optimizer)
    {
        if (!group.IsRoot) return;
        store!.Save(slot, new TrainerState(loop.Epoch, done.Step, done.Loss, done.Samples, done.Seconds,
            loop.BestScore, loop.BestEpoch, loop.EpochsWithoutImprovement, schedule.State,
            torch.get_rng_state().data<byte>().ToArray(), loop.ShuffleAtEpochStart!, loop.History.ToList()), model, optimizer);
    }
}
