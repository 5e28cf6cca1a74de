// `spinalnet evaluate --json FILE` (docs/serving.md §16.1): an evaluation with every metric of ClassificationMetrics, written
// as JSON under scikit-learn's names and as the per-class Markdown table that reports of runs and comparisons carry.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpinalNet.Data;
using SpinalNet.Training;
using static SpinalNet.Runs.TextTable;

namespace SpinalNet.Runs;

/// <summary>An evaluation (loss, accuracies, confusion) and its metrics.</summary>
public sealed record DetailedEvaluation(Evaluation Evaluation, ClassificationMetrics Metrics)
{
    /// <summary>The metrics of an evaluation that kept each sample's probabilities.</summary>
    public static DetailedEvaluation Of(Evaluation evaluation, IReadOnlyList<string> classNames) =>
        new(evaluation, evaluation.Scores is { } scores
            ? ClassificationMetrics.FromProbabilities(scores.Labels, scores.Probabilities, evaluation.Confusion.Length,
                classNames)
            : ClassificationMetrics.FromConfusion(evaluation.Confusion, classNames));

    /// <summary>Accuracy, top-5 accuracy and loss in one line, as `spinalnet evaluate` prints them.</summary>
    public static string Headline(Evaluation e) => $"test accuracy {Percent(e.Accuracy)} " +
        $"({Math.Round(e.Accuracy * e.Samples)}/{e.Samples}), top-5 {Percent(e.Top5Accuracy)}, test loss {e.Loss:F4}";

    /// <summary>Each class's precision, recall, F1, support and ROC-AUC.</summary>
    public TextTable Table => new(["class", "precision", "recall", "F1", "support", "ROC-AUC"], Metrics.PerClass
        .Select(c => new[] { c.Name, Score(c.Precision), Score(c.Recall), Score(c.F1), c.Support.ToString(),
            c.RocAuc is { } a ? Score(a) : "-" }));

    /// <summary>The averages over the classes and the calibration error in one line.</summary>
    public string Summary => $"macro F1 {Score(Metrics.MacroF1)}, weighted F1 {Score(Metrics.WeightedF1)}, macro " +
        $"ROC-AUC {(Metrics.MacroRocAuc is { } auc ? Score(auc) : "-")}, expected calibration error " +
        $"{Score(Metrics.CalibrationError ?? 0)}";

    /// <summary>The JSON document of `evaluate --json` (docs/serving.md §16.1).</summary>
    public string ToJson()
    {
        var m = Metrics;
        var json = new JsonObject
        {
            ["samples"] = m.Samples,
            ["loss"] = Evaluation.Loss,
            ["accuracy"] = m.Accuracy,
            ["top5_accuracy"] = m.Top5Accuracy ?? Evaluation.Top5Accuracy,
            ["macro_f1"] = m.MacroF1,
            ["weighted_f1"] = m.WeightedF1,
            ["per_class"] = new JsonArray(m.PerClass.Select(c => (JsonNode)new JsonObject
            {
                ["class"] = c.Name, ["precision"] = c.Precision, ["recall"] = c.Recall, ["f1"] = c.F1,
                ["support"] = c.Support, ["roc_auc"] = c.RocAuc,
            }).ToArray()),
            ["confusion"] = new JsonArray(m.Confusion.Select(row => (JsonNode)new JsonArray(
                row.Select(v => (JsonNode)v).ToArray())).ToArray()),
            ["roc_auc"] = new JsonArray(m.PerClass.Select(c => (JsonNode?)c.RocAuc).ToArray()),
            ["macro_roc_auc"] = m.MacroRocAuc,
            ["expected_calibration_error"] = m.CalibrationError,
            ["calibration_bins"] = ClassificationMetrics.CalibrationBins,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> (through a temporary file).</summary>
    public void WriteJson(string path) => AtomicFile.WriteText(path, ToJson());

    /// <summary>The per-class table in Markdown: class, precision, recall, F1, support (and ROC-AUC where known),
    /// then the macro and weighted F1.</summary>
    public static string PerClassMarkdown(ClassificationMetrics m)
    {
        bool auc = m.PerClass.Any(c => c.RocAuc.HasValue);
        var md = new StringBuilder();
        md.AppendLine("| class | precision | recall | F1 | support |" + (auc ? " ROC-AUC |" : ""));
        md.AppendLine("|---|---:|---:|---:|---:|" + (auc ? "---:|" : ""));
        foreach (var c in m.PerClass)
            md.AppendLine($"| {c.Name} | {F(c.Precision)} | {F(c.Recall)} | {F(c.F1)} | {c.Support} |" +
                          (auc ? $" {(c.RocAuc is { } a ? F(a) : "–")} |" : ""));
        md.AppendLine().AppendLine($"Macro F1 {F(m.MacroF1)}, weighted F1 {F(m.WeightedF1)}" +
                                   (m.MacroRocAuc is { } macro ? $", macro ROC-AUC {F(macro)}" : "") +
                                   (m.CalibrationError is { } ece ? $", expected calibration error {F(ece)}" : "") + ".");
        return md.ToString();
    }

    static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
