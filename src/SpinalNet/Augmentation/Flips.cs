// RandomHorizontalFlip and RandomVerticalFlip (docs/experiments.md §3: CIFAR and transfer-learning pipelines; Fruits
// 360 and the monkey notebook flip vertically too): mirror the sample with probability P, one draw per sample.
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <summary>Mirrors a sample left to right with probability P.</summary>
public sealed record RandomHorizontalFlip(double P = 0.5) : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random) => random.Chance(P) ? Flip(image, horizontal: true) : image;

    public static Image Flip(Image image, bool horizontal)
    {
        var output = new Image(image.Channels, image.Height, image.Width);
        for (int c = 0; c < image.Channels; c++)
        for (int y = 0; y < image.Height; y++)
        for (int x = 0; x < image.Width; x++)
            output[c, y, x] = horizontal ? image[c, y, image.Width - 1 - x] : image[c, image.Height - 1 - y, x];
        return output;
    }
}

/// <summary>Mirrors a sample top to bottom with probability P.</summary>
public sealed record RandomVerticalFlip(double P = 0.5) : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random) =>
        random.Chance(P) ? RandomHorizontalFlip.Flip(image, horizontal: false) : image;
}
