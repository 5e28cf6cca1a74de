// The networks the paper trains from scratch (reference §2.2–§2.4), each with its conventional head and its Spinal
// head, as data: a feature backbone, the width of its features, and the two head configurations. The MNIST simple CNN
// (§2.1) is in MnistCnn.cs; Arch2, whose heads read three feature vectors, in Arch2.cs.
using SpinalNet.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Models;

public static class PaperNetworks
{
    static ClassifierNetwork Classifier(nn.Module<Tensor, Tensor> backbone, HeadKind head, SpinalConfig spinal,
        FullyConnectedConfig conventional, SpinalOverrides overrides, bool logSoftmax) => new(
        backbone,
        head == HeadKind.Spinal ? new SpinalLayer(overrides.Apply(spinal)) : new FullyConnectedHead(conventional),
        logSoftmax);

    /// <summary>VGG-5 of the MNIST-family experiments (§2.3): 256 features; default head Dropout 0.5 → 256→512 → BN → ReLU
    /// → Dropout 0.5 → 512→C; Spinal s = 128, w = 128, L = 4, dropout 0.5 and batch norm; log_softmax. Convolution
    /// weights ~ N(0, sqrt(2 / (k·k·out_channels))).</summary>
    public static ClassifierNetwork Vgg5(HeadKind head, SpinalOverrides spinal, int classes)
    {
        var features = Vgg.Features(Vgg.Configs["vgg5"], 1);
        using (torch.no_grad())
            foreach (var conv in features.modules().OfType<Conv2d>())
                nn.init.normal_(conv.weight!, 0, Math.Sqrt(2.0 / (3 * 3 * conv.weight!.shape[0])));
        return Classifier(features, head,
            new SpinalConfig(256, 128, 4, classes, Dropout: 0.5, BatchNorm: true),
            new FullyConnectedConfig(256, [512], classes, InputDropout: [0.5, 0.5], BatchNorm: true),
            spinal, logSoftmax: true);
    }

    /// <summary>The "CNN dropout" of the CIFAR experiments (§2.4): 256 × 4 × 4 = 4,096 features; default head
    /// Dropout 0.1 → 4096→1024 → ReLU → 1024→512 → ReLU → Dropout 0.1 → 512→C; Spinal s = 2048, w = 128 (CIFAR-10)
    /// or 256 (CIFAR-100), L = 4, dropout 0.1; logits.</summary>
    public static ClassifierNetwork CifarCnn(HeadKind head, SpinalOverrides spinal, int classes)
    {
        static nn.Module<Tensor, Tensor> Conv(long i, long o) => nn.Conv2d(i, o, 3, padding: 1);
        var backbone = nn.Sequential(
            ("conv1", Conv(3, 32)), ("bn1", nn.BatchNorm2d(32)), ("relu1", nn.ReLU()),
            ("conv2", Conv(32, 64)), ("relu2", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv3", Conv(64, 128)), ("bn3", nn.BatchNorm2d(128)), ("relu3", nn.ReLU()),
            ("conv4", Conv(128, 128)), ("relu4", nn.ReLU()), ("pool2", nn.MaxPool2d(2)), ("drop2", nn.Dropout2d(0.05)),
            ("conv5", Conv(128, 256)), ("bn5", nn.BatchNorm2d(256)), ("relu5", nn.ReLU()),
            ("conv6", Conv(256, 256)), ("relu6", nn.ReLU()), ("pool3", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()));
        return Classifier(backbone, head,
            new SpinalConfig(4096, classes > 10 ? 256 : 128, 4, classes, Dropout: 0.1),
            new FullyConnectedConfig(4096, [1024, 512], classes, InputDropout: [0.1, 0, 0.1]),
            spinal, logSoftmax: false);
    }

    /// <summary>VGG-11/13/16/19 with batch norm on CIFAR (§2.4): 512 features; default head 512→4096 → ReLU →
    /// Dropout 0.5 → 4096→4096 → ReLU → Dropout 0.5 → 4096→C; Spinal s = 256, w = 512, L = 4, dropout 0.5; logits.</summary>
    public static ClassifierNetwork CifarVgg(string depth, HeadKind head, SpinalOverrides spinal, int classes) =>
        Classifier(Vgg.Features(Vgg.Configs[depth], 3), head,
            new SpinalConfig(512, 512, 4, classes, Dropout: 0.5),
            new FullyConnectedConfig(512, [4096, 4096], classes, InputDropout: [0, 0.5, 0.5]),
            spinal, logSoftmax: false);
}
