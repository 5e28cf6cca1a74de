// The data a training run reads (docs/experiments.md §3): the training split it draws its batches from, the test split
// it reports after every epoch where it has one (the ML.NET trainers have none: their caller tests), and the
// validation split held out for model selection (§3.7) where the run has one.
using SpinalNet.Data;

namespace SpinalNet.Training;

/// <param name="Test">Reported after every epoch and at the end; null: none.</param>
/// <param name="Validation">Held out from the training data for model selection; null selects on the test split (and
/// without either, the last epoch is the best).</param>
public sealed record TrainingData(IBatchSource Train, IBatchSource? Test, IBatchSource? Validation = null) : IDisposable
{
    /// <summary>The names of the classes, index by index, where the data set has them.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    public void Dispose()
    {
        Train.Dispose();
        Test?.Dispose();
        Validation?.Dispose();
    }
}
