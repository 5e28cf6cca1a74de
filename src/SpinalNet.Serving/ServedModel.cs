// The model a server answers with (docs/serving.md §16.5): a trained run's network (predict and explain) or an ONNX
// export (predict only), opened once and kept. Answers come from the same library calls as `spinalnet predict` and
// `explain` (Runs/Deployment/InputPreparation: decoding, inversion rule, resizing, preprocessing), so they are the same.
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Runs;

namespace SpinalNet.Serving;

/// <summary>A trained network or an ONNX model, kept open while the server runs.</summary>
public sealed class ServedModel : IDisposable
{
    readonly TrainedModel? trained;
    readonly OnnxClassifier? onnx;
    // A TorchSharp network computes one request at a time: Grad-CAM hooks its modules for the length of a call, and
    // evaluation mode is the module's state. ONNX Runtime's sessions take concurrent calls.
    readonly Lock network = new();

    ServedModel(TrainedModel? trained, OnnxClassifier? onnx, string description) =>
        (this.trained, this.onnx, Description) = (trained, onnx, description);

    /// <summary>What is served, for /health and the page: the model, its head and where it came from.</summary>
    public string Description { get; }

    /// <summary>The class names, in class order.</summary>
    public IReadOnlyList<string> ClassNames => trained?.ClassNames ?? onnx!.Card.ClassNames;

    /// <summary>Whether /explain can answer (it needs the network's weights, not an ONNX graph).</summary>
    public bool CanExplain => trained is not null;

    /// <summary>A run folder (or a weights file with the options that name its network), or an ONNX file.</summary>
    public static ServedModel Open(ModelSource source)
    {
        if (source.Onnx is { } file)
        {
            if ((source.Run ?? source.Weights) is not null)
                throw new SettingException("Onnx", file, "is the whole model; give it without --run");
            var served = OnnxClassifier.Open(file);
            return new ServedModel(null, served, $"{served.Card.Config.Model} ({served.Card.Config.Head.Id()} head), " +
                                                 $"ONNX {Path.GetFileName(file)}");
        }
        var model = TrainedModel.Open(source.Run, source.Weights, source.Options);
        return new ServedModel(model, null, $"{model.Config.Model} ({model.Config.Head.Id()} head), " +
                                            (source.Run is { } run ? $"run {run}" : $"weights {source.Weights}"));
    }

    /// <summary>The <paramref name="top"/> most probable classes of one image, as `spinalnet predict` answers.</summary>
    public Prediction Predict(ImageSource image, int top)
    {
        if (trained is null) return onnx!.Predict([image], top)[0];
        lock (network) return trained.Predict([image], top)[0];
    }

    /// <summary>The explanation of one image, as `spinalnet explain` makes it.</summary>
    public ImageExplanation Explain(ImageSource image, int top)
    {
        if (trained is null) throw new InvalidOperationException("an ONNX model has no explanation");
        lock (network) return ImageExplanations.Explain(trained, image, top);
    }

    public void Dispose()
    {
        trained?.Dispose();
        onnx?.Dispose();
    }
}
