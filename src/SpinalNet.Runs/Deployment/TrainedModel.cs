// A trained network ready for use, the one path behind `spinalnet predict`, `evaluate` and `export`: built as a run's
// configuration says (or as a given configuration says, without a run), filled with the run's weights
// (model.safetensors, else best.ckpt) or with a weights file's (ours or the authors' PyTorch state dict), with the
// run's class names. Prediction decodes each image, brings it to the network's input (channels, then size), applies the
// run's evaluation preprocessing and returns the k most probable classes. Export writes the weights under the
// authors' names, or the whole network as ONNX (docs/deployment.md §8.1).
using SpinalNet.Layers;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Onnx;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Runs;

/// <summary>One class of a prediction and its probability.</summary>
public sealed record ClassProbability(int Class, string Name, double Probability);

/// <summary>The most probable classes of one image.</summary>
/// <param name="Inverted">The image was dark on light and was inverted to the light-on-dark the network learnt from.</param>
public sealed record Prediction(string File, IReadOnlyList<ClassProbability> Top, bool Inverted = false)
{
    /// <summary>"FILE: class probability, ...", as `spinalnet predict` prints it.</summary>
    public string Line => $"{File}: " + string.Join(", ", Top.Select(c => $"{c.Name} {TextTable.Percent(c.Probability)}"));
}

/// <summary>Whether images are inverted before a grey network sees them. MNIST-style networks learn light strokes on a
/// dark ground; digits people draw are dark on light, and would be mispredicted as they are.</summary>
public enum Polarity
{
    /// <summary>Invert a grey image whose mean is above one half (mostly light).</summary>
    Auto,
    AsIs,
    Invert,
}

/// <summary>A trained network ready to evaluate, predict and export (`spinalnet evaluate`, `predict`,
/// `export`).</summary>
public sealed class TrainedModel : IDisposable
{
    public RunConfig Config { get; }
    public ClassifierNetwork Model { get; }
    public IReadOnlyList<string> ClassNames { get; }

    TrainedModel(RunConfig config, ClassifierNetwork model, IReadOnlyList<string> names) =>
        (Config, Model, ClassNames) = (config, model, names);

    /// <param name="run">A run folder (null: none; <paramref name="options"/> then say which network).</param>
    /// <param name="weights">A weights file replacing the run's (null: the run's own): ours, the authors', or a
    /// checkpoint (.ckpt).</param>
    /// <param name="options">Changes over the run's configuration (or over the model's defaults without a run), e.g.
    /// the data to evaluate on.</param>
    public static TrainedModel Open(string? run, string? weights = null, RunOverrides? options = null)
    {
        var folder = run is null ? null : RunDirectory.Open(run);
        if (folder is null && weights is null)
            throw SettingException.OneOf(["Run", "Weights"], "give a run folder or a weights file");
        var config = folder is null
            ? Configuration.Resolve(options: options)
            : Configuration.Validate(options?.Layer.ApplyTo(folder.ReadConfig()) ?? folder.ReadConfig());
        var model = config.CreateModel(0, initialWeights: false);
        try
        {
            if (weights is not null && Path.GetExtension(weights) == ".ckpt") Checkpoint.Restore(weights, model, null);
            else if (weights is not null) AuthorsWeights.LoadAny(config.Network, model, weights);
            else if (File.Exists(folder!.File(RunDirectory.WeightsFile)))
                WeightsFile.Load(model, folder.File(RunDirectory.WeightsFile));
            else Checkpoint.Restore(folder.File(RunDirectory.BestCheckpoint), model, null);
            model.eval();
            return new TrainedModel(config, model,
                folder?.ReadClassNames(config.Classes) ?? Data.ClassNames.Digits(config.Classes));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Top-1 and top-5 accuracy and loss on the test split of the configuration's data (with
    /// <paramref name="keepScores"/>, each sample's probabilities too).</summary>
    public Evaluation Evaluate(Action<string>? warn = null, bool keepScores = false)
    {
        using var test = RunData.LoadTest(Config, warn);
        return Evaluator.Evaluate(Model, test, Config.Settings.TestBatchSize, keepScores: keepScores);
    }

    /// <summary>The <paramref name="top"/> most probable classes of each image file.</summary>
    public IReadOnlyList<Prediction> Predict(IEnumerable<string> images, int top, Polarity polarity = Polarity.Auto) =>
        Predict(images.Select(ImageSource.File), top, polarity);

    /// <summary>The <paramref name="top"/> most probable classes of each image (files or bytes).</summary>
    public IReadOnlyList<Prediction> Predict(IEnumerable<ImageSource> images, int top, Polarity polarity = Polarity.Auto)
    {
        Model.eval();
        return Predict(Config, ClassNames, Model.call, images, top, polarity);
    }

    /// <summary>Prediction with any forward pass over a batch of preprocessed images (ours, or ONNX Runtime's).</summary>
    internal static IReadOnlyList<Prediction> Predict(RunConfig config, IReadOnlyList<string> classNames,
        Func<torch.Tensor, torch.Tensor> forward, IEnumerable<ImageSource> images, int top,
        Polarity polarity = Polarity.Auto)
    {
        if (top < 1) throw new SettingException("Top", top, "must be at least 1");
        var preparation = new InputPreparation(config);
        using var noGrad = torch.no_grad();
        var predictions = new List<Prediction>();
        foreach (var source in images)
        {
            using var scope = torch.NewDisposeScope();
            var prepared = preparation.Prepare(source, polarity);
            var probabilities = forward(prepared.Input).softmax(1)[0];
            predictions.Add(new Prediction(source.Name, TopClasses(probabilities, top, classNames), prepared.Inverted));
        }
        return predictions;
    }

    /// <summary>The <paramref name="top"/> most probable classes of one row of probabilities, most probable first.</summary>
    internal static IReadOnlyList<ClassProbability> TopClasses(torch.Tensor probabilities, int top,
        IReadOnlyList<string> classNames)
    {
        var (values, indexes) = probabilities.topk(Math.Min(top, (int)probabilities.shape[0]));
        return values.data<float>().ToArray().Zip(indexes.data<long>().ToArray())
            .Select(p => new ClassProbability((int)p.Second,
                (int)p.Second < classNames.Count ? classNames[(int)p.Second] : p.Second.ToString(), p.First))
            .ToList();
    }

    /// <summary>Writes the weights under the authors' PyTorch key names; returns the file written.</summary>
    public string ExportAuthors(string path, WeightsFormat format)
    {
        AuthorsWeights.Save(Config.Network, Model, path, format);
        return path;
    }

    /// <summary>A run as <paramref name="format"/>: pt or safetensors (the weights under the authors' names) or onnx
    /// (the whole network); returns the file written.</summary>
    public static string Export(string run, string format, string? output = null) => format switch
    {
        "onnx" => ExportOnnxRun(run, output),
        "pt" => ExportRun(run, WeightsFormat.Pt, output),
        "safetensors" => ExportRun(run, WeightsFormat.Safetensors, output),
        _ => throw new SettingException("Format", format, "is not one of pt, safetensors, onnx"),
    };

    /// <summary>A run's weights under the authors' names, by default as RUN/authors.pt or RUN/authors.safetensors.</summary>
    public static string ExportRun(string run, WeightsFormat format, string? output = null)
    {
        using var trained = Open(run);
        return trained.ExportAuthors(
            output ?? Path.Combine(run, format == WeightsFormat.Pt ? "authors.pt" : "authors.safetensors"), format);
    }

    /// <summary>Writes the network as an ONNX model (docs/deployment.md §8.1) with its class names and preprocessing
    /// in the metadata; returns the file written.</summary>
    public string ExportOnnx(string path)
    {
        var card = new OnnxModelCard(Config, ClassNames, Model.OutputsLogProbabilities);
        OnnxExport.Write(Model, Config.InputShape, path, card.ToMetadata(),
            $"{Config.Model} ({Config.Head.Id()} head), exported by spinalnet");
        return path;
    }

    /// <summary>A run's network as ONNX (a classifier's, or one network of a CSV regression run), by default as
    /// RUN/model.onnx.</summary>
    public static string ExportOnnxRun(string run, string? output = null)
    {
        if (CsvRegressionRun.IsRegressionRun(run)) return CsvRegressionRun.ExportOnnx(run, output);
        using var trained = Open(run);
        return trained.ExportOnnx(output ?? Path.Combine(run, OnnxFileName));
    }

    public const string OnnxFileName = "model.onnx";

    public void Dispose() => Model.Dispose();
}
