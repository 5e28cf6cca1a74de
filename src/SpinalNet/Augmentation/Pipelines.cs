// The preprocessing pipelines of docs/experiments.md §3, as data: for each script (or notebook) family, what the
// training samples go through and what the evaluation samples go through. Each pipeline ends with the network's input:
// size, and normalisation where the script normalises. "Resize(272²)" is Resize(272, 272); "Resize256" resizes the
// shorter side. A run fits its pipeline to the network (Fitted, docs/fine-tuning.md §13.3): grey samples repeated to
// three channels for a colour network, and the result resized to the run's image size.
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <param name="Source">The section of docs/experiments.md and the scripts it reproduces.</param>
public sealed record PipelinePreset(string Name, string Source, IImageTransform Train, IImageTransform Eval);

/// <summary>The preprocessing pipelines of the paper's scripts by name (training and evaluation steps of
/// each).</summary>
public static class Pipelines
{
    static Normalize N(ChannelNormalization n) => new(n);
    static readonly Normalize CifarStats = N(ChannelNormalization.Cifar);

    /// <summary>Resize(s²), RandomRotation(deg), RandomCrop(crop), HFlip, CIFAR-100 stats; eval Resize(evalSize).</summary>
    static PipelinePreset Transfer(string name, string source, int resize, double degrees, int crop, Resize eval,
        ChannelNormalization? normalization = null) =>
        new(name, source,
            new Compose(new Resize(resize, resize), new RandomRotation(degrees), new RandomCrop(crop),
                new RandomHorizontalFlip(), N(normalization ?? ChannelNormalization.Cifar)),
            new Compose(eval, N(normalization ?? ChannelNormalization.Cifar)));

    public static readonly IReadOnlyList<PipelinePreset> All =
    [
        new("none", "no augmentation, no normalisation (ToTensor only)", new Compose(), new Compose()),
        new("mnist", "§3.1 default/Spinal MNIST and EMNIST digits: Normalize(0.1307, 0.3081)",
            N(ChannelNormalization.Mnist), N(ChannelNormalization.Mnist)),
        new("mnist-arch2", "§3.1 Arch2 MNIST/KMNIST/QMNIST/EMNIST and §3.2 VGG-5: RandomPerspective + RandomRotation(10)",
            new Compose(new RandomPerspective(), new RandomRotation(10), N(ChannelNormalization.Mnist)),
            N(ChannelNormalization.Mnist)),
        new("fashion-arch2", "§3.1/§3.2 Fashion-MNIST: RandomRotation(10) + RandomResizedCrop(28, 0.95–1), Normalize(0.5, 0.5)",
            new Compose(new RandomRotation(10), new RandomResizedCrop(28, 0.95, 1.0), N(ChannelNormalization.Half)),
            N(ChannelNormalization.Half)),
        new("cifar-cnn", "§3.3 CIFAR CNN and VGG scripts: Pad 4, HFlip, RandomCrop 32, no normalisation",
            new Compose(new Pad(4), new RandomHorizontalFlip(), new RandomCrop(32)), new Compose()),
        new("cifar-resnet", "§3.3 CIFAR ResNet and VGG-100 scripts: RandomCrop(32, pad 4), HFlip, CIFAR-100 stats",
            new Compose(new RandomCrop(32, 4), new RandomHorizontalFlip(), CifarStats), CifarStats),
        Transfer("tl-stl10", "§3.4 STL10: Resize(272²), Rot15, Crop256, HFlip; eval Resize256",
            272, 15, 256, new Resize(256)),
        Transfer("tl-cifar10", "§3.4 CIFAR10 (as STL10): Resize(272²), Rot15, Crop256, HFlip; eval Resize256", 272, 15,
            256, new Resize(256)),
        Transfer("tl-cifar100", "§3.4 CIFAR100 (as STL10): Resize(272²), Rot15, Crop256, HFlip; eval Resize256", 272, 15,
            256, new Resize(256)),
        Transfer("tl-bird225", "§3.4 Bird225: Resize(230²), Rot15, Crop224, HFlip; eval native 224", 230, 15, 224,
            new Resize(224, 224)),
        Transfer("tl-caltech101", "§3.4 Caltech101: Resize(230²), Rot15, Crop224, HFlip; eval Resize(224²)", 230, 15,
            224, new Resize(224, 224)),
        Transfer("tl-cinic10", "§3.4 CINIC10: Resize(456²), Rot15, Crop448, HFlip, CINIC stats; eval Resize(448²)",
            456, 15, 448, new Resize(448, 448), ChannelNormalization.Cinic10),
        Transfer("tl-oxford102", "§3.4 Oxford102: Resize(464²), Rot15, Crop448, HFlip; eval Resize(448²)", 464, 15, 448,
            new Resize(448, 448)),
        Transfer("tl-stanford-cars", "§3.4 Stanford Cars: Resize(456²), Rot15, Crop448, HFlip; eval Resize(448²)", 456,
            15, 448, new Resize(448, 448)),
        new("tl-fruits360", "§3.4 Fruits360: Resize(140²), Rot15, RandomResizedCrop128, HFlip, VFlip; eval Resize128",
            new Compose(new Resize(140, 140), new RandomRotation(15), new RandomResizedCrop(128),
                new RandomHorizontalFlip(), new RandomVerticalFlip(), CifarStats),
            new Compose(new Resize(128), CifarStats)),
        new("tl-mnist", "§3.4 MNIST on vgg19_bn: Resize(120²), Rot10, Crop112, RandomPerspective, MNIST stats; eval Resize112",
            new Compose(new Resize(120, 120), new RandomRotation(10), new RandomCrop(112), new RandomPerspective(),
                N(ChannelNormalization.Mnist)),
            new Compose(new Resize(112), N(ChannelNormalization.Mnist))),
        new("tl-svhn", "§3.4 SVHN: Resize(272×320), Rot15, CenterCrop272, RandomCrop256; eval Resize(272×320), CenterCrop256",
            new Compose(new Resize(272, 320), new RandomRotation(15), new CenterCrop(272), new RandomCrop(256), CifarStats),
            new Compose(new Resize(272, 320), new CenterCrop(256), CifarStats)),
        new("tl-hymenoptera", "§3.4 hymenoptera: RandomResizedCrop224, HFlip, ImageNet stats; eval Resize256, CenterCrop224",
            new Compose(new RandomResizedCrop(224), new RandomHorizontalFlip(), N(ChannelNormalization.ImageNet)),
            new Compose(new Resize(256), new CenterCrop(224), N(ChannelNormalization.ImageNet))),
        new("imagenet", "ImageNet backbones (fine-tuning): Resize(224²), ImageNet statistics (torchvision's), for " +
                        "training and evaluation",
            new Compose(new Resize(224, 224), N(ChannelNormalization.ImageNet)),
            new Compose(new Resize(224, 224), N(ChannelNormalization.ImageNet))),
        new("nb-fashion-tl", "§3.5 Fashion-MNIST notebook: Resize120, HFlip, RandomAffine(10°, translate 0.2), " +
                             "RandomResizedCrop(112, 0.95–1), Normalize(0.5, 0.5)",
            new Compose(new Resize(120), new RandomHorizontalFlip(), new RandomAffine(10, 0.2, 0.2),
                new RandomResizedCrop(112, 0.95, 1.0), N(ChannelNormalization.Half)),
            new Compose(new Resize(112), N(ChannelNormalization.Half))),
        new("nb-monkey", "§3.5 AlexNet monkey notebook: Resize320, Rot15, RandomResizedCrop300, H/V flip",
            new Compose(new Resize(320), new RandomRotation(15), new RandomResizedCrop(300), new RandomHorizontalFlip(),
                new RandomVerticalFlip(), CifarStats),
            new Compose(new Resize(300), new CenterCrop(300), CifarStats)),
    ];

    public static PipelinePreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            NearestName.Unknown("pipeline", name, All.Select(p => p.Name), "known"), "Augmentation");

    /// <summary>The steps fitted to a network's input (docs/fine-tuning.md §13.3): with <paramref name="toRgb"/>, grey
    /// samples repeated to three channels first (as ImageFolder's convert('RGB'); RGB ones pass unchanged); with a
    /// <paramref name="size"/>, the result resized to size × size: the pipeline's last fixed-size Resize, when only
    /// normalisation follows it, resizes to that size instead, else a Resize ends the steps.</summary>
    public static IImageTransform Fitted(IImageTransform steps, int? size, bool toRgb)
    {
        if (size is null && !toRgb) return steps;
        var list = Flatten(steps).ToList();
        if (size is int n)
        {
            int last = list.FindLastIndex(step => step is not Normalize);
            if (last >= 0 && list[last] is Resize { Width: not null }) list[last] = new Resize(n, n);
            else list.Add(new Resize(n, n));
        }
        if (toRgb) list.Insert(0, new ToChannels(3));
        return new Compose([.. list]);
    }

    static IEnumerable<IImageTransform> Flatten(IImageTransform steps) =>
        steps is Compose c ? c.Steps.SelectMany(Flatten) : [steps];

    /// <summary>The statistics, where a pipeline does nothing but normalise (or nothing at all); else null.</summary>
    public static ChannelNormalization? OnlyNormalizes(IImageTransform steps) => steps switch
    {
        Normalize n => n.Statistics,
        Compose { Steps.Count: 0 } => ChannelNormalization.None,
        Compose { Steps.Count: 1 } c => OnlyNormalizes(c.Steps[0]),
        _ => null,
    };
}
