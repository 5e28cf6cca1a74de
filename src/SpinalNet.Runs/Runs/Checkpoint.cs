// A checkpoint holds everything a run needs to continue exactly where it stopped: weights (with batch-norm running
// statistics), optimiser state, the loop's state (schedule, random generators, position in the epoch, metrics so far)
// and the resolved configuration. It is one zip file (entries model.safetensors, optimizer.bin, state.json), written
// through AtomicFile, so a crash mid-write leaves the previous checkpoint whole. RunCheckpoints is the training loop's
// checkpoint store for a run folder (last.ckpt, best.ckpt, metrics).
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SpinalNet.Runs;

/// <summary>The loop's state and the run's configuration, as a checkpoint's state.json holds them.</summary>
public sealed record CheckpointState(TrainerState Trainer, RunConfig Config);

/// <summary>A run's checkpoint: weights, optimiser, loop state and configuration, to continue exactly.</summary>
public static class Checkpoint
{
    const string ModelEntry = "model.safetensors", OptimizerEntry = "optimizer.bin", StateEntry = "state.json";

    public static void Save(string path, nn.Module model, OptimizerHelper optimizer, CheckpointState state) =>
        AtomicFile.Write(path, temp =>
        {
            using var zip = ZipFile.Open(temp, ZipArchiveMode.Create);
            using (var stream = zip.CreateEntry(ModelEntry, CompressionLevel.NoCompression).Open())
                Safetensors.SaveStateDict(stream, model.state_dict(), leaveOpen: true);
            using (var stream = zip.CreateEntry(OptimizerEntry, CompressionLevel.NoCompression).Open())
            using (var writer = new BinaryWriter(stream))
                optimizer.save_state_dict(writer);
            using (var stream = zip.CreateEntry(StateEntry, CompressionLevel.Optimal).Open())
                JsonSerializer.Serialize(stream, state, RunJson.Options);
        });

    /// <summary>The run state and configuration of a checkpoint, without touching any model.</summary>
    public static CheckpointState ReadState(string path) => Open(path, zip =>
    {
        using var stream = Entry(zip, path, StateEntry).Open();
        var state = JsonNode.Parse(stream) as JsonObject ?? throw new InvalidDataException($"{path}: empty run state");
        // Checkpoints of earlier versions keep the loop's state and the configuration side by side at the top level.
        if (!state.ContainsKey("trainer") && state["config"] is { } config)
        {
            state.Remove("config");
            state = new JsonObject { ["trainer"] = state, ["config"] = config };
        }
        // Their epoch metrics name the training time "seconds".
        foreach (var epoch in (state["trainer"]?["history"] as JsonArray ?? []).OfType<JsonObject>())
            if (epoch.Remove("seconds", out var seconds)) epoch["train_seconds"] = seconds;
        var trainer = state["trainer"].Deserialize<TrainerState>(RunJson.Options)
                      ?? throw new InvalidDataException($"{path}: empty run state");
        return new CheckpointState(trainer, Configuration.Read(state["config"] as JsonObject
            ?? throw new InvalidDataException($"{path}: no run configuration"), path));
    });

    /// <summary>Fills the model and the optimiser from a checkpoint; every weight must fit.</summary>
    public static void Restore(string path, nn.Module model, OptimizerHelper? optimizer) => Open(path, zip =>
    {
        using (var stream = CopyOf(Entry(zip, path, ModelEntry)))
        {
            var tensors = Safetensors.LoadStateDict(stream, leaveOpen: true);
            try
            {
                WeightsFile.Load(model, tensors, path, "this model");
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
        }
        if (optimizer is not null)
        {
            using var stream = CopyOf(Entry(zip, path, OptimizerEntry));
            using var reader = new BinaryReader(stream);
            optimizer.load_state_dict(reader);
        }
        return 0;
    });

    static T Open<T>(string path, Func<ZipArchive, T> read)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint not found", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return read(zip);
        }
        // An InvalidDataException of ours already names the file and what is wrong.
        catch (Exception e) when (e is JsonException or ArgumentException or EndOfStreamException ||
                                  e is InvalidDataException && !e.Message.StartsWith(path))
        {
            throw new InvalidDataException($"{path}: not a readable checkpoint ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    static ZipArchiveEntry Entry(ZipArchive zip, string path, string name) =>
        zip.GetEntry(name) ?? throw new InvalidDataException($"{path}: checkpoint has no {name}");

    // Readers of these formats seek; zip entry streams do not.
    static MemoryStream CopyOf(ZipArchiveEntry entry)
    {
        var copy = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }
}

/// <summary>A run folder as the training loop's checkpoint store: last.ckpt after every epoch and on a stop, best.ckpt
/// when the selection accuracy improves, metrics after every epoch; with <paramref name="Resume"/>, the loop continues
/// from last.ckpt.</summary>
public sealed record RunCheckpoints(RunDirectory Run, RunConfig Config, bool Resume = false) : ICheckpointStore
{
    TrainerState? ICheckpointStore.Resume(nn.Module model, OptimizerHelper optimizer)
    {
        if (!Resume) return null;
        var path = Run.File(RunDirectory.LastCheckpoint);
        var state = Checkpoint.ReadState(path);
        Checkpoint.Restore(path, model, optimizer);
        return state.Trainer;
    }

    public void Save(CheckpointSlot slot, TrainerState state, nn.Module model, OptimizerHelper optimizer) =>
        Checkpoint.Save(Run.File(slot == CheckpointSlot.Best ? RunDirectory.BestCheckpoint : RunDirectory.LastCheckpoint),
            model, optimizer, new CheckpointState(state, Config));

    public void LoadBest(nn.Module model) => Checkpoint.Restore(Run.File(RunDirectory.BestCheckpoint), model, null);

    public void WriteMetrics(IReadOnlyList<EpochMetrics> history) => Run.WriteMetrics(history);

    public string? LastGood => File.Exists(Run.File(RunDirectory.LastCheckpoint)) ? Run.File(RunDirectory.LastCheckpoint) : null;
}
