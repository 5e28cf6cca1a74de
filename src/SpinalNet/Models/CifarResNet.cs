// The CIFAR ResNet of the paper's CIFAR experiments (docs/networks.md §2.4 and docs/spinal-layer.md §1.3), base width
// 32:
//   stem     conv 3×3 3→32 (no bias) → BN → ReLU → Dropout2d(0.02)
//   stages   BasicBlocks with 32/64/128/256 channels, strides 1/2/2/2, [2,2,2,2] (ResNet-18) or [3,4,6,3] (ResNet-34)
//   block    conv3×3(stride)-BN-ReLU-conv3×3-BN plus the shortcut, NO ReLU after the addition; the shortcut is
//            conv3×3(stride, no bias)+BN when the stride or the channel count changes, else the identity
//   init     Kaiming-normal (fan_out, ReLU) convolutions, BN γ = 1 β = 0, linear biases 0
// Output 256×4×4. Heads (logits, cross-entropy):
//   default  MaxPool(4, stride 1) = global max → Linear 256→C
//   Spinal   MaxPool(2, stride 2) → 256×2×2; the four splits are the 256-channel vectors at positions (0,0), (0,1),
//            (1,0), (1,1), read by layers 1..4 (k = 4, s = 256): flattening channels-last lays them end to end, so
//            the general Spinal layer with k = 4, L = 4 is exactly docs/spinal-layer.md §1.3. w = 256 (CIFAR-10) or 512 (CIFAR-100).
// The authors' names: conv1.{0,1}, conv2_x..conv5_x.N.{conv1,bn1,conv2,bn2,downsample.{0,1}}, fc;
// Spinal head fc_spinal_layer1..4.0 and fc_out.0 (nn.Sequential(Linear, ReLU) without dropout: an assumption, the
// recorded names stop short of this head).
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>The shape of a CIFAR ResNet (the head and the classes are the network choice's).</summary>
/// <param name="Blocks">BasicBlocks per stage: [2,2,2,2] ResNet-18, [3,4,6,3] ResNet-34.</param>
/// <param name="BaseWidth">Channels of the first stage; the stages have 1, 2, 4, 8 times as many.</param>
public sealed record CifarResNetConfig(int[] Blocks, int BaseWidth = 32)
{
    public static readonly int[] ResNet18 = [2, 2, 2, 2], ResNet34 = [3, 4, 6, 3];

    public int OutChannels => BaseWidth * 8;
}

/// <summary>conv3×3-BN-ReLU-conv3×3-BN plus shortcut, no ReLU after the sum (the identity shortcut is an identity
/// module, so forward has no branch).</summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv1, bn1, relu, conv2, bn2, downsample;

    public BasicBlock(int inChannels, int outChannels, int stride) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        downsample = stride != 1 || inChannels != outChannels
            ? nn.Sequential(nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false),
                nn.BatchNorm2d(outChannels))
            : nn.Identity();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        bn2.call(conv2.call(relu.call(bn1.call(conv1.call(x))))).add(downsample.call(x));
}

/// <summary>[batch, C, H, W] → [batch, H·W·C], position by position, so each spatial position's channel vector is one
/// contiguous split.</summary>
public sealed class ChannelsLastFlatten() : nn.Module<Tensor, Tensor>(nameof(ChannelsLastFlatten))
{
    public override Tensor forward(Tensor x) => x.permute(0, 2, 3, 1).flatten(1);
}

/// <summary>The CIFAR ResNet of the paper, with either head.</summary>
public static class CifarResNet
{
    /// <summary>The scripts' spatial head: w = 256 (CIFAR-10) or 512 (CIFAR-100), L = 4, k = 4 (one split per position
    /// of the 2 × 2 map).</summary>
    public static SpinalSettings PaperSpinal(int width) => new(width, Layers: 4, Splits: 4);

    public static nn.Module<Tensor, Tensor> Backbone(CifarResNetConfig config)
    {
        int width = config.BaseWidth;
        var parts = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("conv1", VggFeatures.Numbered([
                nn.Conv2d(3, width, 3, padding: 1, bias: false), nn.BatchNorm2d(width), nn.ReLU(), nn.Dropout2d(0.02),
            ])),
        };
        int channels = width;
        for (int stage = 0; stage < config.Blocks.Length; stage++)
        {
            int outChannels = width << stage, stride = stage == 0 ? 1 : 2;
            parts.Add(($"conv{stage + 2}_x", VggFeatures.Numbered(Enumerable.Range(0, config.Blocks[stage])
                .Select(b => new BasicBlock(b == 0 ? channels : outChannels, outChannels, b == 0 ? stride : 1)))));
            channels = outChannels;
        }
        return nn.Sequential(parts.ToArray());
    }

    /// <summary>The network of <paramref name="choice"/> in the shape of <paramref name="config"/>.</summary>
    public static ClassifierNetwork Create(NetworkChoice choice, CifarResNetConfig config)
    {
        nn.Module<Tensor, Tensor> classifier = choice.Head == HeadKind.Spinal
            ? nn.Sequential(("pool", new MaxPool2x2()), ("positions", new ChannelsLastFlatten()),
                ("spinal", new SpinalLayer(choice.Spinal.For(config.OutChannels * 4, choice.Classes))))
            : nn.Sequential(("pool", nn.MaxPool2d(4, 1)), ("flatten", nn.Flatten()),
                ("fc", new FullyConnectedHead(new FullyConnectedConfig(config.OutChannels, [], choice.Classes))));
        var network = new ClassifierNetwork(Backbone(config), classifier, logSoftmax: false);
        Initialize(network);
        return network;
    }

    /// <summary>Kaiming-normal (fan_out, ReLU) convolutions, BN γ = 1 β = 0, linear biases 0.</summary>
    static void Initialize(nn.Module network)
    {
        using var noGrad = torch.no_grad();
        foreach (var module in network.modules())
        {
            switch (module)
            {
                case TorchSharp.Modules.Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case TorchSharp.Modules.BatchNorm2d bn:
                    bn.weight!.fill_(1);
                    bn.bias!.zero_();
                    break;
                case TorchSharp.Modules.Linear linear:
                    linear.bias!.zero_();
                    break;
            }
        }
    }

    public static AuthorsKeys Keys(HeadKind head) => head == HeadKind.Spinal
        ? new AuthorsKeys().Module("backbone", "").SpinalSequentials("head.spinal", linear: 0)
        : new AuthorsKeys().Module("backbone", "").FullyConnected("head.fc", [], null, "fc");
}
