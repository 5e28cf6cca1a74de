// Timings that can be trusted on a shared machine (docs/performance.md §9.4): the figures to compare are timed in
// rounds taken in turn, round r of every figure before round r + 1 of any, so a burst of load from another program
// falls on all of them alike instead of on one. Each figure is the median of its rounds, with the 10th and 90th
// percentiles as its spread: one disturbed round moves neither the median nor, therefore, a point off a front.
using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace SpinalNet.Runs;

/// <summary>A figure timed in rounds: the median seconds per call and the 10th–90th percentile spread.</summary>
public sealed record Timing(double Median, double P10, double P90)
{
    /// <summary>The timing in other units (× <paramref name="factor"/>), e.g. microseconds.</summary>
    public Timing Times(double factor) => new(Median * factor, P10 * factor, P90 * factor);

    /// <summary>"120 (117–124)", the median and the spread.</summary>
    public string Text(string format = "F0")
    {
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        return $"{F(Median)} ({F(P10)}–{F(P90)})";
    }
}

/// <summary>Times several pieces of work in interleaved rounds.</summary>
public static class InterleavedTimer
{
    /// <summary>The fewest rounds a figure gets, whatever the time allowed.</summary>
    public const int MinRounds = 7;

    /// <summary>Each work's timing: after a warm-up of a tenth of <paramref name="seconds"/> each, rounds of enough
    /// calls to last about a millisecond (each call in its own dispose scope), taken in turn until every work has had
    /// <see cref="MinRounds"/> rounds and about <paramref name="seconds"/> in all.</summary>
    public static IReadOnlyList<Timing> Time(IReadOnlyList<Action> works, double seconds)
    {
        var calls = works.Select(work => CallsPerRound(work, seconds / 10)).ToArray();
        var rounds = works.Select(_ => new List<double>()).ToArray();
        for (var clock = Stopwatch.StartNew();
             rounds[0].Count < MinRounds || clock.Elapsed.TotalSeconds < seconds * works.Count;)
            for (int w = 0; w < works.Count; w++)
            {
                var round = Stopwatch.StartNew();
                for (int i = 0; i < calls[w]; i++)
                    using (torch.NewDisposeScope()) works[w]();
                rounds[w].Add(round.Elapsed.TotalSeconds / calls[w]);
            }
        return rounds.Select(Summary).ToList();
    }

    /// <summary>The median and 10th and 90th percentiles (linear between ranks) of <paramref name="values"/>.</summary>
    public static Timing Summary(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double At(double q)
        {
            double rank = q * (sorted.Length - 1);
            int low = (int)Math.Floor(rank), high = (int)Math.Ceiling(rank);
            return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
        }
        return new Timing(At(0.5), At(0.1), At(0.9));
    }

    /// <summary>Warms <paramref name="work"/> up for <paramref name="warmSeconds"/> (at least one call) and sizes a
    /// round to about a millisecond, so that the clock's resolution does not matter.</summary>
    static int CallsPerRound(Action work, double warmSeconds)
    {
        double last;
        var warm = Stopwatch.StartNew();
        do
        {
            var once = Stopwatch.StartNew();
            using (torch.NewDisposeScope()) work();
            last = once.Elapsed.TotalSeconds;
        } while (warm.Elapsed.TotalSeconds < warmSeconds);
        return (int)Math.Clamp(1e-3 / Math.Max(last, 1e-7), 1, 1000);
    }
}
