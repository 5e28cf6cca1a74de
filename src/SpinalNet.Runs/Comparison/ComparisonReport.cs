// The comparison the paper makes (docs/results.md §5), over one or several seeds: for each head, its cost and its best
// and final test accuracy as mean ± standard deviation over the seeds, written as a Markdown report that also says
// which split picked the best epoch.
using System.Globalization;
using System.Text;
using SpinalNet.Charts;
using SpinalNet.Models;
using SpinalNet.Training;
using static SpinalNet.Runs.TextTable;

namespace SpinalNet.Runs;

/// <summary>Mean and sample standard deviation (0 for a single value).</summary>
public sealed record MeanSd(double Mean, double Sd, int Count)
{
    public static MeanSd Of(IReadOnlyCollection<double> values)
    {
        double mean = values.Average();
        double sd = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new MeanSd(mean, sd, values.Count);
    }

    public string Percent => Count < 2
        ? $"{100 * Mean:F2}%"
        : $"{100 * Mean:F2} ± {100 * Sd:F2}%";
}

/// <summary>One head's results in a comparison, over the seeds.</summary>
public sealed record HeadSummary(
    HeadKind Head, long Parameters, long Multiplications, long HeadParameters, long HeadMultiplications,
    MeanSd BestAccuracy, MeanSd FinalAccuracy, MeanSd SecondsPerEpoch);

/// <summary>The comparison of both heads over the seeds, written as a Markdown report.</summary>
public sealed record ComparisonReport(RunConfig Config, IReadOnlyList<long> Seeds,
    IReadOnlyList<IReadOnlyList<ComparisonRow>> RowsBySeed)
{
    public IReadOnlyList<HeadSummary> Summaries => RowsBySeed.SelectMany(r => r).GroupBy(r => r.Head)
        .Select(g => new HeadSummary(g.Key, g.First().Parameters, g.First().Multiplications, g.First().HeadParameters,
            g.First().HeadMultiplications, MeanSd.Of(g.Select(r => r.BestAccuracy).ToList()),
            MeanSd.Of(g.Select(r => r.FinalAccuracy).ToList()), MeanSd.Of(g.Select(r => r.SecondsPerEpoch).ToList())))
        .ToList();

    /// <summary>Both heads on one chart, per epoch: test accuracy, and training loss; over several seeds, each head's
    /// mean with a ± sd band. Returns (title, file name).</summary>
    /// <summary>The heads side by side, as `spinalnet compare` shows them.</summary>
    public TextTable Table => new(["head", "parameters", "multiplications", "head parameters", "head multiplications",
        "best accuracy", "final accuracy", "s/epoch"], Summaries.Select(h => new[] { h.Head.Id(), Count(h.Parameters),
        Count(h.Multiplications), Count(h.HeadParameters), Count(h.HeadMultiplications), h.BestAccuracy.Percent,
        h.FinalAccuracy.Percent, Fixed(h.SecondsPerEpoch.Mean) }));

    public IReadOnlyList<(string Title, string File)> WriteCharts(string folder)
    {
        IEnumerable<Series> Lines(Func<EpochMetrics, double> value) =>
            RowsBySeed.SelectMany(rows => rows).GroupBy(row => row.Head).Select(head =>
            {
                // The epochs every seed reached, each with the mean and sd of its value over the seeds.
                var epochs = head.Select(r => r.Outcome.History.Select(h => h.Epoch)).Aggregate((a, b) => a.Intersect(b))
                    .Order().ToArray();
                var stats = epochs.Select(e => MeanSd.Of(head.Select(r => value(r.Outcome.History.First(h => h.Epoch == e)))
                    .ToList())).ToArray();
                var x = epochs.Select(e => (double)e).ToArray();
                var mean = stats.Select(m => m.Mean).ToArray();
                return Seeds.Count > 1
                    ? new Series($"{head.Key.Title()} (mean ± sd, {Seeds.Count} seeds)", x, mean,
                        stats.Select(m => m.Mean - m.Sd).ToArray(), stats.Select(m => m.Mean + m.Sd).ToArray())
                    : new Series(head.Key.Title(), x, mean);
            });
        RunCharts.Lines(Path.Combine(folder, RunCharts.AccuracyPng), $"{Config.Model}: test accuracy", "epoch",
            "top-1 accuracy (%)", Lines(h => 100 * (h.TestAccuracy ?? double.NaN)), ScottPlot.Alignment.LowerRight);
        RunCharts.Lines(Path.Combine(folder, RunCharts.LossPng), $"{Config.Model}: training loss", "epoch", "loss",
            Lines(h => h.TrainLoss));
        return [("Test accuracy per epoch", RunCharts.AccuracyPng), ("Training loss per epoch", RunCharts.LossPng)];
    }

    public string Markdown(IEnumerable<(string Title, string File)>? charts = null)
    {
        var s = Config.Settings;
        var md = new StringBuilder();
        md.AppendLine($"# {Config.Model}: default head vs Spinal head").AppendLine();
        md.AppendLine($"Data: {Config.Data}. {s.Epochs} epochs, {s.Optimizer.Name()} lr {F(s.LearningRate)}" +
                      $" ({s.Schedule.Name} schedule), batch {s.BatchSize}, " +
                      $"seed{(Seeds.Count > 1 ? "s" : "")} {string.Join(", ", Seeds)}; both heads from the same seed " +
                      "on the same batches.").AppendLine();
        md.AppendLine(s.ValidationFraction > 0
            ? $"Best epoch picked on a validation split of {F(100 * s.ValidationFraction)}% of the training data; " +
              "test accuracies reported at every epoch."
            : "Best epoch picked on the test split, as the authors' scripts do (no validation split): " +
              "'best accuracy' is optimistic.").AppendLine();
        md.AppendLine("| head | parameters | multiplications | head parameters | head multiplications | " +
                      "best test accuracy | final test accuracy | s/epoch |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var h in Summaries)
            md.AppendLine($"| {h.Head.Title()} | {Count(h.Parameters)} | {Count(h.Multiplications)} | " +
                          $"{Count(h.HeadParameters)} | {Count(h.HeadMultiplications)} | {h.BestAccuracy.Percent} | " +
                          $"{h.FinalAccuracy.Percent} | {Fixed(h.SecondsPerEpoch.Mean)} |");
        if (Seeds.Count > 1)
        {
            md.AppendLine().AppendLine("Accuracies are mean ± standard deviation over the seeds. Per seed:").AppendLine();
            md.AppendLine("| seed | head | best test accuracy | final test accuracy |");
            md.AppendLine("|---:|---|---:|---:|");
            foreach (var (seed, rows) in Seeds.Zip(RowsBySeed))
            foreach (var r in rows)
                md.AppendLine($"| {seed} | {r.Head.Title()} | {100 * r.BestAccuracy:F2}% | {100 * r.FinalAccuracy:F2}% |");
        }
        // Per-class precision, recall and F1 of each head's final test evaluation, over all seeds' predictions.
        foreach (var head in RowsBySeed.SelectMany(r => r).GroupBy(r => r.Head))
        {
            var confusion = head.Select(r => r.Outcome.FinalTest!.Confusion).Aggregate((a, b) =>
                a.Zip(b, (x, y) => x.Zip(y, (u, v) => u + v).ToArray()).ToArray());
            md.AppendLine().AppendLine($"Per-class test metrics of the {head.Key.Title()} head (final epoch" +
                                       (Seeds.Count > 1 ? ", all seeds' predictions" : "") + "):").AppendLine();
            md.Append(DetailedEvaluation.PerClassMarkdown(ClassificationMetrics.FromConfusion(confusion)));
        }
        foreach (var (title, file) in charts ?? [])
            md.AppendLine().AppendLine($"![{title}]({file})");
        return md.ToString();
    }

    static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
