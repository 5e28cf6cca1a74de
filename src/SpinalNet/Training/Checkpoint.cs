// A checkpoint holds everything a run needs to continue exactly where it stopped: weights (with batch-norm running
// statistics), optimiser state, schedule state, the random generators' states, the position in the epoch, the metrics
// so far and the resolved configuration. It is one zip file (entries model.safetensors, optimizer.bin, state.json),
// written through AtomicFile, so a crash mid-write leaves the previous checkpoint whole.
using System.IO.Compression;
using System.Text.Json;
using SpinalNet.Models;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <param name="Epoch">Epochs completed.</param>
/// <param name="Step">Steps completed in the epoch under way (0 at an epoch boundary).</param>
/// <param name="PartialLoss">Training-loss sum and sample count of the epoch under way.</param>
/// <param name="GlobalGenerator">torch's global generator (dropout) at the checkpoint.</param>
/// <param name="ShuffleAtEpochStart">The batch-order generator as it was when the epoch under way began.</param>
public sealed record CheckpointState(
    int Epoch,
    long Step,
    double PartialLoss,
    long PartialSamples,
    double PartialSeconds,
    double BestScore,
    int BestEpoch,
    int EpochsWithoutImprovement,
    ScheduleState Schedule,
    byte[] GlobalGenerator,
    byte[] ShuffleAtEpochStart,
    IReadOnlyList<EpochMetrics> History,
    RunConfig Config);

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
                JsonSerializer.Serialize(stream, state, RunDirectory.Json);
        });

    /// <summary>The run state and configuration of a checkpoint, without touching any model.</summary>
    public static CheckpointState ReadState(string path) => Open(path, zip =>
    {
        using var stream = Entry(zip, path, StateEntry).Open();
        return JsonSerializer.Deserialize<CheckpointState>(stream, RunDirectory.Json)
               ?? throw new InvalidDataException($"{path}: empty run state");
    });

    /// <summary>Fills the model and the optimiser from a checkpoint; every weight must fit.</summary>
    public static void Restore(string path, nn.Module model, OptimizerHelper? optimizer) => Open(path, zip =>
    {
        using (var stream = CopyOf(Entry(zip, path, ModelEntry)))
        {
            StateDicts.LoadStrict(model, Safetensors.LoadStateDict(stream, leaveOpen: true), path);
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
        catch (Exception e) when (e is InvalidDataException or JsonException or ArgumentException or EndOfStreamException)
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
