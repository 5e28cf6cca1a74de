// Weights in and out under the authors' PyTorch key names (docs/networks.md §2): a state dict their scripts save with
// torch.save(model.state_dict(), path) loads into our network through the architecture's AuthorsKeys map, and the same
// map writes our weights back under their names, as .pt (loadable by their module's load_state_dict) or safetensors.
// Reading, writing and the strict checks are WeightsFile's; this file is only the renaming.
using SpinalNet.Models;
using static TorchSharp.torch;

namespace SpinalNet.Interop;

/// <summary>Weights in and out under the authors' PyTorch key names.</summary>
public static class AuthorsWeights
{
    /// <summary>Loads an authors' state dict file into <paramref name="model"/>, the network of
    /// <paramref name="network"/>.</summary>
    public static void Load(NetworkChoice network, nn.Module model, string path)
    {
        var keys = network.AuthorsKeys;
        var theirs = WeightsFile.Read(path);
        try
        {
            Load(model, keys, theirs, path, network.Title);
        }
        finally
        {
            foreach (var t in theirs.Values) t.Dispose();
        }
    }

    /// <summary>Loads weights for <paramref name="model"/> from either kind of file: this project's own
    /// (model.safetensors of a run, our key names) or the authors' state dict (.pt, or safetensors under their names),
    /// told apart by the key names.</summary>
    public static void LoadAny(NetworkChoice network, nn.Module model, string path)
    {
        if (WeightsFile.FormatOf(path) == WeightsFormat.Safetensors && File.Exists(path))
        {
            var ours = model.state_dict().Keys.ToHashSet();
            var stored = WeightsFile.Read(path);
            try
            {
                if (stored.Keys.Any(ours.Contains))
                {
                    WeightsFile.Load(model, stored, path, network.Title);
                    return;
                }
            }
            finally
            {
                foreach (var t in stored.Values) t.Dispose();
            }
        }
        Load(network, model, path);
    }

    /// <summary>Copies <paramref name="theirs"/> into <paramref name="model"/> through <paramref name="keys"/>,
    /// strictly; nothing is changed unless every key fits.</summary>
    public static void Load(nn.Module model, AuthorsKeys keys, IReadOnlyDictionary<string, Tensor> theirs, string source,
        string network) => WeightsFile.Load(model, theirs, source, network, keys.Theirs);

    /// <summary>Our weights under the authors' names, in our state-dict order (copies on the CPU).</summary>
    public static Dictionary<string, Tensor> ToAuthors(nn.Module model, AuthorsKeys keys) =>
        model.state_dict().ToDictionary(
            p => keys.Theirs(p.Key) ?? throw new InvalidOperationException($"no authors' name for '{p.Key}'"),
            p => p.Value.detach().cpu().clone());

    /// <summary>Writes <paramref name="model"/>'s weights under the authors' names (atomically).</summary>
    public static void Save(NetworkChoice network, nn.Module model, string path, WeightsFormat format) =>
        Save(model, network.AuthorsKeys, path, format);

    public static void Save(nn.Module model, AuthorsKeys keys, string path, WeightsFormat format)
    {
        var dict = ToAuthors(model, keys);
        try
        {
            WeightsFile.Write(dict, path, format);
        }
        finally
        {
            foreach (var t in dict.Values) t.Dispose();
        }
    }
}
