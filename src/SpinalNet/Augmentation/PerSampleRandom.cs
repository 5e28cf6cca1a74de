// The random source of per-sample augmentation (docs/experiments.md §3; torchsharp reference: TorchVision's Random*
// transforms draw one decision per call, i.e. per batch, which is not what the paper's per-image PIL transforms did).
// Each sample gets its own generator derived from (run seed, epoch, sample index) by SplitMix64, so draws differ
// between samples of a batch and between epochs, yet a run repeats exactly whatever threads decode it and in what
// order.
namespace SpinalNet.Augmentation;

/// <summary>The per-sample random generators of augmentation, derived from (run seed, epoch, sample index).</summary>
public sealed class PerSampleRandom(ulong state)
{
    /// <summary>The generator of sample <paramref name="index"/> in epoch <paramref name="epoch"/> of a run.</summary>
    public static PerSampleRandom For(long seed, long epoch, long index) =>
        new(Mix(Mix(Mix((ulong)seed) + (ulong)epoch) + (ulong)index));

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [<paramref name="low"/>, <paramref name="high"/>) (torch.randint's bounds).</summary>
    public int Next(int low, int high) =>
        high <= low ? low : low + (int)(NextUInt64() % (ulong)(high - low));

    /// <summary>True with probability <paramref name="p"/> (torch.rand(1) &lt; p).</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>A uniformly random permutation of 0..n−1.</summary>
    public int[] Permutation(int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = Next(0, i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
