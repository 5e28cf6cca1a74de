// A parallel sweep's worker (docs/results.md §5, `spinalnet sweep --jobs N`): which points one of N processes trains.
using SpinalNet.Layers;

namespace SpinalNet.Runs;

/// <summary>One of <paramref name="Count"/> worker processes of a parallel sweep: it trains the points whose position in
/// the sweep is <paramref name="Index"/> modulo <paramref name="Count"/>, and records them in a file of its own.</summary>
public sealed record SweepShard(int Index, int Count)
{
    public static SweepShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int n) && i >= 0 && i < n)
            return new SweepShard(i, n);
        throw new SettingException("Shard", text, "is not I/N with 0 <= I < N");
    }

    public override string ToString() => $"{Index}/{Count}";
}
