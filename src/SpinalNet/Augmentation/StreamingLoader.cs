// Streaming mini-batches for sets that do not fit in memory (docs/data.md §6: image folders such as Fruits 360 or
// CINIC-10, STL-10's 2.7 GB unlabeled split): worker threads read, decode and augment whole batches ahead of the
// training step, at most Prefetch batches at a time, so memory holds a bounded number of batches whatever the set's
// size. Batch order and every augmentation draw depend only on (seed, epoch), never on thread timing.
using SpinalNet.Data;

namespace SpinalNet.Augmentation;

/// <summary>Streams augmented mini-batches of sets that do not fit in memory, a bounded number ahead.</summary>
public sealed class StreamingLoader
{
    readonly ISampleSource source;
    readonly IImageTransform pipeline;
    readonly TaskScheduler scheduler;

    public int BatchSize { get; }
    public long Seed { get; }
    public bool Shuffle { get; }
    public int Workers { get; }
    /// <summary>Most batches read ahead of the one the consumer holds.</summary>
    public int Prefetch { get; }

    public StreamingLoader(ISampleSource source, IImageTransform pipeline, int batchSize, long seed, bool shuffle = true,
        int? workers = null, int? prefetch = null)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch size {batchSize} must be positive");
        if (source.Count == 0) throw new DataFormatException(source.Source, "has no samples");
        this.source = source;
        this.pipeline = pipeline;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        Workers = Math.Max(1, workers ?? Environment.ProcessorCount);
        Prefetch = Math.Max(1, prefetch ?? 2 * Workers);
        scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, Workers).ConcurrentScheduler;
    }

    public int BatchesPerEpoch => (source.Count + BatchSize - 1) / BatchSize;

    /// <summary>The sample order of <paramref name="epoch"/>: a permutation drawn from the seed, or 0..N−1.</summary>
    public int[] Order(int epoch) => Shuffle
        ? PerSampleRandom.For(Seed, epoch, -1).Permutation(source.Count)
        : Enumerable.Range(0, source.Count).ToArray();

    /// <summary>The batches of one epoch in order; a sample that fails to load fails the enumeration with its error.</summary>
    public IEnumerable<HostBatch> Epoch(int epoch, CancellationToken cancel = default) =>
        Batches(Order(epoch), epoch, 0, cancel);

    /// <summary>The batches of <paramref name="order"/> (sample indices, cut into batches of BatchSize) from batch
    /// <paramref name="firstBatch"/> on, built ahead on the workers; draws depend on (seed, epoch, sample) only.</summary>
    public IEnumerable<HostBatch> Batches(int[] order, int epoch, int firstBatch, CancellationToken cancel = default)
    {
        int batches = (order.Length + BatchSize - 1) / BatchSize;
        var pending = new Queue<Task<HostBatch>>();
        int next = firstBatch;
        try
        {
            while (next < batches || pending.Count > 0)
            {
                while (pending.Count < Prefetch && next < batches)
                {
                    var indices = new ArraySegment<int>(order, next * BatchSize,
                        Math.Min(BatchSize, order.Length - next * BatchSize));
                    next++;
                    pending.Enqueue(Task.Factory.StartNew(
                        () => BatchBuilder.Build(source, indices, pipeline, Seed, epoch),
                        cancel, TaskCreationOptions.None, scheduler));
                }
                cancel.ThrowIfCancellationRequested();
                yield return pending.Dequeue().GetAwaiter().GetResult();
            }
        }
        finally
        {
            // Leaving early (break, error, cancel): let the workers finish so no read outlives the enumeration.
            foreach (var task in pending)
                try { task.Wait(); } catch (AggregateException) { }
        }
    }
}
