// The pictures a run leaves for a person to look at (PNG, ScottPlot): loss and accuracy curves per epoch, both heads
// of a comparison on one chart, and the confusion matrix of the final test evaluation.
using ScottPlot;
using SpinalNet.Data;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>One line of a chart: its legend label and its points.</summary>
public sealed record Series(string Label, double[] X, double[] Y);

/// <summary>The PNG charts of runs and comparisons: loss, accuracy, confusion matrix.</summary>
public static class Charts
{
    public const string LossPng = "loss.png", AccuracyPng = "accuracy.png", ConfusionPng = "confusion.png";

    /// <summary>A line chart, written through AtomicFile.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series,
        Alignment legend = Alignment.UpperRight)
    {
        var plot = new Plot();
        foreach (var s in series.Where(s => s.X.Length > 0))
        {
            var line = plot.Add.Scatter(s.X, s.Y);
            line.LegendText = s.Label;
            line.MarkerSize = s.X.Length > 40 ? 0 : 5;
        }
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

    /// <summary>loss.png and accuracy.png of one run's history.</summary>
    public static void RunCurves(string lossPath, string accuracyPath, string title, IReadOnlyList<EpochMetrics> history)
    {
        Series Of(string label, Func<EpochMetrics, double?> value) =>
            new(label, history.Where(h => value(h) is not null).Select(h => (double)h.Epoch).ToArray(),
                history.Where(h => value(h) is not null).Select(h => value(h)!.Value).ToArray());
        Lines(lossPath, $"{title}: loss", "epoch", "loss",
            [Of("train", h => h.TrainLoss), Of("validation", h => h.ValidationLoss), Of("test", h => h.TestLoss)]);
        Lines(accuracyPath, $"{title}: accuracy", "epoch", "top-1 accuracy (%)",
            [Of("validation", h => 100 * h.ValidationAccuracy), Of("test", h => 100 * h.TestAccuracy)], Alignment.LowerRight);
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
        var map = plot.Add.Heatmap(cells);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map);
        if (n <= 20)
            for (int t = 0; t < n; t++)
            for (int p = 0; p < n; p++)
            {
                var text = plot.Add.Text(confusion[t][p].ToString(), p, n - 1 - t);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = Colors.White;
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
