// torchvision's ImageNet ResNet family (docs/transfer.md §11.1) as one configuration record per variant, the way
// torchvision declares them: the block (BasicBlock or Bottleneck), the blocks per stage, and the grouped width of the
// Bottleneck's 3×3 convolution (ResNeXt's groups × width per group, Wide-ResNet's doubled width per group). Modules
// carry torchvision's attribute names (conv1, bn1, layer1.0.conv1, layer2.0.downsample.0, ...), so the backbone's
// state dict is torchvision's without `fc`, and ImageNet weights load by name:
//   stem     conv 7×7/2 3→64 (no bias) → BN → ReLU → max pool 3×3/2
//   stages   layer1..layer4 with 64, 128, 256, 512 planes, strides 1, 2, 2, 2 (the stride on the first block)
//   Basic    conv3×3(stride)-BN-ReLU-conv3×3-BN, plus the shortcut, ReLU after the sum (expansion 1)
//   Bottleneck conv1×1-BN-ReLU-conv3×3(stride, groups)-BN-ReLU-conv1×1-BN, plus the shortcut, ReLU (expansion 4)
//   shortcut conv1×1(stride, no bias) + BN where the stride or the channel count changes, else the identity
//   head     global average pool → 512·expansion features → `fc`
//   init     torchvision's: Kaiming-normal (fan_out, ReLU) convolutions, BN γ = 1 β = 0
// resnet18-cntk is ResNet(BasicBlock, [2, 2, 2, 3]), the architecture of the offline ImageNet weights.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>torchvision's two residual blocks.</summary>
public enum ResidualBlock
{
    /// <summary>Two 3×3 convolutions (ResNet-18/34), expansion 1.</summary>
    Basic,
    /// <summary>1×1, 3×3 (grouped), 1×1 convolutions (ResNet-50 and deeper, ResNeXt, Wide-ResNet), expansion 4.</summary>
    Bottleneck,
}

/// <summary>One torchvision ResNet: block, blocks per stage, grouped width.</summary>
/// <param name="Stages">Blocks in layer1..layer4, e.g. [2, 2, 2, 2] for ResNet-18.</param>
/// <param name="Groups">Groups of the Bottleneck's 3×3 convolution (32 for ResNeXt-50 32×4d).</param>
/// <param name="WidthPerGroup">Channels per group of that convolution at 64 planes (128 for Wide-ResNet-_2).</param>
public sealed record ImageNetResNetConfig(ResidualBlock Block, int[] Stages, int Groups = 1, int WidthPerGroup = 64)
{
    public int Expansion => Block == ResidualBlock.Basic ? 1 : 4;

    /// <summary>The pooled features the head reads: 512 · expansion.</summary>
    public int Features => 512 * Expansion;
}

/// <summary>torchvision's BasicBlock (ReLU after the sum, unlike the CIFAR ResNet's).</summary>
public sealed class ImageNetBasicBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv1, bn1, relu, conv2, bn2, downsample;

    public ImageNetBasicBlock(int inChannels, int planes, int stride) : base(nameof(ImageNetBasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        downsample = ImageNetResNet.Shortcut(inChannels, planes, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        relu.call(bn2.call(conv2.call(relu.call(bn1.call(conv1.call(x))))).add(downsample.call(x)));
}

/// <summary>torchvision's Bottleneck (the stride on the 3×3 convolution, "ResNet v1.5").</summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2, conv3, bn3, relu, downsample;

    public Bottleneck(int inChannels, int planes, int stride, int groups, int widthPerGroup) : base(nameof(Bottleneck))
    {
        int width = planes * widthPerGroup / 64 * groups;
        conv1 = nn.Conv2d(inChannels, width, 1, bias: false);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, width, 3, stride: stride, padding: 1, groups: groups, bias: false);
        bn2 = nn.BatchNorm2d(width);
        conv3 = nn.Conv2d(width, planes * 4, 1, bias: false);
        bn3 = nn.BatchNorm2d(planes * 4);
        relu = nn.ReLU();
        downsample = ImageNetResNet.Shortcut(inChannels, planes * 4, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = relu.call(bn1.call(conv1.call(x)));
        y = relu.call(bn2.call(conv2.call(y)));
        return relu.call(bn3.call(conv3.call(y)).add(downsample.call(x)));
    }
}

/// <summary>The torchvision ResNet backbones: everything up to and including the global average pool.</summary>
public static class ImageNetResNet
{
    /// <summary>torchvision's variants by name.</summary>
    public static readonly IReadOnlyDictionary<string, ImageNetResNetConfig> Variants =
        new Dictionary<string, ImageNetResNetConfig>
        {
            ["resnet18"] = new(ResidualBlock.Basic, [2, 2, 2, 2]),
            ["resnet18-cntk"] = new(ResidualBlock.Basic, [2, 2, 2, 3]),
            ["resnet34"] = new(ResidualBlock.Basic, [3, 4, 6, 3]),
            ["resnet50"] = new(ResidualBlock.Bottleneck, [3, 4, 6, 3]),
            ["resnet101"] = new(ResidualBlock.Bottleneck, [3, 4, 23, 3]),
            ["resnet152"] = new(ResidualBlock.Bottleneck, [3, 8, 36, 3]),
            ["wide_resnet50_2"] = new(ResidualBlock.Bottleneck, [3, 4, 6, 3], WidthPerGroup: 128),
            ["wide_resnet101_2"] = new(ResidualBlock.Bottleneck, [3, 4, 23, 3], WidthPerGroup: 128),
            ["resnext50_32x4d"] = new(ResidualBlock.Bottleneck, [3, 4, 6, 3], Groups: 32, WidthPerGroup: 4),
        };

    /// <summary>conv1 … layer4, avgpool, flatten: [batch, 3, H, W] → [batch, 512 · expansion].</summary>
    public static nn.Module<Tensor, Tensor> Backbone(ImageNetResNetConfig config)
    {
        var parts = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("conv1", nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false)),
            ("bn1", nn.BatchNorm2d(64)),
            ("relu", nn.ReLU()),
            ("maxpool", nn.MaxPool2d(3, 2, 1)),
        };
        int channels = 64;
        for (int stage = 0; stage < config.Stages.Length; stage++)
        {
            int planes = 64 << stage, stride = stage == 0 ? 1 : 2;
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (int b = 0; b < config.Stages[stage]; b++)
            {
                blocks.Add(config.Block == ResidualBlock.Basic
                    ? new ImageNetBasicBlock(channels, planes, b == 0 ? stride : 1)
                    : new Bottleneck(channels, planes, b == 0 ? stride : 1, config.Groups, config.WidthPerGroup));
                channels = planes * config.Expansion;
            }
            parts.Add(($"layer{stage + 1}", VggFeatures.Numbered(blocks)));
        }
        parts.Add(("avgpool", nn.AdaptiveAvgPool2d(1)));
        parts.Add(("flatten", nn.Flatten()));
        var backbone = nn.Sequential(parts.ToArray());
        InitializeConvolutions(backbone);
        return backbone;
    }

    /// <summary>The projection shortcut where the stride or the channel count changes, else the identity.</summary>
    internal static nn.Module<Tensor, Tensor> Shortcut(int inChannels, int outChannels, int stride) =>
        stride != 1 || inChannels != outChannels
            ? VggFeatures.Numbered([nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false),
                nn.BatchNorm2d(outChannels)])
            : nn.Identity();

    /// <summary>torchvision's initialisation: Kaiming-normal (fan_out, ReLU) convolutions with zero biases, batch norms
    /// γ = 1, β = 0.</summary>
    internal static void InitializeConvolutions(nn.Module module)
    {
        using var noGrad = torch.no_grad();
        foreach (var m in module.modules())
        {
            switch (m)
            {
                case TorchSharp.Modules.Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut,
                        nonlinearity: nn.init.NonlinearityType.ReLU);
                    conv.bias?.zero_();
                    break;
                case TorchSharp.Modules.BatchNorm2d bn:
                    bn.weight!.fill_(1);
                    bn.bias!.zero_();
                    break;
            }
        }
    }
}
