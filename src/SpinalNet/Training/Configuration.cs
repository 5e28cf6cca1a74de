// How a run's configuration is resolved: the model's defaults (the authors' setting for it), then a preset, then a
// JSON config file, then command-line options, each layer overriding the one before. Every layer is JSON of the same
// shape as the config.json a run writes; a key that the configuration does not have is an error naming it and the
// valid keys beside it. The resolved configuration is what runs and checkpoints save.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SpinalNet.Data;
using SpinalNet.Models;

namespace SpinalNet.Training;

/// <summary>Everything that determines a run, saved with it.</summary>
/// <param name="Data">"embedded" (the sample shipped with the program), a known data set's name (see
/// `spinalnet data list`), or a folder of MNIST-format IDX files.</param>
/// <param name="Augmentation">The preprocessing pipeline (Augmentation/Pipelines.cs) for training and evaluation.</param>
/// <param name="DataRoot">Where known data sets lie (null: $SPINALNET_DATA, else ./data).</param>
/// <param name="Classes">The network's outputs (null: the model's own count).</param>
/// <param name="InitialWeights">Weights the run starts from instead of a random initialisation: a run's
/// model.safetensors or the authors' PyTorch state dict (null: random, from the seed).</param>
public sealed record RunConfig(
    string Model, HeadKind Head, SpinalOverrides Spinal, string Data, TrainingSettings Settings,
    string Augmentation = "mnist", string? DataRoot = null, int? Classes = null, string? InitialWeights = null)
{
    public const string EmbeddedData = "embedded";

    [JsonIgnore]
    public string? DataFolder => Data == EmbeddedData ? null : Data;

    /// <summary>The run's data: training part, optional validation part held out from it, test split.</summary>
    public TrainingData LoadData(Action<string>? warn = null) =>
        RunData.Load(this, Classes ?? ModelCatalog.Get(Model).Classes, warn);

    /// <summary>The network this configuration describes, weights drawn from <paramref name="seed"/>.</summary>
    public ClassifierNetwork CreateModel(long seed) => ModelCatalog.Get(Model).Create(Head, seed, Spinal, Classes);

    public static RunConfig DefaultsFor(ModelSpec spec) => new(spec.Name, HeadKind.Spinal, SpinalOverrides.None,
        spec.Data, spec.Defaults with { Schedule = spec.Defaults.ScheduleOrDefault }, spec.Augmentation);
}

/// <param name="Source">Where the layer comes from, for error messages: a file name, "preset NAME", "options".</param>
public sealed record ConfigLayer(string Source, JsonObject Values)
{
    public static ConfigLayer FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: config file not found", path);
        try
        {
            return new ConfigLayer(path, JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"{path}: a config file must hold one JSON object"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message.ReplaceLineEndings(" ")})");
        }
    }
}

public static class Configuration
{
    /// <summary>Applies the layers, in order, over the defaults of the model the layers name (mnist-cnn if none).</summary>
    public static RunConfig Resolve(params ConfigLayer[] layers)
    {
        string model = layers.Select(l => l.Values["model"]?.GetValue<string>()).LastOrDefault(m => m is not null)
                       ?? "mnist-cnn";
        var resolved = JsonSerializer.SerializeToNode(RunConfig.DefaultsFor(ModelCatalog.Get(model)), RunDirectory.Json)!
            .AsObject();
        foreach (var layer in layers) Merge(resolved, layer.Values, layer.Source, "");
        RunConfig config;
        try
        {
            config = resolved.Deserialize<RunConfig>(RunDirectory.Json)!;
        }
        catch (JsonException e)
        {
            throw new ArgumentException(
                $"invalid value for '{e.Path?.TrimStart('$', '.')}' in {string.Join(" + ", layers.Select(l => l.Source))}", "config");
        }
        config.Settings.Validate();
        ModelCatalog.Get(config.Model);
        Augmentation.Pipelines.Get(config.Augmentation);
        return config;
    }

    static void Merge(JsonObject target, JsonObject layer, string source, string path)
    {
        foreach (var (key, value) in layer)
        {
            string at = path.Length == 0 ? key : $"{path}.{key}";
            if (!target.ContainsKey(key))
                throw new ArgumentException(
                    $"{source}: unknown key '{at}' (valid here: {string.Join(", ", target.Select(p => p.Key))})", "config");
            if (target[key] is JsonObject inner && value is JsonObject overrides)
                Merge(inner, overrides, source, at);
            else
                target[key] = value?.DeepClone();
        }
    }
}
