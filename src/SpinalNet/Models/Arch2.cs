// "Arch2" of the MNIST-family experiments (docs/networks.md §2.2): the simple CNN's convolutions (§2.1), and three
// plain Spinal stacks (half split, ReLU, no dropout, no output layer of their own) over three feature vectors:
//   raw    the normalised 28×28 input pixels, 784 (halves = top / bottom 14 rows)      L = 10
//   conv1  ReLU(maxpool(conv1)) = 10×12×12, 1440 (halves = channels 0–4 / 5–9)          L = 8
//   conv2  the flattened 320 of §2.1 (halves = channels 0–9 / 10–19)                    L = 8
// Their hidden outputs, concatenated in that order (26w), go through Linear 26w→50 → ReLU → Linear 50→C →
// log_softmax. w = 30 (MNIST), 50 (KMNIST, QMNIST, EMNIST digits), 300 (Fashion-MNIST).
// The backbone hands the head all three vectors side by side (784 + 1440 + 320 = 2,544 features).
// Arch2 has no default script of its own: its conventional variant is the MNIST default CNN (§2.1) it is compared with.
// The authors' names (assumed: docs/networks.md §2.2 records none): conv1, conv2; the stacks' layers fc1, fc1_1..fc1_9,
// fc2, fc2_1..fc2_7, fc3, fc3_1..fc3_7 (the fc1/fc1_i pattern of §2.1); then fc4 (26w→50) and fc5 (50→C).
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>The three feature vectors of Arch2, side by side: raw pixels, conv1's and conv2's activations.</summary>
public sealed class Arch2Features : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv1, pool1, act1, conv2, drop2, pool2, act2;

    public Arch2Features() : base(nameof(Arch2Features))
    {
        conv1 = nn.Conv2d(1, 10, 5);
        pool1 = new MaxPool2x2();
        act1 = nn.ReLU();
        conv2 = nn.Conv2d(10, 20, 5);
        drop2 = nn.Dropout2d(0.5);
        pool2 = new MaxPool2x2();
        act2 = nn.ReLU();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var first = act1.call(pool1.call(conv1.call(x)));
        var second = act2.call(pool2.call(drop2.call(conv2.call(first))));
        return torch.cat([x.flatten(1), first.flatten(1), second.flatten(1)], 1);
    }
}

/// <summary>Three Spinal stacks over the three parts of the features, then 26w → hidden → C.</summary>
public sealed class Arch2Head : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> stacks;
    readonly nn.Module<Tensor, Tensor> hidden, output;
    readonly long[] widths;

    public Arch2Head(IReadOnlyList<SpinalConfig> stackConfigs, int hiddenWidth, int classes) : base(nameof(Arch2Head))
    {
        widths = stackConfigs.Select(c => (long)c.InputWidth).ToArray();
        // Each stack is a Spinal layer without an output layer (Outputs = 0): it returns [h1 ; ... ; hL].
        stacks = nn.ModuleList(stackConfigs.Select(c => (nn.Module<Tensor, Tensor>)new SpinalLayer(c with { Outputs = 0 })).ToArray());
        long concatenated = stackConfigs.Sum(c => (long)c.Layers * c.Width);
        hidden = DenseBlock.Create(concatenated, hiddenWidth, 0, false, Activation.Relu);
        output = DenseBlock.Output(hiddenWidth, classes, 0);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var parts = x.split(widths, 1);
        return output.call(hidden.call(torch.cat(stacks.Select((stack, i) => stack.call(parts[i])).ToArray(), 1)));
    }
}

/// <summary>Arch2 of the MNIST-family experiments: three Spinal stacks on the pixels and both convolutions'
/// features.</summary>
public static class Arch2
{
    /// <summary>Width N of the raw, conv1 and conv2 stacks, and how many layers each has beyond the settings' L.</summary>
    public static readonly (int Width, int ExtraLayers)[] Stacks = [(784, 2), (1440, 0), (320, 0)];

    /// <summary>The width of the hidden layer after the stacks.</summary>
    public const int Hidden = 50;

    /// <summary>The scripts' stacks: w = 30 (MNIST), 50 (KMNIST, QMNIST, EMNIST digits) or 300 (Fashion-MNIST), L = 8
    /// (10 for the raw pixels).</summary>
    public static SpinalSettings PaperSpinal(int width) => new(width, Layers: 8);

    /// <summary>Stack <paramref name="i"/> of <paramref name="spinal"/>: its Layers is the convolution stacks' L, and
    /// the raw-pixel stack has two layers more (10 and 8 in the paper).</summary>
    public static SpinalConfig Stack(SpinalSettings spinal, int i) =>
        (spinal with { Layers = spinal.Layers + Stacks[i].ExtraLayers }).For(Stacks[i].Width, 0);

    /// <summary>The network of <paramref name="choice"/>; its conventional variant is the MNIST default CNN.</summary>
    public static ClassifierNetwork Create(NetworkChoice choice) =>
        choice.Head == HeadKind.Spinal
            ? new ClassifierNetwork(new Arch2Features(),
                new Arch2Head(Enumerable.Range(0, Stacks.Length).Select(i => Stack(choice.Spinal, i)).ToList(),
                    Hidden, choice.Classes),
                logSoftmax: true)
            : MnistCnn.Create(choice);

    public static AuthorsKeys Keys(HeadKind head)
    {
        if (head == HeadKind.Fc) return MnistCnn.Keys(HeadKind.Fc);
        var keys = new AuthorsKeys().Module("backbone", "");
        for (int j = 0; j < Stacks.Length; j++)
        {
            int stack = j + 1;
            keys.Spinal($"head.stacks.{j}", i => i == 0 ? $"fc{stack}" : $"fc{stack}_{i}", null, null);
        }
        return keys.Module("head.hidden.linear", "fc4").Module("head.output.linear", "fc5");
    }
}
