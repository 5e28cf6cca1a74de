// ImageNet weights for a network's backbone, by the name of its architecture (docs/pretrained.md §12.2–§12.4), the
// head left new: torchvision's official files (downloaded with their SHA-256 prefix checked, or imported from a file the
// user has) in a local cache, and for resnet18-cntk the ONNX graph of the NuGet package (CntkResNet18). Loading goes
// through the one strict loader (WeightsFile.Load) on the backbone alone, through the network's key map: every backbone
// key is filled, every key of the file is used except those of torchvision's own head (`fc.*`, `classifier.*`), every
// shape is checked; a batch norm's num_batches_tracked missing from a file saved before PyTorch 0.4.1 starts at 0, as
// PyTorch itself loads such files. The offline weights live in the optional package SpinalNet.Pretrained, which registers
// them here (Packaged), so the core references neither it nor its 62 MB of ONNX files.
using SpinalNet.Data;
using SpinalNet.Models;
using static TorchSharp.torch;

using SpinalNet.Layers;

namespace SpinalNet.Interop;

/// <summary>An architecture's weights file as torchvision publishes it: `ARCH-XXXXXXXX.pth`, the X being the first
/// hex digits of the file's SHA-256.</summary>
public sealed record TorchvisionFile(string Architecture, string Name)
{
    /// <summary>The SHA-256 prefix in the name, which a download must match.</summary>
    public string Sha256Prefix => Path.GetFileNameWithoutExtension(Name).Split('-')[^1];

    /// <summary>Where torchvision's file is served (under $SPINALNET_WEIGHTS_URL where that is set).</summary>
    public string Url => PretrainedWeights.BaseUrl.TrimEnd('/') + "/" + Name;
}

/// <summary>Where one architecture's ImageNet weights are, if anywhere.</summary>
/// <param name="File">The file --pretrained reads (null: none yet).</param>
/// <param name="Source">imported, torchvision, the NuGet package, or missing.</param>
public sealed record PretrainedStatus(string Architecture, string? File, string Source);

/// <summary>Weights that come with a NuGet package rather than from the cache: the package's name, its graph file (a
/// FileNotFoundException naming what to add when missing) and its weights under torchvision's names.</summary>
public sealed record PackagedWeights(string Package, Func<string> File, Func<Dictionary<string, Tensor>> Read);

/// <summary>ImageNet weights by architecture: the cache, download, import, and strict loading into a backbone.</summary>
public static class PretrainedWeights
{
    /// <summary>The environment variables of the cache folder and of the download server.</summary>
    public const string FolderVariable = "SPINALNET_WEIGHTS", UrlVariable = "SPINALNET_WEIGHTS_URL";

    /// <summary>torchvision's server.</summary>
    public const string DefaultBaseUrl = "https://download.pytorch.org/models/";

    /// <summary>The architecture whose weights come from the NuGet package (CntkResNet18), not from the cache.</summary>
    public const string Offline = "resnet18-cntk";

    /// <summary>Where <see cref="Offline"/>'s weights come from: set by SpinalNet.Pretrained's
    /// CntkResNet18.Register (the spinalnet tool calls it at start).</summary>
    public static PackagedWeights? Packaged { get; set; }

    /// <summary>The package that carries <see cref="Offline"/>'s weights.</summary>
    public const string OfflinePackage = "SpinalNet.Pretrained";

    static PackagedWeights OfflineSource => Packaged ?? throw new FileNotFoundException(
        $"{Offline}'s weights come with the package {OfflinePackage}: reference it and call " +
        "SpinalNet.Pretrained.CntkResNet18.Register() before loading them (the spinalnet tool does)");

    /// <summary>torchvision's IMAGENET1K_V1 files (torchvision/models/*.py).</summary>
    public static readonly IReadOnlyList<TorchvisionFile> Torchvision = new (string, string)[]
    {
        ("resnet18", "resnet18-f37072fd.pth"), ("resnet34", "resnet34-b627a593.pth"),
        ("resnet50", "resnet50-0676ba61.pth"), ("resnet101", "resnet101-63fe2227.pth"),
        ("resnet152", "resnet152-394f9c45.pth"), ("wide_resnet50_2", "wide_resnet50_2-95faca4d.pth"),
        ("wide_resnet101_2", "wide_resnet101_2-32ee1156.pth"), ("resnext50_32x4d", "resnext50_32x4d-7cdf4587.pth"),
        ("vgg16_bn", "vgg16_bn-6c64b313.pth"), ("vgg19_bn", "vgg19_bn-c79401a0.pth"),
        ("alexnet", "alexnet-owt-7be5be79.pth"),
        ("densenet121", "densenet121-a639ec97.pth"), ("densenet169", "densenet169-b2777c0a.pth"),
        ("densenet201", "densenet201-c1103571.pth"),
        ("efficientnet_b0", "efficientnet_b0_rwightman-3dd342df.pth"),
        ("efficientnet_b1", "efficientnet_b1_rwightman-533bc792.pth"),
        ("efficientnet_b2", "efficientnet_b2_rwightman-bcdf34b7.pth"),
        ("efficientnet_b3", "efficientnet_b3_rwightman-cf984f9c.pth"),
        ("mobilenet_v3_large", "mobilenet_v3_large-8738ca79.pth"),
        ("mobilenet_v3_small", "mobilenet_v3_small-047dcff4.pth"),
        ("convnext_tiny", "convnext_tiny-983f1562.pth"), ("convnext_small", "convnext_small-0c510722.pth"),
        ("convnext_base", "convnext_base-6075fbad.pth"),
        ("vit_b_16", "vit_b_16-c867db91.pth"), ("vit_b_32", "vit_b_32-d86f8d99.pth"),
        ("vit_l_16", "vit_l_16-852ce7e3.pth"),
        ("swin_t", "swin_t-704ceda3.pth"), ("swin_s", "swin_s-5e29d889.pth"), ("swin_b", "swin_b-68c6b09e.pth"),
    }.Select(f => new TorchvisionFile(f.Item1, f.Item2)).ToArray();

    /// <summary>The cache: $SPINALNET_WEIGHTS, else $XDG_CACHE_HOME/spinalnet/weights, else
    /// ~/.cache/spinalnet/weights.</summary>
    public static string DefaultFolder =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder ? folder
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "spinalnet", "weights");

    /// <summary>torchvision's server, or $SPINALNET_WEIGHTS_URL (a mirror).</summary>
    public static string BaseUrl => Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : DefaultBaseUrl;

    /// <summary>The architectures with ImageNet weights, in catalogue order.</summary>
    public static IReadOnlyList<string> Architectures =>
        ModelCatalog.All.Where(s => s.ImageNet is not null).Select(s => s.ImageNet!.Architecture).Distinct().ToList();

    /// <summary>The file `weights import` writes for an architecture.</summary>
    public static string ImportedName(string architecture) => $"{architecture}.safetensors";

    /// <summary>Where each architecture's weights are: an imported file first, then torchvision's file, then (for
    /// resnet18-cntk) the NuGet package.</summary>
    public static IReadOnlyList<PretrainedStatus> List(string? folder = null) =>
        Architectures.Select(a => Status(a, folder ?? DefaultFolder)).ToList();

    static PretrainedStatus Status(string architecture, string folder)
    {
        string imported = Path.Combine(folder, ImportedName(architecture));
        if (File.Exists(imported)) return new(architecture, imported, "imported");
        if (architecture == Offline)
        {
            try { return new(architecture, OfflineSource.File(), Package); }
            catch (FileNotFoundException) { return new(architecture, null, "missing"); }
        }
        string official = Path.Combine(folder, FileOf(architecture).Name);
        return File.Exists(official) ? new(architecture, official, "torchvision") : new(architecture, null, "missing");
    }

    static string Package => $"NuGet package {Packaged?.Package ?? OfflinePackage}";

    static TorchvisionFile FileOf(string architecture) =>
        Torchvision.FirstOrDefault(f => f.Architecture == architecture)
        ?? throw new ArgumentException(architecture == Offline
            ? $"{Offline}'s weights come with the NuGet package {Packaged?.Package ?? OfflinePackage}; there is nothing to download"
            : $"no ImageNet weights for '{architecture}' (architectures: {string.Join(", ", Architectures)})", "model");

    /// <summary>The ImageNet architecture of a network, or a one-line error for one trained from scratch.</summary>
    public static ImageNetBackbone ImageNetOf(ModelSpec spec) => spec.ImageNet ?? throw new SettingException(
        "Pretrained", $"{spec.Name} has no ImageNet weights (networks with them: {string.Join(", ", Architectures)})");

    /// <summary>Where --pretrained reads <paramref name="spec"/>'s weights, or a one-line error saying how to get
    /// them.</summary>
    public static PretrainedStatus Locate(ModelSpec spec, string? folder = null)
    {
        var architecture = ImageNetOf(spec).Architecture;
        folder ??= DefaultFolder;
        var status = Status(architecture, folder);
        if (status.File is not null) return status;
        if (architecture == Offline) _ = OfflineSource.File();  // its error names the package
        throw new FileNotFoundException($"--pretrained: no ImageNet weights for {architecture} in {folder} (looked for " +
            $"{ImportedName(architecture)} and {FileOf(architecture).Name}); get them with `spinalnet weights download " +
            $"{architecture}` or `spinalnet weights import FILE --model {architecture}`",
            Path.Combine(folder, FileOf(architecture).Name));
    }

    /// <summary>Fills <paramref name="network"/>'s backbone with its ImageNet weights, strictly; the head is left as
    /// built.</summary>
    public static void Load(ClassifierNetwork network, ModelSpec spec, string? folder = null)
    {
        var (_, path, source) = Locate(spec, folder);
        var tensors = source == Package ? OfflineSource.Read() : WeightsFile.Read(path!);
        try
        {
            LoadBackbone(network, spec, tensors, path!);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Copies a torchvision-named state dict into the backbone of <paramref name="network"/> through the
    /// network's key map: strict, but for torchvision's own head, whose keys are left out.</summary>
    public static void LoadBackbone(ClassifierNetwork network, ModelSpec spec, IReadOnlyDictionary<string, Tensor> tensors,
        string source)
    {
        var imageNet = ImageNetOf(spec);
        var keys = spec.Network(HeadKind.Fc).AuthorsKeys;
        string? NameOf(string ours) => keys.Theirs($"backbone.{ours}");
        var backbone = tensors.Select(t => (Key: CurrentName(t.Key), t.Value))
            .Where(t => t.Key != imageNet.HeadKey && !t.Key.StartsWith(imageNet.HeadKey + "."))
            .ToDictionary(t => t.Key, t => t.Value);
        var added = new List<Tensor>();
        foreach (var ours in network.Backbone.state_dict().Keys.Where(k => k.EndsWith(".num_batches_tracked")))
            if (NameOf(ours) is { } theirs && !backbone.ContainsKey(theirs)
                && backbone.ContainsKey(theirs.Replace("num_batches_tracked", "running_mean")))
                added.Add(backbone[theirs] = zeros([], ScalarType.Int64));
        try
        {
            WeightsFile.Load(network.Backbone, backbone, source, $"{imageNet.Architecture}'s backbone", NameOf);
        }
        finally
        {
            foreach (var t in added) t.Dispose();
        }
    }

    /// <summary>The names torchvision's older files use, as torchvision renames them when it loads them: DenseNet's
    /// `denselayerN.norm.1` → `denselayerN.norm1` (and conv, relu), ViT's `mlp.linear_1` / `mlp.linear_2` →
    /// `mlp.0` / `mlp.3`; any other key is unchanged.</summary>
    public static string CurrentName(string key) =>
        LegacyMlp.Replace(LegacyDenseLayer.Replace(key, "$1$2"), m => m.Groups[1].Value == "1" ? "mlp.0." : "mlp.3.");

    static readonly System.Text.RegularExpressions.Regex LegacyDenseLayer =
        new(@"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var|num_batches_tracked))$");

    static readonly System.Text.RegularExpressions.Regex LegacyMlp = new(@"mlp\.linear_([12])\.");

    /// <summary>Downloads torchvision's file for <paramref name="architecture"/> into the cache (or
    /// <paramref name="folder"/>), checking its SHA-256 prefix; returns its path.</summary>
    public static string Download(string architecture, Downloader downloader, string? folder = null,
        CancellationToken cancel = default) => Download(FileOf(architecture), downloader, folder, cancel);

    /// <summary>Downloads one file through a temporary name, renamed into place once its SHA-256 matches.</summary>
    public static string Download(TorchvisionFile file, Downloader downloader, string? folder = null,
        CancellationToken cancel = default) =>
        downloader.Download(new RemoteFile(file.Name, [file.Url], file.Sha256Prefix), folder ?? DefaultFolder, cancel);

    /// <summary>Checks that a state dict (.pth/.pt/.safetensors, torchvision's names) fills
    /// <paramref name="architecture"/>'s backbone strictly, on the meta device (no memory for the weights), and writes
    /// it to the cache as ARCH.safetensors, which --pretrained reads first; returns that path.</summary>
    public static string Import(string file, string architecture, string? folder = null)
    {
        var spec = ModelCatalog.All.FirstOrDefault(s => s.ImageNet?.Architecture == architecture)
                   ?? throw new ArgumentException($"--model {architecture} has no ImageNet weights (architectures: " +
                                                  $"{string.Join(", ", Architectures)})", "model");
        var tensors = WeightsFile.Read(file);
        try
        {
            spec.Network(HeadKind.Fc).OnMeta(network =>
            {
                LoadBackbone(network, spec, tensors, file);
                return 0;
            });
            string target = Path.Combine(folder ?? DefaultFolder, ImportedName(architecture));
            AtomicFile.CreateFolder(Path.GetDirectoryName(target)!);
            WeightsFile.Write(tensors, target, WeightsFormat.Safetensors);
            return target;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
