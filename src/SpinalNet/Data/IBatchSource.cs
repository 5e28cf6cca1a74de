// What the training loop asks of its data (docs/experiments.md §3): a count, a class count, and the batches of an epoch
// in the order the loop chose, from a given batch on (a resumed run starts mid-epoch). In-memory sets answer by
// indexing one tensor; augmented sets build each sample through a pipeline whose random draws depend only on (seed,
// epoch, sample), ahead of the training step on worker threads, so a batch is the same whichever thread builds it and
// whenever, which keeps resumed runs exact.
using static TorchSharp.torch;

namespace SpinalNet.Data;

/// <summary>A labelled data set as the trainer and the evaluator read it: counts and batches in a given
/// order.</summary>
public interface IBatchSource : IDisposable
{
    long Count { get; }
    int Classes { get; }
    /// <summary>Where the samples come from, for messages and reports.</summary>
    string Source { get; }

    /// <summary>Images [n, C, H, W] float32 and labels [n] int64 of each batch of <paramref name="order"/> cut into
    /// batches of <paramref name="batchSize"/>, from batch <paramref name="firstBatch"/> on. Enumerate inside the
    /// step's dispose scope: the tensors belong to it.</summary>
    IEnumerable<(Tensor Images, Tensor Labels)> Batches(long[] order, int epoch, long firstBatch, int batchSize);
}
