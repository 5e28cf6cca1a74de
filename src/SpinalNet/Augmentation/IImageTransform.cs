// One preprocessing step of docs/experiments.md §3's pipelines, applied to one sample at a time. Random steps draw from
// the sample's own generator; deterministic ones ignore it.
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <summary>One preprocessing step, applied to one sample with that sample's own random generator.</summary>
public interface IImageTransform
{
    Image Apply(Image image, PerSampleRandom random);
}

/// <summary>Steps applied in order (torchvision's Compose). Empty: the identity.</summary>
public sealed class Compose(params IImageTransform[] steps) : IImageTransform
{
    public IReadOnlyList<IImageTransform> Steps => steps;

    public Image Apply(Image image, PerSampleRandom random)
    {
        foreach (var step in steps) image = step.Apply(image, random);
        return image;
    }
}

/// <summary>Converts to 1 or 3 channels (gray to RGB repeats the plane), as ImageFolder's convert('RGB').</summary>
public sealed record ToChannels(int Channels) : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random) => image.WithChannels(Channels);
}
