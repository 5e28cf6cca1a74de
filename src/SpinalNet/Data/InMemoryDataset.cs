// A labelled set held in memory as two tensors (as torch's TensorDataset), the form the MNIST family takes (docs/data.md
// §6): images [N, C, H, W] float32, already scaled and normalised, and labels [N] int64; and the form tabular data and
// cached backbone features take, samples [N, F] with class indices, or [N, 1] float32 targets for a binary or a
// regression objective (Training/Objective.cs).
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Data;

/// <summary>A labelled set in memory: samples [N, ...] float32 (images [N, C, H, W], normalised) and labels [N] int64
/// (or real targets [N, m] float32).</summary>
public sealed class InMemoryDataset : IBatchSource
{
    /// <summary>[N, C, H, W] float32 (or [N, F] for tabular samples and features).</summary>
    public Tensor Images { get; }

    /// <summary>[N] int64 class indices.</summary>
    public Tensor Labels { get; }
    public string Source { get; }
    public int Classes { get; }

    /// <summary>A set over the two tensors, which it then owns (disposing the set disposes them).</summary>
    public InMemoryDataset(Tensor images, Tensor labels, int classes, string source)
    {
        if (images.shape[0] != labels.shape[0])
            throw new ArgumentException($"{images.shape[0]} images but {labels.shape[0]} labels", nameof(labels));
        Images = images;
        Labels = labels;
        Classes = classes;
        Source = source;
    }

    public long Count => Labels.shape[0];

    public long[] SampleShape => Images.shape.Skip(1).ToArray();

    public IEnumerable<(Tensor Images, Tensor Labels)> Batches(long[] order, int epoch, long firstBatch, int batchSize)
    {
        for (long start = firstBatch * batchSize; start < order.Length; start += batchSize)
        {
            var indices = torch.tensor(order[(int)start..(int)Math.Min(start + batchSize, order.Length)]);
            yield return (Images.index_select(0, indices), Labels.index_select(0, indices));
        }
    }

    /// <summary>The first <paramref name="count"/> samples (or all, if fewer), sharing no storage with this set.</summary>
    public InMemoryDataset Take(long count)
    {
        long n = Math.Min(count, Count);
        return new InMemoryDataset(Images.narrow(0, 0, n).clone(), Labels.narrow(0, 0, n).clone(), Classes,
            $"{Source} (first {n})");
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order, sharing no storage with this set.</summary>
    public InMemoryDataset Subset(long[] indices, string what)
    {
        using var index = torch.tensor(indices);
        return new(Images.index_select(0, index), Labels.index_select(0, index), Classes, $"{Source} ({what})");
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
