// The training loop, the only one in the library that steps an optimiser (docs/architecture.md §14.4): the from-scratch
// experiments (docs/experiments.md §3), fine-tuning, the sweep, the ML.NET trainers and regression all train here, and
// differ only in what they plug in: the data, the settings, and the objective (Training/Objective.cs: the loss, the
// target, the metric that selects). Mini-batch training with the run's optimiser and learning-rate schedule,
// evaluation after every epoch (the validation split for model selection where there is one, and the test split where
// there is one, as the scripts report), the best epoch's weights kept where asked (Training/BestWeights.cs),
// checkpoints, resume, early stopping, a time limit and a clean stop on Ctrl+C. What trains, at which rates, follows
// the fine-tuning settings (Training/FineTuning.cs, docs/fine-tuning.md §13.1). Torch's thread count is the run's
// while it trains and the caller's again after (Training/ThreadPolicy.cs). It reads top to bottom, an epoch loop
// around a step loop; what differs between a process alone and replicas (Training/TrainingSteps.cs) and the
// checkpoints (Training/TrainingCheckpoints.cs) are parts it calls.
//
// Batches come from one in-memory tensor through a permutation drawn from a generator of the run's own, so two models
// trained with the same seed see the same batches in the same order, whatever their initialisation consumed from the
// global generator (which dropout draws from, reseeded from the run's seed as it starts). A run stopped inside an
// epoch resumes with the same permutation and random draws, and ends with the weights of an uninterrupted run. A
// last batch of one sample is left out of every epoch where the network has BatchNorm1d, which cannot train on it.
//
// Data-parallel (docs/distributed.md §10): with a replica group of N processes, every rank draws the same permutation
// and takes its part of every global batch (ReplicaGroup.ShardBatches); each rank takes the same optimiser step from
// the summed gradients. Evaluation is sharded and summed; rank 0 alone saves and reports.
using SpinalNet.Layers;
using System.Diagnostics;
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>The training loop (`spinalnet train` and every use case that trains).</summary>
public static class Trainer
{
    /// <summary>How many steps pass between two reads of the summed training loss from the device.</summary>
    public const int LossReadInterval = 16;

    /// <summary>Trains without checkpoints and returns the per-epoch metrics.</summary>
    public static IReadOnlyList<EpochMetrics> Train(
        ClassifierNetwork model, IBatchSource train, IBatchSource test, TrainingSettings settings,
        ITrainingObserver? observer = null, CancellationToken cancel = default) =>
        Run(model, new TrainingData(train, test), settings, null, observer, cancel).History;

    /// <summary>Trains <paramref name="model"/> on <paramref name="data"/> for <paramref name="objective"/>
    /// (default: classification selecting by accuracy) and returns its epochs, why it stopped, its best epoch and the
    /// final weights' test evaluation.</summary>
    public static TrainingOutcome Run(
        ClassifierNetwork model, TrainingData data, TrainingSettings settings, ICheckpointStore? checkpoints = null,
        ITrainingObserver? observer = null, CancellationToken cancel = default, IReplicaGroup? replicas = null,
        Objective? objective = null)
    {
        var group = replicas ?? SingleProcess.Instance;
        var task = objective ?? Objective.Classification;
        settings.Validate();
        if (settings.BatchSize < group.Size)
            throw new SettingException(nameof(settings.BatchSize), settings.BatchSize,
                $"must be at least the number of ranks ({group.Size}): each takes a part of every batch");
        using var threads = ThreadPolicy.Use(settings.Threads > 0 ? settings.Threads
            : group.Size > 1 ? ReplicaGroup.ThreadsPerReplica : 0);
        var device = Devices.Resolve(settings.Device);
        model.to(device);
        MemoryRelease.HoldWithinEpochs();
        if (!group.IsRoot) observer = null;

        long samples = TrainedSamples(model, data.Train.Count, settings.BatchSize);
        long steps = (samples + settings.BatchSize - 1) / settings.BatchSize;
        using var frozen = FineTuning.Freeze(model, settings);
        var optimizer = Optimizers.Create(settings, FineTuning.Groups(model, settings));
        using var disposeOptimizer = new OnDispose(() => optimizer.Dispose());
        using var schedule = new LearningRateSchedule(settings.Schedule, settings.LearningRate,
            settings.Epochs, steps, settings.Seed);
        using var shuffle = new torch.Generator((ulong)settings.Seed, torch.CPU);
        using var best = new BestWeights();
        var checkpointing = new TrainingCheckpoints(checkpoints, group, model, schedule, shuffle);
        var loop = checkpointing.Resume(optimizer, settings.Seed);
        group.BroadcastWeights(model);
        using TrainingSteps training = group.Size > 1
            ? new ReplicaSteps(group, model, samples, settings, task, steps, device, checkpoints, cancel)
            : new LocalSteps(settings, task, steps, device, checkpoints, cancel);

        while (loop.Epoch < settings.Epochs && loop.Stop == StopReason.Completed)
        {
            int epoch = loop.Epoch + 1;
            var done = loop.TakeResumed();
            // A new stage of the transfer scripts starts with a new optimiser (docs/fine-tuning.md §13.2).
            if (done.Step == 0 && settings.Schedule.RestartsOptimizerAt(epoch - 1))
            {
                optimizer.Dispose();
                optimizer = Optimizers.Create(settings, FineTuning.Groups(model, settings));
            }
            loop.ShuffleAtEpochStart = TrainingCheckpoints.StateOf(shuffle);
            using var batches = Batches(data.Train, samples, shuffle, settings, group, epoch, done.Step);
            training.StartEpoch(done);
            double rate = settings.LearningRate;
            FineTuning.TrainMode(model, settings);
            for (long step = done.Step; step < steps; step++)
            {
                // Alone, the loop stops at once; replicas stop together, at the step after any of them asked.
                if (training.StopRequested() is { } stop)
                {
                    loop.Stop = stop;
                    checkpointing.SaveStop(loop, step, training, optimizer);
                    break;
                }
                using var scope = torch.NewDisposeScope();
                rate = schedule.RateAt(epoch - 1, step);
                Optimizers.SetLearningRate(optimizer, rate, settings.LearningRate);
                optimizer.zero_grad();
                training.Backward(model, batches, epoch, step);
                if (training.Failure is { } failure)
                {
                    // Every replica stops together: rank 0 saves the run as it was before this step, then all part.
                    checkpointing.SaveStop(loop, step, training, optimizer);
                    ReplicaGroup.StopTogether(group);
                    throw failure.Stopped(checkpoints?.LastGood);
                }
                optimizer.step();
                training.AfterStep(epoch, step);
                observer?.OnStep(new StepProgress(epoch, settings.Epochs, step + 1, steps,
                    training.MeanLossRead, training.Samples / training.Seconds));
            }
            if (loop.Stop != StopReason.Completed) break;

            double seconds = training.Seconds;
            var evalClock = Stopwatch.StartNew();
            var validation = Evaluate(model, data.Validation, settings, group, task);
            var test = Evaluate(model, data.Test, settings, group, task);
            MemoryRelease.AfterEpoch();
            double evalSeconds = evalClock.Elapsed.TotalSeconds;
            // Without a split to select on, every epoch is the best so far: the last one is kept.
            bool improved = loop.Score(epoch, (validation ?? test) is { } selection ? task.Score(selection) : epoch);
            schedule.EndEpoch(epoch, improved);
            if (improved && settings.KeepBest) best.Capture(model);

            var metrics = new EpochMetrics(epoch, training.LossRead / Math.Max(training.Samples, 1),
                validation?.Loss, validation?.Accuracy, test?.Loss, test?.Accuracy, test?.Top5Accuracy, rate, seconds,
                evalSeconds, training.Samples / seconds, training.LastBatchLoss);
            loop.Finish(metrics);
            observer?.OnEpoch(metrics);
            group.RequireIdentical(model, $"after epoch {epoch}");
            checkpointing.SaveEpoch(loop, improved, optimizer);
            if (settings.Patience > 0 && loop.EpochsWithoutImprovement >= settings.Patience)
                loop.Stop = StopReason.EarlyStopped;
        }

        if (settings.KeepBest && loop.BestEpoch > 0)
        {
            // The best epoch came after the resume (or there was none), or before it, when only the store has it.
            if (best.Held) best.RestoreInto(model);
            else if (loop.BestEpoch != loop.Epoch || loop.Stop != StopReason.Completed) checkpoints?.LoadBest(model);
            group.BroadcastWeights(model);
        }
        var final = Evaluate(model, data.Test, settings, group, task);
        return new TrainingOutcome(loop.History, loop.Stop, loop.BestEpoch, final);
    }

    /// <summary>The samples an epoch trains on: all of them, but for a last batch of one sample where the network has
    /// BatchNorm1d (batch norm cannot train on a single sample).</summary>
    static long TrainedSamples(ClassifierNetwork model, long count, int batchSize) =>
        count > 1 && count % batchSize == 1 && model.modules().Any(m => m is TorchSharp.Modules.BatchNorm1d)
            ? count - 1
            : count;

    /// <summary>This replica's batches of an epoch from <paramref name="firstStep"/> on: the epoch's permutation drawn
    /// from <paramref name="shuffle"/>, every global batch cut to the replica's part.</summary>
    static IEnumerator<(Tensor Images, Tensor Labels)> Batches(IBatchSource train, long samples,
        torch.Generator shuffle, TrainingSettings settings, IReplicaGroup group, int epoch, long firstStep)
    {
        long[] order;
        using (var permutation = torch.randperm(train.Count, generator: shuffle))
            order = permutation.data<long>().ToArray()[..(int)samples];
        int localBatch = (int)ReplicaGroup.Shard(settings.BatchSize, group.Size, group.Rank).Count;
        return train.Batches(ReplicaGroup.ShardBatches(order, settings.BatchSize, group), epoch, firstStep, localBatch)
            .GetEnumerator();
    }

    /// <summary>A split evaluated on the replicas' shards, with rank 0's batch-norm running statistics; null without
    /// the split.</summary>
    static Evaluation? Evaluate(ClassifierNetwork model, IBatchSource? split, TrainingSettings settings,
        IReplicaGroup group, Objective objective)
    {
        if (split is null) return null;
        group.BroadcastWeights(model, buffersOnly: true);
        return objective.Evaluate(model, split, settings.TestBatchSize, group);
    }
}
