// The head search's summary (docs/results.md §5): each point over its seeds, and the Pareto fronts of accuracy against
// head multiplications and against measured head step time.
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>A point over its seeds, and whether it lies on each Pareto front.</summary>
/// <param name="HeadStep">The head step in µs (the seeds' mean median, with the mean spread).</param>
public sealed record SweepPoint(
    string Head, int? Width, int? Layers, int? Splits, long HeadParameters, long HeadMultiplications,
    Timing HeadStep, MeanSd Accuracy, bool OnMultiplicationFront, bool OnTimeFront)
{
    /// <summary>The median head step in µs, the time front's cost.</summary>
    public double HeadStepMicroseconds => HeadStep.Median;

    public string Label => Head == "fc" ? "conventional" : SweepRow.Label(Width, Layers, Splits);
}

/// <summary>The Pareto front of points scored on a cost (lower is better) and an accuracy (higher is better).</summary>
public static class Pareto
{
    /// <summary>For each (cost, accuracy), whether no other point has lower-or-equal cost and higher-or-equal accuracy
    /// with one of them strictly better. Equal points do not dominate each other: both stay on the front.</summary>
    public static bool[] Front(IReadOnlyList<(double Cost, double Accuracy)> points) =>
        points.Select(p => !points.Any(q => q.Cost <= p.Cost && q.Accuracy >= p.Accuracy &&
                                            (q.Cost < p.Cost || q.Accuracy > p.Accuracy))).ToArray();
}
