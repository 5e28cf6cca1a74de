// `spinalnet regress`: the paper's Table I experiment on synthetic targets, or the same comparison on a CSV file.
using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using SpinalNet.Regression;
using SpinalNet.Training;

namespace SpinalNet.Cli;

static class RegressCommand
{
    public static Command Create()
    {
        var target = new Option<string?>("--target")
        {
            Description = "Synthetic experiment of the paper's Table I: sum, sin-sum, product, sin-product, or all. " +
                          "Eight N(0,1) inputs, 1,000 samples, noise 0.2·U(0,1).",
        };
        var data = new Option<string?>("--data") { Description = "CSV file with a header row, for regression on your data." };
        var targetColumn = new Option<string?>("--target-column") { Description = "With --data: the column to predict." };
        var features = new Option<string?>("--features")
        {
            Description = "With --data: comma-separated feature columns (default: every column but the target).",
        };
        var epochs = new Option<int>("--epochs") { Description = "Epochs (the paper: 200).", DefaultValueFactory = _ => 200 };
        var batch = new Option<int>("--batch-size") { Description = "Mini-batch size (the paper: 64).", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (the paper: 0.01).", DefaultValueFactory = _ => 0.01 };
        var seed = new Option<long>("--seed") { Description = "Seed for weights, batch order and the split (default 0).", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads")
        {
            Description = "Torch CPU threads (default 1: networks this small run fastest on one thread).",
            DefaultValueFactory = _ => 1,
        };
        var reuse = new Option<bool>("--script-layer-reuse")
        {
            Description = "Reproduce the script's bug: Spinal layers 5 and 6 reuse layers 3 and 4 (8,801 of the " +
                          "14,301 parameters are trained).",
        };
        var broadcast = new Option<bool>("--script-broadcast-target")
        {
            Description = "Reproduce the script's bug: the noise vector broadcast into a 1000 × 1000 target, so the " +
                          "loss averages over every noise draw (no test MSE is then reported).",
        };
        var output = new Option<string?>("--out")
        {
            Description = "With --data: run folder (default runs/regress-<file>-<time>), one subfolder per network " +
                          "with config.json, metrics.csv, model.safetensors, loss.png and scatter.png.",
        };
        var command = new Command("regress", "Regression with a conventional and a Spinal network (reference §4): the " +
                                             "paper's Table I experiment, or your CSV data.")
            { target, data, targetColumn, features, epochs, batch, lr, seed, threads, reuse, broadcast, output };
        target.AcceptOnlyFromAmong([.. SyntheticRegression.Names, "all"]);
        command.SetAction(r =>
        {
            int t = r.GetValue(threads);
            if (t < 1) throw new ArgumentException($"--threads {t} must be at least 1", "threads");
            TorchSharp.torch.set_num_threads(t);
            var settings = new RegressionSettings(r.GetValue(epochs), r.GetValue(batch), r.GetValue(lr), r.GetValue(seed));
            settings.Validate();
            if (r.GetValue(data) is { } csv)
            {
                var column = r.GetValue(targetColumn)
                             ?? throw new ArgumentException("--data needs --target-column NAME", "target-column");
                var names = r.GetValue(features)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var folder = r.GetValue(output) ??
                             Commands.DefaultRunFolder($"regress-{Path.GetFileNameWithoutExtension(csv)}");
                RunCsv(CsvTable.Read(csv, column, names), settings, folder, csv);
                return 0;
            }
            var chosen = r.GetValue(target) ?? throw new ArgumentException("give --target NAME or --data FILE.csv", "target");
            foreach (var name in chosen == "all" ? SyntheticRegression.Names : [chosen])
                PrintTableOne(SyntheticRegression.Parse(name), name, settings,
                    new TableOneOptions(r.GetValue(reuse), r.GetValue(broadcast)));
            return 0;
        });
        return command;
    }

    static string Net(RegressionNet net) => net == RegressionNet.Spinal ? "Spinal 6 × 50" : "FF 200, 100";

    static void PrintTableOne(Target target, string name, RegressionSettings settings, TableOneOptions options)
    {
        var rows = TableOne.Run(target, settings, options);
        string mode = (options.ScriptLayerReuse, options.BroadcastNoise) switch
        {
            (false, false) => "default mode",
            (true, true) => "script-compatible mode (layer reuse, broadcast target)",
            (true, false) => "script layer reuse",
            _ => "script broadcast target",
        };
        Console.WriteLine($"target {name}, {mode}: minimum last-mini-batch MSE × 1e-3 (the paper's Table I beside it)");
        int half = rows[0].HalfEpoch;
        var table = new Table().AddColumns("network", "parameters", "multiplications", "parameters trained",
            $"min @{half}", "paper @100", $"min @{settings.Epochs}", "paper @200", "test MSE × 1e-3");
        foreach (var row in rows)
        {
            var paper = TableOne.Paper(target, row.Net);
            table.AddRow(Net(row.Net), Format.Count(row.Parameters), Format.Count(row.Multiplications),
                Format.Count(row.UsedParameters), Milli(row.MinLossAtHalf), $"{paper.At100:F3}",
                Milli(row.MinLossAtEnd), $"{paper.At200:F3}", row.TestMse is double t ? Milli(t) : "—");
        }
        AnsiConsole.Write(table);
        Console.WriteLine($"Spinal multiplications: {Format.Percent(1 - (double)rows[1].Multiplications / rows[0].Multiplications)} fewer");
    }

    static string Milli(double mse) => (mse * 1000).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

    static void RunCsv(RegressionTable table, RegressionSettings settings, string folder, string source)
    {
        Console.WriteLine($"regressing '{table.TargetName}' on {table.Width} features of {table.Count} rows of {source}");
        var results = TabularRegression.Run(table, settings, trained: (net, model) =>
        {
            var run = new RunDirectory(Path.Combine(folder, net == RegressionNet.Spinal ? "spinal" : "fc"));
            AtomicFile.WriteText(run.File(RunDirectory.ConfigFile), JsonSerializer.Serialize(new
            {
                data = source, target_column = table.TargetName, features = table.FeatureNames,
                network = net.ToString().ToLowerInvariant(), settings,
            }, RunDirectory.Json));
            run.SaveWeights(model);
        });
        var summary = new Table().AddColumns("network", "parameters", "multiplications", "test MSE", "test MAE", "test R²");
        foreach (var r in results)
        {
            var run = new RunDirectory(Path.Combine(folder, r.Net == RegressionNet.Spinal ? "spinal" : "fc"));
            AtomicFile.WriteText(run.File(RunDirectory.MetricsCsv),
                "epoch,train_loss,last_batch_loss,min_last_batch_loss,validation_loss\n" + string.Concat(r.History.Select(h =>
                    FormattableString.Invariant($"{h.Epoch},{h.TrainLoss},{h.LastBatchLoss},{h.MinLastBatchLoss},{h.ValidationLoss}\n"))));
            Charts.Lines(run.File(Charts.LossPng), $"{Net(r.Net)}: loss (standardised target)", "epoch", "MSE",
                [new Series("training", r.History.Select(h => (double)h.Epoch).ToArray(), r.History.Select(h => h.TrainLoss).ToArray()),
                 new Series("validation", r.History.Select(h => (double)h.Epoch).ToArray(), r.History.Select(h => h.ValidationLoss ?? double.NaN).ToArray())]);
            Charts.Scatter(run.File("scatter.png"), $"{Net(r.Net)}: test predictions of '{table.TargetName}'",
                r.True.Select(v => (double)v).ToArray(), r.Predicted.Select(v => (double)v).ToArray());
            summary.AddRow(Net(r.Net), Format.Count(r.Parameters), Format.Count(r.Multiplications),
                r.Mse.ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
                r.Mae.ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
                r.R2.ToString("F4", System.Globalization.CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(summary);
        Console.WriteLine($"runs written to {folder}");
    }
}
