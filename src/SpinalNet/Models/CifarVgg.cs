// VGG with batch norm for CIFAR (docs/networks.md §2.4): torchvision's configurations A/B/D/E (VGG-11/13/16/19, see
// VggFeatures) on 32×32×3 → 512×1×1 = 512 features. Heads (logits, cross-entropy):
//   default  Linear 512→4096 → ReLU → Dropout 0.5 → Linear 4096→4096 → ReLU → Dropout 0.5 → Linear 4096→C
//   Spinal   k = 2 (s = 256), w = 512, L = 4, each Dropout 0.5 → Linear → ReLU (no batch norm);
//            output Dropout 0.5 → Linear 2048→C
// The authors' names: features.N (nn.Sequential), classifier.{0,3,6}, fc_spinal_layer1..4.1, fc_out.1.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>The shape of a CIFAR VGG (the head and the classes are the network choice's).</summary>
/// <param name="Depth">11, 13, 16 or 19 (the scripts use 19).</param>
/// <param name="Hidden">The default head's hidden width.</param>
/// <param name="Cfg">A feature configuration replacing the depth's (small test networks with the same structure).</param>
public sealed record CifarVggConfig(int Depth = 19, int Hidden = 4096, int[]? Cfg = null)
{
    public int[] FeatureCfg => Cfg ?? VggFeatures.ForDepth(Depth);

    public int Features => VggFeatures.OutChannels(3, FeatureCfg);

    public FullyConnectedConfig DefaultHead(int classes) =>
        new(Features, [Hidden, Hidden], classes, InputDropout: [0, 0.5, 0.5]);
}

/// <summary>VGG with batch norm for CIFAR, with either head.</summary>
public static class CifarVgg
{
    /// <summary>The scripts' head: w = 512, L = 4, dropout 0.5.</summary>
    public static readonly SpinalSettings PaperSpinal = new(Width: 512, Layers: 4, Dropout: 0.5);

    /// <summary>The network of <paramref name="choice"/> in the shape of <paramref name="config"/>.</summary>
    public static ClassifierNetwork Create(NetworkChoice choice, CifarVggConfig config) => new(
        nn.Sequential(("features", VggFeatures.Create(3, config.FeatureCfg)), ("flatten", nn.Flatten())),
        ClassifierNetwork.HeadOf(choice.Head, choice.Spinal.For(config.Features, choice.Classes),
            config.DefaultHead(choice.Classes)),
        logSoftmax: false);

    public static AuthorsKeys Keys(HeadKind head) => head == HeadKind.Spinal
        ? new AuthorsKeys().Module("backbone", "").SpinalSequentials("head", linear: 1)
        : new AuthorsKeys().Module("backbone", "")
            .FullyConnected("head", ["classifier.0", "classifier.3"], null, "classifier.6");
}
