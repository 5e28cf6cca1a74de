// How `spinalnet predict`, `explain` and `serve` bring one image to a network's input (docs/deployment.md §8,
// docs/serving.md §16.5): decode it (a file, or a request's bytes) to the network's channels, invert a mostly light grey
// image for a network that learnt light strokes on dark (Polarity), resize it to the input size and apply the run's
// evaluation preprocessing. One path, so the three commands give the same answer for the same image.
using SpinalNet.Augmentation;
using SpinalNet.Data;
using static TorchSharp.torch;

namespace SpinalNet.Runs;

/// <summary>An image to classify: its name (a path, or a request's) and how to decode it to a number of
/// channels.</summary>
public sealed record ImageSource(string Name, Func<int, Image> Decode)
{
    /// <summary>An image file.</summary>
    public static ImageSource File(string path) => new(path, channels => ImageCodec.Decode(path, channels));

    /// <summary>Encoded image bytes (PNG, JPEG, ...), refused beyond <paramref name="maxPixels"/>.</summary>
    public static ImageSource Bytes(string name, byte[] bytes, long maxPixels = ImageCodec.MaxPixels) =>
        new(name, channels => ImageCodec.Decode(bytes, channels, name, maxPixels));
}

/// <summary>One image ready for the network: the input [1, C, H, W], whether it was inverted, and the image as decoded
/// at the input size (not inverted, not normalised), for pictures.</summary>
public sealed record PreparedInput(Tensor Input, bool Inverted, Image Resized);

/// <summary>A run's preprocessing of single images (predict's, explain's and serve's).</summary>
public sealed class InputPreparation(RunConfig config)
{
    readonly int channels = (int)config.InputShape[0];
    readonly Resize resize = new((int)config.InputShape[1], (int)config.InputShape[2]);
    readonly IImageTransform prepare = new Compose(new Resize((int)config.InputShape[1], (int)config.InputShape[2]),
        Pipelines.Fitted(Pipelines.Get(config.Augmentation).Eval, config.ImageSize, toRgb: false));

    /// <summary>Decodes and prepares <paramref name="source"/>; the tensor belongs to the caller's dispose
    /// scope.</summary>
    public PreparedInput Prepare(ImageSource source, Polarity polarity)
    {
        var decoded = source.Decode(channels);
        var resized = resize.Apply(decoded, PerSampleRandom.For(0, 0, 0));
        bool invert = polarity == Polarity.Invert ||
                      polarity == Polarity.Auto && channels == 1 && decoded.Data.Average() > 0.5;
        if (invert)
            decoded = new Image(decoded.Channels, decoded.Height, decoded.Width, decoded.Data.Select(v => 1 - v).ToArray());
        var image = prepare.Apply(decoded, PerSampleRandom.For(0, 0, 0));
        return new PreparedInput(tensor(image.Data, [1, image.Channels, image.Height, image.Width]), invert, resized);
    }
}
