// Weights in and out under the authors' PyTorch key names (issue 3 items 3-5; reference §2). A state dict the authors'
// scripts save with torch.save(model.state_dict(), path) (PyTorch's zip format) loads into our network through the
// architecture's AuthorsKeys map, strictly: every key of the file is used, every parameter and buffer of the network
// is filled, every shape is checked, and the first key that does not fit is named in a one-line error. The same map
// writes our weights back under the authors' names, as .pt (loadable by their module's load_state_dict) or
// safetensors. Files are read with TorchSharp.PyBridge's unpickler and copied into the network's own tensors, so
// parameters keep requires_grad (PyBridge's load_py clears it).
using System.Collections;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SpinalNet.Interop;

public enum WeightsFormat
{
    /// <summary>PyTorch's torch.save zip format (a pickle: only load files you trust).</summary>
    Pt,
    Safetensors,
}

public static class AuthorsWeights
{
    /// <summary>The format a weights file is in, by its extension (.pt/.pth/.bin: PyTorch; .safetensors).</summary>
    public static WeightsFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".pt" or ".pth" or ".bin" => WeightsFormat.Pt,
        ".safetensors" => WeightsFormat.Safetensors,
        var other => throw new ArgumentException(
            $"{path}: unknown weights format '{other}' (expected .pt, .pth or .safetensors)", "weights"),
    };

    /// <summary>Reads a flat state dict (name → tensor) from a .pt or .safetensors file.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        var format = FormatOf(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights file not found", path);
        try
        {
            if (format == WeightsFormat.Safetensors) return Safetensors.LoadStateDict(path);
            var table = PyTorchUnpickler.UnpickleStateDict(path);
            var dict = new Dictionary<string, Tensor>();
            foreach (DictionaryEntry entry in table)
            {
                if (entry.Key is not string key || entry.Value is not Tensor tensor)
                    throw new InvalidDataException(
                        $"entry '{entry.Key}' is not a tensor (a checkpoint holding more than model.state_dict()?)");
                dict[key] = tensor;
            }
            return dict;
        }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException(
                $"{path}: not a readable {(format == WeightsFormat.Pt ? "PyTorch state dict (torch.save zip format)" : "safetensors file")}: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>Loads an authors' state dict file into <paramref name="model"/>, built by <paramref name="spec"/>.</summary>
    public static void Load(ModelSpec spec, HeadKind head, nn.Module model, string path)
    {
        var keys = KeysOf(spec, head);
        var theirs = Read(path);
        try
        {
            Load(model, keys, theirs, path, $"{spec.Name} ({head.Id()} head)");
        }
        finally
        {
            foreach (var t in theirs.Values) t.Dispose();
        }
    }

    /// <summary>Loads weights for <paramref name="model"/> from either kind of file: this project's own checkpoint
    /// (model.safetensors of a run, our key names) or the authors' state dict (.pt, or safetensors under their names),
    /// told apart by the key names.</summary>
    public static void LoadAny(ModelSpec spec, HeadKind head, nn.Module model, string path)
    {
        if (FormatOf(path) == WeightsFormat.Safetensors && File.Exists(path))
        {
            var ours = model.state_dict().Keys.ToHashSet();
            var stored = Read(path);
            bool ourNames = stored.Keys.Any(ours.Contains);
            foreach (var t in stored.Values) t.Dispose();
            if (ourNames)
            {
                RunDirectory.LoadWeights(model, path);
                return;
            }
        }
        Load(spec, head, model, path);
    }

    /// <summary>Copies <paramref name="theirs"/> into <paramref name="model"/> through <paramref name="keys"/>,
    /// strictly; nothing is changed unless every key fits.</summary>
    public static void Load(nn.Module model, AuthorsKeys keys, IReadOnlyDictionary<string, Tensor> theirs, string source,
        string network)
    {
        var pairs = new List<(Tensor Ours, Tensor Theirs)>();
        var used = new HashSet<string>();
        foreach (var (ourKey, ours) in model.state_dict())
        {
            var theirKey = keys.Theirs(ourKey)
                ?? throw new InvalidOperationException($"{network}: no authors' name for '{ourKey}' (key map incomplete)");
            if (!theirs.TryGetValue(theirKey, out var tensor))
                throw new InvalidDataException(
                    $"{source}: missing key '{theirKey}' that {network} needs; a state dict of another network?");
            if (!tensor.shape.SequenceEqual(ours.shape))
                throw new InvalidDataException(
                    $"{source}: key '{theirKey}' has shape [{string.Join(", ", tensor.shape)}] but {network} needs " +
                    $"[{string.Join(", ", ours.shape)}] (another width or class count?)");
            if (!used.Add(theirKey))
                throw new InvalidOperationException($"{network}: key map sends two keys to '{theirKey}'");
            pairs.Add((ours, tensor));
        }
        var extra = theirs.Keys.FirstOrDefault(k => !used.Contains(k));
        if (extra is not null)
            throw new InvalidDataException(
                $"{source}: unexpected key '{extra}', not part of {network}; a state dict of another network?");

        using var noGrad = torch.no_grad();
        foreach (var (ours, tensor) in pairs) ours.copy_(tensor.to(ours.dtype, ours.device));
    }

    /// <summary>Our weights under the authors' names, in our state-dict order (copies on the CPU).</summary>
    public static Dictionary<string, Tensor> ToAuthors(nn.Module model, AuthorsKeys keys) =>
        model.state_dict().ToDictionary(
            p => keys.Theirs(p.Key) ?? throw new InvalidOperationException($"no authors' name for '{p.Key}'"),
            p => p.Value.detach().cpu().clone());

    /// <summary>Writes <paramref name="model"/>'s weights under the authors' names (atomically).</summary>
    public static void Save(ModelSpec spec, HeadKind head, nn.Module model, string path, WeightsFormat format) =>
        Save(model, KeysOf(spec, head), path, format);

    /// <summary>Writes <paramref name="model"/>'s weights renamed by <paramref name="keys"/>, through a fresh temporary
    /// file (PyBridge's PickleStateDict(path) does not truncate an existing file, which would leave a corrupt zip).</summary>
    public static void Save(nn.Module model, AuthorsKeys keys, string path, WeightsFormat format)
    {
        var dict = ToAuthors(model, keys);
        try
        {
            AtomicFile.Write(path, temp =>
            {
                if (format == WeightsFormat.Pt) PyTorchPickler.PickleStateDict(temp, dict);
                else Safetensors.SaveStateDict(temp, dict);
            });
        }
        finally
        {
            foreach (var t in dict.Values) t.Dispose();
        }
    }

    /// <summary>Exports a training run's weights (config.json + model.safetensors in <paramref name="runDirectory"/>)
    /// under the authors' names; returns the file written (default: RUN_DIR/authors.pt or authors.safetensors).</summary>
    public static string ExportRun(string runDirectory, WeightsFormat format, string? output = null)
    {
        var config = RunDirectory.Open(runDirectory).ReadConfig();
        var spec = ModelCatalog.Get(config.Model);
        using var model = config.CreateModel(0);
        RunDirectory.LoadWeights(model, Path.Combine(runDirectory, RunDirectory.WeightsFile));
        output ??= Path.Combine(runDirectory, format == WeightsFormat.Pt ? "authors.pt" : "authors.safetensors");
        Save(spec, config.Head, model, output, format);
        return output;
    }

    static AuthorsKeys KeysOf(ModelSpec spec, HeadKind head) =>
        spec.AuthorsKeys?.Invoke(head)
        ?? throw new ArgumentException($"{spec.Name} has no map to the authors' PyTorch key names", "model");

    static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
