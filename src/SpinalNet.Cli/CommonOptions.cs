// Options shared by several commands, with their help texts, and their mapping onto the run configuration's keys.
// Parsing only: what the values mean, and their defaults, live in the library (Training/Configuration.cs).
using System.CommandLine;
using System.Text.Json.Nodes;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Cli;

sealed class CommonOptions
{
    public readonly Option<string?> Config = new("--config")
    {
        Description = "JSON file of run settings, the shape of a run's config.json; options given on the command " +
                      "line override it, and it overrides the model's defaults. Unknown keys are errors.",
    };

    public readonly Option<string?> Preset = new("--preset")
    {
        Description = "One of the paper's experiments (see `spinalnet presets`): its network, head, data, " +
                      "preprocessing, optimiser, schedule, batch sizes, epochs and seed. --config and options " +
                      "given here override it.",
    };

    public readonly Option<string?> Model = new("--model")
    {
        Description = "Network to build (see `spinalnet models`; default mnist-cnn).",
    };

    public readonly Option<string?> Head = new("--head")
    {
        Description = "Classifier head: 'spinal' (the paper's Spinal layer, the default) or 'fc' (the conventional " +
                      "fully-connected head of the authors' default script).",
    };

    public readonly Option<int?> SpinalWidth = new("--spinal-width")
    {
        Description = "Neurons in each spinal layer, what the authors call layer_width (default: the paper's " +
                      "value for the model, 8 for mnist-cnn).",
    };

    public readonly Option<int?> SpinalLayers = new("--spinal-layers")
    {
        Description = "Number of spinal layers stacked in the head (default: the paper's, 6 for mnist-cnn).",
    };

    public readonly Option<int?> Splits = new("--splits")
    {
        Description = "How many parts the features are cut into; each spinal layer reads one part, in turn. " +
                      "The part's size is what the authors call Half_width: with the default 2 it is half the " +
                      "feature width (160 of 320 for mnist-cnn).",
    };

    public readonly Option<int?> Classes = new("--classes")
    {
        Description = "Outputs of the network (default: the model's, 10 for every model; e.g. 100 for CIFAR-100, " +
                      "62 for the authors' EMNIST-letters VGG-5).",
    };

    public readonly Option<string?> Data = new("--data")
    {
        Description = "A known data set by name (see `spinalnet data list`), or a folder with MNIST-format IDX " +
                      "files (train-/t10k-{images-idx3,labels-idx1}-ubyte[.gz]). Default: the embedded sample of " +
                      "8,000 train / 2,000 test real MNIST digits.",
    };

    public readonly Option<string?> DataRoot = new("--data-root")
    {
        Description = "Folder holding the known data sets (default: $SPINALNET_DATA, else ./data).",
    };

    public readonly Option<string?> Augmentation = new("--augmentation")
    {
        Description = "Preprocessing pipeline for training and evaluation, by name: the pipelines of the paper's " +
                      "scripts (e.g. mnist, mnist-arch2, fashion-arch2, cifar-cnn, cifar-resnet; default: the " +
                      "model's, mnist for mnist-cnn).",
    };

    public readonly Option<int?> Epochs = new("--epochs")
    {
        Description = "Passes over the training data (default: the paper's, 8 for mnist-cnn).",
    };

    public readonly Option<int?> BatchSize = new("--batch-size")
    {
        Description = "Training mini-batch size (default: the paper's, 64 for mnist-cnn).",
    };

    public readonly Option<int?> TestBatchSize = new("--test-batch-size")
    {
        Description = "Evaluation batch size; affects speed only (default 1000).",
    };

    public readonly Option<string?> Optimizer = new("--optimizer")
    {
        Description = $"Optimiser: {string.Join(", ", Optimizers.Names)} (default: the paper's, sgd for mnist-cnn).",
    };

    public readonly Option<double?> LearningRate = new("--lr")
    {
        Description = "Learning rate (default: the paper's, 0.01 for mnist-cnn).",
    };

    public readonly Option<double?> Momentum = new("--momentum")
    {
        Description = "SGD momentum (default: the paper's, 0.5 for mnist-cnn).",
    };

    public readonly Option<double?> WeightDecay = new("--weight-decay")
    {
        Description = "L2 weight decay (default 0, as in the paper's scripts).",
    };

    public readonly Option<string?> Schedule = new("--schedule")
    {
        Description = $"Learning-rate schedule: {string.Join(", ", ScheduleSettings.Names)} (default constant). " +
                      "random-on-plateau is the authors' rule lr = lr0·U^p when accuracy fails to improve; its " +
                      "parameters (power, step_size, gamma, ...) are set in a --config file under settings.schedule.",
    };

    public readonly Option<double?> ValidationFraction = new("--validation-fraction")
    {
        Description = "Share of the training data held out to pick the best epoch (default 0: the best epoch is " +
                      "picked on the test split, as the authors' scripts do).",
    };

    public readonly Option<int?> Patience = new("--patience")
    {
        Description = "Stop early after this many epochs without a better selection accuracy (default 0: never).",
    };

    public readonly Option<double?> MaxTime = new("--max-time")
    {
        Description = "Stop after this many seconds, leaving a resumable checkpoint (default 0: no limit).",
    };

    public readonly Option<long?> Seed = new("--seed")
    {
        Description = "Seed for weight initialisation, dropout and batch order (default 1).",
    };

    public readonly Option<int?> Threads = new("--threads")
    {
        Description = "Torch CPU threads; results are repeatable for a fixed seed and thread count " +
                      "(default: one per core).",
    };

    public readonly Option<string?> Device = new("--device")
    {
        Description = "cpu, cuda or auto (cuda where available; default cpu).",
    };

    public readonly Option<bool> Quiet = new("--quiet")
    {
        Description = "Print only the final result, no progress.",
    };

    public readonly Option<string?> InitialWeights = new("--weights")
    {
        Description = "Start from these weights instead of a random initialisation: a run's model.safetensors, or " +
                      "the authors' PyTorch state dict (.pt saved with torch.save(model.state_dict()), their key names).",
    };

    public CommonOptions()
    {
        Model.AcceptOnlyFromAmong(ModelCatalog.All.Select(m => m.Name).ToArray());
        Head.AcceptOnlyFromAmong("spinal", "fc");
        Optimizer.AcceptOnlyFromAmong(Optimizers.Names);
        Schedule.AcceptOnlyFromAmong(ScheduleSettings.Names);
        Device.AcceptOnlyFromAmong("cpu", "cuda", "auto");
        Preset.AcceptOnlyFromAmong(Presets.All.Select(p => p.Name).ToArray());
        Augmentation.AcceptOnlyFromAmong(SpinalNet.Augmentation.Pipelines.All.Select(p => p.Name).ToArray());
    }

    public IEnumerable<Option> ModelOptions => [Model, Head, Classes, SpinalWidth, SpinalLayers, Splits];

    public IEnumerable<Option> TrainingOptions =>
    [
        Preset, Config, Data, DataRoot, Augmentation, Epochs, BatchSize, TestBatchSize, Optimizer, LearningRate, Momentum, WeightDecay, Schedule,
        ValidationFraction, Patience, MaxTime, Seed, Threads, Device, Quiet,
    ];

    /// <summary>The options given on this command line, as a configuration layer.</summary>
    public ConfigLayer CommandLine(ParseResult r)
    {
        var values = new JsonObject();
        void Set<T>(string path, Option<T> option)
        {
            var result = r.GetResult(option);
            if (result is null || result.Implicit) return;
            var keys = path.Split('.');
            var node = values;
            foreach (var key in keys[..^1])
                node = (JsonObject)(node[key] ??= new JsonObject());
            node[keys[^1]] = JsonValue.Create(r.GetValue(option));
        }
        Set("model", Model);
        Set("head", Head);
        Set("classes", Classes);
        Set("initial_weights", InitialWeights);
        Set("spinal.width", SpinalWidth);
        Set("spinal.layers", SpinalLayers);
        Set("spinal.splits", Splits);
        Set("data", Data);
        Set("data_root", DataRoot);
        Set("augmentation", Augmentation);
        Set("settings.epochs", Epochs);
        Set("settings.batch_size", BatchSize);
        Set("settings.test_batch_size", TestBatchSize);
        Set("settings.optimizer", Optimizer);
        Set("settings.learning_rate", LearningRate);
        Set("settings.momentum", Momentum);
        Set("settings.weight_decay", WeightDecay);
        Set("settings.schedule.name", Schedule);
        Set("settings.validation_fraction", ValidationFraction);
        Set("settings.patience", Patience);
        Set("settings.max_time_seconds", MaxTime);
        Set("settings.seed", Seed);
        Set("settings.threads", Threads);
        Set("settings.device", Device);
        return new ConfigLayer("command-line options", values);
    }

    /// <summary>Defaults, then the preset, then the --config file, then the command line.</summary>
    public RunConfig Resolve(ParseResult r)
    {
        var layers = new List<ConfigLayer>();
        if (r.GetValue(Preset) is { } preset) layers.Add(Presets.Get(preset).Layer);
        if (r.GetValue(Config) is { } file) layers.Add(ConfigLayer.FromFile(file));
        layers.Add(CommandLine(r));
        return Configuration.Resolve(layers.ToArray());
    }
}
