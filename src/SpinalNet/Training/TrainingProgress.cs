// What the training loop (Training/Trainer.cs, docs/experiments.md §3) reports as it goes: progress after every step
// and the metrics of every epoch, the training loss and time apart from the evaluation's (docs/performance.md §9.3).
namespace SpinalNet.Training;

/// <param name="TestAccuracy">Top-1, as a fraction, null without a test split; ValidationAccuracy likewise, null without
/// a validation split; NaN for an objective without accuracy (regression, Training/Objective.cs).</param>
/// <param name="LastBatchLoss">The mean loss of the epoch's last training batch (the regression script's metric,
/// docs/regression.md §4).</param>
/// <param name="TrainSeconds">The epoch's training steps; <paramref name="SamplesPerSecond"/> is over this time.</param>
/// <param name="EvalSeconds">The epoch's evaluation (validation and test splits).</param>
public sealed record EpochMetrics(
    int Epoch, double TrainLoss, double? ValidationLoss, double? ValidationAccuracy, double? TestLoss,
    double? TestAccuracy, double? TestTop5Accuracy, double LearningRate, double TrainSeconds, double EvalSeconds,
    double SamplesPerSecond, double LastBatchLoss);

/// <param name="Loss">Mean training loss over the epoch's steps up to the last read: the loss is summed on the device
/// and read back every <see cref="Trainer.LossReadInterval"/> steps and at the end of the epoch
/// (docs/performance.md §9.3); null before the epoch's first read.</param>
public sealed record StepProgress(int Epoch, int Epochs, long Step, long Steps, double? Loss, double SamplesPerSecond);

/// <summary>Receives progress; the CLI renders it, tests ignore it.</summary>
public interface ITrainingObserver
{
    void OnStep(StepProgress progress) { }
    void OnEpoch(EpochMetrics metrics) { }
}

/// <summary>An observer that hands each epoch's metrics to an action.</summary>
public sealed class EpochObserver(Action<EpochMetrics> onEpoch) : ITrainingObserver
{
    public void OnEpoch(EpochMetrics metrics) => onEpoch(metrics);
}
