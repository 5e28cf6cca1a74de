// A subset of a sample source by index, and the seeded hold-out that carves a validation split from training data
// (docs/experiments.md §3.7: the scripts pick the best epoch on the test set; a held-out part of the training data
// is the honest default).
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

/// <summary>The seeded hold-out that carves a validation split from training data.</summary>
public static class HoldOut
{
    /// <summary>A random <paramref name="fraction"/> of 0..count−1 drawn from <paramref name="seed"/>: (the remaining
    /// indices, the held-out ones). The same seed always holds out the same samples.</summary>
    public static (long[] Remaining, long[] Held) Indices(long count, double fraction, long seed)
    {
        long held = (long)Math.Round(count * fraction);
        if (held < 1 || held >= count)
            throw new ArgumentException(
                $"holding out {fraction} of {count} samples leaves no samples on one side", "validation-fraction");
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        using var order = torch.randperm(count, generator: generator);
        var all = order.data<long>().ToArray();
        return (all[(int)held..], all[..(int)held]);
    }
}
