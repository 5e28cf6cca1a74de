// How a run's configuration is resolved, in one direction: the defaults of the model (its recipe, Runs/Recipes.cs),
// then a preset (a recipe), then JSON config files, then command-line options, each layer overriding the one before. A
// config file has the shape of the config.json a run writes; a key that the configuration does not have is an error
// naming it, its file and the valid keys beside it. Options are typed (RunOverrides). The resolved configuration is
// what runs and checkpoints save.
using System.Text.Json;
using System.Text.Json.Nodes;
using SpinalNet.Augmentation;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>A JSON configuration layer.</summary>
/// <param name="Source">Where the layer comes from, for error messages: a file name.</param>
public sealed record ConfigLayer(string Source, JsonObject Values)
{
    /// <summary>The keys whose value may be absent (null: the model's own).</summary>
    static readonly string[] Optional =
        ["data_root", "classes", "initial_weights", "image_size", "spinal.width", "spinal.layers", "spinal.splits",
            "spinal.dropout", "spinal.batch_norm", "spinal.activation", "spinal.shared_weights",
            "settings.head_learning_rate", "settings.schedule.also_after"];

    public static ConfigLayer FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: config file not found", path);
        try
        {
            return new ConfigLayer(path, JsonNode.Parse(File.ReadAllText(path),
                    documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new InvalidDataException($"{path}: a config file must hold one JSON object"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    /// <summary>The model this layer names, if any.</summary>
    public string? Model => Values["model"] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? name) => name,
        _ => throw new ArgumentException($"{Source}: 'model' must be a model's name (see `spinalnet models`)", "config"),
    };

    /// <summary>The configuration with this layer's values over it.</summary>
    public RunConfig ApplyTo(RunConfig config)
    {
        var node = JsonSerializer.SerializeToNode(config, RunJson.Options)!.AsObject();
        Merge(node, Values, "");
        try
        {
            return node.Deserialize<RunConfig>(RunJson.Options)!;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{Source}: invalid value for '{e.Path?.TrimStart('$', '.')}'", "config");
        }
    }

    void Merge(JsonObject target, JsonObject layer, string path)
    {
        foreach (var (key, value) in layer)
        {
            string at = path.Length == 0 ? key : $"{path}.{key}";
            if (!target.ContainsKey(key))
                throw new ArgumentException(
                    $"{Source}: unknown key '{at}' (valid here: {string.Join(", ", target.Select(p => p.Key))})", "config");
            if (value is null && target[key] is JsonObject)
                throw new ArgumentException($"{Source}: '{at}' must be an object, not null", "config");
            if (value is null && !Optional.Contains(at))
                throw new ArgumentException($"{Source}: '{at}' cannot be null (only {string.Join(", ", Optional)} can)",
                    "config");
            // Another learning-rate rule starts from its own defaults: its parameters are not the old rule's.
            if (at == "settings.schedule" && value is JsonObject { } schedule && schedule["name"] is JsonValue name &&
                name.TryGetValue(out string? rule) && target[key]?["name"]?.GetValue<string>() != rule)
                target[key] = JsonSerializer.SerializeToNode(Schedule.Find(rule) ?? throw new ArgumentException(
                    $"{Source}: unknown schedule '{rule}' (valid: {string.Join(", ", Schedule.Names)})", "config"),
                    RunJson.Options);
            if (target[key] is JsonObject inner && value is JsonObject overrides)
                Merge(inner, overrides, at);
            else
                target[key] = value?.DeepClone();
        }
    }
}

/// <summary>Changes given as options (null: not given); applied last.</summary>
/// <summary>The options a command line gives a run, typed; null leaves the value below it.</summary>
public sealed record RunOverrides(
    string? Model = null, HeadKind? Head = null, int? Classes = null, string? InitialWeights = null,
    int? SpinalWidth = null, int? SpinalLayers = null, int? Splits = null, double? SpinalDropout = null,
    bool? SpinalBatchNorm = null,
    string? Data = null, string? DataRoot = null, string? Augmentation = null, int? ImageSize = null,
    int? Epochs = null, int? BatchSize = null, int? TestBatchSize = null, OptimizerKind? Optimizer = null,
    double? LearningRate = null, double? Momentum = null, double? WeightDecay = null, string? Schedule = null,
    double? ValidationFraction = null, int? Patience = null, double? MaxTimeSeconds = null, long? Seed = null,
    int? Threads = null, DeviceKind? Device = null, bool? Tensorboard = null, bool? FreezeBackbone = null,
    double? HeadLearningRate = null, bool? Pretrained = null)
{
    public RunConfig ApplyTo(RunConfig c)
    {
        var s = c.Settings;
        return c with
        {
            Model = Model ?? c.Model,
            Head = Head ?? c.Head,
            Classes = Classes ?? c.Classes,
            InitialWeights = InitialWeights ?? c.InitialWeights,
            Spinal = c.Spinal with
            {
                Width = SpinalWidth ?? c.Spinal.Width, Layers = SpinalLayers ?? c.Spinal.Layers,
                Splits = Splits ?? c.Spinal.Splits, Dropout = SpinalDropout ?? c.Spinal.Dropout,
                BatchNorm = SpinalBatchNorm ?? c.Spinal.BatchNorm,
            },
            Data = Data ?? c.Data,
            DataRoot = DataRoot ?? c.DataRoot,
            Augmentation = Augmentation ?? c.Augmentation,
            ImageSize = ImageSize ?? c.ImageSize,
            Tensorboard = Tensorboard ?? c.Tensorboard,
            Pretrained = Pretrained ?? c.Pretrained,
            Settings = s with
            {
                Epochs = Epochs ?? s.Epochs,
                BatchSize = BatchSize ?? s.BatchSize,
                TestBatchSize = TestBatchSize ?? s.TestBatchSize,
                Optimizer = Optimizer ?? s.Optimizer,
                LearningRate = LearningRate ?? s.LearningRate,
                Momentum = Momentum ?? s.Momentum,
                WeightDecay = WeightDecay ?? s.WeightDecay,
                // The same rule keeps its parameters (a preset's U⁵, say); another starts from its defaults.
                Schedule = Schedule is null || Schedule == s.Schedule.Name ? s.Schedule : Training.Schedule.Default(Schedule),
                ValidationFraction = ValidationFraction ?? s.ValidationFraction,
                Patience = Patience ?? s.Patience,
                MaxTimeSeconds = MaxTimeSeconds ?? s.MaxTimeSeconds,
                Seed = Seed ?? s.Seed,
                Threads = Threads ?? s.Threads,
                Device = Device ?? s.Device,
                FreezeBackbone = FreezeBackbone ?? s.FreezeBackbone,
                HeadLearningRate = HeadLearningRate ?? s.HeadLearningRate,
            },
        };
    }
}

/// <summary>Resolution of a run's configuration: model defaults, preset, JSON files, options.</summary>
public static class Configuration
{
    public const string DefaultModel = "mnist-cnn";

    /// <summary>The model's defaults, then the preset, then the files, then the options.</summary>
    public static RunConfig Resolve(Recipe? preset = null, IEnumerable<ConfigLayer>? files = null,
        RunOverrides? options = null)
    {
        var layers = (files ?? []).ToList();
        string model = options?.Model ?? layers.Select(l => l.Model).LastOrDefault(m => m is not null) ?? preset?.Model
                       ?? DefaultModel;
        var config = Recipes.DefaultsFor(model);
        if (preset is not null) config = preset.Preset;
        foreach (var layer in layers) config = layer.ApplyTo(config);
        if (options is not null) config = options.ApplyTo(config);
        return Validate(config);
    }

    /// <summary>JSON layers alone over the defaults of the model they name.</summary>
    public static RunConfig Resolve(params ConfigLayer[] layers) => Resolve(null, layers, null);

    /// <summary>Checks every name and value of a configuration, with one-line errors naming the culprit.</summary>
    public static RunConfig Validate(RunConfig config)
    {
        config.Settings.Validate();
        ModelCatalog.Get(config.Model);
        if (string.IsNullOrWhiteSpace(config.Data))
            throw new ArgumentException("--data must name a data set or a folder (or embedded)", "data");
        Pipelines.Get(config.Augmentation);
        if (config.Classes is < 1) throw new ArgumentException($"--classes {config.Classes} must be at least 1", "classes");
        if (config.ImageSize is int size) config.Spec.CheckImageSize(size, config.Head, config.Spinal, config.Classes);
        if (config.Pretrained) PretrainedWeights.Locate(config.Spec);
        return config;
    }
}
