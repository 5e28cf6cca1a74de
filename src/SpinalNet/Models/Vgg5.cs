// VGG-5 of the MNIST-family experiments (docs/networks.md §2.3): four blocks of 3×3 conv → BN2d → ReLU ending in a
// 2×2 max pool, (1→64→64), (64→128→128), (128→256→256→256), (256→256→256→256), 28 → 14 → 7 → 3 → 1, so 256 features.
// Convolutions start from N(0, sqrt(2 / (3·3·out_channels))), batch norms from γ = 1, β = 0. Heads (log_softmax):
//   default  Dropout 0.5 → Linear 256→512 → BN1d → ReLU → Dropout 0.5 → Linear 512→C     137,738 parameters, C = 10
//   Spinal   k = 2 (s = 128), w = 128, L = 4, each layer Dropout 0.5 → Linear → BN1d → ReLU;
//            output Dropout 0.5 → Linear 512→C                                            121,354 parameters, C = 10
// The authors' names: blocks l1..l4 (nn.Sequential), classifier.{1,2,5}, fc_spinal_layer1..4.{1,2}, fc_out.1.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>The shape of a VGG-5 (the head and the classes are the network choice's).</summary>
/// <param name="Blocks">Output channels of each convolution, per block (the paper's by default; smaller ones make
/// small test networks with the same structure).</param>
/// <param name="Hidden">The default head's hidden width.</param>
public sealed record Vgg5Config(int[][]? Blocks = null, int Hidden = 512)
{
    public static readonly int[][] PaperBlocks = [[64, 64], [128, 128], [256, 256, 256], [256, 256, 256]];

    public int[][] ConvBlocks => Blocks ?? PaperBlocks;

    public int Features => ConvBlocks[^1][^1];

    public FullyConnectedConfig DefaultHead(int classes) =>
        new(Features, [Hidden], classes, InputDropout: [0.5, 0.5], BatchNorm: true);
}

/// <summary>VGG-5 of the MNIST-family experiments, with either head.</summary>
public static class Vgg5
{
    /// <summary>The scripts' head: w = 128, L = 4, dropout 0.5, batch norm.</summary>
    public static readonly SpinalSettings PaperSpinal = new(Width: 128, Layers: 4, Dropout: 0.5, BatchNorm: true);

    public static nn.Module<Tensor, Tensor> Backbone(Vgg5Config config)
    {
        var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
        int channels = 1;
        foreach (var (block, i) in config.ConvBlocks.Select((b, i) => (b, i)))
        {
            blocks.Add(($"l{i + 1}", VggFeatures.Create(channels, block.Append(VggFeatures.Pool))));
            channels = block[^1];
        }
        blocks.Add(("flatten", nn.Flatten()));
        var backbone = nn.Sequential(blocks.ToArray());
        Initialize(backbone);
        return backbone;
    }

    /// <summary>docs/networks.md §2.3: conv weights ~ N(0, sqrt(2 / (k·k·out_channels))), BN γ = 1, β = 0.</summary>
    static void Initialize(nn.Module backbone)
    {
        using var noGrad = torch.no_grad();
        foreach (var module in backbone.modules())
        {
            if (module is TorchSharp.Modules.Conv2d conv)
            {
                var w = conv.weight!;
                double n = w.shape[2] * w.shape[3] * w.shape[0];
                w.normal_(0, Math.Sqrt(2 / n));
            }
            else if (module is TorchSharp.Modules.BatchNorm2d bn)
            {
                bn.weight!.fill_(1);
                bn.bias!.zero_();
            }
        }
    }

    /// <summary>The network of <paramref name="choice"/> (C: 10, or 62 in the EMNIST-letters script) in the shape of
    /// <paramref name="config"/>.</summary>
    public static ClassifierNetwork Create(NetworkChoice choice, Vgg5Config config) => new(
        Backbone(config),
        ClassifierNetwork.HeadOf(choice.Head, choice.Spinal.For(config.Features, choice.Classes),
            config.DefaultHead(choice.Classes)),
        logSoftmax: true);

    public static AuthorsKeys Keys(HeadKind head) => head == HeadKind.Spinal
        ? new AuthorsKeys().Module("backbone", "")
            .SpinalSequentials("head", linear: 1, norm: 2)
        : new AuthorsKeys().Module("backbone", "")
            .FullyConnected("head", ["classifier.1"], ["classifier.2"], "classifier.5");
}
