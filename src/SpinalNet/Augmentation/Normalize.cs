// Per-channel normalisation, the last step of every normalising pipeline in docs/experiments.md §3: x ← (x − mean_c) /
// std_c.
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <summary>Per-channel normalisation, x ← (x − mean_c) / std_c.</summary>
public sealed record Normalize(ChannelNormalization Statistics) : IImageTransform
{
    public Image Apply(Image image, PerSampleRandom random)
    {
        Statistics.Validate(image.Channels);
        var output = new Image(image.Channels, image.Height, image.Width);
        for (int c = 0; c < image.Channels; c++)
        {
            float mean = (float)Statistics.MeanOf(c), std = (float)Statistics.StdOf(c);
            for (int i = c * image.Plane; i < (c + 1) * image.Plane; i++) output.Data[i] = (image.Data[i] - mean) / std;
        }
        return output;
    }
}
