// Where the training loop (Training/Trainer.cs, docs/experiments.md §3) stands between epochs: the epochs done, the
// best selection accuracy (§3.7) and its epoch, the epochs since it last improved (early stopping), the metrics so far,
// why the loop stops, and the part of an epoch that a resumed run has already done. A checkpoint's TrainerState is this
// state with the schedule's and the generators' (Training/TrainingCheckpoints.cs).
namespace SpinalNet.Training;

/// <summary>The part of an epoch done before a stop: the steps, the training-loss sum, the samples and the seconds.</summary>
sealed record PartialEpoch(long Step, double Loss, long Samples, double Seconds)
{
    public static readonly PartialEpoch None = new(0, 0, 0, 0);
}

/// <summary>The training loop's state.</summary>
sealed class LoopState
{
    PartialEpoch resumed = PartialEpoch.None;

    /// <summary>Epochs completed.</summary>
    public int Epoch { get; private set; }

    public double BestScore { get; private set; } = double.NegativeInfinity;
    public int BestEpoch { get; private set; }
    public int EpochsWithoutImprovement { get; private set; }
    public List<EpochMetrics> History { get; private init; } = [];
    public StopReason Stop { get; set; } = StopReason.Completed;

    /// <summary>The batch-order generator as it was when the epoch under way began.</summary>
    public byte[]? ShuffleAtEpochStart { get; set; }

    /// <summary>The state a checkpoint recorded.</summary>
    public static LoopState Of(TrainerState state) => new()
    {
        resumed = new(state.Step, state.PartialLoss, state.PartialSamples, state.PartialSeconds),
        Epoch = state.Epoch,
        BestScore = state.BestScore,
        BestEpoch = state.BestEpoch,
        EpochsWithoutImprovement = state.EpochsWithoutImprovement,
        History = [.. state.History],
    };

    /// <summary>The part of the epoch now starting that was done before the resume: all of it the first time, none
    /// after.</summary>
    public PartialEpoch TakeResumed()
    {
        var done = resumed;
        resumed = PartialEpoch.None;
        return done;
    }

    /// <summary>Records an epoch's selection accuracy; true when it beats the best so far (a tie does not).</summary>
    public bool Score(int epoch, double score)
    {
        bool improved = score > BestScore;
        if (improved) (BestScore, BestEpoch, EpochsWithoutImprovement) = (score, epoch, 0);
        else EpochsWithoutImprovement++;
        return improved;
    }

    /// <summary>Counts the epoch of <paramref name="metrics"/> as completed.</summary>
    public void Finish(EpochMetrics metrics)
    {
        History.Add(metrics);
        Epoch = metrics.Epoch;
    }
}
