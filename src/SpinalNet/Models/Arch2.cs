// "Arch2" of the MNIST-family experiments (reference §2.2): the simple CNN's convolutions, and three plain Spinal
// stacks (no output layer of their own) reading three feature vectors — the normalised pixels (784, halves = top and
// bottom 14 rows, L = 10), the first convolution's ReLU(maxpool) output taken before the second convolution
// (10×12×12 = 1,440, halves = channels 0–4 / 5–9, L = 8) and the flattened second convolution's output (320, L = 8).
// Their outputs, in that order (26w), go through 26w→50 → ReLU → 50→10 → log_softmax. w = 30 (MNIST), 50 (KMNIST,
// QMNIST, EMNIST digits), 300 (Fashion-MNIST). The backbone emits the three vectors end to end (784 + 1,440 + 320);
// the conventional head reads the last 320 as the simple CNN's default head does.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

public sealed class Arch2Features : nn.Module<Tensor, Tensor>
{
    public const int Pixels = 784, Conv1 = 1440, Conv2 = 320, Width = Pixels + Conv1 + Conv2;

    readonly nn.Module<Tensor, Tensor> conv1, conv2, drop2;

    public Arch2Features() : base(nameof(Arch2Features))
    {
        conv1 = nn.Conv2d(1, 10, 5);
        conv2 = nn.Conv2d(10, 20, 5);
        drop2 = nn.Dropout2d(0.5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var first = nn.functional.relu(nn.functional.max_pool2d(conv1.call(x), 2));
        var second = nn.functional.relu(nn.functional.max_pool2d(drop2.call(conv2.call(first)), 2));
        return torch.cat([x.flatten(1), first.flatten(1), second.flatten(1)], 1);
    }
}

public sealed class Arch2Head : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> pixels, conv1, conv2, classifier;

    public Arch2Head(int width, int classes, SpinalOverrides overrides) : base(nameof(Arch2Head))
    {
        nn.Module<Tensor, Tensor> Stack(int start, int n, int layers) => nn.Sequential(
            ("select", new FeatureSlice(start, n)),
            ("spinal", new SpinalLayer(overrides.Apply(new SpinalConfig(n, width, layers, 0)))));
        pixels = Stack(0, Arch2Features.Pixels, 10);
        conv1 = Stack(Arch2Features.Pixels, Arch2Features.Conv1, 8);
        conv2 = Stack(Arch2Features.Pixels + Arch2Features.Conv1, Arch2Features.Conv2, 8);
        int total = (overrides.Layers is int l ? 3 * l : 26) * (overrides.Width ?? width);
        classifier = new FullyConnectedHead(new FullyConnectedConfig(total, [50], classes));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        classifier.call(torch.cat([pixels.call(x), conv1.call(x), conv2.call(x)], 1));
}

public static class Arch2
{
    public static ClassifierNetwork Create(HeadKind head, SpinalOverrides spinal, int classes, int width) => new(
        new Arch2Features(),
        head == HeadKind.Spinal
            ? new Arch2Head(width, classes, spinal)
            : nn.Sequential(("select", new FeatureSlice(Arch2Features.Pixels + Arch2Features.Conv1, Arch2Features.Conv2)),
                ("fc", new FullyConnectedHead(new MnistCnnConfig(classes).DefaultHead))),
        logSoftmax: true);
}
