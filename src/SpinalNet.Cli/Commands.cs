// One factory per `spinalnet` command that builds or uses a network. Each action parses its options, makes one library
// call (Runs/) and prints the result.
using System.CommandLine;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using static SpinalNet.Cli.Format;
using static SpinalNet.Runs.TextTable;

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
            using var run = r.GetValue(resume) is { } folder
                ? TrainingRun.Resume(folder, ResumeChanges.Of(o.Overrides(r)), Warn)
                : TrainingRun.Create(o.Resolve(r), r.GetValue(output), Warn);
            var result = Training(o, r, run.Description, (reporter, cancel) => run.Train(reporter(run.Config.Head.Id()), cancel));
            Console.WriteLine(result.Summary);
        });
        return command;
    }

    static Option<string?> WeightsOption() => Opt<string?>("--weights", "FILE", "Weights instead of the run's: a run's " +
        "model.safetensors or checkpoint (.ckpt), or the authors' PyTorch state dict (.pt). Without --run, --model and " +
        "--head say which network they fit.", "-w");

    static Option<string?> OnnxOption(string what) => Opt<string?>("--onnx", "FILE", $"{what} with ONNX Runtime from " +
        "a model `spinalnet export --format onnx` wrote (preprocessing and class names from its metadata).");

    public static Command Evaluate(RunOptions o)
    {
        var (run, weights, onnx) = (RunOption(), WeightsOption(), OnnxOption("Evaluate"));
        var json = Opt<string?>("--json", "FILE", "Also write accuracy, top-5, macro and weighted F1, per-class " +
            "precision/recall/F1/support, confusion, ROC-AUC and calibration error as JSON (docs/serving.md §16.1), and " +
            "print the per-class table.");
        var command = new Command("evaluate", "Test accuracy and loss of trained weights (a run's, a file's, or an " +
                                              "ONNX model's).") { run, weights, onnx, json, o.Data, o.DataRoot, o.Augmentation, o.TestBatchSize };
        Add(command, o.NetworkOptions);
        command.SetAction(r =>
        {
            var source = new ModelSource(r.GetValue(run), r.GetValue(weights), r.GetValue(onnx), o.Overrides(r));
            var detailed = r.GetValue(json) is not null ? source.EvaluateInDetail(Warn) : null;
            var e = detailed?.Evaluation ?? source.Evaluate(Warn);
            Console.WriteLine(DetailedEvaluation.Headline(e));
            if (detailed is null) return;
            Print(detailed.Table);
            Console.WriteLine(detailed.Summary);
            detailed.WriteJson(r.GetValue(json)!);
            Console.WriteLine($"metrics written to {r.GetValue(json)}");
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
            using var comparison = HeadComparison.Create(o.Resolve(r), r.GetValue(repeats), r.GetValue(output), Warn);
            var (config, count) = (comparison.Config, comparison.Repeats);
            var report = Training(o, r, comparison.Description, (reporter, cancel) => comparison.Run(
                (seed, head) => reporter(count == 1 ? head.Id() : $"{head.Id()} seed {seed}"), cancel));
            Print(report.Table);
            Console.WriteLine($"best epoch picked on the {config.Settings.SelectionSplit} split; report and runs in " +
                              comparison.Folder);
            return 0;
        });
        return command;
    }

    public static Command Sweep(RunOptions o)
    {
        Option<string?> List(string name, string what) => Opt<string?>(name, "LIST", $"{what}: values such as 4,8,16, " +
            "a range 2..6, or a doubling range 4..64x2 (default: the model's own).");
        var widths = List("--spinal-width", "Widths w of the spinal layers (the authors' layer_width)");
        var layers = List("--spinal-layers", "Numbers L of spinal layers");
        var splits = List("--spinal-splits", "Numbers k of parts the features are cut into (Half_width = N/k)");
        splits.Aliases.Add("--splits");
        var repeats = Defaulted("--repeats", "N", "Seeds per point: seed, seed+1, ... (mean ± sd).", 1, "-r");
        var budget = Defaulted("--budget-seconds", "S", "Stop after the point under way once this much time has " +
            "passed (0: none); --resume continues.", 0.0);
        var output = Opt<string?>("--out", "DIR", "Sweep folder for sweep.json, sweep.csv, report.md and pareto.png " +
            "(default: runs/sweep-MODEL-TIME).", "-o");
        var resume = Opt<string?>("--resume", "DIR", "Continue the sweep in this folder, skipping the points done.");
        var jobs = Defaulted("--jobs", "N", "Train N points at once in worker processes, each with its share of the " +
            "threads.", 1, "-j");
        var shard = new Option<string?>("--shard") { Hidden = true };  // a worker's share: I/N
        var command = new Command("sweep", "Train the conventional head and a grid of Spinal heads from the same seed " +
            "on the same batches; report cost, head step time, accuracy and the Pareto front.")
            { widths, layers, splits, repeats, budget, output, resume, jobs, shard, o.Model, o.Classes, o.SpinalDropout,
                o.SpinalBatchNorm, o.ImageSize };
        Add(command, o.TrainingOptions);
        command.SetAction(r =>
        {
            var work = new SweepWork(r.GetValue(jobs), r.GetValue(shard) is { } part ? SweepShard.Parse(part) : null,
                r.GetValue(budget)).Checked();
            using var sweep = r.GetValue(resume) is { } folder
                ? HeadSweep.Resume(folder, Warn, r.GetValue(o.Threads))
                : HeadSweep.Create(o.Resolve(r), SweepGrid.Parse(r.GetValue(widths), r.GetValue(layers),
                    r.GetValue(splits)), r.GetValue(repeats), r.GetValue(output), Warn);
            var points = Training(o, r, null, (reporter, cancel) => SweepWorkers.Run(sweep, work, (s, threads) =>
                ThisProcess.StartWorker("sweep", "--resume", sweep.Folder, "--shard", $"{s}", "--threads", $"{threads}",
                    "--quiet"), reporter, cancel));
            if (work.Shard is not null) return 0;
            Print(SweepReport.Table(points));
            Console.WriteLine($"accuracy picked on the {sweep.Plan.Config.Settings.SelectionSplit} split; " +
                              $"sweep in {sweep.Folder}");
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
            Print(NetworkCosts.Layers(NetworkCosts.Of(Configuration.Resolve(options: o.Overrides(r)))));
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
            var report = Benchmark.Run(Configuration.Resolve(options: o.Overrides(r)), r.GetValue(time), r.GetValue(json));
            Print(report.Table);
            Console.WriteLine(report.Summary);
        });
        return command;
    }

    public static Command Predict(RunOptions o)
    {
        var (run, weights) = (RunOption(), WeightsOption());
        var top = Defaulted("--top", "K", "How many of the most probable classes to print for each image.", 3, "-k");
        var invert = Defaulted("--invert", "auto|yes|no", "Invert images to light strokes on a dark ground, as MNIST " +
            "networks learn them; auto inverts a mostly light grey image (drawn digits).", "auto");
        invert.AcceptOnlyFromAmong("auto", "yes", "no");
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore,
            Description = "PNG or JPEG files; each is converted to the network's channels and input size." };
        var onnx = OnnxOption("Predict");
        var command = new Command("predict", "The most probable classes of images, with their probabilities.")
            { run, weights, onnx, top, invert, images };
        Add(command, o.NetworkOptions);
        command.SetAction(r =>
        {
            var polarity = r.GetValue(invert) switch { "yes" => Polarity.Invert, "no" => Polarity.AsIs, _ => Polarity.Auto };
            var source = new ModelSource(r.GetValue(run), r.GetValue(weights), r.GetValue(onnx), o.Overrides(r));
            foreach (var p in source.Predict(r.GetValue(images)!, r.GetValue(top), polarity))
            {
                if (p.Inverted && polarity == Polarity.Auto)
                    Warn($"{p.File} is dark on light; inverted as the network learnt (--invert no keeps it)");
                Console.WriteLine(p.Line);
            }
        });
        return command;
    }

    public static Command Explain(RunOptions o)
    {
        var (run, weights) = (RunOption(), WeightsOption());
        var output = Opt<string?>("--out", "DIR", "Folder for explanations.json and the pictures (default: " +
            "RUN/explanations with --run, else explanations).", "-o");
        var target = Opt<string?>("--class", "C", "Explain this class (name or index) instead of each image's " +
            "predicted class.");
        var layer = Opt<string?>("--layer", "NAME", "Grad-CAM at this block (e.g. backbone.conv2; default: the last " +
            "block with a spatial output).");
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore,
            Description = "PNG or JPEG files, prepared as predict prepares them." };
        var command = new Command("explain", "Grad-CAM overlays and, for a Spinal head, each spinal layer's exact " +
            "share of every logit (docs/serving.md §16.4).") { run, weights, output, target, layer, images };
        Add(command, o.NetworkOptions);
        command.SetAction(r =>
        {
            var (explained, folder) = ImageExplanations.Write(new ModelSource(r.GetValue(run), r.GetValue(weights), null,
                o.Overrides(r)), r.GetValue(images)!, r.GetValue(output), r.GetValue(target), r.GetValue(layer));
            foreach (var e in explained) Console.WriteLine(e.Line);
            Console.WriteLine($"explanations written to {Path.Combine(folder, ImageExplanations.JsonFile)}");
        });
        return command;
    }

    public static Command Serve(RunOptions o)
    {
        var (run, weights, onnx) = (RunOption(), WeightsOption(), OnnxOption("Serve"));
        var defaults = new SpinalNet.Serving.ServerOptions();
        var port = Defaulted("--port", "N", "Port to listen on.", defaults.Port);
        var host = Defaulted("--host", "ADDRESS", "Address to bind: 127.0.0.1 serves this machine only; 0.0.0.0 " +
            "serves others (put a reverse proxy in front, docs/serving.md §16.7).", defaults.Host);
        var workers = Defaulted("--workers", "N", "Requests computed at once.", defaults.Workers);
        var queue = Defaulted("--queue-limit", "N", "Requests that may wait; more are answered 503.", defaults.QueueLimit);
        var command = new Command("serve", "A web service and page for a trained model: POST /predict, POST /explain, " +
            "GET /health, GET /metrics (docs/serving.md).") { run, weights, onnx, port, host, workers, queue };
        Add(command, o.NetworkOptions);
        command.SetAction(r => SpinalNet.Serving.SpinalServer.Run(
            new ModelSource(r.GetValue(run), r.GetValue(weights), r.GetValue(onnx), o.Overrides(r)),
            defaults with { Port = r.GetValue(port), Host = r.GetValue(host)!, Workers = r.GetValue(workers),
                QueueLimit = r.GetValue(queue) }, Console.WriteLine));
        return command;
    }

    public static Command Presets()
    {
        var command = new Command("presets", "The paper's experiments, runnable with --preset NAME.");
        command.SetAction(_ => Print(Recipes.Table));
        return command;
    }

    public static Command Models()
    {
        var command = new Command("models", "The networks the library builds, with the cost of each head.");
        command.SetAction(_ => Print(NetworkCosts.Table()));
        return command;
    }

    public static Command Export()
    {
        var run = Opt<string>("--run", "DIR", "Run folder written by `spinalnet train`.");
        run.Required = true;
        var format = Defaulted("--format", "pt|safetensors|onnx", "pt (PyTorch, loadable by the authors' module with " +
            "load_state_dict), safetensors, or onnx (the whole network, for ONNX Runtime; see README, Deployment).", "pt",
            "-f");
        format.AcceptOnlyFromAmong("pt", "safetensors", "onnx");
        var output = Opt<string?>("--out", "FILE", "File to write (default: RUN/authors.pt, RUN/authors.safetensors or " +
            "RUN/model.onnx).", "-o");
        var command = new Command("export", "Write a run's weights under the authors' PyTorch key names, or the " +
                                            "network as ONNX.") { run, format, output };
        command.SetAction(r =>
        {
            var path = TrainedModel.Export(r.GetValue(run)!, r.GetValue(format)!, r.GetValue(output));
            Console.WriteLine($"{(r.GetValue(format) == "onnx" ? "model" : "weights")} written to {path}");
        });
        return command;
    }

    static Option<string?> RunOption() => Opt<string?>("--run", "DIR", "Run folder written by `spinalnet train` " +
        "(config.json, model.safetensors or best.ckpt, classes.json).");

    public static void Add(Command command, params IEnumerable<Option>[] groups)
    {
        foreach (var option in groups.SelectMany(g => g)) command.Options.Add(option);
    }

    public static void Warn(string message) => Console.Error.WriteLine($"spinalnet: warning: {message}");

    /// <summary>A use case that trains, once it exists: the busy warning, its description (unless --quiet), then the
    /// training with progress, which Ctrl+C stops after the current step.</summary>
    static T Training<T>(RunOptions o, ParseResult r, string? description,
        Func<Func<string, ITrainingObserver?>, CancellationToken, T> train)
    {
        bool quiet = r.GetValue(o.Quiet);
        o.SayIfBusy();
        if (!quiet && description is not null) Console.WriteLine(description);
        using var cancel = CancelOnCtrlC();
        return ConsoleReporter.Run(quiet, reporter => train(reporter, cancel.Token));
    }

    /// <summary>Ctrl+C or SIGTERM asks training to stop after the current step, leaving a checkpoint; a second one
    /// ends the process at once.</summary>
    static CancellationTokenSource CancelOnCtrlC() => ThisProcess.StopOnSignals(() =>
        Console.Error.WriteLine("spinalnet: stopping after the current step (again to abort)"));
}
