// A subset of a sample source by index, and the seeded hold-out that carves a validation split from training data
// (docs/experiments.md §3.7: the scripts pick the best epoch on the test set; a held-out part of the training data
// is the honest default).
using SpinalNet.Layers;
using TorchSharp;

namespace SpinalNet.Data;

/// <summary>A subset of a sample source by index.</summary>
public sealed class SampleSubset(ISampleSource source, int[] indices, string what) : ISampleSource
{
    public int Count => indices.Length;
    public IReadOnlyList<string> ClassNames => source.ClassNames;
    public string Source => $"{source.Source} ({what})";
    public Image ReadImage(int index) => source.ReadImage(indices[index]);
    public int Label(int index) => source.Label(indices[index]);
}

/// <summary>The seeded hold-out that carves a validation split from training data: the one rule (a fraction of the
/// samples, rounded) and the one generator (torch's, seeded) of every split the library makes.</summary>
public static class HoldOut
{
    /// <summary>A random <paramref name="fraction"/> of 0..count−1 drawn from <paramref name="seed"/>: (the remaining
    /// indices, the held-out ones). The same seed always holds out the same samples.</summary>
    public static (long[] Remaining, long[] Held) Indices(long count, double fraction, long seed)
    {
        long held = Size(count, fraction);
        if (held < 1 || held >= count)
            throw new SettingException("ValidationFraction", fraction,
                $"leaves one side of the {count} samples empty");
        var all = Permutation(count, seed);
        return (all[(int)held..], all[..(int)held]);
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
