// A classifier served by ONNX Runtime from a file that `spinalnet export --format onnx` wrote (docs/deployment.md
// §8.3): the ONNX counterpart of TrainedModel, behind `spinalnet predict --onnx` and `evaluate --onnx`. Its
// preprocessing, class names and loss come from the model's metadata, and prediction and evaluation are TrainedModel's
// and the Evaluator's own code with ONNX Runtime as the forward pass, so both paths give the same answers.
using SpinalNet.Models;
using SpinalNet.Onnx;
using SpinalNet.Training;
using static TorchSharp.torch;

namespace SpinalNet.Runs;

/// <summary>An ONNX export served by ONNX Runtime: evaluate and predict as a trained run does.</summary>
public sealed class OnnxClassifier : IDisposable
{
    public OnnxModelCard Card { get; }
    public OnnxSession Session { get; }

    OnnxClassifier(OnnxModelCard card, OnnxSession session) => (Card, Session) = (card, session);

    /// <param name="threads">ONNX Runtime's intra-op threads (0: one per core).</param>
    public static OnnxClassifier Open(string path, int threads = 0)
    {
        var session = OnnxSession.Open(path, threads);
        try
        {
            return new OnnxClassifier(OnnxModelCard.FromMetadata(session.Metadata, path), session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The <paramref name="top"/> most probable classes of each image file.</summary>
    public IReadOnlyList<Prediction> Predict(IEnumerable<string> images, int top, Polarity polarity = Polarity.Auto) =>
        Predict(images.Select(ImageSource.File), top, polarity);

    /// <summary>The <paramref name="top"/> most probable classes of each image (files or bytes).</summary>
    public IReadOnlyList<Prediction> Predict(IEnumerable<ImageSource> images, int top, Polarity polarity = Polarity.Auto) =>
        TrainedModel.Predict(Card.Config, Card.ClassNames, Session.Forward, images, top, polarity);

    /// <summary>Top-1 and top-5 accuracy and loss on a test split: the run's data, or <paramref name="data"/>.</summary>
    public Evaluation Evaluate(string? data = null, string? dataRoot = null, int? batchSize = null,
        Action<string>? warn = null, bool keepScores = false)
    {
        var config = Card.Config with { Data = data ?? Card.Config.Data, DataRoot = dataRoot ?? Card.Config.DataRoot };
        using var test = RunData.LoadTest(config, warn);
        return Evaluator.Evaluate(Session.Forward, (output, y, reduction) =>
                ClassifierNetwork.LossOf(Card.LogProbabilities, output, y, reduction), test,
            batchSize ?? config.Settings.TestBatchSize, CPU, keepScores: keepScores);
    }

    public void Dispose() => Session.Dispose();
}
