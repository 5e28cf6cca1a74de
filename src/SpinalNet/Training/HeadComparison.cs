// The paper's central comparison (abstract, §4): the same network with its conventional head and with a Spinal head,
// trained from the same seed on the same batches, side by side on cost and accuracy.
using SpinalNet.Cost;
using SpinalNet.Models;

namespace SpinalNet.Training;

/// <param name="BestAccuracy">Test accuracy at the best epoch, as a fraction: the epoch picked on the validation split
/// where there is one, else the best test accuracy over the epochs (the scripts' report).</param>
public sealed record ComparisonRow(
    HeadKind Head, long Parameters, long Multiplications, long HeadParameters, long HeadMultiplications,
    double BestAccuracy, double FinalAccuracy, double SecondsPerEpoch, TrainingOutcome Outcome);

public static class HeadComparison
{
    /// <param name="config">The run configuration; its head is ignored, both are trained.</param>
    /// <param name="runFor">Where each head's run keeps its checkpoints and metrics (null: nowhere).</param>
    public static IReadOnlyList<ComparisonRow> Run(
        RunConfig config, TrainingData data, Func<HeadKind, RunDirectory?>? runFor = null,
        Func<HeadKind, ITrainingObserver?>? observer = null, CancellationToken cancel = default)
    {
        var spec = ModelCatalog.Get(config.Model);
        var rows = new List<ComparisonRow>();
        foreach (var head in new[] { HeadKind.Fc, HeadKind.Spinal })
        {
            var headConfig = config with { Head = head };
            using var model = headConfig.CreateModel(config.Settings.Seed);
            var cost = CostReport.Measure(model, spec.InputShape);
            var run = runFor?.Invoke(head);
            run?.WriteConfig(headConfig);
            if (data.ClassNames is { } names) run?.WriteClassNames(names);
            var outcome = Trainer.Run(model, data, config.Settings,
                run is null ? null : new CheckpointPolicy(run, headConfig), observer?.Invoke(head), cancel);
            run?.SaveWeights(model);
            run?.WriteOutcome($"{config.Model}, {head.Title()} head", outcome);
            var history = outcome.History;
            rows.Add(new ComparisonRow(head, cost.Parameters, cost.Multiplications, cost.Part("head").Parameters,
                cost.Part("head").Multiplications,
                history.Count == 0 ? double.NaN : history.Single(h => h.Epoch == outcome.BestEpoch).TestAccuracy,
                history.Count == 0 ? double.NaN : history[^1].TestAccuracy,
                history.Count == 0 ? double.NaN : history.Average(h => h.Seconds), outcome));
            if (outcome.Stop == StopReason.Cancelled) break;
        }
        return rows;
    }
}
