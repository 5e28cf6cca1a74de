// The metrics practitioners report for a classifier (docs/serving.md §16.1), as scikit-learn defines them:
// accuracy, top-5 accuracy, per-class precision, recall, F1 and support, macro and weighted F1, the confusion matrix
// (row = true class), one-vs-rest ROC-AUC per class and their macro mean, and the expected calibration error (15 equal
// bins of the top probability). Precision, recall and F1 follow from the confusion matrix alone, so the reports of runs
// and comparisons get them from it; ROC-AUC and calibration need each sample's probabilities.
namespace SpinalNet.Training;

/// <summary>One class's row of the per-class table.</summary>
/// <param name="RocAuc">One-vs-rest ROC-AUC of this class's probability; null where it is undefined (no sample of
/// the class, or no other) or not known (metrics from a confusion matrix alone).</param>
public sealed record ClassMetrics(int Class, string Name, double Precision, double Recall, double F1, long Support,
    double? RocAuc = null);

/// <summary>A classifier's metrics on one split; the ROC-AUCs and <see cref="CalibrationError"/> are null where
/// only the confusion matrix is known.</summary>
public sealed record ClassificationMetrics(
    long Samples, double Accuracy, double? Top5Accuracy, double MacroF1, double WeightedF1,
    IReadOnlyList<ClassMetrics> PerClass, long[][] Confusion, double? MacroRocAuc, double? CalibrationError)
{
    /// <summary>Bins of the expected calibration error: 15 equal-width bins of the top probability over (0, 1].</summary>
    public const int CalibrationBins = 15;

    /// <summary>Per-class precision, recall and F1 from a confusion matrix (row = true class); a class never
    /// predicted has precision 0 (scikit-learn's zero_division=0), and so F1 0.</summary>
    public static ClassificationMetrics FromConfusion(long[][] confusion, IReadOnlyList<string>? names = null)
    {
        int classes = confusion.Length;
        long total = confusion.Sum(row => row.Sum());
        var perClass = Enumerable.Range(0, classes).Select(c =>
        {
            long truePositives = confusion[c][c], support = confusion[c].Sum();
            long predicted = confusion.Sum(row => row[c]);
            double precision = Ratio(truePositives, predicted), recall = Ratio(truePositives, support);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            return new ClassMetrics(c, names is not null && c < names.Count ? names[c] : c.ToString(), precision,
                recall, f1, support);
        }).ToList();
        return new ClassificationMetrics(total,
            Ratio(Enumerable.Range(0, classes).Sum(c => confusion[c][c]), total), null,
            perClass.Average(m => m.F1), Ratio(perClass.Sum(m => m.F1 * m.Support), total), perClass, confusion,
            null, null);
    }

    /// <summary>All the metrics from each sample's true class and class probabilities (rows of
    /// <paramref name="probabilities"/> over the classes); the predicted class is the most probable (the first of
    /// equals).</summary>
    public static ClassificationMetrics FromProbabilities(IReadOnlyList<int> labels,
        IReadOnlyList<float[]> probabilities, int classes, IReadOnlyList<string>? names = null)
    {
        if (labels.Count != probabilities.Count)
            throw new ArgumentException($"{labels.Count} labels but {probabilities.Count} rows of probabilities");
        int n = labels.Count;
        var predicted = probabilities.Select(ArgMax).ToArray();
        var confusion = Enumerable.Range(0, classes).Select(_ => new long[classes]).ToArray();
        for (int i = 0; i < n; i++) confusion[labels[i]][predicted[i]]++;
        var basic = FromConfusion(confusion, names);

        // Top-5: the true class has fewer than five classes strictly more probable.
        long top5 = Enumerable.Range(0, n).Count(i => probabilities[i].Count(p => p > probabilities[i][labels[i]]) < 5);
        var auc = Enumerable.Range(0, classes)
            .Select(c => OneVsRestAuc(labels.Select(l => l == c).ToArray(), probabilities.Select(p => p[c]).ToArray()))
            .ToArray();
        var defined = auc.Where(a => a.HasValue).Select(a => a!.Value).ToList();

        // Calibration: samples binned by top probability into (k/15, (k+1)/15]; each bin weighs |accuracy − mean
        // confidence| by its share of the samples.
        var confidence = probabilities.Select(p => (double)p.Max()).ToArray();
        double ece = 0;
        for (int b = 0; b < CalibrationBins; b++)
        {
            double lo = (double)b / CalibrationBins, hi = (double)(b + 1) / CalibrationBins;
            var inside = Enumerable.Range(0, n).Where(i => confidence[i] > lo && confidence[i] <= hi).ToList();
            if (inside.Count == 0) continue;
            double accuracy = inside.Count(i => predicted[i] == labels[i]) / (double)inside.Count;
            ece += (double)inside.Count / n * Math.Abs(accuracy - inside.Average(i => confidence[i]));
        }
        return basic with
        {
            Top5Accuracy = Ratio(top5, n),
            PerClass = basic.PerClass.Select((m, c) => m with { RocAuc = auc[c] }).ToList(),
            MacroRocAuc = defined.Count == 0 ? null : defined.Average(),
            CalibrationError = ece,
        };
    }

    /// <summary>The area under the ROC curve of scores separating positives from negatives: the Mann–Whitney
    /// statistic with tied scores counting one half, which is what the trapezoidal area scikit-learn computes
    /// equals; null without both positives and negatives.</summary>
    public static double? OneVsRestAuc(bool[] positive, float[] score)
    {
        long positives = positive.Count(p => p), negatives = positive.Length - positives;
        if (positives == 0 || negatives == 0) return null;
        var order = Enumerable.Range(0, score.Length).OrderBy(i => score[i]).ToArray();
        double rankSum = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && score[order[end + 1]] == score[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;  // tied scores share their mean rank
            for (int j = start; j <= end; j++)
                if (positive[order[j]]) rankSum += rank;
            start = end + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    static int ArgMax(float[] row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
            if (row[c] > row[best]) best = c;
        return best;
    }

    static double Ratio(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;
}
