// One factory per `spinalnet` command that builds or uses a network. Each action parses its options, makes one library
// call (Runs/) and prints the result.
using System.CommandLine;
using Spectre.Console;
using SpinalNet.Cost;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using static SpinalNet.Cli.Format;

namespace SpinalNet.Cli;

static class Commands
{
    public static Command Train(RunOptions o)
    {
        var output = Opt<string?>("--out", "DIR", "Run folder for config.json, metrics, checkpoints, evaluation and " +
            "model.safetensors (default: runs/MODEL-HEAD-TIME).", "-o");
        var resume = Opt<string?>("--resume", "DIR", "Continue the run in this folder from its last checkpoint, with " +
            "its saved configuration; only --epochs, --max-time, --threads and --quiet may be given with it.");
        var command = new Command("train", "Train one network, evaluating on the test split (and the validation " +
                                           "split, if any) after every epoch.") { output, resume, o.InitialWeights };
        Add(command, o.NetworkOptions, o.TrainingOptions);
        command.SetAction(r =>
        {
            bool quiet = r.GetValue(o.Quiet);
            using var run = r.GetValue(resume) is { } folder
                ? TrainingRun.Resume(folder, ResumeChanges(o, r), Warn)
                : TrainingRun.Create(o.Resolve(r), r.GetValue(output), Warn);
            var config = run.Config;
            if (!quiet)
                Console.WriteLine($"training {config.Model} ({config.Head.Id()} head) on {run.Data.Train.Count} samples, " +
                                  $"selecting on the {config.Settings.SelectionSplit} split, testing on " +
                                  $"{run.Data.Test.Count}; run folder {run.Run.Path}");
            using var cancel = CancelOnCtrlC();
            var result = ConsoleReporter.Run(quiet, reporter => run.Train(reporter(config.Head.Id()), cancel.Token));
            Console.WriteLine(Describe(result));
            return 0;
        });
        return command;
    }

    static ResumeChanges ResumeChanges(RunOptions o, ParseResult r)
    {
        var changed = RunOptions.Given(r, [.. o.NetworkOptions, .. o.TrainingOptions, o.InitialWeights])
            .Except([o.Epochs.Name, o.MaxTime.Name, o.Threads.Name, o.Quiet.Name]).ToList();
        if (changed.Count > 0)
            throw new ArgumentException($"--resume continues the saved configuration; it cannot change " +
                                        string.Join(", ", changed), "resume");
        return new ResumeChanges(r.GetValue(o.Epochs), r.GetValue(o.MaxTime), r.GetValue(o.Threads));
    }

    static string Describe(RunResult result)
    {
        var (run, settings, outcome) = (result.Run, result.Config.Settings, result.Outcome);
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
               $"{Percent(best.TestAccuracy)}; final test accuracy {Percent(outcome.FinalTest.Accuracy)} " +
               $"(top-5 {Percent(outcome.FinalTest.Top5Accuracy)}); weights {run.File(RunDirectory.WeightsFile)}";
    }

    public static Command Evaluate(RunOptions o)
    {
        var weights = Opt<string>("--weights", "FILE", "Weights file: a run's model.safetensors, or the authors' " +
            "PyTorch state dict (.pt).", "-w");
        weights.Required = true;
        var command = new Command("evaluate", "Test accuracy and loss of trained weights.")
            { weights, o.Data, o.DataRoot, o.Augmentation, o.TestBatchSize };
        Add(command, o.NetworkOptions);
        command.SetAction(r =>
        {
            using var trained = TrainedModel.Open(null, r.GetValue(weights), Configuration.Resolve(options: o.Overrides(r)));
            var e = trained.Evaluate(Warn);
            Console.WriteLine($"test accuracy {Percent(e.Accuracy)} ({Math.Round(e.Accuracy * e.Samples)}/{e.Samples}), " +
                              $"top-5 {Percent(e.Top5Accuracy)}, test loss {e.Loss:F4}");
            return 0;
        });
        return command;
    }

    public static Command Compare(RunOptions o)
    {
        var output = Opt<string?>("--out", "DIR", "Folder for report.md and one run folder per head, fc/ and spinal/ " +
            "(seed-N/fc/ ... with --repeats) (default: runs/compare-MODEL-TIME).", "-o");
        var repeats = Defaulted("--repeats", "N", "Train both heads this many times, with seeds seed, seed+1, ...; " +
            "accuracies are reported as mean ± standard deviation.", 1, "-r");
        var command = new Command("compare", "Train the conventional head and the Spinal head from the same seed on " +
                                             "the same batches and compare cost and accuracy.") { output, repeats };
        Add(command, o.NetworkOptions.Where(option => option != o.Head), o.TrainingOptions);
        command.SetAction(r =>
        {
            bool quiet = r.GetValue(o.Quiet);
            using var comparison = HeadComparison.Create(o.Resolve(r), r.GetValue(repeats), r.GetValue(output), Warn);
            var (config, count) = (comparison.Config, comparison.Repeats);
            if (!quiet)
                Console.WriteLine($"comparing heads of {config.Model} on {comparison.Data.Train.Count} training samples, " +
                                  $"{comparison.Data.Test.Count} test samples, {config.Settings.Epochs} epochs, " +
                                  $"seed {config.Settings.Seed}{(count > 1 ? $" (+{count - 1} more)" : "")}");
            using var cancel = CancelOnCtrlC();
            var report = ConsoleReporter.Run(quiet, reporter => comparison.Run(
                (seed, head) => reporter(count == 1 ? head.Id() : $"{head.Id()} seed {seed}"), cancel.Token));
            var table = new Table().AddColumns("head", "parameters", "multiplications", "head parameters",
                "head multiplications", "best accuracy", "final accuracy", "s/epoch");
            foreach (var h in report.Summaries)
                table.AddRow(h.Head.Id(), Count(h.Parameters), Count(h.Multiplications),
                    Count(h.HeadParameters), Count(h.HeadMultiplications), h.BestAccuracy.Percent,
                    h.FinalAccuracy.Percent, Fixed(h.SecondsPerEpoch.Mean));
            AnsiConsole.Write(table);
            Console.WriteLine($"best epoch picked on the {config.Settings.SelectionSplit} split; report and runs in " +
                              comparison.Folder);
            return 0;
        });
        return command;
    }

    public static Command Summary(RunOptions o)
    {
        var command = new Command("summary", "Per-layer parameters and multiplications per sample of a network.");
        Add(command, o.NetworkOptions);
        command.SetAction(r =>
        {
            var config = Configuration.Resolve(options: o.Overrides(r));
            using var model = config.CreateModel(0);
            var cost = CostReport.Measure(model, config.Spec.InputShape);
            var table = new Table().AddColumns("layer", "type", "output", "parameters", "multiplications");
            foreach (var l in cost.Layers)
                table.AddRow(l.Name, l.Kind, $"[[{string.Join(", ", l.OutputShape)}]]", Count(l.Parameters),
                    Count(l.Multiplications));
            table.AddEmptyRow();
            foreach (var part in new[] { "backbone", "head" })
                table.AddRow($"{part} total", "", "", Count(cost.Part(part).Parameters),
                    Count(cost.Part(part).Multiplications));
            table.AddRow("total", "", "", Count(cost.Parameters), Count(cost.Multiplications));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static Command Bench(RunOptions o)
    {
        var json = Opt<string?>("--json", "FILE", "Also write the measurements to this JSON file.");
        var time = Defaulted("--time", "SECONDS", "Time spent on each measurement.", 1.0);
        var command = new Command("bench", "Time both heads of a network on this machine: the head's training step, " +
            "the network's, inference throughput, memory.") { json, time, o.BatchSize, o.TestBatchSize, o.Threads };
        Add(command, o.NetworkOptions);
        command.SetAction(r =>
        {
            var report = Benchmark.Run(Configuration.Resolve(options: o.Overrides(r)), r.GetValue(time));
            var table = new Table().AddColumns("head", "head parameters", "head multiplications", "head step µs",
                "(plain path)", "network step ms", "images/s", "images/s (batch 1)", "peak MB");
            foreach (var h in report.Heads)
                table.AddRow(h.Head, Count(h.HeadParameters), Count(h.HeadMultiplications), Fixed(h.HeadStepUs),
                    h.HeadPlainStepUs is { } plain ? Fixed(plain) : "", Fixed(h.NetworkStepMs),
                    Count((long)h.InferenceImagesPerS), Count((long)h.InferenceImagesPerSBatch1),
                    Count(h.PeakResidentBytes >> 20));
            AnsiConsole.Write(table);
            Console.WriteLine($"{report.Model}, batch {report.BatchSize} (test {report.TestBatchSize}), " +
                              $"{report.Threads} threads: Spinal head step / fc head step = {Fixed(report.SpinalOverFcHeadStep)}");
            if (r.GetValue(json) is { } file) report.WriteJson(file);
            return 0;
        });
        return command;
    }

    public static Command Predict(RunOptions o)
    {
        var run = Opt<string?>("--run", "DIR", "Run folder written by `spinalnet train` (config.json, " +
            "model.safetensors or best.ckpt, classes.json).");
        var weights = Opt<string?>("--weights", "FILE", "Weights to predict with instead of the run's: a run's " +
            "model.safetensors or the authors' PyTorch state dict (.pt). Without --run, --model and --head say which " +
            "network they fit.", "-w");
        var top = Defaulted("--top", "K", "How many of the most probable classes to print for each image.", 3, "-k");
        var images = new Argument<string[]>("IMAGE")
        {
            Description = "PNG or JPEG files; each is converted to the network's channels and input size.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("predict", "The most probable classes of images, with their probabilities.")
            { run, weights, top, images };
        Add(command, o.NetworkOptions);
        command.SetAction(r =>
        {
            using var trained = TrainedModel.Open(r.GetValue(run), r.GetValue(weights),
                Configuration.Resolve(options: o.Overrides(r)));
            foreach (var p in trained.Predict(r.GetValue(images)!, r.GetValue(top)))
                Console.WriteLine($"{p.File}: " + string.Join(", ",
                    p.Top.Select(c => $"{c.Name} {Percent(c.Probability)}")));
            return 0;
        });
        return command;
    }

    public static Command Presets()
    {
        var command = new Command("presets", "The paper's from-scratch experiments, runnable with --preset NAME.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumns("preset", "head", "network", "script", "description");
            foreach (var p in Recipes.All)
                table.AddRow(p.Name, p.HeadsName, p.Model, Markup.Escape(p.Script), Markup.Escape(p.Description));
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
            foreach (var n in NetworkCosts.All())
                table.AddRow(n.Name, n.Head, Count(n.Total.Parameters), Count(n.Total.Multiplications),
                    Count(n.HeadCost.Parameters), Count(n.HeadCost.Multiplications), Markup.Escape(n.Description));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static Command Export()
    {
        var run = Opt<string>("--run", "DIR", "Run folder written by `spinalnet train`.");
        run.Required = true;
        var format = Defaulted("--format", "pt|safetensors", "pt (PyTorch, loadable by the authors' module with " +
            "load_state_dict) or safetensors.", "pt", "-f");
        format.AcceptOnlyFromAmong("pt", "safetensors");
        var output = Opt<string?>("--out", "FILE", "File to write (default: RUN/authors.pt or RUN/authors.safetensors).",
            "-o");
        var command = new Command("export", "Write a run's weights under the authors' PyTorch key names.") { run, format, output };
        command.SetAction(r =>
        {
            var path = TrainedModel.ExportRun(r.GetValue(run)!,
                r.GetValue(format) == "pt" ? WeightsFormat.Pt : WeightsFormat.Safetensors, r.GetValue(output));
            Console.WriteLine($"weights written to {path}");
            return 0;
        });
        return command;
    }

    public static void Add(Command command, params IEnumerable<Option>[] groups)
    {
        foreach (var option in groups.SelectMany(g => g)) command.Options.Add(option);
    }

    public static void Warn(string message) => Console.Error.WriteLine($"spinalnet: warning: {message}");

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
