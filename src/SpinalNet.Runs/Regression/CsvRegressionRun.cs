// Regression on the user's CSV file as a run, the use case behind `spinalnet regress --data FILE.csv`
// (docs/regression.md §4.6), beside its twin on the paper's synthetic targets, TableOne: both networks of the paper's
// regression experiment trained and tested by TabularRegression, each leaving a folder (fc/, spinal/) with
// config.json, metrics.csv, model.safetensors, loss.png and scatter.png (predicted against true test values); each
// network's folder exports as ONNX with its standardisation inside the graph.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpinalNet.Charts;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Onnx;
using SpinalNet.Regression;
using static SpinalNet.Runs.TextTable;

namespace SpinalNet.Runs;

/// <summary>What a CSV regression run's folder records (its config.json).</summary>
public sealed record RegressionRunConfig(string Data, string TargetColumn, IReadOnlyList<string> Features,
    RegressionNet Network, RegressionSettings Settings, Standardisation? Standardisation);

/// <summary>Both regression networks of the paper trained and tested on a CSV file (`spinalnet regress
/// --data`).</summary>
public static class CsvRegressionRun
{
    /// <summary>The folder name and the display name of each network.</summary>
    public static string Id(this RegressionNet net) => net == RegressionNet.Spinal ? "spinal" : "fc";

    public static string Title(this RegressionNet net) => net == RegressionNet.Spinal ? "Spinal 6 × 50" : "FF 200, 100";

    /// <summary>Whether a run folder is one network's folder of a CSV regression run.</summary>
    public static bool IsRegressionRun(string folder)
    {
        var path = Path.Combine(folder, RunDirectory.ConfigFile);
        try
        {
            return File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonObject o &&
                   o.ContainsKey("target_column");
        }
        catch (JsonException)
        {
            return false;  // not ours to judge: the classifier path names the file
        }
    }

    /// <summary>One network of a CSV regression run as ONNX (docs/deployment.md §8.1): raw feature values in, the
    /// target in its own units out, the standardisation inside the graph; by default as RUN/model.onnx.</summary>
    public static string ExportOnnx(string folder, string? output = null)
    {
        var run = RunDirectory.Open(folder);
        var path = run.File(RunDirectory.ConfigFile);
        RegressionRunConfig config;
        try
        {
            config = JsonSerializer.Deserialize<RegressionRunConfig>(File.ReadAllText(path),
                RunJson.Options) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a regression run configuration ({e.Message.ReplaceLineEndings(" ")})");
        }
        var scaling = config.Standardisation ?? throw new InvalidDataException(
            $"{path}: no standardisation recorded (a run of an earlier version; run `spinalnet regress` again)");
        var net = new RegressionNetwork(config.Network, config.Features.Count);
        using var model = new StandardisedRegression(net, scaling);
        WeightsFile.Load(net, run.File(RunDirectory.WeightsFile), $"the {config.Network.Id()} regression network");
        model.eval();
        output ??= run.File(TrainedModel.OnnxFileName);
        OnnxExport.Write(model, [config.Features.Count], output, new Dictionary<string, string>
        {
            ["features"] = JsonSerializer.Serialize(config.Features),
            ["target"] = config.TargetColumn,
            [OnnxModelCard.OutputKey] = "target",
            [OnnxModelCard.PreprocessingKey] = "raw feature values in the order of 'features'; standardisation is in the graph",
        }, $"{config.Network.Id()} regression network for '{config.TargetColumn}', exported by spinalnet");
        return output;
    }

    /// <summary>Trains and tests both networks on <paramref name="csv"/>, one run folder each, in the folder it
    /// returns.</summary>
    /// <param name="features">The feature columns (null: every column but the target).</param>
    /// <param name="folder">The run folder (null: runs/regress-FILE-TIME).</param>
    public static CsvRegressionResult Run(string csv, string targetColumn, IReadOnlyList<string>? features,
        RegressionSettings settings, string? folder = null)
    {
        settings.Validate();
        var table = CsvTable.Read(csv, targetColumn, features);
        folder ??= TrainingRun.DefaultFolder($"regress-{Path.GetFileNameWithoutExtension(csv)}");
        RunDirectory.CheckWritable(folder);
        var results = TabularRegression.Run(table, settings, trained: (net, model, scaling) =>
        {
            var run = new RunDirectory(Path.Combine(folder, net.Id()));
            AtomicFile.WriteText(run.File(RunDirectory.ConfigFile), RunJson.Serialize(new RegressionRunConfig(csv,
                table.TargetName, table.FeatureNames, net, settings, scaling)));
            run.SaveWeights(model);
        });
        foreach (var r in results)
        {
            var run = new RunDirectory(Path.Combine(folder, r.Net.Id()));
            AtomicFile.WriteText(run.File(RunDirectory.MetricsCsv),
                "epoch,train_loss,last_batch_loss,min_last_batch_loss,validation_loss\n" + string.Concat(r.History.Select(h =>
                    FormattableString.Invariant($"{h.Epoch},{h.TrainLoss},{h.LastBatchLoss},{h.MinLastBatchLoss},{h.ValidationLoss}\n"))));
            double[] epochs = r.History.Select(h => (double)h.Epoch).ToArray();
            RunCharts.Lines(run.File(RunCharts.LossPng), $"{r.Net.Title()}: loss (standardised target)", "epoch", "MSE",
                [new Series("training", epochs, r.History.Select(h => h.TrainLoss).ToArray()),
                 new Series("validation", epochs, r.History.Select(h => h.ValidationLoss ?? double.NaN).ToArray())]);
            RunCharts.Scatter(run.File("scatter.png"), $"{r.Net.Title()}: test predictions of '{table.TargetName}'",
                r.True.Select(v => (double)v).ToArray(), r.Predicted.Select(v => (double)v).ToArray());
        }
        return new CsvRegressionResult(folder, results);
    }
}

/// <summary>A CSV regression run: its folder and each network's result.</summary>
public sealed record CsvRegressionResult(string Folder, IReadOnlyList<TabularResult> Networks)
{
    /// <summary>Each network's cost and test errors, as `spinalnet regress --data` shows them.</summary>
    public TextTable Table => new(["network", "parameters", "multiplications", "test MSE", "test MAE", "test R²"],
        Networks.Select(n => new[] { n.Net.Title(), Count(n.Parameters), Count(n.Multiplications), $"{n.Mse:G4}",
            $"{n.Mae:G4}", $"{n.R2:F4}" }));
}
