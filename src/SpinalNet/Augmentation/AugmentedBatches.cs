// Batches built sample by sample through a preprocessing pipeline (docs/experiments.md §3: torchvision's per-sample
// transforms), from any sample source, for the training loop: the StreamingLoader builds them on worker threads ahead
// of the training step, in the order the loop chose; each sample draws from its own generator
// (PerSampleRandom.For(seed, epoch, index)), so the result does not depend on threads or timing.
using SpinalNet.Data;
using static TorchSharp.torch;

namespace SpinalNet.Augmentation;

/// <summary>Batches built sample by sample through a preprocessing pipeline, on worker threads ahead of the training
/// step.</summary>
public sealed class AugmentedBatches(ISampleSource samples, IImageTransform pipeline, long seed) : IBatchSource
{
    public long Count => samples.Count;
    public int Classes => samples.ClassNames.Count;
    public string Source => samples.Source;

    public IEnumerable<(Tensor Images, Tensor Labels)> Batches(long[] order, int epoch, long firstBatch, int batchSize) =>
        new StreamingLoader(samples, pipeline, batchSize, seed)
            .Batches(order.Select(i => (int)i).ToArray(), epoch, (int)firstBatch)
            .Select(batch => batch.ToTensors());

    public void Dispose() { }
}
