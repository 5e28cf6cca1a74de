// Cached backbone features (docs/fine-tuning.md §13.6): with the backbone frozen only the head learns, and the
// backbone in evaluation mode gives every image the same features every epoch, so they are computed once and the head
// trains on them alone. The images go through the pipeline's evaluation steps, without random augmentation (a cached
// feature of a randomly cropped image would be one crop for every epoch). The features of each split are kept in the
// run's (or sweep's) folder, features/SPLIT-KEY.bin, where KEY hashes what they depend on: the backbone's weights, the
// data, its preprocessing (pipeline, image size, held-out part) and the split; anything else gives another file. The
// head then trains as ClassifierNetwork(identity, the same head), so the optimiser holds what the frozen run's holds
// (the head's parameters), and checkpoints are written from, and resumed into, the whole network, as the frozen run
// writes them: the two runs are interchangeable, and their results equal to float tolerance.
using System.Security.Cryptography;
using System.Text;
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Runs;

/// <summary>Training over cached backbone features where the settings ask for it.</summary>
public static class FeatureCache
{
    public const string Folder = "features";

    /// <summary>Trains <paramref name="model"/> as Trainer.Run does; where the settings cache features, trains its
    /// head alone over the backbone's features of <paramref name="data"/>, computed once into
    /// <paramref name="folder"/>/features (<paramref name="log"/> says which files it computed).</summary>
    public static TrainingOutcome Train(ClassifierNetwork model, TrainingData data, RunConfig config, string folder,
        ICheckpointStore? checkpoints, ITrainingObserver? observer, CancellationToken cancel,
        IReplicaGroup? replicas = null, Action<string>? log = null)
    {
        if (!config.Settings.CacheFeatures)
            return Trainer.Run(model, data, config.Settings, checkpoints, observer, cancel, replicas);
        if (replicas is { Size: > 1 })
            throw new SettingException(nameof(TrainingSettings.CacheFeatures),
                "trains in one process: each replica would compute the same features");
        using var features = Of(model, data, config, Path.Combine(folder, Folder), log);
        var head = BackboneFeatures.HeadOnly(model);
        return Trainer.Run(head, features, config.Settings,
            checkpoints is null ? null : new WholeNetworkCheckpoints(checkpoints, model), observer, cancel);
    }

    /// <summary>The backbone's features of every split of <paramref name="data"/>, from the cache where it has them.</summary>
    public static TrainingData Of(ClassifierNetwork model, TrainingData data, RunConfig config, string folder,
        Action<string>? log = null)
    {
        string weights = WeightsHash(model.Backbone);
        InMemoryDataset Split(IBatchSource split, string name) => Load(model, split, config, weights, name, folder, log);
        var train = Split(data.Train, "train");
        var test = Split(data.Test!, "test");
        var validation = data.Validation is null ? null : Split(data.Validation, "validation");
        return new TrainingData(train, test, validation) { ClassNames = data.ClassNames };
    }

    static InMemoryDataset Load(ClassifierNetwork model, IBatchSource split, RunConfig config, string weights,
        string name, string folder, Action<string>? log)
    {
        var s = config.Settings;
        // The held-out part (its fraction and seed) decides which training samples each file holds; not the test's.
        object heldOut = name == "test" || s.ValidationFraction == 0 ? "" : $"{s.ValidationFraction} {s.Seed}";
        var key = Hash(Encoding.UTF8.GetBytes(string.Join("\n", weights, config.Model, config.Data, config.DataRoot,
            config.Augmentation, config.ImageSize, split.Source, split.Count, heldOut, name)));
        var path = Path.Combine(folder, $"{name}-{key[..16]}.bin");
        if (File.Exists(path)) return Read(path, split);
        var (features, labels) = BackboneFeatures.Compute(model, split, s.TestBatchSize, bytes =>
        {
            if (bytes > int.MaxValue)
                throw new SettingException(nameof(TrainingSettings.CacheFeatures), $"the backbone's features of " +
                    $"{split.Source} would take {bytes / 1e9:F1} GB, more than one cache file holds (2.1 GB)");
        });
        Directory.CreateDirectory(folder);
        AtomicFile.Write(path, temp => Write(temp, features, labels));
        log?.Invoke($"cached the backbone's features of {split.Count} {name} samples in {path}");
        return new InMemoryDataset(features, labels, split.Classes, $"{split.Source} (backbone features)");
    }

    // The file: "SPNF", the feature shape's rank and sizes (int64, the first being the sample count), the features as
    // float32, the labels as int64, little-endian as the tensors hold them.
    static readonly byte[] Magic = "SPNF"u8.ToArray();

    static void Write(string path, Tensor features, Tensor labels)
    {
        using var file = new BinaryWriter(File.Create(path));
        file.Write(Magic);
        file.Write((long)features.shape.Length);
        foreach (long size in features.shape) file.Write(size);
        file.Write(features.contiguous().bytes);
        file.Write(labels.contiguous().bytes);
    }

    static InMemoryDataset Read(string path, IBatchSource split)
    {
        using var file = new BinaryReader(File.OpenRead(path));
        if (!file.ReadBytes(4).SequenceEqual(Magic)) throw new DataFormatException(path, "is not a feature cache");
        var shape = Enumerable.Range(0, (int)file.ReadInt64()).Select(_ => file.ReadInt64()).ToArray();
        if (shape.Length == 0 || shape[0] != split.Count || shape.Any(n => n < 1))
            throw new DataFormatException(path, $"holds features of {shape.FirstOrDefault()} samples, not {split.Count}");
        long values = shape.Aggregate(1L, (a, b) => a * b);
        var features = torch.zeros(shape, ScalarType.Float32);
        var labels = torch.zeros([shape[0]], ScalarType.Int64);
        features.bytes = file.ReadBytes(checked((int)(values * sizeof(float))));
        labels.bytes = file.ReadBytes(checked((int)(shape[0] * sizeof(long))));
        return new InMemoryDataset(features, labels, split.Classes, $"{split.Source} (backbone features, cached)");
    }

    /// <summary>SHA-256 of the backbone's state dict, names, shapes and values, in order.</summary>
    static string WeightsHash(nn.Module backbone)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, tensor) in backbone.state_dict())
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{key}:{string.Join(",", tensor.shape)}:{tensor.dtype};"));
            using var values = tensor.detach().cpu().contiguous();
            sha.AppendData(values.bytes);
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    static string Hash(byte[] text) => Convert.ToHexString(SHA256.HashData(text)).ToLowerInvariant();

    /// <summary>The trainer's checkpoints of the head, written from and resumed into the whole network.</summary>
    sealed class WholeNetworkCheckpoints(ICheckpointStore inner, ClassifierNetwork model) : ICheckpointStore
    {
        public TrainerState? Resume(nn.Module _, OptimizerHelper optimizer) => inner.Resume(model, optimizer);

        public void Save(CheckpointSlot slot, TrainerState state, nn.Module _, OptimizerHelper optimizer) =>
            inner.Save(slot, state, model, optimizer);

        public void LoadBest(nn.Module _) => inner.LoadBest(model);

        public void WriteMetrics(IReadOnlyList<EpochMetrics> history) => inner.WriteMetrics(history);

        public string? LastGood => inner.LastGood;
    }
}
