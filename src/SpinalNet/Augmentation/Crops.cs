// Padding and cropping (docs/experiments.md §3): Pad(4) before RandomCrop(32) in the CIFAR CNN scripts, RandomCrop(32,
// padding=4) in the ResNet scripts, RandomCrop(224/256/448) and CenterCrop in the transfer-learning scripts. Offsets
// follow torchvision: RandomCrop draws top then left uniformly; CenterCrop rounds (H − h)/2 and pads when the crop
// is larger than the image.
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <summary>Padding by a constant on every side.</summary>
public sealed record Pad(int Padding, float Fill = 0) : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random) =>
        Resampling.Crop(image, -Padding, -Padding, image.Height + 2 * Padding, image.Width + 2 * Padding, Fill);
}

/// <summary>A random crop of a given size (torchvision's RandomCrop), optionally after padding.</summary>
public sealed record RandomCrop(int Height, int Width, int Padding = 0, float Fill = 0) : IImageTransform
{
    public RandomCrop(int size, int padding = 0) : this(size, size, padding) { }

    public Image Apply(Image image, PerSampleRandom random)
    {
        int h = image.Height + 2 * Padding, w = image.Width + 2 * Padding;
        if (h < Height || w < Width)
            throw new ArgumentException($"random crop {Height} x {Width} is larger than the (padded) image {h} x {w}");
        int top = random.Next(0, h - Height + 1), left = random.Next(0, w - Width + 1);
        return Resampling.Crop(image, top - Padding, left - Padding, Height, Width, Fill);
    }
}

/// <summary>The central crop of a given size.</summary>
public sealed record CenterCrop(int Height, int Width) : IImageTransform
{
    public CenterCrop(int size) : this(size, size) { }

    public Image Apply(Image image, PerSampleRandom random) =>
        Resampling.Crop(image, Offset(image.Height, Height), Offset(image.Width, Width), Height, Width);

    /// <summary>torchvision: round((size − crop)/2) inside the image; when the crop is larger, the image is first
    /// padded by ⌊(crop − size)/2⌋ before it (the odd pixel after it).</summary>
    static int Offset(int size, int crop) =>
        crop > size ? -((crop - size) / 2) : (int)Math.Round((size - crop) / 2.0, MidpointRounding.ToEven);
}
