// Batches built sample by sample through a preprocessing pipeline (reference §3: torchvision's per-sample transforms),
// from any sample source. The samples of a batch are decoded and transformed on worker threads; each draws from its
// own generator (SampleRandom.For(seed, epoch, index)), so the result does not depend on threads or timing. While the
// training step runs on one batch, the next one is already being built: Prefetch hints are kept (at most Depth of
// them) until the matching Batch call, whichever of the two comes first for a step.
using SpinalNet.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Augmentation;

public sealed class AugmentedBatches(ISampleSource samples, IImageTransform pipeline, long seed) : IBatchSource
{
    /// <summary>Most batches built ahead at once.</summary>
    public const int Depth = 2;

    readonly List<(long[] Indices, int Epoch, Task<HostBatch> Build)> ahead = [];

    public long Count => samples.Count;
    public int Classes => samples.ClassNames.Count;
    public string Source => samples.Source;

    public (Tensor Images, Tensor Labels) Batch(Tensor indices, int epoch)
    {
        var wanted = indices.data<long>().ToArray();
        int found = Find(wanted, epoch);
        if (found < 0) return Build(wanted, epoch).ToTensors();
        var build = ahead[found].Build;
        ahead.RemoveAt(found);
        return build.GetAwaiter().GetResult().ToTensors();
    }

    public void Prefetch(Tensor indices, int epoch)
    {
        var wanted = indices.data<long>().ToArray();
        if (Find(wanted, epoch) >= 0) return;
        if (ahead.Count == Depth) ahead.RemoveAt(0); // a hint never asked for: let it finish unobserved
        ahead.Add((wanted, epoch, Task.Run(() => Build(wanted, epoch))));
    }

    int Find(long[] indices, int epoch) =>
        ahead.FindIndex(a => a.Epoch == epoch && a.Indices.SequenceEqual(indices));

    HostBatch Build(long[] indices, int epoch)
    {
        // One part per worker thread, each a contiguous run of the batch; parts are put back in order.
        int parts = Math.Clamp(Environment.ProcessorCount, 1, indices.Length);
        var built = new HostBatch[parts];
        Parallel.For(0, parts, p =>
        {
            int from = p * indices.Length / parts, to = (p + 1) * indices.Length / parts;
            built[p] = BatchBuilder.Build(samples, indices[from..to].Select(i => (int)i).ToArray(), pipeline, seed, epoch);
        });
        var first = built[0];
        return new HostBatch(built.SelectMany(b => b.Images).ToArray(), built.SelectMany(b => b.Labels).ToArray(),
            first.Channels, first.Height, first.Width);
    }

    public void Dispose()
    {
        foreach (var (_, _, build) in ahead)
            try { build.Wait(); } catch (AggregateException) { }
        ahead.Clear();
    }
}
