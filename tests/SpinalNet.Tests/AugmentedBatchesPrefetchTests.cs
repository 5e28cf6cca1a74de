// The trainer hints the next batch before asking for the current one; the hinted batch must still be the one handed
// out later (built once, not again), and a hint never asked for must not leak into another step.
using SpinalNet.Augmentation;
using SpinalNet.Data;
using TorchSharp;

namespace SpinalNet.Tests;

public class AugmentedBatchesPrefetchTests
{
    sealed class CountingSet(LabelledImages inner) : ISampleSource
    {
        int reads;
        public int Reads => Volatile.Read(ref reads);
        public int Count => inner.Count;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public string Source => inner.Source;
        public int Label(int index) => inner.Label(index);

        public Image ReadImage(int index)
        {
            Interlocked.Increment(ref reads);
            return inner.ReadImage(index);
        }
    }

    [Fact]
    public void HintBeforeAskIsBuiltOnceAndGivesTheSameBatch()
    {
        var set = new CountingSet(new LabelledImages(DataTestFiles.RandomBytes(40 * 64, 3), Enumerable.Range(0, 40)
            .Select(i => i % 10).ToArray(), 1, 8, 8, ClassNames.Digits(), "forty"));
        var pipeline = new Compose(new RandomRotation(20), new RandomHorizontalFlip());
        using var batches = new AugmentedBatches(set, pipeline, seed: 4);
        var steps = Enumerable.Range(0, 4).Select(s => torch.arange(s * 10, s * 10 + 10, dtype: torch.int64)).ToArray();
        var seen = new List<float[]>();
        for (int s = 0; s < steps.Length; s++) // the trainer's order: hint for s + 1, then ask for s
        {
            if (s + 1 < steps.Length) batches.Prefetch(steps[s + 1], 0);
            var (x, _) = batches.Batch(steps[s], 0);
            seen.Add(x.data<float>().ToArray());
        }
        Assert.Equal(40, set.Reads); // every sample read once: each hinted batch was used, none rebuilt
        for (int s = 0; s < steps.Length; s++)
            Assert.Equal(BatchBuilder.Build(set, Enumerable.Range(s * 10, 10).ToArray(), pipeline, 4, 0).Images, seen[s]);

        batches.Prefetch(steps[0], 1); // a hint for another epoch is not handed out for epoch 0
        var (again, _) = batches.Batch(steps[0], 0);
        Assert.Equal(seen[0], again.data<float>().ToArray());
    }
}
