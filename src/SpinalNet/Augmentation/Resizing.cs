// Resize and RandomResizedCrop (docs/experiments.md §3: Resize(272²), Resize(256) on the shorter side,
// RandomResizedCrop(28, scale 0.95–1) for Fashion-MNIST, RandomResizedCrop(224) for hymenoptera, 128 for Fruits 360).
// Resizing is antialiased bilinear as PIL does it; the crop box follows torchvision's get_params: ten tries of area ∈
// scale × image area and log-uniform aspect ratio, then a centre crop clamped to the ratio range.
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <summary>Resize to Height x Width, or, when Width is null, the shorter side to Height keeping the aspect ratio
/// (torchvision's Resize(int): the longer side truncated).</summary>
public sealed record Resize(int Height, int? Width = null) : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random)
    {
        var (h, w) = Size(image.Height, image.Width);
        return Resampling.Resize(image, h, w);
    }

    public (int Height, int Width) Size(int height, int width)
    {
        if (Width is int w) return (Height, w);
        return height <= width ? (Height, (int)((long)Height * width / height)) : ((int)((long)Height * height / width), Height);
    }
}

/// <summary>A crop of random scale and aspect ratio, resized to a given size (torchvision's get_params).</summary>
public sealed record RandomResizedCrop(int Height, int Width, double ScaleMin = 0.08, double ScaleMax = 1.0,
    double RatioMin = 3.0 / 4, double RatioMax = 4.0 / 3) : IImageTransform
{
    public RandomResizedCrop(int size, double scaleMin = 0.08, double scaleMax = 1.0)
        : this(size, size, scaleMin, scaleMax) { }

    public Image Apply(Image image, PerSampleRandom random)
    {
        var (top, left, h, w) = Box(image.Height, image.Width, random);
        return Resampling.Resize(Resampling.Crop(image, top, left, h, w), Height, Width);
    }

    public (int Top, int Left, int Height, int Width) Box(int height, int width, PerSampleRandom random)
    {
        double area = (double)height * width;
        double logMin = Math.Log(RatioMin), logMax = Math.Log(RatioMax);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * random.Uniform(ScaleMin, ScaleMax);
            double ratio = Math.Exp(random.Uniform(logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(target * ratio), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(target / ratio), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
                return (random.Next(0, height - h + 1), random.Next(0, width - w + 1), h, w);
        }
        double inRatio = (double)width / height;
        int cw = width, ch = height;
        if (inRatio < RatioMin) ch = (int)Math.Round(cw / RatioMin, MidpointRounding.ToEven);
        else if (inRatio > RatioMax) cw = (int)Math.Round(ch * RatioMax, MidpointRounding.ToEven);
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }
}
