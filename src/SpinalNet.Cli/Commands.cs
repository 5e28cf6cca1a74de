// One factory per `spinalnet` command. Each action resolves its configuration, hands it to the library and prints.
using System.CommandLine;
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
            Description = "Run folder for config.json, metrics.csv/json, checkpoints (last.ckpt, best.ckpt), " +
                          "evaluation.json, confusion.csv and model.safetensors (default: runs/<model>-<head>-<time>).",
        };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the run in this folder from its last checkpoint, with its saved configuration; " +
                          "only --epochs, --max-time, --threads and --quiet may be given with it.",
        };
        var command = new Command("train", "Train one network on MNIST-format data, evaluating on the test split " +
                                           "(and the validation split, if any) after every epoch.") { output, resume, o.InitialWeights };
        Add(command, o.ModelOptions, o.TrainingOptions);
        command.SetAction(r =>
        {
            RunConfig config;
            RunDirectory run;
            var resumeFolder = r.GetValue(resume);
            if (resumeFolder is null)
            {
                config = o.Resolve(r);
                run = new RunDirectory(r.GetValue(output) ?? DefaultRunFolder($"{config.Model}-{config.Head.Id()}"));
            }
            else
            {
                run = RunDirectory.Open(resumeFolder);
                config = ResumedConfig(o, r, run);
            }
            bool quiet = r.GetValue(o.Quiet);
            var spec = ModelCatalog.Get(config.Model);
            using var data = config.LoadData(Warn);
            using var model = config.CreateModel(config.Settings.Seed);
            if (resumeFolder is null && config.InitialWeights is { } initial)
                AuthorsWeights.LoadAny(spec, config.Head, model, initial);
            run.WriteConfig(config);
            if (data.ClassNames is { } names) run.WriteClassNames(names);
            if (!quiet)
                Console.WriteLine($"training {spec.Name} ({config.Head.Id()} head) on {data.Train.Count} samples, " +
                                  $"selecting on the {config.Settings.SelectionSplit} split, testing on " +
                                  $"{data.Test.Count}; run folder {run.Path}");
            using var cancel = CancelOnCtrlC();
            var outcome = ConsoleReporter.Run(quiet, reporter => Trainer.Run(model, data, config.Settings,
                new CheckpointPolicy(run, config, Resume: resumeFolder is not null), reporter(config.Head.Id()),
                cancel.Token));
            run.SaveWeights(model);
            run.WriteOutcome($"{spec.Name}, {config.Head.Id()} head", outcome);
            Console.WriteLine(Describe(outcome, config.Settings, run));
            return 0;
        });
        return command;
    }

    static RunConfig ResumedConfig(CommonOptions o, ParseResult r, RunDirectory run)
    {
        var allowed = new HashSet<string> { "settings.epochs", "settings.max_time_seconds", "settings.threads" };
        var given = o.CommandLine(r);
        var changed = Leaves(given.Values, "").Where(k => !allowed.Contains(k)).ToList();
        if (changed.Count > 0)
            throw new ArgumentException($"--resume continues the saved configuration of {run.Path}; it cannot " +
                                        $"change {string.Join(", ", changed)}", "resume");
        var saved = Checkpoint.ReadState(run.File(RunDirectory.LastCheckpoint)).Config;
        var settings = saved.Settings with
        {
            Epochs = r.GetValue(o.Epochs) ?? saved.Settings.Epochs,
            MaxTimeSeconds = r.GetValue(o.MaxTime) ?? saved.Settings.MaxTimeSeconds,
            Threads = r.GetValue(o.Threads) ?? saved.Settings.Threads,
        };
        settings.Validate();
        return saved with { Settings = settings };
    }

    static IEnumerable<string> Leaves(System.Text.Json.Nodes.JsonObject node, string path) =>
        node.SelectMany(p => p.Value is System.Text.Json.Nodes.JsonObject inner
            ? Leaves(inner, path + p.Key + ".")
            : [path + p.Key]);

    static string Describe(TrainingOutcome outcome, TrainingSettings settings, RunDirectory run)
    {
        string why = outcome.Stop switch
        {
            StopReason.Cancelled => $"stopped on request; resume with --resume {run.Path}",
            StopReason.TimeLimit => $"stopped at the time limit; resume with --resume {run.Path}",
            StopReason.EarlyStopped => $"stopped early after {settings.Patience} epochs without improvement",
            _ => "completed",
        };
        if (outcome.History.Count == 0) return $"{why}; no epoch finished";
        var best = outcome.History.Single(h => h.Epoch == outcome.BestEpoch);
        return $"{why}. Best epoch {best.Epoch} by {settings.SelectionSplit} accuracy: test accuracy " +
               $"{Format.Percent(best.TestAccuracy)}; final test accuracy {Format.Percent(outcome.FinalTest.Accuracy)} " +
               $"(top-5 {Format.Percent(outcome.FinalTest.Top5Accuracy)}); weights {run.File(RunDirectory.WeightsFile)}";
    }

    public static Command Evaluate(CommonOptions o)
    {
        var weights = new Option<string>("--weights")
        {
            Description = "Weights file written by `spinalnet train` (model.safetensors in the run folder), or the " +
                          "authors' PyTorch state dict (.pt, their key names).",
            Required = true,
        };
        var command = new Command("evaluate", "Test accuracy and loss of trained weights.")
            { weights, o.Data, o.DataRoot, o.Augmentation, o.TestBatchSize };
        Add(command, o.ModelOptions);
        command.SetAction(r =>
        {
            var config = Configuration.Resolve(o.CommandLine(r));
            var spec = ModelCatalog.Get(config.Model);
            using var model = config.CreateModel(0);
            AuthorsWeights.LoadAny(spec, config.Head, model, r.GetValue(weights)!);
            using var test = RunData.LoadTest(config, Warn);
            var e = Evaluator.Evaluate(model, test, config.Settings.TestBatchSize);
            Console.WriteLine($"test accuracy {Format.Percent(e.Accuracy)} ({Math.Round(e.Accuracy * e.Samples)}/{e.Samples}), " +
                              $"top-5 {Format.Percent(e.Top5Accuracy)}, test loss {e.Loss:F4}");
            return 0;
        });
        return command;
    }

    public static Command Compare(CommonOptions o)
    {
        var output = new Option<string?>("--out")
        {
            Description = "Folder for the report (report.md) and one run folder per head, fc/ and spinal/ " +
                          "(seed-<n>/fc/ ... with --repeats) (default: runs/compare-<model>-<time>).",
        };
        var repeats = new Option<int>("--repeats")
        {
            Description = "Train both heads this many times, with seeds seed, seed+1, ...; accuracies are " +
                          "reported as mean ± standard deviation.",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("compare", "Train the conventional head and the Spinal head from the same seed on " +
                                             "the same batches and compare cost and accuracy.") { output, repeats };
        Add(command, [o.Model, o.Classes, o.SpinalWidth, o.SpinalLayers, o.Splits], o.TrainingOptions);
        command.SetAction(r =>
        {
            var config = o.Resolve(r);
            int count = r.GetValue(repeats);
            bool quiet = r.GetValue(o.Quiet);
            var folder = r.GetValue(output) ?? DefaultRunFolder($"compare-{config.Model}");
            using var data = config.LoadData(Warn);
            if (!quiet)
                Console.WriteLine($"comparing heads of {config.Model} on {data.Train.Count} training samples, " +
                                  $"{data.Test.Count} test samples, {config.Settings.Epochs} epochs, " +
                                  $"seed {config.Settings.Seed}{(count > 1 ? $" (+{count - 1} more)" : "")}");
            string RunFolder(long seed, HeadKind head) =>
                count == 1 ? Path.Combine(folder, head.Id()) : Path.Combine(folder, $"seed-{seed}", head.Id());
            using var cancel = CancelOnCtrlC();
            var report = ConsoleReporter.Run(quiet, reporter => ComparisonReport.Run(config, data, count,
                (seed, head) => new RunDirectory(RunFolder(seed, head)),
                (seed, head) => reporter(count == 1 ? head.Id() : $"{head.Id()} seed {seed}"), cancel.Token));
            AtomicFile.WriteText(Path.Combine(folder, "report.md"), report.Markdown(report.WriteCharts(folder)));
            var table = new Table().AddColumns("head", "parameters", "multiplications", "head parameters",
                "head multiplications", "best accuracy", "final accuracy", "s/epoch");
            foreach (var h in report.Summaries)
                table.AddRow(h.Head.Id(), Format.Count(h.Parameters), Format.Count(h.Multiplications),
                    Format.Count(h.HeadParameters), Format.Count(h.HeadMultiplications), h.BestAccuracy.Percent,
                    h.FinalAccuracy.Percent, Format.Fixed(h.SecondsPerEpoch.Mean));
            AnsiConsole.Write(table);
            Console.WriteLine($"best epoch picked on the {config.Settings.SelectionSplit} split; report and runs in {folder}");
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
            var config = Configuration.Resolve(o.CommandLine(r));
            var spec = ModelCatalog.Get(config.Model);
            using var model = config.CreateModel(0);
            var cost = CostReport.Measure(model, spec.InputShape);
            var table = new Table().AddColumns("layer", "type", "output", "parameters", "multiplications");
            foreach (var l in cost.Layers)
                table.AddRow(l.Name, l.Kind, $"[[{string.Join(", ", l.OutputShape)}]]", Format.Count(l.Parameters),
                    Format.Count(l.Multiplications));
            table.AddEmptyRow();
            foreach (var part in new[] { "backbone", "head" })
                table.AddRow($"{part} total", "", "", Format.Count(cost.Part(part).Parameters),
                    Format.Count(cost.Part(part).Multiplications));
            table.AddRow("total", "", "", Format.Count(cost.Parameters), Format.Count(cost.Multiplications));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static Command Predict(CommonOptions o)
    {
        var runOption = new Option<string?>("--run")
        {
            Description = "Run folder written by `spinalnet train` (its config.json, model.safetensors or best.ckpt, " +
                          "classes.json).",
        };
        var weights = new Option<string?>("--weights")
        {
            Description = "Weights to predict with instead of the run's: a run's model.safetensors or the authors' " +
                          "PyTorch state dict (.pt). Without --run, --model and --head say which network they fit.",
        };
        var top = new Option<int>("--top")
        {
            Description = "How many of the most probable classes to print for each image.",
            DefaultValueFactory = _ => 3,
        };
        var images = new Argument<string[]>("IMAGE")
        {
            Description = "PNG or JPEG files; each is converted to the network's channels and input size.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("predict", "The most probable classes of images, with their probabilities.")
            { runOption, weights, top, images };
        Add(command, o.ModelOptions);
        command.SetAction(r =>
        {
            var folder = r.GetValue(runOption);
            var file = r.GetValue(weights);
            IReadOnlyList<Prediction> predictions;
            if (file is null)
            {
                predictions = Predictor.Predict(folder ?? throw new ArgumentException("give --run RUN_DIR or --weights FILE", "run"),
                    r.GetValue(images)!, r.GetValue(top));
            }
            else
            {
                var run = folder is null ? null : RunDirectory.Open(folder);
                var config = run?.ReadConfig() ?? Configuration.Resolve(o.CommandLine(r));
                var spec = ModelCatalog.Get(config.Model);
                using var model = config.CreateModel(0);
                AuthorsWeights.LoadAny(spec, config.Head, model, file);
                var names = run?.ReadClassNames(config.Classes ?? spec.Classes)
                            ?? ClassNames.Digits(config.Classes ?? spec.Classes);
                predictions = Predictor.Predict(model, config, names, r.GetValue(images)!, r.GetValue(top));
            }
            foreach (var p in predictions)
                Console.WriteLine($"{p.File}: " + string.Join(", ",
                    p.Top.Select(c => $"{c.Name} {Format.Percent(c.Probability)}")));
            return 0;
        });
        return command;
    }

    public static Command PresetList()
    {
        var command = new Command("presets", "The paper's from-scratch experiments, runnable with --preset NAME.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumns("preset", "head", "description");
            foreach (var p in Presets.All) table.AddRow(p.Name, p.Head, Markup.Escape(p.Description));
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
                table.AddRow(spec.Name, head.Id(), Format.Count(cost.Parameters), Format.Count(cost.Multiplications),
                    Format.Count(cost.Part("head").Parameters), Format.Count(cost.Part("head").Multiplications),
                    Markup.Escape(spec.Description));
            }
            foreach (var (name, description, create) in SpinalNet.Regression.RegressionNetworks.All)
            {
                using var model = create();
                var cost = CostReport.Measure(model, SpinalNet.Regression.SyntheticRegression.Inputs);
                table.AddRow(name, name.Contains("spinal") ? "spinal" : "fc", Format.Count(cost.Parameters),
                    Format.Count(cost.Multiplications), Format.Count(cost.Parameters), Format.Count(cost.Multiplications),
                    Markup.Escape(description));
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

    static void Warn(string message) => Console.Error.WriteLine($"spinalnet: warning: {message}");

    internal static string DefaultRunFolder(string name) =>
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
}
