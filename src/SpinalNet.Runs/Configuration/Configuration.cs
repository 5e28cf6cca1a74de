// How a run's configuration is resolved (docs/architecture.md §14.2), in one direction and by one merge: the defaults
// of the model (its recipe, Runs/Configuration/Recipes.cs, with the network's own Spinal head and classes), then a preset, then JSON
// config files, then command-line options, each a ConfigLayer over the one before. Resuming a run (its changes) and a
// sweep's points are layers too, and a saved config.json is read back as a layer over its model's defaults. A layer has
// the shape of the config.json a run writes; a key that the configuration does not have is an error naming it, its
// source and the valid keys beside it. The resolved configuration is what runs and checkpoints save.
using SpinalNet.Layers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpinalNet.Augmentation;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Training;
using SpinalNet.Data;

namespace SpinalNet.Runs;

/// <summary>A configuration layer: values in the shape of config.json, over the configuration below them.</summary>
/// <param name="Source">Where the layer comes from, for error messages: a file name, "command line", a preset.</param>
public sealed record ConfigLayer(string Source, JsonObject Values)
{
    /// <summary>The keys whose value may be null: for the Spinal settings and the classes, null is the model's own;
    /// for the others, null is their documented absence.</summary>
    static readonly string[] Optional =
        ["data_root", "classes", "initial_weights", "image_size", "spinal.width", "spinal.layers", "spinal.splits",
            "spinal.dropout", "spinal.batch_norm", "spinal.activation", "spinal.shared_weights",
            "settings.head_learning_rate", "settings.schedule.also_after"];

    public static ConfigLayer FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: config file not found", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>A layer of JSON text, or a one-line error naming <paramref name="source"/>.</summary>
    public static ConfigLayer Parse(string json, string source)
    {
        try
        {
            return new ConfigLayer(source, JsonNode.Parse(json,
                    documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new InvalidDataException($"{source}: a configuration must be one JSON object"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    /// <summary>A layer setting the values at dotted paths ("spinal.width", "settings.epochs"); null values are left
    /// out (not given).</summary>
    public static ConfigLayer Of(string source, IEnumerable<(string Path, object? Value)> values)
    {
        var root = new JsonObject();
        foreach (var (path, value) in values)
        {
            if (value is null) continue;
            var keys = path.Split('.');
            var node = root;
            foreach (var key in keys[..^1])
                node = node[key] as JsonObject ?? (JsonObject)(node[key] = new JsonObject());
            node[keys[^1]] = JsonSerializer.SerializeToNode(value, RunJson.Options);
        }
        return new ConfigLayer(source, root);
    }

    /// <summary>The model this layer names, if any.</summary>
    public string? Model => Values["model"] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? name) => name,
        _ => throw new ArgumentException($"{Source}: 'model' must be a model's name (see `spinalnet models`)", "Model"),
    };

    /// <summary>The configuration with this layer's values over it: the one merge of the library.</summary>
    public RunConfig ApplyTo(RunConfig config)
    {
        var node = JsonSerializer.SerializeToNode(config, RunJson.Options)!.AsObject();
        var spec = ModelCatalog.Get(Model ?? config.Model);
        var own = new JsonObject
        {
            ["spinal"] = JsonSerializer.SerializeToNode(spec.Spinal, RunJson.Options), ["classes"] = spec.Classes,
        };
        Merge(node, Values, "", own);
        try
        {
            return node.Deserialize<RunConfig>(RunJson.Options)!;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{Source}: invalid value for '{e.Path?.TrimStart('$', '.')}'", "config");
        }
    }

    /// <param name="own">The model's own network (its Spinal settings and classes), which a null stands for.</param>
    void Merge(JsonObject target, JsonObject layer, string path, JsonObject own)
    {
        foreach (var (key, value) in layer)
        {
            string at = path.Length == 0 ? key : $"{path}.{key}";
            if (!target.ContainsKey(key))
                throw new ArgumentException(
                    $"{Source}: " + NearestName.Unknown("key", at, target.Select(p => p.Key), "valid here"), "config");
            if (value is null && target[key] is JsonObject)
                throw new ArgumentException($"{Source}: '{at}' must be an object, not null", "config");
            if (value is null && !Optional.Contains(at))
                throw new ArgumentException($"{Source}: '{at}' cannot be null (only {string.Join(", ", Optional)} can)",
                    "config");
            // Another learning-rate rule starts from its own defaults: its parameters are not the old rule's.
            if (at == "settings.schedule" && value is JsonObject { } schedule && schedule["name"] is JsonValue name &&
                name.TryGetValue(out string? rule) && target[key]?["name"]?.GetValue<string>() != rule)
                target[key] = JsonSerializer.SerializeToNode(Schedule.Find(rule) ?? throw new ArgumentException(
                    $"{Source}: " + NearestName.Unknown("schedule", rule, Schedule.Names), "Schedule"),
                    RunJson.Options);
            if (target[key] is JsonObject inner && value is JsonObject overrides)
                Merge(inner, overrides, at, own);
            else if (value is null && (at == "classes" || at.StartsWith("spinal.")))
                target[key] = (at == "classes" ? own["classes"] : own["spinal"]![key])!.DeepClone();
            else
                target[key] = value?.DeepClone();
        }
    }
}

/// <summary>The options a command line gives a run, typed; null leaves the value below it. They are one more layer of
/// the merge (<see cref="Layer"/>), over the <paramref name="Preset"/> and the <paramref name="Config"/> file they
/// may name.</summary>
/// <param name="Preset">One of the paper's experiments (Recipes), under the file and the options.</param>
/// <param name="Config">A JSON file in the shape of config.json, over the preset and under the options.</param>
public sealed record RunOverrides(
    string? Model = null, HeadKind? Head = null, int? Classes = null, string? InitialWeights = null,
    int? SpinalWidth = null, int? SpinalLayers = null, int? SpinalSplits = null, double? SpinalDropout = null,
    bool? SpinalBatchNorm = null, Layers.Activation? SpinalActivation = null, bool? SpinalSharedWeights = null,
    string? Data = null, string? DataRoot = null, string? Augmentation = null, int? ImageSize = null,
    int? Epochs = null, int? BatchSize = null, int? TestBatchSize = null, OptimizerKind? Optimizer = null,
    double? LearningRate = null, double? Momentum = null, double? WeightDecay = null, string? Schedule = null,
    double? ValidationFraction = null, int? Patience = null, double? MaxTimeSeconds = null, long? Seed = null,
    int? Threads = null, DeviceKind? Device = null, bool? Tensorboard = null, bool? FreezeBackbone = null,
    double? HeadLearningRate = null, bool? Pretrained = null, bool? CacheFeatures = null, string? Preset = null,
    string? Config = null)
{
    /// <summary>The options that <paramref name="valueOf"/> gives by name (this record's: SpinalWidth, LearningRate;
    /// null: not given), each of its own type or as text where it names a kind: the head, optimizer, device and
    /// schedule by name, a switch as true or false. A command line or a form gives them so; an unknown name is a
    /// <see cref="SettingException"/> naming the setting.</summary>
    public static RunOverrides Of(Func<string, object?> valueOf) =>
        (RunOverrides)Activator.CreateInstance(typeof(RunOverrides), typeof(RunOverrides).GetConstructors()[0]
            .GetParameters().Select(p => Typed(p.Name!, p.ParameterType, valueOf(p.Name!))).ToArray())!;

    static object? Typed(string name, Type type, object? value) => value switch
    {
        string text when name == nameof(Head) => HeadKinds.Parse(text),
        string text when name == nameof(Optimizer) => Optimizers.Parse(text),
        string text when name == nameof(Device) => Devices.Parse(text),
        string text when name == nameof(Schedule) => Training.Schedule.Default(text).Name,
        string text when type == typeof(bool?) => bool.Parse(text),
        _ => value,
    };

    /// <summary>These options as a configuration layer: each one at its place in config.json.</summary>
    public ConfigLayer Layer => ConfigLayer.Of("command line",
    [
        ("model", Model), ("head", Head), ("classes", Classes), ("initial_weights", InitialWeights),
        ("spinal.width", SpinalWidth), ("spinal.layers", SpinalLayers), ("spinal.splits", SpinalSplits),
        ("spinal.dropout", SpinalDropout), ("spinal.batch_norm", SpinalBatchNorm),
        ("spinal.activation", SpinalActivation), ("spinal.shared_weights", SpinalSharedWeights),
        ("data", Data), ("data_root", DataRoot), ("augmentation", Augmentation), ("image_size", ImageSize),
        ("tensorboard", Tensorboard), ("pretrained", Pretrained),
        ("settings.epochs", Epochs), ("settings.batch_size", BatchSize), ("settings.test_batch_size", TestBatchSize),
        ("settings.optimizer", Optimizer), ("settings.learning_rate", LearningRate), ("settings.momentum", Momentum),
        ("settings.weight_decay", WeightDecay), ("settings.schedule.name", Schedule),
        ("settings.validation_fraction", ValidationFraction), ("settings.patience", Patience),
        ("settings.max_time_seconds", MaxTimeSeconds), ("settings.seed", Seed), ("settings.threads", Threads),
        ("settings.device", Device), ("settings.freeze_backbone", FreezeBackbone),
        ("settings.head_learning_rate", HeadLearningRate), ("settings.cache_features", CacheFeatures),
    ]);
}

/// <summary>Resolution of a run's configuration: model defaults, preset, JSON files, options.</summary>
public static class Configuration
{
    public const string DefaultModel = "mnist-cnn";

    /// <summary>The model's defaults, then the preset, then the files, then the options (and the preset and the file
    /// they name), checked.</summary>
    public static RunConfig Resolve(Recipe? preset = null, IEnumerable<ConfigLayer>? files = null,
        RunOverrides? options = null)
    {
        preset ??= options?.Preset is { } name ? Recipes.Get(name) : null;
        files = [.. files ?? [], .. options?.Config is { } file ? [ConfigLayer.FromFile(file)] : Array.Empty<ConfigLayer>()];
        return Validate(Merge([.. preset is null ? [] : new[] { preset.Layer }, .. files, .. options is null ? [] : new[] { options.Layer }]));
    }

    /// <summary>JSON layers alone over the defaults of the model they name.</summary>
    public static RunConfig Resolve(params ConfigLayer[] layers) => Validate(Merge(layers));

    /// <summary>A configuration saved by a run (config.json, a checkpoint's, an ONNX export's), read back as a layer
    /// over its model's defaults: a file of this version reads back unchanged; one of an earlier version gets the
    /// model's own Spinal settings where it saved null, and the keys this version dropped are passed over.</summary>
    public static RunConfig Read(JsonObject saved, string source)
    {
        var layer = new ConfigLayer(source, (JsonObject)saved.DeepClone());
        var known = JsonSerializer.SerializeToNode(Recipes.DefaultsFor(layer.Model ?? DefaultModel), RunJson.Options)!;
        DropUnknown(layer.Values, known.AsObject());
        return Merge([layer]);
    }

    static void DropUnknown(JsonObject saved, JsonObject known)
    {
        foreach (var key in saved.Select(p => p.Key).ToList())
            if (!known.ContainsKey(key)) saved.Remove(key);
            else if (saved[key] is JsonObject inner && known[key] is JsonObject expected)
                // A schedule's parameters are those of its rule.
                DropUnknown(inner, key == "schedule" && inner["name"] is JsonValue name &&
                                   name.TryGetValue(out string? rule) && Schedule.Find(rule) is { } schedule
                    ? JsonSerializer.SerializeToNode(schedule, RunJson.Options)!.AsObject()
                    : expected);
    }

    /// <summary>The layers in order over the defaults of the model the last of them names.</summary>
    static RunConfig Merge(IReadOnlyList<ConfigLayer> layers)
    {
        string model = layers.Select(l => l.Model).LastOrDefault(m => m is not null) ?? DefaultModel;
        return layers.Aggregate(Recipes.DefaultsFor(model), (config, layer) => layer.ApplyTo(config));
    }

    // The configurations checked already: a configuration is immutable, so one checked on its way to a run (Resolve,
    // then the use case) is not built and probed again.
    static readonly ConditionalWeakTable<RunConfig, object> Checked = new();

    /// <summary>Checks every name and value of a configuration, with one-line errors naming the setting.</summary>
    public static RunConfig Validate(RunConfig config)
    {
        if (Checked.TryGetValue(config, out _)) return config;
        config.Settings.Validate();
        ModelCatalog.Get(config.Model);
        if (string.IsNullOrWhiteSpace(config.Data))
            throw new SettingException(nameof(RunConfig.Data), config.Data,
                "must name a data set or a folder (or embedded)");
        Pipelines.Get(config.Augmentation);
        if (config.Classes < 1) throw new SettingException(nameof(RunConfig.Classes), config.Classes, "must be at least 1");
        // The network is built on the meta device, so a head out of range is refused before any data is read.
        config.Network.CheckFits();
        config.Network.CheckImageSize();
        if (config.Pretrained) PretrainedWeights.Locate(config.Spec);
        Checked.AddOrUpdate(config, config);
        return config;
    }
}
