// A training step's gradients and the running loss of the epoch, for a process alone or for a replica of several
// (docs/distributed.md §10.1), so that the loop (Training/Trainer.cs) reads the same either way. Alone, the loss is
// summed on the device (in float64) and read every Trainer.LossReadInterval steps and at the end of the epoch: a read
// is a host round trip (docs/performance.md §9.3), and each read checks that the loss is finite. A replica weights its
// mean loss by its share of the global batch, and one all-reduce per step sums the gradients, the loss and the stop
// votes (and a replica's failure in the step: docs/distributed.md §10.5), which brings the loss to the host every
// step anyway; its dropout draws are reseeded every step from (seed, rank, epoch, step), so they differ between ranks
// and a resumed run replays them. The loss is the run's objective's (Training/Objective.cs); the last batch's is kept
// on the device and read with the epoch's metrics.
using System.Diagnostics;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>A training step's forward and backward pass, the stop votes, and the loss, samples and time of the epoch
/// under way.</summary>
abstract class TrainingSteps : IDisposable
{
    // A stop vote that outweighs any number of time-limit votes (1 each).
    protected const int CancelVote = 1 << 20;

    protected readonly TrainingSettings Settings;
    protected readonly Objective Objective;
    protected readonly long Steps;
    readonly Device device;
    readonly ICheckpointStore? checkpoints;
    readonly CancellationToken cancel;
    readonly Stopwatch runClock = Stopwatch.StartNew(), epochClock = new();
    double previousSeconds;
    protected Tensor LossSum { get; private set; } = null!;

    protected TrainingSteps(TrainingSettings settings, Objective objective, long steps, Device device,
        ICheckpointStore? checkpoints, CancellationToken cancel) =>
        (Settings, Objective, Steps, this.device, this.checkpoints, this.cancel) =
        (settings, objective, steps, device, checkpoints, cancel);

    /// <summary>The epoch's samples so far (over every replica).</summary>
    public long Samples { get; protected set; }

    /// <summary>The epoch's training-loss sum as last read from the device.</summary>
    public double LossRead { get; private set; }

    long samplesRead;

    /// <summary>The epoch's mean training loss as last read; null before the first read (no loss to show yet).</summary>
    public double? MeanLossRead => samplesRead > 0 ? LossRead / samplesRead : null;

    /// <summary>The mean loss of the last batch trained (NaN before the first).</summary>
    public abstract double LastBatchLoss { get; }

    /// <summary>The epoch's training time so far, with that before a resume.</summary>
    public double Seconds => previousSeconds + epochClock.Elapsed.TotalSeconds;

    /// <summary>Starts the epoch's tally from the part of it done before a resume.</summary>
    public void StartEpoch(PartialEpoch done)
    {
        LossSum?.Dispose();
        LossSum = torch.tensor(done.Loss, ScalarType.Float64, device);
        (previousSeconds, LossRead, Samples, samplesRead) = (done.Seconds, done.Loss, done.Samples, done.Samples);
        epochClock.Restart();
    }

    /// <summary>Why the loop stops before this step; null to go on.</summary>
    public StopReason? StopRequested() => StopVotes() switch
    {
        >= CancelVote => StopReason.Cancelled,
        > 0 => StopReason.TimeLimit,
        _ => null,
    };

    protected abstract double StopVotes();

    /// <summary>The failure of a replica in the last step, which stops every replica; null while none failed (always
    /// alone, where an error is thrown as it happens).</summary>
    public ReplicaFailure? Failure { get; protected set; }

    /// <summary>This process's stop vote: a cancel, the time limit, or none.</summary>
    protected int OwnVote() => cancel.IsCancellationRequested ? CancelVote
        : Settings.MaxTimeSeconds > 0 && runClock.Elapsed.TotalSeconds >= Settings.MaxTimeSeconds ? 1 : 0;

    /// <summary>The step's forward and backward pass on the next batch of <paramref name="batches"/>, the gradients
    /// ready for the optimiser's step.</summary>
    public abstract void Backward(ClassifierNetwork model, IEnumerator<(Tensor Images, Tensor Labels)> batches,
        int epoch, long step);

    /// <summary>After the optimiser's step: reads the loss where a read is due.</summary>
    public void AfterStep(int epoch, long step)
    {
        if (ReadsAfter(step)) ReadLoss(epoch, step + 1);
    }

    protected abstract bool ReadsAfter(long step);

    /// <summary>Reads the loss summed over the epoch's first <paramref name="steps"/> steps, which must be finite.</summary>
    public double ReadLoss(int epoch, long steps)
    {
        (LossRead, samplesRead) = (LossSum.item<double>(), Samples);
        CheckFinite(LossRead, epoch, steps, reads: true);
        return LossRead;
    }

    /// <summary>The mean loss of the next batch and its samples; null and 0 where there is none.</summary>
    protected (Tensor? Loss, long Samples) Forward(ClassifierNetwork model,
        IEnumerator<(Tensor Images, Tensor Labels)> batches)
    {
        if (!batches.MoveNext()) return (null, 0);
        var x = batches.Current.Images.to(device);
        var y = batches.Current.Labels.to(device);
        return (Objective.Loss(model, model.call(x), y, nn.Reduction.Mean), y.shape[0]);
    }

    /// <param name="reads">The value is the loss summed up to <paramref name="step"/> steps, read from the device.</param>
    protected void CheckFinite(double value, int epoch, long step, bool reads = false)
    {
        if (!double.IsFinite(value))
            throw new TrainingDivergedException(
                $"the training loss became {(float)value} at epoch {epoch}, {(reads ? "by step " + step : "step " + (step + 1))}; stopped" +
                (checkpoints?.LastGood is { } good ? $" (last good checkpoint: {good})" : "") +
                "; try a lower learning rate");
    }

    public virtual void Dispose() => LossSum?.Dispose();
}

/// <summary>A process training alone: it stops at once when asked, and reads the loss every
/// <see cref="Trainer.LossReadInterval"/> steps and at the end of the epoch.</summary>
sealed class LocalSteps(TrainingSettings settings, Objective objective, long steps, Device device,
    ICheckpointStore? checkpoints, CancellationToken cancel)
    : TrainingSteps(settings, objective, steps, device, checkpoints, cancel)
{
    readonly Tensor lastLoss = torch.full(1, double.NaN, ScalarType.Float32, device);

    protected override double StopVotes() => OwnVote();

    public override double LastBatchLoss => lastLoss.item<float>();

    public override void Backward(ClassifierNetwork model, IEnumerator<(Tensor Images, Tensor Labels)> batches,
        int epoch, long step)
    {
        var (loss, n) = Forward(model, batches);
        if (loss is null) return;
        loss.backward();
        LossSum.add_(loss.detach(), n);
        lastLoss.copy_(loss.detach().view(1));
        Samples += n;
    }

    protected override bool ReadsAfter(long step) => (step + 1) % Trainer.LossReadInterval == 0 || step + 1 == Steps;

    public override void Dispose()
    {
        lastLoss.Dispose();
        base.Dispose();
    }
}

/// <summary>A replica of several: the replicas stop together, at the step after any of them asked (the votes travel
/// in the step's all-reduce), and the loss is read every step.</summary>
sealed class ReplicaSteps(IReplicaGroup group, ClassifierNetwork model, long trainSamples, TrainingSettings settings,
    Objective objective, long steps, Device device, ICheckpointStore? checkpoints, CancellationToken cancel)
    : TrainingSteps(settings, objective, steps, device, checkpoints, cancel)
{
    readonly GradientAverager averager = new(group, model.parameters());
    double votes, lastLoss = double.NaN;

    protected override double StopVotes() => votes;

    public override double LastBatchLoss => lastLoss;

    public override void Backward(ClassifierNetwork model, IEnumerator<(Tensor Images, Tensor Labels)> batches,
        int epoch, long step)
    {
        torch.manual_seed(ReplicaGroup.StepSeed(Settings.Seed, group.Rank, epoch, step));
        long globalBatch = Math.Min(Settings.BatchSize, trainSamples - step * Settings.BatchSize);
        // A replica's part of the last global batch may be empty; it then adds zero gradients. A replica that fails
        // here (a sample it cannot read, no memory) says so in the all-reduce instead of leaving the others waiting
        // in it; every replica then stops, rank 0 saving the run as it was before this step (docs/distributed.md §10.5).
        (Tensor? Loss, long N) part = (null, 0);
        Exception? own = null;
        try
        {
            part = Forward(model, batches);
            if (part.Loss is { } mean) (mean * ((double)part.N / globalBatch)).backward();
        }
        catch (Exception e)
        {
            own = e;
        }
        var sums = averager.Sum(part.Loss is null || own is not null ? 0 : part.Loss.item<float>() * part.N, OwnVote(),
            own is not null);
        if (sums.Failures > 0)
        {
            Failure = new ReplicaFailure(group, epoch, step, sums.Failures, sums.FailedRankSum, own);
            return;
        }
        (double sum, votes) = (sums.LossSum, sums.StopVotes);
        CheckFinite(sum / globalBatch, epoch, step);
        lastLoss = sum / globalBatch;
        LossSum.add_(sum);
        Samples += globalBatch;
    }

    protected override bool ReadsAfter(long step) => true;
}
