// A head search's report (docs/results.md §5): report.md with every point's cost, step time and accuracy and whether
// it lies on each Pareto front, and pareto.png, the points against head multiplications.
using System.Globalization;
using System.Text;
using SpinalNet.Charts;
using SpinalNet.Data;
using SpinalNet.Training;
using static SpinalNet.Runs.TextTable;

namespace SpinalNet.Runs;

/// <summary>A sweep's table, and its report.md and pareto.png.</summary>
public static class SweepReport
{
    public const string ReportFile = "report.md", ChartFile = "pareto.png";

    /// <summary>The points by head multiplications, as `spinalnet sweep` shows them.</summary>
    public static TextTable Table(IEnumerable<SweepPoint> points) => new(["head", "w", "L", "k", "head parameters",
        "head multiplications", "head step µs", "accuracy", "front ×", "front time"],
        points.OrderBy(p => p.HeadMultiplications).Select(p => new[] { p.Head, $"{p.Width}", $"{p.Layers}",
            $"{p.Splits}", Count(p.HeadParameters), Count(p.HeadMultiplications), p.HeadStep.Text(), p.Accuracy.Percent,
            p.OnMultiplicationFront ? "yes" : "", p.OnTimeFront ? "yes" : "" }));

    /// <summary>The report and chart of <paramref name="points"/> in <paramref name="folder"/>.</summary>
    public static void Write(string folder, SweepPlan plan, IReadOnlyList<SweepPoint> points)
    {
        if (points.Count == 0) return;
        RunCharts.Pareto(Path.Combine(folder, ChartFile), $"{plan.Config.Model}: accuracy against head cost",
            points.Select(p => (p.Head, p.HeadMultiplications, p.Accuracy.Mean, p.Accuracy.Sd, p.OnMultiplicationFront)).ToList());
        AtomicFile.WriteText(Path.Combine(folder, ReportFile), Markdown(plan, points));
    }

    static string Markdown(SweepPlan plan, IReadOnlyList<SweepPoint> points)
    {
        var s = plan.Config.Settings;
        var md = new StringBuilder($"# {plan.Config.Model}: Spinal head sweep\n\n");
        md.AppendLine($"Data: {plan.Config.Data}. {s.Epochs} epoch{(s.Epochs == 1 ? "" : "s")}, {s.Optimizer.Name()} lr " +
                      $"{s.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {s.BatchSize}, " +
                      $"{plan.Repeats} seed(s) from {s.Seed}; every point from the same seed on the same batches; " +
                      $"Spinal heads {plan.Config.Spinal} but for the swept values. " +
                      $"Accuracy: test accuracy at the best epoch, picked on the {s.SelectionSplit} split" +
                      (s.ValidationFraction > 0 ? "." : " (as the authors' scripts do: optimistic)."));
        md.AppendLine().AppendLine("Front: no other point has both higher (or equal) accuracy and fewer (or equal) head " +
                                   "multiplications (× ) or a shorter head step (time). A head step is the median of rounds " +
                                   "timed in turn with every other point of its seed (InterleavedTimer), with the 10th–90th " +
                                   "percentile spread.").AppendLine();
        md.AppendLine("| head | w | L | k | head parameters | head multiplications | head step µs (p10–p90) | accuracy | " +
                      "front (×) | front (time) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|");
        foreach (var p in points.OrderBy(p => p.HeadMultiplications))
            md.AppendLine($"| {(p.Head == "fc" ? "conventional" : "Spinal")} | {p.Width} | {p.Layers} | {p.Splits} | " +
                          $"{p.HeadParameters:N0} | {p.HeadMultiplications:N0} | {p.HeadStep.Text()} | " +
                          $"{p.Accuracy.Percent} | {(p.OnMultiplicationFront ? "yes" : "")} | {(p.OnTimeFront ? "yes" : "")} |");
        return md.AppendLine().AppendLine($"![Accuracy against head multiplications]({ChartFile})").ToString();
    }
}
