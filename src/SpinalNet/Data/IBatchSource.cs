// What the training loop asks of its data (reference §3): a count, a class count, and the batch for given sample
// indices in a given epoch, as tensors. In-memory sets answer by indexing one tensor; augmented sets build each sample
// through a pipeline whose random draws depend only on (seed, epoch, sample), so a batch is the same whichever thread
// builds it and whenever, which keeps resumed runs exact.
using static TorchSharp.torch;

namespace SpinalNet.Data;

public interface IBatchSource : IDisposable
{
    long Count { get; }
    int Classes { get; }
    /// <summary>Where the samples come from, for messages and reports.</summary>
    string Source { get; }
    /// <summary>Images [n, C, H, W] float32 and labels [n] int64 for the sample indices (int64 tensor).</summary>
    (Tensor Images, Tensor Labels) Batch(Tensor indices, int epoch);

    /// <summary>A hint: the batch that will be asked for next, for sources that can build it ahead.</summary>
    void Prefetch(Tensor indices, int epoch) { }
}
