// The "CNN dropout" network of the CIFAR experiments (docs/networks.md §2.4), 32×32×3 → 256×4×4 = 4,096 features:
//   [conv 3→32, BN, ReLU, conv 32→64, ReLU, maxpool 2] [conv 64→128, BN, ReLU, conv 128→128, ReLU, maxpool 2,
//   Dropout2d 0.05] [conv 128→256, BN, ReLU, conv 256→256, ReLU, maxpool 2], all convolutions 3×3, padding 1.
// Heads (logits, cross-entropy):
//   default  Dropout 0.1 → Linear 4096→1024 → ReLU → Linear 1024→512 → ReLU → Dropout 0.1 → Linear 512→C
//   Spinal   k = 2 (s = 2048), w = 128 (CIFAR-10) or 256 (CIFAR-100), L = 4, each Dropout 0.1 → Linear → ReLU;
//            output Dropout 0.1 → Linear 4w→C
// The authors' names: conv_layer.N (nn.Sequential), fc_layer.{1,3,6}, fc_spinal_layer1..4.1, fc_out.1.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>The shape of the CIFAR CNN (the head and the classes are the network choice's).</summary>
/// <param name="Channels">Output channels of the six convolutions (the paper's by default; smaller ones make small
/// test networks with the same structure).</param>
/// <param name="Hidden">Widths of the default head's two hidden layers.</param>
public sealed record CifarCnnConfig(int[]? Channels = null, int[]? Hidden = null)
{
    public int[] ConvChannels => Channels ?? [32, 64, 128, 128, 256, 256];

    public int Features => ConvChannels[5] * 4 * 4;

    public FullyConnectedConfig DefaultHead(int classes) =>
        new(Features, Hidden ?? [1024, 512], classes, InputDropout: [0.1, 0, 0.1]);
}

/// <summary>The CNN of the CIFAR experiments, with either head.</summary>
public static class CifarCnn
{
    /// <summary>The scripts' head: w = 128 (CIFAR-10) or 256 (CIFAR-100), L = 4, dropout 0.1.</summary>
    public static SpinalSettings PaperSpinal(int width) => new(width, Layers: 4, Dropout: 0.1);

    public static nn.Module<Tensor, Tensor> Backbone(CifarCnnConfig config)
    {
        var c = config.ConvChannels;
        nn.Module<Tensor, Tensor> Conv(int from, int to) => nn.Conv2d(from, to, 3, padding: 1);
        return nn.Sequential(
            ("conv_layer", VggFeatures.Numbered([
                Conv(3, c[0]), nn.BatchNorm2d(c[0]), nn.ReLU(), Conv(c[0], c[1]), nn.ReLU(), new MaxPool2x2(),
                Conv(c[1], c[2]), nn.BatchNorm2d(c[2]), nn.ReLU(), Conv(c[2], c[3]), nn.ReLU(), new MaxPool2x2(),
                nn.Dropout2d(0.05),
                Conv(c[3], c[4]), nn.BatchNorm2d(c[4]), nn.ReLU(), Conv(c[4], c[5]), nn.ReLU(), new MaxPool2x2(),
            ])),
            ("flatten", nn.Flatten()));
    }

    /// <summary>The network of <paramref name="choice"/> in the shape of <paramref name="config"/>.</summary>
    public static ClassifierNetwork Create(NetworkChoice choice, CifarCnnConfig config) => new(
        Backbone(config),
        ClassifierNetwork.HeadOf(choice.Head, choice.Spinal.For(config.Features, choice.Classes),
            config.DefaultHead(choice.Classes)),
        logSoftmax: false);

    public static AuthorsKeys Keys(HeadKind head) => head == HeadKind.Spinal
        ? new AuthorsKeys().Module("backbone", "").SpinalSequentials("head", linear: 1)
        : new AuthorsKeys().Module("backbone", "").FullyConnected("head", ["fc_layer.1", "fc_layer.3"], null, "fc_layer.6");
}
