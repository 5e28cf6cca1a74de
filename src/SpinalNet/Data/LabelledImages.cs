// A labelled image set held in memory as bytes, the way the MNIST family, CIFAR, SVHN and STL-10's labelled splits
// are stored (docs/data.md §6): N images of C x H x W unsigned bytes in CHW order, one int label each, and the class
// names. It converts to one float tensor for training without augmentation (InMemoryDataset) and serves single
// samples to the per-sample augmentation path.
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Data;

/// <summary>A labelled image set in memory as bytes (CHW), with class names.</summary>
public sealed class LabelledImages : ISampleSource
{
    public byte[] Pixels { get; }
    public int[] Labels { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public string Source { get; }

    public LabelledImages(byte[] pixels, int[] labels, int channels, int height, int width,
        IReadOnlyList<string> classNames, string source)
    {
        if ((long)labels.Length * channels * height * width != pixels.Length)
            throw new ArgumentException(
                $"{source}: {pixels.Length} pixel bytes for {labels.Length} images of {channels} x {height} x {width}");
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
        Source = source;
    }

    public int Count => Labels.Length;
    public int ImageSize => Channels * Height * Width;

    public Image ReadImage(int index) =>
        Image.FromBytes(Pixels.AsSpan(index * ImageSize, ImageSize), Channels, Height, Width);

    public int Label(int index) => Labels[index];

    /// <summary>The bytes of image <paramref name="index"/>, CHW order.</summary>
    public ReadOnlySpan<byte> ImageBytes(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>All images as one float tensor [N, C, H, W], scaled by 1/255 and normalised per channel, with int64
    /// labels: the in-memory form the trainer batches from.</summary>
    public InMemoryDataset ToImageDataset(ChannelNormalization normalization)
    {
        normalization.Validate(Channels);
        using var scope = torch.NewDisposeScope();
        var bytes = torch.tensor(Pixels, [Count, Channels, Height, Width], dtype: ScalarType.Byte);
        var x = bytes.to_type(ScalarType.Float32).div_(255);
        if (normalization.Mean.Length == 1)
            x.sub_(normalization.Mean[0]).div_(normalization.Std[0]);
        else
            x.sub_(ChannelTensor(normalization.Mean)).div_(ChannelTensor(normalization.Std));
        var y = torch.tensor(Labels.Select(l => (long)l).ToArray());
        return new InMemoryDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), ClassNames.Count, Source);
    }

    Tensor ChannelTensor(double[] values) =>
        torch.tensor(values.Select(v => (float)v).ToArray()).view(1, Channels, 1, 1);

    /// <summary>The images <paramref name="first"/>..<paramref name="first"/>+<paramref name="count"/>−1.</summary>
    public LabelledImages Slice(int first, int count, string source) =>
        new(Pixels.AsSpan(first * ImageSize, count * ImageSize).ToArray(), Labels.AsSpan(first, count).ToArray(),
            Channels, Height, Width, ClassNames, source);

    /// <summary>Concatenates sets of equal image size and classes (e.g. CIFAR-10's five training batches).</summary>
    public static LabelledImages Concat(IReadOnlyList<LabelledImages> parts, string source)
    {
        var first = parts[0];
        var pixels = new byte[parts.Sum(p => (long)p.Pixels.Length)];
        int offset = 0;
        foreach (var p in parts)
        {
            p.Pixels.CopyTo(pixels, offset);
            offset += p.Pixels.Length;
        }
        return new LabelledImages(pixels, parts.SelectMany(p => p.Labels).ToArray(), first.Channels, first.Height,
            first.Width, first.ClassNames, source);
    }

    /// <summary>Reorders each image from column-major to row-major inside every channel plane (a transpose of each
    /// H x W plane): STL-10 stores columns, and EMNIST's images are transposed relative to MNIST.</summary>
    public static void TransposePlanes(byte[] pixels, int planes, int side)
    {
        int plane = side * side;
        var buffer = new byte[plane];
        for (int p = 0; p < planes; p++)
        {
            var span = pixels.AsSpan(p * plane, plane);
            span.CopyTo(buffer);
            for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                span[y * side + x] = buffer[x * side + y];
        }
    }
}
