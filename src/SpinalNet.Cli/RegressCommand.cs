// `spinalnet regress`: the paper's Table I experiment on synthetic targets, or the same comparison on a CSV file.
// Parses and prints only; the use cases are Runs/Regression/TableOne.cs and Runs/Regression/CsvRegressionRun.cs.
using System.CommandLine;
using SpinalNet.Regression;
using SpinalNet.Runs;
using static SpinalNet.Cli.Format;

namespace SpinalNet.Cli;

static class RegressCommand
{
    public static Command Create()
    {
        var target = Opt<string?>("--target", "NAME", "Synthetic experiment of the paper's Table I: sum, sin-sum, " +
            "product, sin-product, or all. Eight N(0,1) inputs, 1,000 samples, noise 0.2·U(0,1).");
        var data = Opt<string?>("--data", "FILE", "CSV file with a header row, for regression on your data.", "-d");
        var targetColumn = Opt<string?>("--target-column", "NAME", "With --data: the column to predict.");
        var features = Opt<string?>("--features", "A,B,...", "With --data: comma-separated feature columns (default: " +
            "every column but the target).");
        var paper = new RegressionSettings();  // the paper's
        var epochs = Defaulted("--epochs", "N", "Epochs, as the paper.", paper.Epochs, "-e");
        var batch = Defaulted("--batch-size", "N", "Mini-batch size, as the paper.", paper.BatchSize, "-b");
        var lr = Defaulted("--lr", "RATE", "Adam learning rate, as the paper.", paper.LearningRate);
        var seed = Defaulted("--seed", "N", "Seed for weights, batch order and the split.", paper.Seed, "-s");
        var threads = Defaulted("--threads", "N", "Torch CPU threads (networks this small run fastest on one).",
            ThisProcess.SmallNetworkThreads, "-t");
        var reuse = new Option<bool>("--script-layer-reuse") { Description = "Reproduce the script's bug: Spinal " +
            "layers 5 and 6 reuse layers 3 and 4 (8,801 of the 14,301 parameters are trained)." };
        var broadcast = new Option<bool>("--script-broadcast-target") { Description = "Reproduce the script's bug: the " +
            "noise vector broadcast into a 1000 × 1000 target, so the loss averages over every noise draw (no test MSE " +
            "is then reported)." };
        var output = Opt<string?>("--out", "DIR", "With --data: run folder, one subfolder per network with config.json, " +
            "metrics.csv, model.safetensors, loss.png and scatter.png (default: runs/regress-FILE-TIME).", "-o");
        var command = new Command("regress", "Regression with a conventional and a Spinal network: the paper's " +
                                             "Table I experiment, or your CSV data.")
            { target, data, targetColumn, features, epochs, batch, lr, seed, threads, reuse, broadcast, output };
        target.AcceptOnlyFromAmong([.. TableOne.Targets]);
        command.SetAction(r =>
        {
            var settings = new RegressionSettings(r.GetValue(epochs), r.GetValue(batch), r.GetValue(lr), r.GetValue(seed),
                r.GetValue(threads));
            if (r.GetValue(data) is { } csv)
            {
                var column = r.GetValue(targetColumn)
                             ?? throw new ArgumentException("--data needs --target-column NAME", "target-column");
                var names = r.GetValue(features)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var run = CsvRegressionRun.Run(csv, column, names, settings, r.GetValue(output));
                Print(run.Table);
                Console.WriteLine($"run folders in {run.Folder}");
                return;
            }
            var chosen = r.GetValue(target) ?? throw new ArgumentException("give --target NAME or --data FILE.csv", "target");
            var options = new TableOneOptions(r.GetValue(reuse), r.GetValue(broadcast));
            foreach (var table in TableOne.Run(chosen, settings, options))
            {
                Console.WriteLine(table.Heading(options));
                Print(table.Table(settings.Epochs));
                Console.WriteLine(table.Footer);
            }
        });
        return command;
    }
}
