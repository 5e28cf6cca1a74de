// Everything that determines a run, saved with it as config.json and inside every checkpoint: the network (model, head,
// Spinal settings, classes, image size, initial weights: one resolved NetworkChoice), the data and its augmentation,
// and the training settings. Its JSON form (snake_case keys, enums by name) is the shape of a --config file too; a run
// records every value it used (docs/architecture.md §14.1).
using System.Text.Json;
using System.Text.Json.Serialization;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <param name="Spinal">The Spinal head's settings, resolved (the model's own unless a layer changed them).</param>
/// <param name="Classes">The network's outputs.</param>
/// <param name="Data">"embedded" (the sample shipped with the program), a known data set's name (see
/// `spinalnet data list`), a folder of MNIST-format IDX files, or a folder of image folders (train/ and test/ or val/,
/// one subfolder per class).</param>
/// <param name="Augmentation">The preprocessing pipeline (Augmentation/Pipelines.cs) for training and evaluation.</param>
/// <param name="DataRoot">Where known data sets lie (null: $SPINALNET_DATA, else ./data).</param>
/// <param name="InitialWeights">Weights the run starts from instead of a random initialisation: a run's
/// model.safetensors or the authors' PyTorch state dict (null: random, from the seed).</param>
/// <param name="Tensorboard">Also write TensorBoard event files (RUN/tensorboard) after every epoch.</param>
/// <param name="ImageSize">The side N of the network's input, C × N × N, the samples resized to it at the end of the
/// pipeline (null: the model's own input size; docs/fine-tuning.md §13.3).</param>
/// <param name="Pretrained">Start the backbone from its ImageNet weights (docs/pretrained.md §12.3; the head is new),
/// before any initial weights are applied.</param>
/// <param name="WorldSize">How many processes trained the run data-parallel (docs/distributed.md §10); set by the
/// run from its launch, not by a configuration file.</param>
public sealed record RunConfig(
    string Model, HeadKind Head, SpinalSettings Spinal, int Classes, string Data, TrainingSettings Settings,
    string Augmentation = "mnist", string? DataRoot = null, string? InitialWeights = null,
    bool Tensorboard = false, int WorldSize = 1, int? ImageSize = null, bool Pretrained = false)
{
    /// <summary>The network this configuration builds, resolved once per configuration.</summary>
    [JsonIgnore]
    public NetworkChoice Network => Networks.GetValue(this,
        c => new(ModelCatalog.Get(c.Model), c.Head, c.Spinal, c.Classes, c.ImageSize));

    // A configuration is immutable (`with` makes a new one), so its network is kept beside it rather than in a field,
    // which `with` would copy stale and record equality would compare.
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RunConfig, NetworkChoice> Networks = new();

    [JsonIgnore]
    public ModelSpec Spec => Network.Spec;

    /// <summary>One sample's shape as the run feeds the network.</summary>
    [JsonIgnore]
    public long[] InputShape => Network.InputShape;

    /// <summary>The network this configuration describes, weights drawn from <paramref name="seed"/>, then, where
    /// <paramref name="initialWeights"/> asks for the starting weights the configuration names, the backbone's ImageNet
    /// weights (Pretrained) and the initial weights over them.</summary>
    public ClassifierNetwork CreateModel(long seed, bool initialWeights = true)
    {
        var network = Network;
        var model = network.Create(seed);
        try
        {
            if (initialWeights && Pretrained) PretrainedWeights.Load(model, Spec);
            if (initialWeights && InitialWeights is { } path) AuthorsWeights.LoadAny(network, model, path);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The run's data: training part, optional validation part held out from it, test split.</summary>
    public TrainingData LoadData(Action<string>? warn = null) => RunData.Load(this, warn);
}

/// <summary>The JSON form of configurations, checkpoints' states and run files.</summary>
public static class RunJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // A run stopped before its first evaluation has a best score of -Infinity.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // A schedule's "name" may follow its parameters in a hand-written file.
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
