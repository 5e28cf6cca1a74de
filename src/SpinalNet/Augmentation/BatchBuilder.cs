// Builds one mini-batch from any sample source (docs/experiments.md §3): every sample is read and sent through the
// pipeline with its own generator (PerSampleRandom.For(seed, epoch, index)), so samples of one batch get different
// draws and the same run seed gives the same batch. All samples must come out of the pipeline with one shape.
using SpinalNet.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Augmentation;

/// <summary>A batch in managed memory, ready to become tensors on the training thread.</summary>
public sealed record HostBatch(float[] Images, long[] Labels, int Channels, int Height, int Width)
{
    public int Count => Labels.Length;

    /// <summary>Images [N, C, H, W] float32 and labels [N] int64 (owned by the caller's dispose scope).</summary>
    public (Tensor Images, Tensor Labels) ToTensors() =>
        (torch.tensor(Images, [Count, Channels, Height, Width]), torch.tensor(Labels));
}

/// <summary>Builds one mini-batch from a sample source, each sample through the pipeline with its own
/// generator.</summary>
public static class BatchBuilder
{
    public static HostBatch Build(ISampleSource source, IReadOnlyList<int> indices, IImageTransform pipeline, long seed,
        int epoch)
    {
        if (indices.Count == 0) throw new ArgumentException("a batch needs at least one sample");
        float[]? images = null;
        var labels = new long[indices.Count];
        int c = 0, h = 0, w = 0;
        for (int i = 0; i < indices.Count; i++)
        {
            int index = indices[i];
            var image = pipeline.Apply(source.ReadImage(index), PerSampleRandom.For(seed, epoch, index));
            if (images is null)
            {
                (c, h, w) = (image.Channels, image.Height, image.Width);
                images = new float[indices.Count * image.Data.Length];
            }
            else if ((image.Channels, image.Height, image.Width) != (c, h, w))
                throw new DataFormatException(source.Source,
                    $"sample {index} is {image.Channels} x {image.Height} x {image.Width} after preprocessing but the " +
                    $"batch is {c} x {h} x {w}: add a Resize or crop to the pipeline");
            image.Data.CopyTo(images, i * image.Data.Length);
            labels[i] = source.Label(index);
        }
        return new HostBatch(images!, labels, c, h, w);
    }
}
