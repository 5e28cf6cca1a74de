// torchvision's EfficientNet-B0..B3 (docs/transfer.md §11.4): one table of MBConv stages (torchvision's
// _efficientnet_conf: expand ratio, kernel, stride, channels in/out, layers) scaled per variant by a width and a depth
// multiplier, with torchvision's names (features.0.0 stem conv, features.S.B.block.N, the squeeze-excitation's fc1/fc2,
// `classifier.1`), so the backbone's state dict is torchvision's without `classifier`:
//   stem      Conv2dNormActivation 3×3/2 3→32·w, BN, SiLU
//   MBConv    [expand 1×1 → BN → SiLU where the ratio is not 1] → depthwise k×k (stride) → BN → SiLU →
//             squeeze-excitation (squeeze = in / 4, SiLU, sigmoid) → project 1×1 → BN; the input added where the
//             stride is 1 and the channels stay, behind stochastic depth 0.2 · block / blocks
//   end       Conv2dNormActivation 1×1 → 4 · last channels, BN, SiLU → global average pool → flatten
//   head      `classifier` Dropout(p) → Linear(features → C), p = 0.2 (B0, B1) or 0.3 (B2, B3)
// Channels are _make_divisible(c · width, 8), layers ceil(n · depth); batch norm has PyTorch's defaults (eps 1e-5).
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>One torchvision EfficientNet: width and depth multipliers and the classifier's dropout.</summary>
public sealed record ImageNetEfficientNetConfig(double Width, double Depth, double Dropout)
{
    /// <summary>torchvision's base stages: expand ratio, kernel, stride, in, out, layers.</summary>
    public static readonly (int Expand, int Kernel, int Stride, int In, int Out, int Layers)[] Stages =
    [
        (1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
        (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1),
    ];

    public int Channels(int c) => ImageNetBlocks.MakeDivisible(c * Width);

    public int Layers(int n) => (int)Math.Ceiling(n * Depth);

    /// <summary>The features the head reads: 4 × the last stage's channels.</summary>
    public int Features => 4 * Channels(Stages[^1].Out);
}

/// <summary>The torchvision EfficientNet backbones: features, global average pool, flatten.</summary>
public static class ImageNetEfficientNet
{
    /// <summary>The stochastic depth of the last block (torchvision's stochastic_depth_prob).</summary>
    public const double StochasticDepth = 0.2;

    /// <summary>torchvision's variants by name.</summary>
    public static readonly IReadOnlyDictionary<string, ImageNetEfficientNetConfig> Variants =
        new Dictionary<string, ImageNetEfficientNetConfig>
        {
            ["efficientnet_b0"] = new(1.0, 1.0, 0.2),
            ["efficientnet_b1"] = new(1.0, 1.1, 0.2),
            ["efficientnet_b2"] = new(1.1, 1.2, 0.3),
            ["efficientnet_b3"] = new(1.2, 1.4, 0.3),
        };

    static nn.Module<Tensor, Tensor> Norm(int c) => nn.BatchNorm2d(c);

    static nn.Module<Tensor, Tensor> Silu() => nn.SiLU();

    /// <summary>[batch, 3, H, W] → [batch, features].</summary>
    public static nn.Module<Tensor, Tensor> Backbone(ImageNetEfficientNetConfig config)
    {
        var features = new List<nn.Module<Tensor, Tensor>>
        {
            ImageNetBlocks.ConvNormActivation(3, config.Channels(ImageNetEfficientNetConfig.Stages[0].In), 3, stride: 2, norm: Norm,
                activation: Silu),
        };
        int total = ImageNetEfficientNetConfig.Stages.Sum(s => config.Layers(s.Layers)), index = 0;
        foreach (var stage in ImageNetEfficientNetConfig.Stages)
        {
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (int b = 0; b < config.Layers(stage.Layers); b++, index++)
            {
                int inChannels = config.Channels(b == 0 ? stage.In : stage.Out), outChannels = config.Channels(stage.Out);
                int stride = b == 0 ? stage.Stride : 1;
                int expanded = ImageNetBlocks.MakeDivisible(inChannels * (double)stage.Expand);
                blocks.Add(new InvertedResidual(new[]
                {
                    expanded != inChannels
                        ? ImageNetBlocks.ConvNormActivation(inChannels, expanded, 1, norm: Norm, activation: Silu)
                        : null,
                    ImageNetBlocks.ConvNormActivation(expanded, expanded, stage.Kernel, stride, groups: expanded,
                        norm: Norm, activation: Silu),
                    new SqueezeExcitation(expanded, Math.Max(1, inChannels / 4), Silu, () => nn.Sigmoid()),
                    ImageNetBlocks.ConvNormActivation(expanded, outChannels, 1, norm: Norm),
                }.OfType<nn.Module<Tensor, Tensor>>(), stride == 1 && inChannels == outChannels,
                    StochasticDepth * index / total));
            }
            features.Add(VggFeatures.Numbered(blocks));
        }
        int last = config.Channels(ImageNetEfficientNetConfig.Stages[^1].Out);
        features.Add(ImageNetBlocks.ConvNormActivation(last, config.Features, 1, norm: Norm, activation: Silu));
        var backbone = nn.Sequential(("features", VggFeatures.Numbered(features)), ("avgpool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()));
        ImageNetResNet.InitializeConvolutions(backbone);
        return backbone;
    }
}
