// A preview of a data set as the network gets it, what `spinalnet data show` draws: samples spread evenly over a split,
// optionally sent through a training pipeline of docs/experiments.md §3 (per-sample draws from the seed, normalisation
// left out so the picture shows what the pixels are), each captioned with its label and class name, on a contact
// sheet.
using SpinalNet.Augmentation;
using SpinalNet.Data;

namespace SpinalNet.Charts;

/// <summary>Samples of a split, spread over it, optionally augmented, captioned, as a contact sheet.</summary>
public static class DatasetPreview
{
    /// <summary>PNG bytes of <paramref name="count"/> samples of <paramref name="source"/>.</summary>
    public static byte[] Render(ISampleSource source, int count, IImageTransform? pipeline = null, long seed = 0)
    {
        if (count <= 0) throw new ArgumentException($"sample count {count} must be positive");
        count = Math.Min(count, source.Count);
        var display = pipeline is null ? null : WithoutNormalization(pipeline);
        var tiles = new List<(Image, string)>();
        for (int i = 0; i < count; i++)
        {
            int index = (int)((long)i * source.Count / count);
            var image = source.ReadImage(index);
            if (display is not null) image = display.Apply(image, PerSampleRandom.For(seed, 0, index));
            int label = source.Label(index);
            tiles.Add((image, label < 0 ? $"#{index} unlabeled" : $"{label}: {source.ClassNames[label]}"));
        }
        int side = tiles.Max(t => Math.Max(t.Item1.Height, t.Item1.Width));
        int cell = side < 64 ? side * (96 / side) : Math.Min(side, 160);
        return ContactSheet.Render(tiles, Math.Max(cell, 32));
    }

    /// <summary>The pipeline with its Normalize steps removed (values stay in [0, 1] for display).</summary>
    public static IImageTransform WithoutNormalization(IImageTransform transform) => transform switch
    {
        Compose c => new Compose(c.Steps.Where(s => s is not Normalize).Select(WithoutNormalization).ToArray()),
        Normalize => new Compose(),
        _ => transform,
    };
}
