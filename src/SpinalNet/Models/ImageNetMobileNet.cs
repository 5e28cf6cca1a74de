// torchvision's MobileNetV3 large and small (docs/transfer.md §11.4): one table of bottleneck rows per variant, as
// torchvision's _mobilenet_v3_conf lists them (in, kernel, expanded, out, squeeze-excitation, Hardswish, stride), with
// torchvision's names (features.0.0 stem conv, features.N.block.M, the squeeze-excitation's fc1/fc2, classifier.0 and
// classifier.3), so the backbone's state dict is torchvision's without `classifier`:
//   stem        Conv2dNormActivation 3×3/2 3→16, BN (eps 0.001, momentum 0.01), Hardswish
//   bottleneck  [expand 1×1 → BN → φ where expanded ≠ in] → depthwise k×k (stride) → BN → φ → [squeeze-excitation
//               (squeeze = _make_divisible(expanded / 4, 8), ReLU, Hardsigmoid)] → project 1×1 → BN; the input added
//               where the stride is 1 and the channels stay; φ is ReLU ("RE") or Hardswish ("HS")
//   end         Conv2dNormActivation 1×1 → 6 · last channels (960 large, 576 small), Hardswish → global average pool
//   head        `classifier` Linear(features → 1280 large / 1024 small) → Hardswish → Dropout 0.2 → Linear(→ C)
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>One torchvision MobileNetV3: its bottleneck rows and the classifier's hidden width.</summary>
public sealed record ImageNetMobileNetConfig(
    (int In, int Kernel, int Expanded, int Out, bool Se, bool Hardswish, int Stride)[] Rows, int LastChannel)
{
    /// <summary>The features the head reads: 6 × the last row's channels.</summary>
    public int Features => 6 * Rows[^1].Out;

    /// <summary>torchvision's classifier with C outputs: Linear → Hardswish → Dropout 0.2 → Linear.</summary>
    public FullyConnectedConfig Classifier(int classes) =>
        new(Features, [LastChannel], classes, InputDropout: [0, 0.2], Activation: Activation.Hardswish);
}

/// <summary>The torchvision MobileNetV3 backbones: features, global average pool, flatten.</summary>
public static class ImageNetMobileNet
{
    const bool RE = false, HS = true;

    /// <summary>torchvision's variants by name.</summary>
    public static readonly IReadOnlyDictionary<string, ImageNetMobileNetConfig> Variants =
        new Dictionary<string, ImageNetMobileNetConfig>
        {
            ["mobilenet_v3_large"] = new([
                (16, 3, 16, 16, false, RE, 1), (16, 3, 64, 24, false, RE, 2), (24, 3, 72, 24, false, RE, 1),
                (24, 5, 72, 40, true, RE, 2), (40, 5, 120, 40, true, RE, 1), (40, 5, 120, 40, true, RE, 1),
                (40, 3, 240, 80, false, HS, 2), (80, 3, 200, 80, false, HS, 1), (80, 3, 184, 80, false, HS, 1),
                (80, 3, 184, 80, false, HS, 1), (80, 3, 480, 112, true, HS, 1), (112, 3, 672, 112, true, HS, 1),
                (112, 5, 672, 160, true, HS, 2), (160, 5, 960, 160, true, HS, 1), (160, 5, 960, 160, true, HS, 1),
            ], 1280),
            ["mobilenet_v3_small"] = new([
                (16, 3, 16, 16, true, RE, 2), (16, 3, 72, 24, false, RE, 2), (24, 3, 88, 24, false, RE, 1),
                (24, 5, 96, 40, true, HS, 2), (40, 5, 240, 40, true, HS, 1), (40, 5, 240, 40, true, HS, 1),
                (40, 5, 120, 48, true, HS, 1), (48, 5, 144, 48, true, HS, 1), (48, 5, 288, 96, true, HS, 2),
                (96, 5, 576, 96, true, HS, 1), (96, 5, 576, 96, true, HS, 1),
            ], 1024),
        };

    static nn.Module<Tensor, Tensor> Norm(int c) => nn.BatchNorm2d(c, eps: 0.001, momentum: 0.01);

    static nn.Module<Tensor, Tensor> Hardswish() => nn.Hardswish();

    /// <summary>[batch, 3, H, W] → [batch, features].</summary>
    public static nn.Module<Tensor, Tensor> Backbone(ImageNetMobileNetConfig config)
    {
        var features = new List<nn.Module<Tensor, Tensor>>
        {
            ImageNetBlocks.ConvNormActivation(3, config.Rows[0].In, 3, stride: 2, norm: Norm, activation: Hardswish),
        };
        foreach (var row in config.Rows)
        {
            Func<nn.Module<Tensor, Tensor>> phi = row.Hardswish ? Hardswish : () => nn.ReLU();
            features.Add(new InvertedResidual(new[]
            {
                row.Expanded != row.In
                    ? ImageNetBlocks.ConvNormActivation(row.In, row.Expanded, 1, norm: Norm, activation: phi)
                    : null,
                ImageNetBlocks.ConvNormActivation(row.Expanded, row.Expanded, row.Kernel, row.Stride,
                    groups: row.Expanded, norm: Norm, activation: phi),
                row.Se
                    ? new SqueezeExcitation(row.Expanded, ImageNetBlocks.MakeDivisible(row.Expanded / 4), () => nn.ReLU(),
                        () => nn.Hardsigmoid())
                    : null,
                ImageNetBlocks.ConvNormActivation(row.Expanded, row.Out, 1, norm: Norm),
            }.OfType<nn.Module<Tensor, Tensor>>(), row.Stride == 1 && row.In == row.Out));
        }
        features.Add(ImageNetBlocks.ConvNormActivation(config.Rows[^1].Out, config.Features, 1, norm: Norm,
            activation: Hardswish));
        var backbone = nn.Sequential(("features", VggFeatures.Numbered(features)), ("avgpool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()));
        ImageNetResNet.InitializeConvolutions(backbone);
        return backbone;
    }
}
