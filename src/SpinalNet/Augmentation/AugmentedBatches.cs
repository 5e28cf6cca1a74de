// Batches built sample by sample through a preprocessing pipeline (reference §3: torchvision's per-sample transforms),
// from any sample source. The samples of a batch are decoded and transformed on worker threads; each draws from its
// own generator (SampleRandom.For(seed, epoch, index)), so the result does not depend on threads or timing. While the
// training step runs on one batch, the next one is already being built (a prefetch of one batch).
using SpinalNet.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Augmentation;

public sealed class AugmentedBatches(ISampleSource samples, IImageTransform pipeline, long seed) : IBatchSource
{
    (long[] Indices, int Epoch, Task<HostBatch> Build)? ahead;

    public long Count => samples.Count;
    public int Classes => samples.ClassNames.Count;
    public string Source => samples.Source;

    public (Tensor Images, Tensor Labels) Batch(Tensor indices, int epoch)
    {
        var wanted = indices.data<long>().ToArray();
        var batch = ahead is { } a && a.Epoch == epoch && a.Indices.SequenceEqual(wanted)
            ? a.Build.Result
            : Build(wanted, epoch);
        ahead = null;
        return batch.ToTensors();
    }

    public void Prefetch(Tensor indices, int epoch)
    {
        var wanted = indices.data<long>().ToArray();
        ahead = (wanted, epoch, Task.Run(() => Build(wanted, epoch)));
    }

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

    public void Dispose() => ahead?.Build.Wait();
}
