// How the authors' PyTorch modules name their weights (docs/networks.md §2: state dicts saved with
// torch.save(model.state_dict())), per architecture, as rules from our state-dict keys to theirs. The authors' scripts
// are not reproduced here: the names are reconstructed from the module structures docs/networks.md §2 describes
// (attribute names fc1, fc1_1, ..., fc_spinal_layerN, fc_out, classifier, features, conv_layer, fc_layer, l1..l4,
// conv2_x..conv5_x, and nn.Sequential indices), so each architecture states its naming as data next to its layers.
using System.Text.RegularExpressions;

namespace SpinalNet.Models;

/// <summary>How the authors' PyTorch modules name their weights, per architecture.</summary>
public sealed class AuthorsKeys
{
    readonly List<(Regex Ours, Func<Match, string> Theirs)> rules = [];

    /// <summary>Every key under our module <paramref name="ours"/> is the same key under theirs
    /// (empty <paramref name="theirs"/>: at the top level).</summary>
    public AuthorsKeys Module(string ours, string theirs) =>
        Add($@"^{Regex.Escape(ours)}\.(.+)$", m => Join(theirs, m.Groups[1].Value));

    /// <summary>A Spinal head (Layers/SpinalLayer.cs) under <paramref name="ours"/>: layer i's linear map and batch
    /// norm, and the output linear map (none in a stack without one), each named by the authors' attribute.</summary>
    public AuthorsKeys Spinal(string ours, Func<int, string> linear, Func<int, string>? norm, string? output)
    {
        var o = Regex.Escape(ours);
        Add($@"^{o}\.layers\.(\d+)\.linear\.(\w+)$", m => Join(linear(Index(m)), m.Groups[2].Value));
        if (norm is not null) Add($@"^{o}\.layers\.(\d+)\.norm\.(\w+)$", m => Join(norm(Index(m)), m.Groups[2].Value));
        return output is null ? this : Add($@"^{o}\.output\.linear\.(\w+)$", m => Join(output, m.Groups[1].Value));
    }

    /// <summary>The authors' nn.Sequential Spinal heads (VGG-5, CIFAR CNN / VGG / ResNet, the transfer heads): layer i
    /// is fc_spinal_layer{i+1}.{linear} (its BatchNorm1d, if any, at .{norm}), the output fc_out.{linear}, all under
    /// <paramref name="theirs"/> (e.g. "fc" where the head is a ResNet's fc; empty: at the top level).</summary>
    public AuthorsKeys SpinalSequentials(string ours, int linear, int? norm = null, string theirs = "") => Spinal(ours,
        i => Join(theirs, $"fc_spinal_layer{i + 1}.{linear}"),
        norm is null ? null : i => Join(theirs, $"fc_spinal_layer{i + 1}.{norm}"), Join(theirs, $"fc_out.{linear}"));

    /// <summary>A conventional head (Layers/FullyConnectedHead.cs) under <paramref name="ours"/>: hidden layer i's
    /// linear map and batch norm, and the output linear map.</summary>
    public AuthorsKeys FullyConnected(string ours, string[] linear, string[]? norm, string output) =>
        Spinal(ours, i => linear[i], norm is null ? null : i => norm[i], output);

    /// <summary>The authors' name for one of our state-dict keys, or null if no rule covers it.</summary>
    public string? Theirs(string ourKey)
    {
        foreach (var (ours, theirs) in rules)
        {
            var m = ours.Match(ourKey);
            if (m.Success) return theirs(m);
        }
        return null;
    }

    AuthorsKeys Add(string pattern, Func<Match, string> theirs)
    {
        rules.Add((new Regex(pattern, RegexOptions.CultureInvariant), theirs));
        return this;
    }

    static int Index(Match m) => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    static string Join(string prefix, string rest) => prefix.Length == 0 ? rest : $"{prefix}.{rest}";
}
