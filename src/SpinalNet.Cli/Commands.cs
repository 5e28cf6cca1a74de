// One factory per `spinalnet` command. Each action gathers its options, hands them to the library and prints.
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SpinalNet.Cost;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Cli;

static class Commands
{
    public static Command Train(CommonOptions o)
    {
        var output = new Option<string?>("--out")
        {
            Description = "Run folder for config.json, metrics.csv, metrics.json and model.safetensors " +
                          "(default: runs/<model>-<head>-<time>).",
        };
        var command = new Command("train", "Train one network on MNIST-format data, evaluating on the test split " +
                                           "after every epoch.") { output, o.InitialWeights };
        Add(command, o.ModelOptions, o.TrainingOptions);
        command.SetAction(r =>
        {
            var spec = o.GetModel(r);
            var head = o.GetHead(r);
            var spinal = o.GetSpinal(r);
            var settings = o.GetSettings(r, spec);
            var run = new RunDirectory(r.GetValue(output) ?? DefaultRunFolder($"{spec.Name}-{Name(head)}"));
            var (train, test) = MnistFolder.LoadTrainTest(r.GetValue(o.Data), Normalization.Mnist);
            using (train)
            using (test)
            using (var model = spec.Create(head, settings.Seed, spinal))
            {
                if (r.GetValue(o.InitialWeights) is { } initial) AuthorsWeights.LoadAny(spec, head, model, initial);
                run.WriteConfig(new RunConfig(spec.Name, head, spinal, r.GetValue(o.Data) ?? "embedded", settings));
                Console.WriteLine($"training {spec.Name} ({Name(head)} head) on {train.Count} samples, " +
                                  $"testing on {test.Count}; run folder {run.Path}");
                var history = new List<EpochMetrics>();
                using var cancel = CancelOnCtrlC();
                ConsoleReporter.Run(reporter =>
                    Trainer.Train(model, train, test, settings, new RecordingObserver(reporter(Name(head)), history, run),
                        cancel.Token));
                run.SaveWeights(model);
                if (history.Count > 0)
                    Console.WriteLine($"best test accuracy {history.Max(h => h.TestAccuracy):P2}, final " +
                                      $"{history[^1].TestAccuracy:P2}; weights {run.File(RunDirectory.WeightsFile)}");
            }
            return 0;
        });
        return command;
    }

    public static Command Evaluate(CommonOptions o)
    {
        var weights = new Option<string>("--weights")
        {
            Description = "Weights file written by `spinalnet train` (model.safetensors in the run folder), or the " +
                          "authors' PyTorch state dict (.pt, their key names).",
            Required = true,
        };
        var command = new Command("evaluate", "Test accuracy and loss of trained weights.") { weights, o.Data, o.TestBatchSize };
        Add(command, o.ModelOptions);
        command.SetAction(r =>
        {
            var spec = o.GetModel(r);
            var head = o.GetHead(r);
            using var model = spec.Create(head, 0, o.GetSpinal(r));
            AuthorsWeights.LoadAny(spec, head, model, r.GetValue(weights)!);
            using var test = MnistFolder.Load(r.GetValue(o.Data) ?? MnistFolder.EmbeddedSample, Split.Test,
                Normalization.Mnist);
            var e = Evaluator.Evaluate(model, test, r.GetValue(o.TestBatchSize) ?? spec.Defaults.TestBatchSize);
            Console.WriteLine($"test accuracy {e.Accuracy:P2} ({Math.Round(e.Accuracy * e.Samples)}/{e.Samples}), " +
                              $"test loss {e.Loss:F4}");
            return 0;
        });
        return command;
    }

    public static Command Compare(CommonOptions o)
    {
        var output = new Option<string?>("--out")
        {
            Description = "Folder for one run folder per head, fc/ and spinal/ (default: runs/compare-<model>-<time>).",
        };
        var command = new Command("compare", "Train the conventional head and the Spinal head from the same seed on " +
                                             "the same batches and compare cost and accuracy.") { output };
        Add(command, [o.Model, o.SpinalWidth, o.SpinalLayers, o.Splits], o.TrainingOptions);
        command.SetAction(r =>
        {
            var spec = o.GetModel(r);
            var spinal = o.GetSpinal(r);
            var settings = o.GetSettings(r, spec);
            var folder = r.GetValue(output) ?? DefaultRunFolder($"compare-{spec.Name}");
            var (train, test) = MnistFolder.LoadTrainTest(r.GetValue(o.Data), Normalization.Mnist);
            IReadOnlyList<ComparisonRow> rows;
            using (train)
            using (test)
            {
                Console.WriteLine($"comparing heads of {spec.Name} on {train.Count} training samples, " +
                                  $"{test.Count} test samples, {settings.Epochs} epochs, seed {settings.Seed}");
                using var cancel = CancelOnCtrlC();
                rows = ConsoleReporter.Run(reporter => HeadComparison.Run(spec, spinal, train, test, settings,
                    head => reporter(Name(head)),
                    (head, model, history) =>
                    {
                        var run = new RunDirectory(Path.Combine(folder, Name(head)));
                        run.WriteConfig(new RunConfig(spec.Name, head, spinal, r.GetValue(o.Data) ?? "embedded", settings));
                        run.WriteMetrics(history);
                        run.SaveWeights(model);
                    }, cancel.Token));
            }
            var table = new Table().AddColumns("head", "parameters", "multiplications", "head parameters",
                "head multiplications", "best accuracy", "final accuracy", "s/epoch");
            foreach (var row in rows)
                table.AddRow(Name(row.Head), N(row.Parameters), N(row.Multiplications), N(row.HeadParameters),
                    N(row.HeadMultiplications), $"{row.BestAccuracy:P2}", $"{row.FinalAccuracy:P2}",
                    row.SecondsPerEpoch.ToString("F2", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            Console.WriteLine($"runs written to {folder}");
            return 0;
        });
        return command;
    }

    public static Command Summary(CommonOptions o)
    {
        var command = new Command("summary", "Per-layer parameters and multiplications per sample of a network.");
        Add(command, o.ModelOptions);
        command.SetAction(r =>
        {
            var spec = o.GetModel(r);
            using var model = spec.Create(o.GetHead(r), 0, o.GetSpinal(r));
            var cost = CostReport.Measure(model, spec.InputShape);
            var table = new Table().AddColumns("layer", "type", "output", "parameters", "multiplications");
            foreach (var l in cost.Layers)
                table.AddRow(l.Name, l.Kind, $"[[{string.Join(", ", l.OutputShape)}]]", N(l.Parameters),
                    N(l.Multiplications));
            table.AddEmptyRow();
            foreach (var part in new[] { "backbone", "head" })
                table.AddRow($"{part} total", "", "", N(cost.Part(part).Parameters), N(cost.Part(part).Multiplications));
            table.AddRow("total", "", "", N(cost.Parameters), N(cost.Multiplications));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static Command Models()
    {
        var command = new Command("models", "The networks the library builds, with the cost of each head.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumns("model", "head", "parameters", "multiplications", "head parameters",
                "head multiplications", "description");
            foreach (var spec in ModelCatalog.All)
            foreach (var head in new[] { HeadKind.Fc, HeadKind.Spinal })
            {
                using var model = spec.Create(head, 0);
                var cost = CostReport.Measure(model, spec.InputShape);
                table.AddRow(spec.Name, Name(head), N(cost.Parameters), N(cost.Multiplications),
                    N(cost.Part("head").Parameters), N(cost.Part("head").Multiplications), Markup.Escape(spec.Description));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static Command Export()
    {
        var run = new Option<string>("--run") { Description = "Run folder written by `spinalnet train`.", Required = true };
        var format = new Option<string>("--format")
        {
            Description = "'pt' (PyTorch, loadable by the authors' module with load_state_dict) or 'safetensors'.",
            DefaultValueFactory = _ => "pt",
        };
        format.AcceptOnlyFromAmong("pt", "safetensors");
        var output = new Option<string?>("--out") { Description = "File to write (default: RUN/authors.pt or .safetensors)." };
        var command = new Command("export", "Write a run's weights under the authors' PyTorch key names.") { run, format, output };
        command.SetAction(r =>
        {
            var path = AuthorsWeights.ExportRun(r.GetValue(run)!,
                r.GetValue(format) == "pt" ? WeightsFormat.Pt : WeightsFormat.Safetensors, r.GetValue(output));
            Console.WriteLine($"weights written to {path}");
            return 0;
        });
        return command;
    }

    static void Add(Command command, params IEnumerable<Option>[] groups)
    {
        foreach (var option in groups.SelectMany(g => g)) command.Options.Add(option);
    }

    static string Name(HeadKind head) => head == HeadKind.Fc ? "fc" : "spinal";

    static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    static string DefaultRunFolder(string name) =>
        Path.Combine("runs", $"{name}-{DateTime.Now:yyyyMMdd-HHmmss}");

    /// <summary>Ctrl+C asks training to stop after the current step; a second Ctrl+C kills the process.</summary>
    static CancellationTokenSource CancelOnCtrlC()
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (source.IsCancellationRequested) return;
            e.Cancel = true;
            source.Cancel();
            Console.Error.WriteLine("spinalnet: stopping after the current step (Ctrl+C again to abort)");
        };
        return source;
    }

    /// <summary>Keeps the history, rewrites the metrics files after every epoch, and forwards to the display.</summary>
    sealed class RecordingObserver(ITrainingObserver display, List<EpochMetrics> history, RunDirectory run)
        : ITrainingObserver
    {
        public void OnStep(StepProgress progress) => display.OnStep(progress);

        public void OnEpoch(EpochMetrics metrics)
        {
            history.Add(metrics);
            run.WriteMetrics(history);
            display.OnEpoch(metrics);
        }
    }
}
