// Where a trained classifier comes from for `spinalnet evaluate` and `predict`: a run folder, a weights file (ours, a
// checkpoint, the authors'), or an ONNX export served by ONNX Runtime (docs/deployment.md §8). One call picks the path,
// so both commands, and a .NET user, evaluate and predict the same way whatever the source.
using SpinalNet.Layers;
using SpinalNet.Onnx;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>A trained classifier's source: a run, a weights file or an ONNX export.</summary>
/// <param name="Run">A run folder written by `spinalnet train`.</param>
/// <param name="Weights">A weights file, replacing the run's.</param>
/// <param name="Onnx">An ONNX export: the whole model, so neither a run nor weights go with it.</param>
/// <param name="Options">Changes over the run's (or the model's default) configuration: the network without a run, the
/// data to evaluate on.</param>
public sealed record ModelSource(string? Run = null, string? Weights = null, string? Onnx = null,
    RunOverrides? Options = null)
{
    /// <summary>Test accuracy, top-5 accuracy and loss on the configuration's test split.</summary>
    public Evaluation Evaluate(Action<string>? warn = null)
    {
        if (OnnxFile() is { } file)
        {
            using var served = OnnxClassifier.Open(file);
            return served.Evaluate(Options?.Data, Options?.DataRoot, Options?.TestBatchSize, warn);
        }
        using var trained = TrainedModel.Open(Run, Weights, Options);
        return trained.Evaluate(warn);
    }

    /// <summary>The evaluation with every metric of <see cref="ClassificationMetrics"/> (per class, ROC-AUC,
    /// calibration), under the model's class names: `spinalnet evaluate --json`.</summary>
    public DetailedEvaluation EvaluateInDetail(Action<string>? warn = null)
    {
        if (OnnxFile() is { } file)
        {
            using var served = OnnxClassifier.Open(file);
            return DetailedEvaluation.Of(
                served.Evaluate(Options?.Data, Options?.DataRoot, Options?.TestBatchSize, warn, keepScores: true),
                served.Card.ClassNames);
        }
        using var trained = TrainedModel.Open(Run, Weights, Options);
        return DetailedEvaluation.Of(trained.Evaluate(warn, keepScores: true), trained.ClassNames);
    }

    /// <summary>The <paramref name="top"/> most probable classes of each image file.</summary>
    public IReadOnlyList<Prediction> Predict(IEnumerable<string> images, int top, Polarity polarity = Polarity.Auto)
    {
        if (OnnxFile() is { } file)
        {
            using var served = OnnxClassifier.Open(file);
            return served.Predict(images, top, polarity);
        }
        using var trained = TrainedModel.Open(Run, Weights, Options);
        return trained.Predict(images, top, polarity);
    }

    /// <summary>The ONNX file, refused together with another source of weights.</summary>
    string? OnnxFile() => Onnx is not null && (Run ?? Weights) is not null
        ? throw new SettingException(nameof(Onnx), Onnx, "is the whole model; give it without " +
                                     (Run is not null ? "--run" : "--weights"))
        : Onnx;
}
