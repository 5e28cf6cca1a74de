// The simple CNN of the MNIST-family experiments (docs/networks.md §2.1, from the PyTorch MNIST example):
// conv 1→10 k5 → maxpool 2 → ReLU; conv 10→20 k5 → Dropout2d(0.5) → maxpool 2 → ReLU; flatten to 320 (NCHW order,
// so the Spinal halves are conv channels 0–9 and 10–19). Heads:
//   default  Linear 320→50, ReLU, Dropout(0.5), Linear 50→C                      16,560 parameters for C = 10
//   Spinal   k = 2 (s = 160), w = 8 (MNIST) or 10 (EMNIST digits), L = 6, ReLU   8,538 parameters for w = 8
// Both end in log_softmax, as the scripts do. The authors' names: conv1, conv2; default head fc1 (320→50), fc2;
// Spinal head fc1, fc1_1..fc1_5 (the spinal layers) and fc2 (the output layer).
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>The simple CNN of the MNIST-family experiments, with either head.</summary>
public static class MnistCnn
{
    /// <summary>The flattened convolution features, 20 × 4 × 4.</summary>
    public const int Features = 320;

    /// <summary>The MNIST script's head: w = 8, L = 6 (the EMNIST-digits script's has w = 10).</summary>
    public static readonly SpinalSettings PaperSpinal = new(Width: 8, Layers: 6);

    /// <summary>The MNIST example's head: 320 → 50 → C.</summary>
    public static FullyConnectedConfig DefaultHead(int classes) => new(Features, [50], classes, InputDropout: [0, 0.5]);

    public static nn.Module<Tensor, Tensor> Backbone() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 10, 5)),
        ("pool1", new MaxPool2x2()),
        ("act1", nn.ReLU()),
        ("conv2", nn.Conv2d(10, 20, 5)),
        ("drop2", nn.Dropout2d(0.5)),
        ("pool2", new MaxPool2x2()),
        ("act2", nn.ReLU()),
        ("flatten", nn.Flatten()));

    /// <summary>The network of <paramref name="choice"/>: its head, its Spinal settings, its classes.</summary>
    public static ClassifierNetwork Create(NetworkChoice choice) => new(
        Backbone(),
        ClassifierNetwork.HeadOf(choice.Head, choice.Spinal.For(Features, choice.Classes), DefaultHead(choice.Classes)),
        logSoftmax: true);

    public static AuthorsKeys Keys(HeadKind head) => head == HeadKind.Spinal
        ? new AuthorsKeys().Module("backbone", "").Spinal("head", i => i == 0 ? "fc1" : $"fc1_{i}", null, "fc2")
        : new AuthorsKeys().Module("backbone", "").FullyConnected("head", ["fc1"], null, "fc2");
}
