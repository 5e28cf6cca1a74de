// torchvision's DenseNet-121/169/201 (docs/transfer.md §11.4) as one configuration record per variant, as torchvision
// declares them (growth rate, layers per dense block, initial features), with torchvision's attribute names
// (features.conv0, features.denseblock1.denselayer1.norm1, features.transition1.conv, features.norm5), so the
// backbone's state dict is torchvision's without `classifier`:
//   stem        conv0 7×7/2 3→64 (no bias) → norm0 → relu0 → pool0 max 3×3/2
//   dense layer norm1 → ReLU → conv1 1×1 → 4·growth → norm2 → ReLU → conv2 3×3 → growth, its output concatenated
//               after all the block's earlier features
//   transition  norm → ReLU → conv 1×1 halving the channels → avg pool 2×2/2 (between blocks)
//   end         norm5 → ReLU → global average pool → flatten → `classifier` Linear(features → C)
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>One torchvision DenseNet: growth rate, layers per dense block, features of the stem.</summary>
public sealed record ImageNetDenseNetConfig(int Growth, int[] Blocks, int InitialFeatures = 64, int BottleneckSize = 4)
{
    /// <summary>The features the head reads: each block adds layers × growth, each transition halves.</summary>
    public int Features => Blocks.Select((n, i) => (n, i)).Aggregate(InitialFeatures,
        (c, b) => b.i < Blocks.Length - 1 ? (c + b.n * Growth) / 2 : c + b.n * Growth);
}

/// <summary>A dense block: each layer reads the concatenation of every feature before it.</summary>
public sealed class DenseNetBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor>[] layers;

    public DenseNetBlock(int inChannels, int count, int growth, int bottleneck) : base(nameof(DenseNetBlock))
    {
        layers = Enumerable.Range(0, count).Select(i => (nn.Module<Tensor, Tensor>)nn.Sequential(
            ("norm1", nn.BatchNorm2d(inChannels + i * growth)), ("relu1", nn.ReLU()),
            ("conv1", nn.Conv2d(inChannels + i * growth, bottleneck * growth, 1, bias: false)),
            ("norm2", nn.BatchNorm2d(bottleneck * growth)), ("relu2", nn.ReLU()),
            ("conv2", nn.Conv2d(bottleneck * growth, growth, 3, padding: 1, bias: false)))).ToArray();
        // torchvision's _DenseBlock is an nn.ModuleDict: the layers are its children denselayer1, denselayer2, ...
        for (int i = 0; i < count; i++) register_module($"denselayer{i + 1}", layers[i]);
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var layer in layers) x = torch.cat([x, layer.call(x)], 1);
        return x;
    }
}

/// <summary>The torchvision DenseNet backbones: features, ReLU, global average pool, flatten.</summary>
public static class ImageNetDenseNet
{
    /// <summary>torchvision's variants by name.</summary>
    public static readonly IReadOnlyDictionary<string, ImageNetDenseNetConfig> Variants =
        new Dictionary<string, ImageNetDenseNetConfig>
        {
            ["densenet121"] = new(32, [6, 12, 24, 16]),
            ["densenet169"] = new(32, [6, 12, 32, 32]),
            ["densenet201"] = new(32, [6, 12, 48, 32]),
        };

    /// <summary>[batch, 3, H, W] → [batch, features].</summary>
    public static nn.Module<Tensor, Tensor> Backbone(ImageNetDenseNetConfig config)
    {
        var parts = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("conv0", nn.Conv2d(3, config.InitialFeatures, 7, stride: 2, padding: 3, bias: false)),
            ("norm0", nn.BatchNorm2d(config.InitialFeatures)), ("relu0", nn.ReLU()), ("pool0", nn.MaxPool2d(3, 2, 1)),
        };
        int channels = config.InitialFeatures;
        for (int i = 0; i < config.Blocks.Length; i++)
        {
            parts.Add(($"denseblock{i + 1}",
                new DenseNetBlock(channels, config.Blocks[i], config.Growth, config.BottleneckSize)));
            channels += config.Blocks[i] * config.Growth;
            if (i == config.Blocks.Length - 1) break;
            parts.Add(($"transition{i + 1}", nn.Sequential(("norm", nn.BatchNorm2d(channels)), ("relu", nn.ReLU()),
                ("conv", nn.Conv2d(channels, channels / 2, 1, bias: false)), ("pool", nn.AvgPool2d(2, 2)))));
            channels /= 2;
        }
        parts.Add(("norm5", nn.BatchNorm2d(channels)));
        var backbone = nn.Sequential(("features", nn.Sequential(parts.ToArray())), ("relu", nn.ReLU()),
            ("avgpool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()));
        ImageNetResNet.InitializeConvolutions(backbone);
        return backbone;
    }
}
