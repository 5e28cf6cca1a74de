// The ImageNet weights that --pretrained reads from the local cache, as use cases, behind `spinalnet weights list |
// download | import` (docs/pretrained.md §12.2, §12.4): where each architecture's weights are, torchvision's file
// downloaded into the cache and checked against the SHA-256 prefix in its name, and a state dict stored in the cache
// once it fills the architecture's backbone strictly.
using SpinalNet.Data;
using SpinalNet.Interop;

namespace SpinalNet.Runs;

/// <summary>The cache folder and where each architecture's ImageNet weights are.</summary>
public sealed record WeightsListing(string Folder, IReadOnlyList<PretrainedStatus> Architectures)
{
    /// <summary>Each architecture, where its weights come from and its file, as `spinalnet weights list` shows them.</summary>
    public TextTable Table => new(["architecture", "source", "file"],
        Architectures.Select(s => new[] { s.Architecture, s.Source, s.File ?? "" }));
}

/// <summary>The ImageNet weights of the backbones: list, download, import (`spinalnet weights`).</summary>
public static class ImageNetWeights
{
    /// <summary>The environment variables of the cache folder and of the download server.</summary>
    public const string FolderVariable = PretrainedWeights.FolderVariable, UrlVariable = PretrainedWeights.UrlVariable;

    /// <summary>torchvision's server.</summary>
    public const string DefaultBaseUrl = PretrainedWeights.DefaultBaseUrl;

    /// <summary>Each architecture with ImageNet weights and the file --pretrained reads, from the default
    /// cache.</summary>
    public static WeightsListing List() => new(PretrainedWeights.DefaultFolder, PretrainedWeights.List());

    /// <summary>Downloads torchvision's file of <paramref name="architecture"/> into <paramref name="folder"/>
    /// (default: the cache), checked against the SHA-256 prefix in its name; returns its path.</summary>
    public static string Download(string architecture, string? folder = null,
        Action<DownloadProgress>? progress = null, Action<string>? log = null) =>
        DataSets.Downloading(progress, log, downloader => PretrainedWeights.Download(architecture, downloader, folder));

    /// <summary>Checks that the state dict in <paramref name="file"/> fills <paramref name="architecture"/>'s backbone
    /// strictly and stores it in <paramref name="folder"/> (default: the cache) as ARCH.safetensors; returns its
    /// path.</summary>
    public static string Import(string file, string architecture, string? folder = null)
    {
        if (folder is not null) RunDirectory.CheckWritable(folder);  // before the file is read
        return PretrainedWeights.Import(file, architecture, folder);
    }
}
