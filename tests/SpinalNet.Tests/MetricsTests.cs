// The metrics of `evaluate --json` (docs/serving.md §16.1) against scikit-learn 1.2.1 on the same predictions: the fixture
// tests/fixtures/metrics/sklearn.json was made once by tests/fixtures/make_metrics_fixture.py with Debian's
// python3-sklearn (300 samples, 10 classes, one class never predicted).
using System.Text.Json;
using SpinalNet.Runs;
using SpinalNet.Training;

namespace SpinalNet.Tests;

public class MetricsTests
{
    static JsonElement Fixture()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "fixtures", "metrics", "sklearn.json");
            if (File.Exists(path)) return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        }
        throw new FileNotFoundException("tests/fixtures/metrics/sklearn.json");
    }

    /// <summary>Our metrics of the fixture's labels and probabilities.</summary>
    static ClassificationMetrics FromFixture(JsonElement f) => ClassificationMetrics.FromProbabilities(
        f.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
        f.GetProperty("probabilities").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray(), 10);

    static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    [Fact]
    public void Metrics_equal_scikit_learns_on_the_same_predictions()
    {
        var f = Fixture();
        var m = FromFixture(f);

        Assert.Equal(300, m.Samples);
        Assert.Equal(f.GetProperty("accuracy").GetDouble(), m.Accuracy, 12);
        Assert.Equal(f.GetProperty("top5_accuracy").GetDouble(), m.Top5Accuracy!.Value, 12);
        Assert.Equal(f.GetProperty("macro_f1").GetDouble(), m.MacroF1, 12);
        Assert.Equal(f.GetProperty("weighted_f1").GetDouble(), m.WeightedF1, 12);
        var (precision, recall, f1, auc) = (Doubles(f.GetProperty("precision")), Doubles(f.GetProperty("recall")),
            Doubles(f.GetProperty("f1")), Doubles(f.GetProperty("roc_auc")));
        var support = f.GetProperty("support").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        for (int c = 0; c < 10; c++)
        {
            Assert.Equal(precision[c], m.PerClass[c].Precision, 12);
            Assert.Equal(recall[c], m.PerClass[c].Recall, 12);
            Assert.Equal(f1[c], m.PerClass[c].F1, 12);
            Assert.Equal(support[c], m.PerClass[c].Support);
            Assert.Equal(auc[c], m.PerClass[c].RocAuc!.Value, 12);
        }
        Assert.Equal(0, m.PerClass[9].Precision);  // never predicted: zero_division = 0
        var confusion = f.GetProperty("confusion").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        Assert.Equal(confusion, m.Confusion);
        Assert.Equal(f.GetProperty("macro_roc_auc").GetDouble(), m.MacroRocAuc!.Value, 12);
        Assert.Equal(f.GetProperty("ece").GetDouble(), m.CalibrationError!.Value, 9);
    }

    [Fact]
    public void Auc_counts_tied_scores_as_one_half_and_is_undefined_without_both_kinds()
    {
        Assert.Equal(0.5, ClassificationMetrics.OneVsRestAuc([true, false], [0.3f, 0.3f]));
        Assert.Equal(0.875, ClassificationMetrics.OneVsRestAuc([true, false, true, false], [0.9f, 0.5f, 0.5f, 0.1f]));
        Assert.Null(ClassificationMetrics.OneVsRestAuc([true, true], [0.1f, 0.2f]));
    }

    [Fact]
    public void Per_class_metrics_from_a_confusion_matrix_match_those_from_the_probabilities()
    {
        var full = FromFixture(Fixture());
        var fromConfusion = ClassificationMetrics.FromConfusion(full.Confusion);
        Assert.Equal(full.MacroF1, fromConfusion.MacroF1, 12);
        Assert.Equal(full.PerClass.Select(c => c with { RocAuc = null }), fromConfusion.PerClass);
        var md = DetailedEvaluation.PerClassMarkdown(fromConfusion);
        Assert.Contains("| 9 | 0.0000 | 0.0000 | 0.0000 | 40 |", md);
    }
}
