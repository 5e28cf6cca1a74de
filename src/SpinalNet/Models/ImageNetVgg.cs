// torchvision's ImageNet VGG with batch norm and AlexNet (docs/transfer.md §11.1): `features` (VggFeatures' tables for
// VGG, the five convolutions of AlexNet's "one weird trick" variant), an adaptive average pool to 7×7 (VGG, 25,088
// features) or 6×6 (AlexNet, 9,216), then the head, which replaces torchvision's whole `classifier` (the authors'
// Spinal heads do, docs/transfer.md §11.2). The conventional head is torchvision's classifier with C outputs:
//   VGG      Linear 25088→4096 → ReLU → Dropout 0.5 → Linear 4096→4096 → ReLU → Dropout 0.5 → Linear 4096→C
//            (classifier.0, .3, .6)
//   AlexNet  Dropout 0.5 → Linear 9216→4096 → ReLU → Dropout 0.5 → Linear 4096→4096 → ReLU → Linear 4096→C
//            (classifier.1, .4, .6)
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>A features-then-classifier network of torchvision (VGG-bn, AlexNet): its backbone and its classifier.</summary>
/// <param name="PooledSide">The side of the adaptive average pool after the features (7 for VGG, 6 for AlexNet).</param>
/// <param name="ClassifierDropout">Dropout before each of the classifier's three linear maps.</param>
/// <param name="ClassifierKeys">torchvision's names of the classifier's three linear maps.</param>
public sealed record ImageNetVggConfig(
    Func<nn.Module<Tensor, Tensor>> Features, int Channels, int PooledSide, double[] ClassifierDropout,
    string[] ClassifierKeys)
{
    /// <summary>The features the head reads: channels × side².</summary>
    public int FeatureWidth => Channels * PooledSide * PooledSide;

    public FullyConnectedConfig Classifier(int classes) =>
        new(FeatureWidth, [4096, 4096], classes, InputDropout: ClassifierDropout);
}

/// <summary>torchvision's VGG-bn and AlexNet backbones.</summary>
public static class ImageNetVgg
{
    static ImageNetVggConfig Vgg(int depth) => new(() => VggFeatures.Create(3, VggFeatures.ForDepth(depth)), 512, 7,
        [0, 0.5, 0.5], ["classifier.0", "classifier.3", "classifier.6"]);

    /// <summary>AlexNet's features: conv 11×11/4 64, pool, conv 5×5 192, pool, conv 3×3 384, 256, 256, pool (ReLU after
    /// each convolution, max pools 3×3/2), numbered as torchvision's nn.Sequential.</summary>
    static nn.Module<Tensor, Tensor> AlexNetFeatures() => VggFeatures.Numbered([
        nn.Conv2d(3, 64, 11, stride: 4, padding: 2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding: 2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding: 1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding: 1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(3, 2),
    ]);

    /// <summary>torchvision's variants by name.</summary>
    public static readonly IReadOnlyDictionary<string, ImageNetVggConfig> Variants =
        new Dictionary<string, ImageNetVggConfig>
        {
            ["vgg16_bn"] = Vgg(16),
            ["vgg19_bn"] = Vgg(19),
            ["alexnet"] = new(AlexNetFeatures, 256, 6, [0.5, 0.5, 0], ["classifier.1", "classifier.4", "classifier.6"]),
        };

    /// <summary>features, avgpool, flatten: [batch, 3, H, W] → [batch, channels · side²].</summary>
    public static nn.Module<Tensor, Tensor> Backbone(ImageNetVggConfig config, bool torchvisionInit)
    {
        var backbone = nn.Sequential(("features", config.Features()),
            ("avgpool", nn.AdaptiveAvgPool2d([config.PooledSide, config.PooledSide])), ("flatten", nn.Flatten()));
        // torchvision initialises VGG's convolutions as its ResNets'; AlexNet keeps PyTorch's default initialisation.
        if (torchvisionInit) ImageNetResNet.InitializeConvolutions(backbone);
        return backbone;
    }
}
