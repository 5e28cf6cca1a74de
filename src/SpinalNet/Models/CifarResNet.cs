// The CIFAR ResNet of the paper's experiments (reference §2.4): a 3×3 stem 3→32 (no bias) with batch norm, ReLU and
// Dropout2d(0.02), then four stages of basic blocks with 32/64/128/256 channels and strides 1/2/2/2 — [2,2,2,2] blocks
// for ResNet-18, [3,4,6,3] for ResNet-34. A basic block is conv3×3–BN–ReLU–conv3×3–BN plus a shortcut, with no ReLU
// after the addition; the shortcut is a strided 3×3 convolution with batch norm where the shape changes. Convolutions
// are Kaiming-normal (fan out), batch norms 1 / 0, linear biases 0. The output is 256 × 4 × 4.
// Heads: global max-pool (MaxPool 4, stride 1) → 256→C; Spinal: the spatial split of §1.3, w = 256 (CIFAR-10) or 512
// (CIFAR-100). Logits.
using SpinalNet.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Models;

public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> residual, shortcut;

    public BasicBlock(long inChannels, long outChannels, long stride) : base(nameof(BasicBlock))
    {
        residual = nn.Sequential(
            ("conv1", nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false)),
            ("bn1", nn.BatchNorm2d(outChannels)),
            ("relu", nn.ReLU()),
            ("conv2", nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false)),
            ("bn2", nn.BatchNorm2d(outChannels)));
        shortcut = stride != 1 || inChannels != outChannels
            ? nn.Sequential(
                ("conv", nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false)),
                ("bn", nn.BatchNorm2d(outChannels)))
            : nn.Identity();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => residual.call(x) + shortcut.call(x);
}

public static class CifarResNet
{
    public static readonly IReadOnlyDictionary<string, int[]> Depths = new Dictionary<string, int[]>
    {
        ["resnet18"] = [2, 2, 2, 2],
        ["resnet34"] = [3, 4, 6, 3],
    };

    public static nn.Module<Tensor, Tensor> Backbone(int[] blocks)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("conv", nn.Conv2d(3, 32, 3, padding: 1, bias: false)),
            ("bn", nn.BatchNorm2d(32)),
            ("relu", nn.ReLU()),
            ("drop", nn.Dropout2d(0.02)),
        };
        long channels = 32;
        int[] widths = [32, 64, 128, 256], strides = [1, 2, 2, 2];
        for (int stage = 0; stage < 4; stage++)
        {
            var stageBlocks = Enumerable.Range(0, blocks[stage]).Select(b =>
            {
                var block = new BasicBlock(channels, widths[stage], b == 0 ? strides[stage] : 1);
                channels = widths[stage];
                return ((string, nn.Module<Tensor, Tensor>))($"{b}", block);
            }).ToArray();
            layers.Add(($"stage{stage + 1}", nn.Sequential(stageBlocks)));
        }
        return nn.Sequential(layers.ToArray());
    }

    public static ClassifierNetwork Create(string depth, HeadKind head, SpinalOverrides spinal, int classes)
    {
        var backbone = Backbone(Depths[depth]);
        nn.Module<Tensor, Tensor> classifier = head == HeadKind.Spinal
            ? nn.Sequential(("pool", nn.MaxPool2d(2, 2)), ("positions", new PositionsFirst()),
                ("spinal", new SpinalLayer(spinal.Apply(new SpinalConfig(4 * 256, classes > 10 ? 512 : 256, 4, classes, Splits: 4)))))
            : nn.Sequential(("pool", nn.MaxPool2d(4, 1)), ("flatten", nn.Flatten()),
                ("fc", new FullyConnectedHead(new FullyConnectedConfig(256, [], classes))));
        var network = new ClassifierNetwork(backbone, classifier, logSoftmax: false);
        using (torch.no_grad())
            foreach (var module in network.modules())
                switch (module)
                {
                    case Conv2d conv:
                        nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                        break;
                    case BatchNorm2d norm:
                        nn.init.ones_(norm.weight!);
                        nn.init.zeros_(norm.bias!);
                        break;
                    case Linear linear when linear.bias is not null:
                        nn.init.zeros_(linear.bias);
                        break;
                }
        return network;
    }
}
