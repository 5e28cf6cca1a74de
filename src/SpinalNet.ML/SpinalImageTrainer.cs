// The Spinal image classification trainer as an ML.NET estimator (docs/mlnet.md §15.8): Fit checks the columns, fits
// ML.NET's image transforms (ImageInput) and reads the pixels they give, trains the backbone and Spinal head in
// TorchSharp (ImageFit) and returns a chain of ML.NET's own transformers (ScoringChain): those same fitted image
// transforms, the whole network as one ONNX graph with the pixel normalisation inside it (OnnxScoring), ML.NET's
// multiclass prediction transformer and the dropping of the intermediate columns. model.zip saves and loads all of it
// natively (a bytes column's decoding step needs its assembly registered, §15.8). Progress goes to ML.NET's log.
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;
using SpinalNet.Layers;

namespace SpinalNet.ML;

/// <summary>Trains an ImageNet backbone with a Spinal head on an image column; made by
/// <c>mlContext.MulticlassClassification.Trainers.SpinalImageClassification</c>.</summary>
public sealed class SpinalImageTrainer : IEstimator<TransformerChain<ITransformer>>
{
    readonly IHostEnvironment env;
    readonly SpinalImageClassificationOptions options;

    /// <summary>The epochs of the last Fit (empty before one).</summary>
    public IReadOnlyList<SpinalImageEpoch> LastHistory { get; private set; } = [];

    internal SpinalImageTrainer(IHostEnvironment env, SpinalImageClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.LabelColumnName))
            throw new ArgumentOutOfRangeException(nameof(options.LabelColumnName), "a label column name is needed");
        if (string.IsNullOrEmpty(options.ImageColumnName))
            throw new ArgumentOutOfRangeException(nameof(options.ImageColumnName), "an image column name is needed");
        this.env = env;
        this.options = options;
    }

    /// <summary>Trains on <paramref name="trainData"/> and returns the scoring transformer chain.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type, or an option is out of
    /// range.</exception>
    /// <exception cref="InvalidOperationException">An image cannot be read (its row is named), or no row has a
    /// label.</exception>
    public TransformerChain<ITransformer> Fit(IDataView trainData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        const string parameter = nameof(trainData);
        var host = env.Register(nameof(SpinalImageTrainer));
        using var channel = host.Start("Training Spinal image classification");
        void Log(string message) => channel.Info(MessageSensitivity.None, "{0}", message);

        var kind = ImageInput.KindOf(Column(trainData.Schema, options.ImageColumnName, "image", parameter).Type,
            options.ImageColumnName, parameter);
        var label = Column(trainData.Schema, options.LabelColumnName, "label", parameter);
        if (!SpinalTask.Multiclass.Accepts(label.Type))
            throw TabularData.LabelMismatch(parameter, SpinalTask.Multiclass, options.LabelColumnName,
                TabularData.Describe(label.Type));
        int classes = (int)((KeyDataViewType)label.Type).Count;
        // Options are checked before any image is read (the row count is known only after), the image size against the
        // backbone too (ViT takes 224 px only).
        try
        {
            options.Resolve(trainData.GetRowCount() ?? 0, classes, 0).Network.CheckImageSize();
        }
        catch (SettingException e)
        {
            throw new ArgumentOutOfRangeException(e.Setting, $"Spinal image classification option {e.Message}");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ml = new MLContext();
        var preprocessing = ImageInput.Preprocessing(ml, kind, options.ImageColumnName, options.ImageFolder,
            options.ImageSize).Fit(trainData);
        var rows = ImageInput.Read(trainData, preprocessing.Transform(trainData), options.LabelColumnName,
            options.ImageColumnName, options.ImageFolder, classes);
        var resolved = options.Resolve(rows.Rows, classes, host.Rand.Next());
        Log($"Spinal image: read {rows.Rows} images of {classes} classes at {options.ImageSize} x " +
            $"{options.ImageSize} px in {clock.Elapsed.TotalSeconds:0.0} s; {resolved.Network.Title}, " +
            $"{(resolved.Pretrained ? "ImageNet weights" : "random weights")}, head {resolved.Network.Spinal}, " +
            $"{options.FineTuning}, {resolved.Training.Epochs} epochs of batches of {resolved.Training.BatchSize}, " +
            $"learning rate {resolved.Training.LearningRate:0.#####}, validation {resolved.Validation:0.##}");

        var (network, history) = ImageFit.Train(rows, resolved, Log);
        LastHistory = history;
        using (network)
        {
            string output = ScoringChain.FreeName(trainData.Schema, options.ImageColumnName + ".SpinalOutput");
            var bytes = OnnxScoring.ToOnnx(network, resolved.Network.InputShape, ImageFit.Normalization,
                ImageInput.PixelsColumn, output);
            Log($"Spinal image: trained in {clock.Elapsed.TotalSeconds:0.0} s; the network's graph is " +
                $"{bytes.Length / 1024} KiB");
            return ScoringChain.Build(env, trainData.Schema, [.. (preprocessing as IEnumerable<ITransformer>) ?? [preprocessing]],
                ImageInput.PixelsColumn, output,
                bytes, SpinalTask.Multiclass, classes, options.LabelColumnName, ImageInput.Intermediate(kind));
        }
    }

    /// <summary>What Fit adds to the input's shape: Score and PredictedLabel, as ML.NET's multiclass trainers add
    /// them.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        const string parameter = nameof(inputSchema);
        if (SpinalTrainer.Find(inputSchema, options.ImageColumnName) is not { } image)
            throw TabularData.MissingColumn(parameter, "image", options.ImageColumnName);
        bool fits = image.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => image.ItemType is TextDataViewType or ImageDataViewType,
            SchemaShape.Column.VectorKind.VariableVector => image.ItemType == NumberDataViewType.Byte,
            _ => false,
        };
        if (!fits) throw ImageInput.Mismatch(parameter, options.ImageColumnName, SpinalTrainer.Describe(image));
        if (SpinalTrainer.Find(inputSchema, options.LabelColumnName) is not { } label)
            throw TabularData.MissingColumn(parameter, "label", options.LabelColumnName);
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || !label.IsKey || label.ItemType.RawType != typeof(uint))
            throw TabularData.LabelMismatch(parameter, SpinalTask.Multiclass, options.LabelColumnName,
                SpinalTrainer.Describe(label));
        return SpinalTask.Multiclass.AddOutputColumns(inputSchema, label);
    }

    static DataViewSchema.Column Column(DataViewSchema schema, string name, string role, string parameter) =>
        schema.GetColumnOrNull(name) is { IsHidden: false } found ? found : throw TabularData.MissingColumn(parameter, role, name);
}
