// The seeded hold-out that carves a validation split from training data (docs/experiments.md §3.7: the scripts pick
// the best epoch on the test set; a held-out part of the training data is the honest default), and the one rule and
// generator of every split the library makes (docs/architecture.md §14.4): a share of the samples rounded to the
// nearest, the first ones of a permutation drawn from torch's generator seeded with the run's seed. The same seed
// always holds out the same samples, whichever trainer asks.
using SpinalNet.Data;
using SpinalNet.Layers;
using TorchSharp;

namespace SpinalNet.Training;

/// <summary>The library's one rule and generator for held-out splits.</summary>
public static class HoldOut
{
    /// <summary>A random <paramref name="fraction"/> of 0..count−1 drawn from <paramref name="seed"/>: (the remaining
    /// indices, the held-out ones).</summary>
    public static (long[] Remaining, long[] Held) Indices(long count, double fraction, long seed)
    {
        long held = Size(count, fraction);
        if (held < 1 || held >= count)
            throw new SettingException("ValidationFraction", fraction, $"leaves one side of the {count} samples empty");
        var all = Permutation(count, seed);
        return (all[(int)held..], all[..(int)held]);
    }

    /// <summary>A set in memory split the same way: (the rest, the held-out part), each with storage of its own.</summary>
    public static (InMemoryDataset Remaining, InMemoryDataset Held) Split(InMemoryDataset set, double fraction, long seed)
    {
        var (remaining, held) = Indices(set.Count, fraction, seed);
        return (set.Subset(remaining, "training part"), set.Subset(held, "held out"));
    }

    /// <summary>How many of <paramref name="count"/> samples a <paramref name="fraction"/> holds out: rounded to the
    /// nearest.</summary>
    public static long Size(long count, double fraction) => (long)Math.Round(count * fraction);

    /// <summary>0..count−1 in the order drawn from <paramref name="seed"/>; parts of it are the splits.</summary>
    public static long[] Permutation(long count, long seed)
    {
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        using var order = torch.randperm(count, generator: generator);
        return order.data<long>().ToArray();
    }
}
