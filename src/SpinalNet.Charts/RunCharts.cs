// The pictures a run leaves for a person to look at (PNG, ScottPlot): loss and accuracy curves per epoch (whole-epoch
// ticks, the best epoch marked), both heads of a comparison on one chart (mean ± sd bands over seeds), and the confusion
// matrix of the final test evaluation.
using ScottPlot;
using SpinalNet.Data;
using SpinalNet.Training;

namespace SpinalNet.Charts;

/// <summary>One line of a chart: its legend label and its points, with a shaded band from Lower to Upper where given
/// (mean ± sd over seeds).</summary>
public sealed record Series(string Label, double[] X, double[] Y, double[]? Lower = null, double[]? Upper = null);

/// <summary>The PNG charts of runs and comparisons: loss, accuracy, confusion matrix.</summary>
public static class RunCharts
{
    public const string LossPng = "loss.png", AccuracyPng = "accuracy.png", ConfusionPng = "confusion.png";

    /// <summary>A line chart, written through AtomicFile.</summary>
    /// <param name="marker">An epoch to mark with a vertical line, and its label (the best epoch).</param>
    public static void Lines(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series,
        Alignment legend = Alignment.UpperRight, (double X, string Label)? marker = null)
    {
        var plot = new Plot();
        var drawn = series.Where(s => s.X.Length > 0).ToList();
        foreach (var s in drawn)
        {
            var line = plot.Add.Scatter(s.X, s.Y);
            line.LegendText = s.Label;
            line.MarkerSize = s.X.Length > 40 ? 0 : 5;
            if (s.Lower is { } lower && s.Upper is { } upper)
            {
                var band = plot.Add.FillY(s.X, lower, upper);
                band.FillStyle.Color = line.Color.WithAlpha(0.2);
                band.LineStyle.Width = 0;
            }
        }
        if (marker is { } m)
        {
            var best = plot.Add.VerticalLine(m.X);
            best.LegendText = m.Label;
            best.LinePattern = LinePattern.Dashed;
        }
        if (drawn.Count == 0) plot.Add.Annotation("no epoch finished");
        // Epochs are whole numbers: no tick at 1.5.
        if (xLabel == "epoch")
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
        Save(plot, path, 800, 500);
    }

    /// <summary>Predicted against true values, with the line y = x on which perfect predictions lie.</summary>
    public static void Scatter(string path, string title, double[] truth, double[] predicted)
    {
        var plot = new Plot();
        var points = plot.Add.ScatterPoints(truth, predicted);
        points.LegendText = "test samples";
        double low = Math.Min(truth.Min(), predicted.Min()), high = Math.Max(truth.Max(), predicted.Max());
        var diagonal = plot.Add.Line(low, low, high, high);
        diagonal.LegendText = "predicted = true";
        plot.Title(title);
        plot.XLabel("true value");
        plot.YLabel("predicted value");
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path, 600, 600);
    }

    /// <summary>loss.png and accuracy.png of one run's history, the best epoch marked.</summary>
    public static void RunCurves(string lossPath, string accuracyPath, string title, IReadOnlyList<EpochMetrics> history,
        int bestEpoch)
    {
        Series Of(string label, Func<EpochMetrics, double?> value) =>
            new(label, history.Where(h => value(h) is not null).Select(h => (double)h.Epoch).ToArray(),
                history.Where(h => value(h) is not null).Select(h => value(h)!.Value).ToArray());
        (double, string)? best = bestEpoch > 0 ? (bestEpoch, $"best epoch ({bestEpoch})") : null;
        Lines(lossPath, $"{title}: loss", "epoch", "loss",
            [Of("train", h => h.TrainLoss), Of("validation", h => h.ValidationLoss), Of("test", h => h.TestLoss)],
            marker: best);
        Lines(accuracyPath, $"{title}: accuracy", "epoch", "top-1 accuracy (%)",
            [Of("validation", h => 100 * h.ValidationAccuracy), Of("test", h => 100 * h.TestAccuracy)], Alignment.LowerRight,
            best);
    }

    /// <summary>A sweep's points: accuracy (mean ± sd over seeds) against head multiplications on a log scale, the
    /// conventional head as a distinct marker, the Pareto front drawn through its points.</summary>
    public static void Pareto(string path, string title,
        IReadOnlyList<(string Head, long HeadMultiplications, double Mean, double Sd, bool OnMultiplicationFront)> points)
    {
        var plot = new Plot();
        double X((string Head, long HeadMultiplications, double Mean, double Sd, bool OnMultiplicationFront) p) => Math.Log10(Math.Max(1, p.HeadMultiplications));
        foreach (var (group, label, shape) in new[]
                 {
                     (points.Where(p => p.Head != "fc").ToList(), "Spinal heads", MarkerShape.FilledCircle),
                     (points.Where(p => p.Head == "fc").ToList(), "conventional head", MarkerShape.FilledSquare),
                 })
        {
            if (group.Count == 0) continue;
            var xs = group.Select(X).ToArray();
            var ys = group.Select(p => 100 * p.Mean).ToArray();
            var markers = plot.Add.Markers(xs, ys);
            markers.LegendText = label;
            markers.MarkerShape = shape;
            markers.MarkerSize = 9;
            var bars = plot.Add.ErrorBar(xs, ys, group.Select(p => 100 * p.Sd).ToArray());
            bars.Color = markers.Color;
        }
        var front = points.Where(p => p.OnMultiplicationFront).OrderBy(p => p.HeadMultiplications).ToList();
        if (front.Count > 1)
        {
            var line = plot.Add.ScatterLine(front.Select(X).ToArray(), front.Select(p => 100 * p.Mean).ToArray());
            line.LegendText = "Pareto front";
            line.LinePattern = LinePattern.Dashed;
        }
        // Log scale by hand: positions are log10 of the count, labels the counts themselves.
        var decades = Enumerable.Range((int)Math.Floor(points.Min(X)), (int)Math.Ceiling(points.Max(X)) -
            (int)Math.Floor(points.Min(X)) + 1).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            decades.Select(d => (double)d).ToArray(), decades.Select(d => Math.Pow(10, d).ToString("N0")).ToArray());
        plot.Title(title);
        plot.XLabel("head multiplications per sample (log scale)");
        plot.YLabel("accuracy (%)");
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, path, 800, 500);
    }

    /// <summary>The confusion matrix as a heat map with the count in every cell.</summary>
    public static void Confusion(string path, string title, long[][] confusion, IReadOnlyList<string> names)
    {
        int n = confusion.Length;
        var plot = new Plot();
        // Row 0 (true class 0) at the top, as confusion matrices are read.
        var cells = new double[n, n];
        for (int t = 0; t < n; t++)
        for (int p = 0; p < n; p++)
            cells[t, p] = confusion[t][p];
        double max = Math.Max(1, confusion.Max(row => row.DefaultIfEmpty().Max()));
        var map = plot.Add.Heatmap(cells);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map);
        if (n <= 20)
            for (int t = 0; t < n; t++)
            for (int p = 0; p < n; p++)
            {
                var text = plot.Add.Text(confusion[t][p].ToString(), p, n - 1 - t);
                text.LabelAlignment = Alignment.MiddleCenter;
                // Viridis runs from dark blue to bright yellow: dark text on the bright half.
                text.LabelFontColor = confusion[t][p] > 0.6 * max ? Colors.Black : Colors.White;
                text.LabelFontSize = n <= 10 ? 12 : 8;
            }
        var ticks = Enumerable.Range(0, n).Select(i => i < names.Count ? names[i] : i.ToString()).ToArray();
        if (n <= 20)
        {
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, n).Select(i => (double)i).ToArray(), ticks);
            plot.Axes.Left.SetTicks(Enumerable.Range(0, n).Select(i => (double)(n - 1 - i)).ToArray(), ticks);
        }
        plot.Title(title);
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        Save(plot, path, 700, 600);
    }

    static void Save(Plot plot, string path, int width, int height) =>
        AtomicFile.Write(path, temp => plot.SavePng(temp, width, height));
}
