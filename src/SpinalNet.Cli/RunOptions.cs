// The options of the commands that build and train a network, with their help texts, turned into the library's typed
// configuration layers. Parsing only: what the values mean, their defaults and their checks live in the library
// (Runs/Configuration/Configuration.cs, Runs/Configuration/Recipes.cs).
using SpinalNet.Layers;
using System.CommandLine;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using static SpinalNet.Cli.Format;

namespace SpinalNet.Cli;

sealed class RunOptions
{
    // Defaults that depend on the network: its recipe, the paper's setting for it (`spinalnet presets`).
    const string FromRecipe = " (default: the model's recipe).";

    public readonly Option<string?> Config = Opt<string?>("--config", "FILE", "JSON file of run settings in the shape " +
        "of a run's config.json; overrides the preset, and options given here override it. Unknown keys are errors.", "-c");
    public readonly Option<string?> Preset = Opt<string?>("--preset", "NAME", "One of the paper's experiments " +
        "(`spinalnet presets` lists them): its network, head, data, augmentation, optimiser, schedule, batch sizes, " +
        "epochs and seed.", "-p");
    public readonly Option<string?> Model = Opt<string?>("--model", "NAME", "Network to build (`spinalnet models` lists " +
        $"them; default {Configuration.DefaultModel}). Its recipe, the paper's setting for it (`spinalnet presets`), " +
        "gives the defaults of the options below.", "-m");
    public readonly Option<string?> Head = Opt<string?>("--head", "spinal|fc", "Classifier head: spinal (the paper's " +
        "Spinal layer; default) or fc (the conventional fully-connected head of the authors' default script).");
    // The paper's head of the default network, for the help texts.
    static readonly SpinalSettings Own = Recipes.DefaultsFor(Configuration.DefaultModel).Spinal;

    public readonly Option<int?> SpinalWidth = Opt<int?>("--spinal-width", "W", "Neurons in each spinal layer, the " +
        $"authors' layer_width (default: the paper's for the model, {Own.Width} for {Configuration.DefaultModel}).");
    public readonly Option<int?> SpinalLayers = Opt<int?>("--spinal-layers", "L", "Spinal layers in the head (default: " +
        $"the paper's for the model, {Own.Layers} for {Configuration.DefaultModel}).");
    public readonly Option<int?> SpinalSplits = Opt<int?>("--spinal-splits", "K", "Parts the features are cut into; " +
        "each spinal layer reads one part, in turn. The part's size is the authors' Half_width: half the features with " +
        "the default 2 (160 of 320 for mnist-cnn).", "--splits");
    public readonly Option<double?> SpinalDropout = Opt<double?>("--spinal-dropout", "P", "Dropout on the input of each " +
        "spinal layer and of the output layer (the authors' SpinalNet_VGG: 0.5; default: the paper's for the model).");
    public readonly Option<string?> SpinalBatchNorm = Opt<string?>("--spinal-batch-norm", "true|false", "BatchNorm1d after " +
        "each spinal layer's linear map (default: the paper's for the model).");
    public readonly Option<int?> Classes = Opt<int?>("--classes", "C", "Outputs of the network (default: the model's; " +
        "e.g. 100 for CIFAR-100).");
    public readonly Option<string?> Data = Opt<string?>("--data", "NAME|DIR", "embedded (8,000 train / 2,000 test MNIST " +
        "digits shipped with the program), a known data set (`spinalnet data list`), a folder of MNIST-format IDX " +
        "files, or a folder of train/ and test/ (or val/) image folders, one subfolder per class" + FromRecipe, "-d");
    public readonly Option<string?> DataRoot = DataRootOption();
    public readonly Option<int?> ImageSize = Opt<int?>("--image-size", "N", "Feed the network N x N images, resized " +
        "at the end of the pipeline (default: the model's input size).");
    public readonly Option<bool> FreezeBackbone = new("--freeze-backbone") { Description = "Train the head alone; the " +
        "backbone, batch-norm statistics included, stays as it started." };
    public readonly Option<double?> HeadLearningRate = Opt<double?>("--head-lr", "RATE", "The head's learning rate " +
        "(default: --lr); the schedule scales both.");
    public readonly Option<bool> CacheFeatures = new("--cache-features") { Description = "With --freeze-backbone: " +
        "compute the backbone's features of every image once (no random augmentation) and train the head on them." };
    public readonly Option<string?> Augmentation = Opt<string?>("--augmentation", "NAME", "Preprocessing pipeline for " +
        "training and evaluation: one of the paper's scripts', e.g. mnist, mnist-arch2, cifar-resnet" + FromRecipe, "-a");
    public readonly Option<int?> Epochs = Opt<int?>("--epochs", "N", "Passes over the training data" + FromRecipe, "-e");
    public readonly Option<int?> BatchSize = Opt<int?>("--batch-size", "N", "Training mini-batch size" + FromRecipe, "-b");
    public readonly Option<int?> TestBatchSize = Opt<int?>("--test-batch-size", "N",
        "Evaluation batch size; affects speed only" + FromRecipe);
    public readonly Option<string?> Optimizer = Opt<string?>("--optimizer", "NAME",
        string.Join(", ", Optimizers.Names) + FromRecipe);
    public readonly Option<double?> LearningRate = Opt<double?>("--lr", "RATE", "Learning rate" + FromRecipe);
    public readonly Option<double?> Momentum = Opt<double?>("--momentum", "M", "SGD momentum" + FromRecipe);
    public readonly Option<double?> WeightDecay = Opt<double?>("--weight-decay", "D", "L2 weight decay" + FromRecipe);
    public readonly Option<string?> Schedule = Opt<string?>("--schedule", "NAME", "Learning-rate rule: " +
        string.Join(", ", Training.Schedule.Names) + FromRecipe + " random-on-plateau is the authors' lr = lr0·U^p when " +
        "accuracy fails to improve; parameters (power, gamma, ...) go in a --config file under settings.schedule.");
    public readonly Option<double?> ValidationFraction = Opt<double?>("--validation-fraction", "F", "Share of the " +
        "training data held out to pick the best epoch; 0 picks it on the test split, as the scripts do (default: 0, " +
        "presets 0.1).");
    public readonly Option<int?> Patience = Opt<int?>("--patience", "N", "Stop after this many epochs without a better " +
        "selection accuracy (default 0: never).");
    public readonly Option<double?> MaxTime = Opt<double?>("--max-time", "SECONDS", "Stop after this many seconds, " +
        "leaving a resumable checkpoint (default 0: no limit).");
    public readonly Option<long?> Seed = Opt<long?>("--seed", "N", "Seed of the weights, dropout and batch order" +
        FromRecipe, "-s");
    public readonly Option<int?> Threads = Opt<int?>("--threads", "N", "Torch CPU threads; results repeat for a fixed " +
        "seed and thread count (default: the physical cores free when the run starts; recorded in config.json).", "-t");
    public readonly Option<string?> Device = Opt<string?>("--device", "NAME", "cpu, cuda, or auto: cuda where available " +
        "(default cpu).");
    public readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print only the final result." };
    public readonly Option<bool> Tensorboard = new("--tensorboard") { Description = "Also write TensorBoard event " +
        "files in RUN/tensorboard after every epoch." };
    public readonly Option<bool> Pretrained = new("--pretrained") { Description = "Start the backbone from its ImageNet " +
        "weights (`spinalnet weights list`); the head starts new." };
    public readonly Option<string?> InitialWeights = Opt<string?>("--weights", "FILE", "Start from these weights " +
        "instead of a random initialisation: a run's model.safetensors, or the authors' PyTorch state dict (.pt, " +
        "their key names).", "-w");

    // true or false, never a bare switch: `--spinal-batch-norm maybe` is then a wrong value, not an extra argument.
    public RunOptions() => SpinalBatchNorm.AcceptOnlyFromAmong("true", "false");

    /// <summary>What says which network: the model, its head, outputs and Spinal changes.</summary>
    public Option[] NetworkOptions =>
        [Model, Head, Classes, SpinalWidth, SpinalLayers, SpinalSplits, SpinalDropout, SpinalBatchNorm, ImageSize];

    /// <summary>What says how to train it, and where the data is.</summary>
    public Option[] TrainingOptions =>
    [
        Preset, Config, Data, DataRoot, Augmentation, Epochs, BatchSize, TestBatchSize, Optimizer, LearningRate,
        Momentum, WeightDecay, Schedule, ValidationFraction, Patience, MaxTime, Seed, Threads, Device, Quiet, Tensorboard,
        FreezeBackbone, HeadLearningRate, Pretrained, CacheFeatures,
    ];

    /// <summary>The options given on this command line, as typed changes: each sets the setting its flag names.</summary>
    public RunOverrides Overrides(ParseResult r) => RunOverrides.Of(setting =>
        NetworkOptions.Concat(TrainingOptions).Append(InitialWeights).FirstOrDefault(o => o.Name == FlagOf(setting))
            is { } option && r.GetResult(option) is { Implicit: false } given ? given.GetValueOrDefault<object?>() : null);

    /// <summary>The run these options ask for, with the thread count the machine has free where they name none.</summary>
    public RunConfig Resolve(ParseResult r) => ThisProcess.DecideThreads(Configuration.Resolve(options: Overrides(r)), out busy);

    string? busy;  // said once the use case exists, so that a refused run prints its one error line alone
    public void SayIfBusy() { if (busy is not null) Commands.Warn(busy); }

    /// <summary>The flag that sets a library setting (SettingException.Setting) or a RunOverrides value: its name in
    /// kebab case (BatchSize is --batch-size, Spinal.Width and SpinalWidth --spinal-width), but for the flags named
    /// otherwise.</summary>
    public static string FlagOf(string setting) => Renamed.TryGetValue(setting, out var flag) ? flag
        : setting.StartsWith("Schedule.") ? $"--schedule parameter {setting["Schedule.".Length..]}"
        : "--" + System.Text.RegularExpressions.Regex.Replace(setting.Replace(".", ""), "(?<=[a-z])([A-Z])", "-$1")
            .ToLowerInvariant();

    static readonly Dictionary<string, string> Renamed = new()
    {
        ["LearningRate"] = "--lr", ["HeadLearningRate"] = "--head-lr", ["MaxTimeSeconds"] = "--max-time",
        ["InitialWeights"] = "--weights",
    };
}
