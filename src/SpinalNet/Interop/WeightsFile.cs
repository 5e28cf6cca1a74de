// Weights files in and out (docs/platform.md §7.3): PyTorch's torch.save zip format (.pt, read with
// TorchSharp.PyBridge's unpickler, which builds tensors, storages and dictionaries and runs nothing: a pickle that calls
// anything else, such as os.system, is refused in one line, docs/pretrained.md §12.5) and safetensors, as flat state
// dicts (name → tensor), and the one strict loader every weight source goes through: every parameter and buffer of the
// network is filled, every key of the file is used, every shape is checked, and the first key that does not fit is
// named in a one-line error, before anything is changed. A key map (AuthorsWeights) renames our keys to another's
// names; without one, names are ours. Values are copied into the network's own tensors, so parameters keep
// requires_grad (PyBridge's load_py clears it).
using System.Collections;
using System.Text.RegularExpressions;
using Razorvine.Pickle;
using SpinalNet.Data;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace SpinalNet.Interop;

/// <summary>The weights file formats: PyTorch's .pt and safetensors.</summary>
public enum WeightsFormat
{
    /// <summary>PyTorch's torch.save zip format (a pickle: only load files you trust).</summary>
    Pt,
    Safetensors,
}

/// <summary>Weights files in and out (.pt, .safetensors), with one strict loader.</summary>
public static class WeightsFile
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
        if (new FileInfo(path).Length == 0) throw new InvalidDataException($"{path}: empty weights file");
        if (format == WeightsFormat.Pt && !StartsWithZipHeader(path))
            throw new InvalidDataException($"{path}: not a readable PyTorch state dict: not in torch.save's zip format " +
                                           "(PyTorch 1.6 and later; an older file can be saved again with torch.save)");
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
        catch (PickleException e) when (Regex.Match(e.Message, @"\(for ([\w.]+)\)") is { Success: true } call)
        {
            throw new InvalidDataException($"{path}: refused: its pickle calls {call.Groups[1].Value}, which builds " +
                                           "neither a tensor nor a state dict; nothing in the file was run", e);
        }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException(
                $"{path}: not a readable {(format == WeightsFormat.Pt ? "PyTorch state dict (torch.save zip format)" : "safetensors file")}: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>Writes a state dict through a fresh temporary file renamed into place (PyBridge's
    /// PickleStateDict(path) does not truncate an existing file, which would leave a corrupt zip).</summary>
    public static void Write(IReadOnlyDictionary<string, Tensor> tensors, string path, WeightsFormat format) =>
        AtomicFile.Write(path, temp =>
        {
            var dict = tensors.ToDictionary(p => p.Key, p => p.Value);
            if (format == WeightsFormat.Pt) PyTorchPickler.PickleStateDict(temp, dict);
            else Safetensors.SaveStateDict(temp, dict);
        });

    /// <summary>Writes the network's weights under its own names as safetensors (a format PyTorch reads).</summary>
    public static void Save(nn.Module model, string path) => AtomicFile.Write(path, temp => model.save_safetensors(temp));

    /// <summary>Loads a file written by <see cref="Save"/> (our names), strictly.</summary>
    public static void Load(nn.Module model, string path, string network = "this model")
    {
        var tensors = Read(path);
        try
        {
            Load(model, tensors, path, network);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Copies <paramref name="tensors"/> into <paramref name="model"/>, strictly: nothing is changed unless
    /// every key fits. <paramref name="nameOf"/> gives the file's name for each of our keys (null: the same name).</summary>
    /// <param name="source">The file (or other origin) named in errors.</param>
    /// <param name="network">What the weights are for, named in errors, e.g. "mnist-cnn (spinal head)".</param>
    public static void Load(nn.Module model, IReadOnlyDictionary<string, Tensor> tensors, string source, string network,
        Func<string, string?>? nameOf = null)
    {
        var pairs = new List<(Tensor Ours, Tensor Theirs)>();
        var used = new HashSet<string>();
        foreach (var (ourKey, ours) in model.state_dict())
        {
            var key = nameOf is null ? ourKey : nameOf(ourKey)
                ?? throw new InvalidOperationException($"{network}: no name for '{ourKey}' in the key map (map incomplete)");
            if (!tensors.TryGetValue(key, out var tensor))
                throw new InvalidDataException(
                    $"{source}: missing key '{key}' that {network} needs; a state dict of another network?");
            if (!tensor.shape.SequenceEqual(ours.shape))
                throw new InvalidDataException(
                    $"{source}: key '{key}' has shape [{string.Join(", ", tensor.shape)}] but {network} needs " +
                    $"[{string.Join(", ", ours.shape)}] (another width or class count?)");
            if (!used.Add(key))
                throw new InvalidOperationException($"{network}: key map sends two keys to '{key}'");
            pairs.Add((ours, tensor));
        }
        var extra = tensors.Keys.FirstOrDefault(k => !used.Contains(k));
        if (extra is not null)
            throw new InvalidDataException(
                $"{source}: unexpected key '{extra}', not part of {network}; a state dict of another network?");

        using var noGrad = torch.no_grad();
        foreach (var (ours, tensor) in pairs) ours.copy_(tensor.to(ours.dtype, ours.device));
    }

    static bool StartsWithZipHeader(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(head) == 4 && head.SequenceEqual("PK\u0003\u0004"u8);
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
