// `spinalnet evaluate --json FILE` (docs/serving.md §16.1): an evaluation with every metric of ClassificationMetrics, written
// as JSON under scikit-learn's names and as the per-class Markdown table that reports of runs and comparisons carry.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpinalNet.Data;
using SpinalNet.Training;

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
