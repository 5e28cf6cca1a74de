// The training loop of the from-scratch experiments (docs/experiments.md §3): mini-batch training with the run's
// optimiser and learning-rate schedule, evaluation after every epoch (validation split for model selection when there
// is one, and the test split, as the scripts report), checkpoints, resume, early stopping, a time limit and a clean
// stop on Ctrl+C. What trains, at which rates, follows the fine-tuning settings (Training/FineTuning.cs,
// docs/fine-tuning.md §13.1).
//
// Batches come from one in-memory tensor through a permutation drawn from a generator of the run's own, so two models
// trained with the same seed see the same batches in the same order, whatever their initialisation consumed from the
// global generator (which dropout draws from, reseeded here). A checkpoint taken mid-epoch records the batch-order
// generator as it was at the epoch's start, the step reached and the global generator, so a resumed run replays the
// same permutation, skips the steps done and ends with the same weights as an uninterrupted run (same thread count).
//
// Data-parallel (docs/distributed.md §10): with a replica group of N processes, every rank draws the same permutation,
// takes its part of every global batch (ReplicaGroup.ShardBatches), weights its mean loss by its share of the batch,
// and one all-reduce per step sums the gradients, the loss and the stop votes; each rank then takes the same optimiser
// step. Dropout draws are reseeded every step from (seed, rank, epoch, step), so they differ between ranks and a
// resumed run replays them. Evaluation is sharded and summed; rank 0 alone saves and reports.
using System.Diagnostics;
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using TorchSharp.Modules;
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

    public static TrainingOutcome Run(
        ClassifierNetwork model, TrainingData data, TrainingSettings settings, ICheckpointStore? checkpoints = null,
        ITrainingObserver? observer = null, CancellationToken cancel = default, IReplicaGroup? replicas = null)
    {
        var group = replicas ?? SingleProcess.Instance;
        settings.Validate();
        if (settings.BatchSize < group.Size)
            throw new ArgumentException($"--batch-size {settings.BatchSize} must be at least the number of ranks " +
                                        $"({group.Size}): each takes a part of every batch", "batch-size");
        if (settings.Threads > 0 || group.Size > 1)
            torch.set_num_threads(settings.Threads > 0 ? settings.Threads : ReplicaGroup.ThreadsPerReplica);
        var device = Devices.Resolve(settings.Device);
        model.to(device);
        if (!group.IsRoot) observer = null;

        long steps = (data.Train.Count + settings.BatchSize - 1) / settings.BatchSize;
        using var frozen = FineTuning.Freeze(model, settings);
        var optimizer = Optimizers.Create(settings, FineTuning.Groups(model, settings));
        using var disposeOptimizer = new OnDispose(() => optimizer.Dispose());
        using var schedule = new LearningRateSchedule(settings.Schedule, settings.LearningRate,
            settings.Epochs, steps, settings.Seed);
        using var shuffle = new torch.Generator((ulong)settings.Seed, torch.CPU);

        var history = new List<EpochMetrics>();
        int startEpoch = 0, bestEpoch = 0, stale = 0;
        long startStep = 0;
        double best = double.NegativeInfinity, partialLoss = 0, partialSeconds = 0;
        long partialSamples = 0;
        byte[]? shuffleAtEpochStart = null;
        if (checkpoints?.Resume(model, optimizer) is { } state)
        {
            schedule.Restore(state.Schedule);
            torch.set_rng_state(torch.tensor(state.GlobalGenerator, dtype: ScalarType.Byte));
            shuffle.set_state(torch.tensor(state.ShuffleAtEpochStart, dtype: ScalarType.Byte));
            history.AddRange(state.History);
            (startEpoch, startStep, best, bestEpoch, stale) =
                (state.Epoch, state.Step, state.BestScore, state.BestEpoch, state.EpochsWithoutImprovement);
            (partialLoss, partialSamples, partialSeconds) = (state.PartialLoss, state.PartialSamples, state.PartialSeconds);
        }
        else
        {
            torch.manual_seed(settings.Seed);
        }
        group.BroadcastWeights(model);
        var averager = group.Size > 1 ? new GradientAverager(group, model.parameters()) : null;
        int localBatch = (int)ReplicaGroup.Shard(settings.BatchSize, group.Size, group.Rank).Count;
        var runClock = Stopwatch.StartNew();
        double stopVotes = 0;
        int StopVote() => cancel.IsCancellationRequested ? CancelVote
            : settings.MaxTimeSeconds > 0 && runClock.Elapsed.TotalSeconds >= settings.MaxTimeSeconds ? 1 : 0;
        Evaluation Evaluate(IBatchSource split)
        {
            group.BroadcastWeights(model, buffersOnly: true);
            return Evaluator.Evaluate(model, split, settings.TestBatchSize, group);
        }

        void Save(CheckpointSlot slot, int epoch, long step, double loss, long samples, double seconds)
        {
            if (!group.IsRoot) return;
            checkpoints!.Save(slot, new TrainerState(epoch, step, loss, samples, seconds, best, bestEpoch, stale,
                schedule.State, torch.get_rng_state().data<byte>().ToArray(), shuffleAtEpochStart!, history.ToList()),
                model, optimizer);
        }

        var stop = StopReason.Completed;
        for (int epoch = startEpoch + 1; epoch <= settings.Epochs && stop == StopReason.Completed; epoch++)
        {
            // A new stage of the transfer scripts starts with a new optimiser (docs/fine-tuning.md §13.2).
            if (startStep == 0 && settings.Schedule.RestartsOptimizerAt(epoch - 1))
            {
                optimizer.Dispose();
                optimizer = Optimizers.Create(settings, FineTuning.Groups(model, settings));
            }
            shuffleAtEpochStart = shuffle.get_state().data<byte>().ToArray();
            long[] order;
            using (var permutation = torch.randperm(data.Train.Count, generator: shuffle))
                order = permutation.data<long>().ToArray();
            using var batches = data.Train.Batches(ReplicaGroup.ShardBatches(order, settings.BatchSize, group), epoch,
                startStep, localBatch).GetEnumerator();
            double previousSeconds = partialSeconds, lossRead = partialLoss;
            // Alone, the loss is summed on the device; a read is a host round trip (docs/performance.md §9.3). With
            // replicas, the all-reduce brings every step's loss to the host anyway.
            using var lossSum = torch.tensor(partialLoss, ScalarType.Float64, device);
            long seen = partialSamples;
            double ReadLoss(long step)
            {
                lossRead = lossSum.item<double>();
                CheckFinite(lossRead, epoch, step, checkpoints, reads: true);
                return lossRead;
            }
            (partialLoss, partialSamples, partialSeconds) = (0, 0, 0);
            var epochClock = Stopwatch.StartNew();
            double rate = settings.LearningRate;
            FineTuning.TrainMode(model, settings);
            for (long step = startStep; step < steps; step++)
            {
                // Alone, the loop stops at once; replicas stop together, at the step after any of them asked.
                double votes = averager is null ? StopVote() : stopVotes;
                if (votes > 0)
                {
                    stop = votes >= CancelVote ? StopReason.Cancelled : StopReason.TimeLimit;
                    if (checkpoints is not null)
                        Save(CheckpointSlot.Last, epoch - 1, step, ReadLoss(step), seen,
                            previousSeconds + epochClock.Elapsed.TotalSeconds);
                    break;
                }
                using var scope = torch.NewDisposeScope();
                rate = schedule.RateAt(epoch - 1, step);
                Optimizers.SetLearningRate(optimizer, rate, settings.LearningRate);
                if (averager is not null) torch.manual_seed(ReplicaGroup.StepSeed(settings.Seed, group.Rank, epoch, step));
                optimizer.zero_grad();
                long n = 0;
                Tensor? loss = null;
                // A replica's part of the last global batch may be empty; it then adds zero gradients.
                if (batches.MoveNext())
                {
                    var x = batches.Current.Images.to(device);
                    var y = batches.Current.Labels.to(device);
                    n = y.shape[0];
                    loss = model.Loss(model.call(x), y, nn.Reduction.Mean);
                    (averager is null ? loss : loss * ((double)n / GlobalBatch(step))).backward();
                }
                if (averager is null)
                {
                    if (loss is not null) lossSum.add_(loss.detach(), n);
                }
                else
                {
                    (double sum, stopVotes) = averager.Sum(loss is null ? 0 : loss.item<float>() * n, StopVote());
                    n = GlobalBatch(step);
                    CheckFinite(sum / n, epoch, step, checkpoints);
                    lossSum.add_(sum);
                }
                optimizer.step();

                seen += n;
                if (averager is not null || (step + 1) % LossReadInterval == 0 || step + 1 == steps) ReadLoss(step + 1);
                observer?.OnStep(new StepProgress(epoch, settings.Epochs, step + 1, steps, lossRead / seen,
                    seen / (previousSeconds + epochClock.Elapsed.TotalSeconds)));
            }
            startStep = 0;
            if (stop != StopReason.Completed) break;

            double seconds = previousSeconds + epochClock.Elapsed.TotalSeconds;
            var evalClock = Stopwatch.StartNew();
            var validation = data.Validation is null ? null : Evaluate(data.Validation);
            var test = Evaluate(data.Test);
            MemoryRelease.AfterEpoch();
            double evalSeconds = evalClock.Elapsed.TotalSeconds;
            double score = (validation ?? test).Accuracy;
            bool improved = score > best;
            if (improved) (best, bestEpoch, stale) = (score, epoch, 0);
            else stale++;
            schedule.EndEpoch(epoch, improved);

            var metrics = new EpochMetrics(epoch, lossRead / Math.Max(seen, 1), validation?.Loss, validation?.Accuracy,
                test.Loss, test.Accuracy, test.Top5Accuracy, rate, seconds, evalSeconds, seen / seconds);
            history.Add(metrics);
            observer?.OnEpoch(metrics);
            group.RequireIdentical(model, $"after epoch {epoch}");
            if (checkpoints is not null && group.IsRoot)
            {
                shuffleAtEpochStart = shuffle.get_state().data<byte>().ToArray();
                checkpoints.WriteMetrics(history);
                // Best first: a stop between the two writes leaves last.ckpt at the previous epoch, which the resumed
                // run repeats, writing best.ckpt again; the other order could lose this epoch's best for good.
                if (improved) Save(CheckpointSlot.Best, epoch, 0, 0, 0, 0);
                Save(CheckpointSlot.Last, epoch, 0, 0, 0, 0);
            }
            if (settings.Patience > 0 && stale >= settings.Patience) stop = StopReason.EarlyStopped;
        }

        var final = Evaluate(data.Test);
        return new TrainingOutcome(history, stop, bestEpoch, final);

        long GlobalBatch(long step) => Math.Min(settings.BatchSize, data.Train.Count - step * settings.BatchSize);
    }

    // A stop vote that outweighs any number of time-limit votes (1 each).
    const int CancelVote = 1 << 20;

    /// <param name="reads">The value is the loss summed up to <paramref name="step"/> steps, read from the device.</param>
    static void CheckFinite(double value, int epoch, long step, ICheckpointStore? checkpoints, bool reads = false)
    {
        if (!double.IsFinite(value))
            throw new TrainingDivergedException(
                $"the training loss became {(float)value} at epoch {epoch}, {(reads ? "by step " + step : "step " + (step + 1))}; stopped" +
                (checkpoints?.LastGood is { } good ? $" (last good checkpoint: {good})" : "") +
                "; try a lower --lr");
    }
}
