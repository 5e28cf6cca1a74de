// How a training run ends (docs/experiments.md §3): all its epochs done, early stopping, the time limit or a cancel
// (Ctrl+C), each with the metrics so far and the final weights' test evaluation; or a loss that is no longer a finite
// number, which ends the run with an exception (docs/performance.md §9.3).
namespace SpinalNet.Training;

/// <summary>Why a run stopped.</summary>
public enum StopReason { Completed, EarlyStopped, TimeLimit, Cancelled }

/// <param name="FinalTest">The final weights on the test split, with per-class accuracy and confusion matrix; null
/// without a test split.</param>
public sealed record TrainingOutcome(
    IReadOnlyList<EpochMetrics> History, StopReason Stop, int BestEpoch, Evaluation? FinalTest);

/// <summary>The loss stopped being a finite number; the run ended, the last good checkpoint is kept.</summary>
public sealed class TrainingDivergedException(string message) : InvalidOperationException(message);
