// Regression on the user's CSV file as a run, the use case behind `spinalnet regress --data FILE.csv`
// (docs/regression.md §4): both networks of the paper's regression experiment trained and tested by
// TabularRegression, each leaving a folder (fc/, spinal/) with config.json, metrics.csv, model.safetensors, loss.png
// and scatter.png (predicted against true test values).
using System.Globalization;
using SpinalNet.Data;
using SpinalNet.Regression;

namespace SpinalNet.Runs;

/// <summary>Both regression networks of the paper trained and tested on a CSV file (`spinalnet regress
/// --data`).</summary>
public static class CsvRegressionRun
{
    /// <summary>The folder name and the display name of each network.</summary>
    public static string Id(this RegressionNet net) => net == RegressionNet.Spinal ? "spinal" : "fc";

    public static string Title(this RegressionNet net) => net == RegressionNet.Spinal ? "Spinal 6 × 50" : "FF 200, 100";

    /// <summary>Trains and tests both networks on <paramref name="csv"/>, one run folder each.</summary>
    /// <param name="features">The feature columns (null: every column but the target).</param>
    /// <param name="folder">The run folder (null: runs/regress-FILE-TIME).</param>
    public static IReadOnlyList<TabularResult> Run(string csv, string targetColumn, IReadOnlyList<string>? features,
        RegressionSettings settings, string? folder = null)
    {
        settings.Validate();
        var table = CsvTable.Read(csv, targetColumn, features);
        folder ??= TrainingRun.DefaultFolder($"regress-{Path.GetFileNameWithoutExtension(csv)}");
        RunDirectory.CheckWritable(folder);
        var results = TabularRegression.Run(table, settings, trained: (net, model) =>
        {
            var run = new RunDirectory(Path.Combine(folder, net.Id()));
            AtomicFile.WriteText(run.File(RunDirectory.ConfigFile), RunJson.Serialize(new
            {
                data = csv, target_column = table.TargetName, features = table.FeatureNames,
                network = net.ToString().ToLowerInvariant(), settings,
            }));
            run.SaveWeights(model);
        });
        foreach (var r in results)
        {
            var run = new RunDirectory(Path.Combine(folder, r.Net.Id()));
            AtomicFile.WriteText(run.File(RunDirectory.MetricsCsv),
                "epoch,train_loss,last_batch_loss,min_last_batch_loss,validation_loss\n" + string.Concat(r.History.Select(h =>
                    FormattableString.Invariant($"{h.Epoch},{h.TrainLoss},{h.LastBatchLoss},{h.MinLastBatchLoss},{h.ValidationLoss}\n"))));
            double[] epochs = r.History.Select(h => (double)h.Epoch).ToArray();
            Charts.Lines(run.File(Charts.LossPng), $"{r.Net.Title()}: loss (standardised target)", "epoch", "MSE",
                [new Series("training", epochs, r.History.Select(h => h.TrainLoss).ToArray()),
                 new Series("validation", epochs, r.History.Select(h => h.ValidationLoss ?? double.NaN).ToArray())]);
            Charts.Scatter(run.File("scatter.png"), $"{r.Net.Title()}: test predictions of '{table.TargetName}'",
                r.True.Select(v => (double)v).ToArray(), r.Predicted.Select(v => (double)v).ToArray());
        }
        return results;
    }
}
