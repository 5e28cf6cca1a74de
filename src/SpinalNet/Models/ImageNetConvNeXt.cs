// torchvision's ConvNeXt-T/S/B (docs/transfer.md §11.4): one table of stages per variant (channels, blocks), as
// torchvision's CNBlockConfig lists them, with torchvision's names (features.0 stem, features.1.0.block.0 depthwise
// convolution, features.1.0.layer_scale, features.2 downsampling, classifier.0 LayerNorm2d, `classifier.2`):
//   stem        conv 4×4/4 3→C₁ (with bias) → LayerNorm2d
//   CNBlock     depthwise conv 7×7 (bias) → channels last → LayerNorm → Linear C→4C → GELU → Linear 4C→C → channels
//               first, times layer_scale (1e-6 at initialisation), behind stochastic depth, plus the input
//   downsample  LayerNorm2d → conv 2×2/2 between stages
//   end         global average pool → `classifier.0` LayerNorm2d → flatten; the head is `classifier.2`
//               Linear(features → C), so a Spinal head reads the normalised, flattened features
// Layer norms have eps 1e-6; stochastic depth grows linearly to 0.1 (T), 0.4 (S), 0.5 (B) over the blocks.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>One torchvision ConvNeXt: channels and blocks per stage, the last block's stochastic depth.</summary>
public sealed record ImageNetConvNeXtConfig(int[] Channels, int[] Blocks, double StochasticDepth)
{
    /// <summary>The features the head reads: the last stage's channels.</summary>
    public int Features => Channels[^1];
}

/// <summary>torchvision's CNBlock.</summary>
public sealed class ConvNeXtBlock : nn.Module<Tensor, Tensor>, SpinalNet.Layers.IMultiplies
{
    /// <summary>The layer scale: one multiplication per output element.</summary>
    public long Multiplications(Tensor output) => output.numel() / output.shape[0];

    readonly TorchSharp.Modules.Parameter layer_scale;
    readonly nn.Module<Tensor, Tensor> block, stochastic_depth;

    public ConvNeXtBlock(int channels, double stochasticDepth) : base(nameof(ConvNeXtBlock))
    {
        layer_scale = new TorchSharp.Modules.Parameter(torch.full([channels, 1, 1], 1e-6));
        block = VggFeatures.Numbered([
            nn.Conv2d(channels, channels, 7, padding: 3, groups: channels), new Permute(0, 2, 3, 1),
            nn.LayerNorm(channels, eps: 1e-6), nn.Linear(channels, 4 * channels), nn.GELU(),
            nn.Linear(4 * channels, channels), new Permute(0, 3, 1, 2),
        ]);
        stochastic_depth = new StochasticDepth(stochasticDepth);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => stochastic_depth.call(block.call(x).mul(layer_scale)).add(x);
}

/// <summary>The torchvision ConvNeXt backbones: features, global average pool, LayerNorm2d, flatten.</summary>
public static class ImageNetConvNeXt
{
    /// <summary>torchvision's variants by name.</summary>
    public static readonly IReadOnlyDictionary<string, ImageNetConvNeXtConfig> Variants =
        new Dictionary<string, ImageNetConvNeXtConfig>
        {
            ["convnext_tiny"] = new([96, 192, 384, 768], [3, 3, 9, 3], 0.1),
            ["convnext_small"] = new([96, 192, 384, 768], [3, 3, 27, 3], 0.4),
            ["convnext_base"] = new([128, 256, 512, 1024], [3, 3, 27, 3], 0.5),
        };

    /// <summary>[batch, 3, H, W] → [batch, features].</summary>
    public static nn.Module<Tensor, Tensor> Backbone(ImageNetConvNeXtConfig config)
    {
        var features = new List<nn.Module<Tensor, Tensor>>
        {
            ImageNetBlocks.ConvNormActivation(3, config.Channels[0], 4, stride: 4, padding: 0, bias: true,
                norm: c => new LayerNorm2d(c)),
        };
        int total = config.Blocks.Sum(), index = 0;
        for (int stage = 0; stage < config.Blocks.Length; stage++)
        {
            int channels = config.Channels[stage];
            features.Add(VggFeatures.Numbered(Enumerable.Range(0, config.Blocks[stage])
                .Select(_ => new ConvNeXtBlock(channels, config.StochasticDepth * index++ / (total - 1.0))).ToList()));
            if (stage == config.Blocks.Length - 1) break;
            features.Add(VggFeatures.Numbered([new LayerNorm2d(channels),
                nn.Conv2d(channels, config.Channels[stage + 1], 2, stride: 2)]));
        }
        var backbone = nn.Sequential(("features", VggFeatures.Numbered(features)), ("avgpool", nn.AdaptiveAvgPool2d(1)),
            ("classifier", nn.Sequential(("0", new LayerNorm2d(config.Features)), ("1", nn.Flatten()))));
        TruncatedNormal(backbone);
        return backbone;
    }

    /// <summary>nn.init.trunc_normal_(weight, std = <paramref name="std"/>): normal, cut at ±2 (as PyTorch's absolute
    /// bounds).</summary>
    internal static void TruncatedNormal(Tensor weight, double std) => weight.normal_(0, std).clamp_(-2, 2);

    /// <summary>torchvision's initialisation of ConvNeXt and ViT-style layers: truncated normal (std 0.02) weights of
    /// the convolutions and linear maps, zero biases.</summary>
    internal static void TruncatedNormal(nn.Module module)
    {
        using var noGrad = torch.no_grad();
        foreach (var m in module.modules())
        {
            var (weight, bias) = m switch
            {
                TorchSharp.Modules.Conv2d c => (c.weight, c.bias),
                TorchSharp.Modules.Linear l => (l.weight, l.bias),
                _ => (null, null),
            };
            if (weight is null) continue;
            TruncatedNormal(weight, 0.02);
            bias?.zero_();
        }
    }
}
