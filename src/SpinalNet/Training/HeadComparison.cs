// The paper's central comparison (abstract, §4): the same network with its conventional head and with a Spinal head,
// trained from the same seed on the same batches, side by side on cost and accuracy.
using SpinalNet.Cost;
using SpinalNet.Data;
using SpinalNet.Models;

namespace SpinalNet.Training;

/// <param name="BestAccuracy">Best test accuracy over the epochs, as a fraction.</param>
public sealed record ComparisonRow(
    HeadKind Head, long Parameters, long Multiplications, long HeadParameters, long HeadMultiplications,
    double BestAccuracy, double FinalAccuracy, double SecondsPerEpoch, IReadOnlyList<EpochMetrics> History);

public static class HeadComparison
{
    public static IReadOnlyList<ComparisonRow> Run(
        ModelSpec spec, SpinalOverrides spinal, ImageDataset train, ImageDataset test, TrainingSettings settings,
        Func<HeadKind, ITrainingObserver?>? observer = null, Action<HeadKind, ClassifierNetwork, IReadOnlyList<EpochMetrics>>? trained = null,
        CancellationToken cancel = default)
    {
        var rows = new List<ComparisonRow>();
        foreach (var head in new[] { HeadKind.Fc, HeadKind.Spinal })
        {
            using var model = spec.Create(head, settings.Seed, spinal);
            var cost = CostReport.Measure(model, spec.InputShape);
            var history = Trainer.Train(model, train, test, settings, observer?.Invoke(head), cancel);
            trained?.Invoke(head, model, history);
            rows.Add(new ComparisonRow(head, cost.Parameters, cost.Multiplications, cost.Part("head").Parameters,
                cost.Part("head").Multiplications, history.Max(h => h.TestAccuracy), history[^1].TestAccuracy,
                history.Average(h => h.Seconds), history));
        }
        return rows;
    }
}
