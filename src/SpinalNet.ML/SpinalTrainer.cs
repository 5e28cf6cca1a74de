// The Spinal trainer as an ML.NET estimator (docs/mlnet.md §15.4): Fit reads and checks the label and feature columns
// (TabularData), trains the Spinal MLP in TorchSharp (SpinalFit) and returns a chain of ML.NET's own transformers
// (ScoringChain), all of which ML.NET saves in model.zip and loads with no code of this package: the network as an
// ONNX graph scored by ML.NET's OnnxTransformer (OnnxScoring), ML.NET's prediction transformer of the task over the
// graph's output (MlNetInternals), and the dropping of that intermediate column. Progress goes to ML.NET's log (mlContext.Log).
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace SpinalNet.ML;

/// <summary>Trains a Spinal MLP on a feature vector column for one task; made by the <c>Spinal</c> extension methods of
/// ML.NET's trainer catalogs.</summary>
public sealed class SpinalTrainer : IEstimator<TransformerChain<ITransformer>>
{
    readonly IHostEnvironment env;
    readonly SpinalTrainerOptions options;

    /// <summary>The task: which label it reads and which columns it adds.</summary>
    public SpinalTask Task { get; }

    /// <summary>The epochs of the last Fit (empty before one).</summary>
    public IReadOnlyList<SpinalEpoch> LastHistory { get; private set; } = [];

    internal SpinalTrainer(IHostEnvironment env, SpinalTask task, SpinalTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.LabelColumnName))
            throw new ArgumentOutOfRangeException(nameof(options.LabelColumnName), "a label column name is needed");
        if (string.IsNullOrEmpty(options.FeatureColumnName))
            throw new ArgumentOutOfRangeException(nameof(options.FeatureColumnName), "a feature column name is needed");
        this.env = env;
        Task = task;
        this.options = options;
    }

    /// <summary>Trains on <paramref name="trainData"/> and returns the scoring transformer chain.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type, or an option is out of
    /// range.</exception>
    /// <exception cref="InvalidOperationException">A feature is NaN or infinite, or no row has a label.</exception>
    public TransformerChain<ITransformer> Fit(IDataView trainData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        var host = env.Register(nameof(SpinalTrainer));
        using var channel = host.Start($"Training Spinal {Task.Name()}");
        var data = TabularData.Read(trainData, Task, options.LabelColumnName, options.FeatureColumnName);
        var resolved = options.Resolve(data.Rows, data.Width, host.Rand.Next());
        channel.Info(MessageSensitivity.None, "{0}", $"Spinal {Task.Name()}: {data.Rows} rows of {data.Width} features, {resolved.Spinal.Layers} " +
                     $"layers of {resolved.Spinal.Width}, k = {resolved.Spinal.Splits}, " +
                     $"{resolved.Training.Epochs} epochs of batches of {resolved.Training.BatchSize}, " +
                     $"validation {resolved.Training.ValidationFraction:0.##}");
        var fit = SpinalFit.Train(data, Task, resolved, epoch => channel.Info(MessageSensitivity.None, "{0}",
            $"Spinal epoch {epoch.Epoch}: train loss {epoch.TrainLoss:0.#####}" +
            (epoch.ValidationLoss is { } v ? $", validation loss {v:0.#####}" : "")));
        LastHistory = fit.History;
        channel.Info(MessageSensitivity.None, "{0}", $"Spinal: kept epoch {fit.BestEpoch} of {fit.History.Count}");
        using (fit.Network)
            return Scorer(trainData.Schema, fit, data.Classes);
    }

    TransformerChain<ITransformer> Scorer(DataViewSchema schema, SpinalFitResult fit, int classes)
    {
        string network = ScoringChain.FreeName(schema, options.FeatureColumnName + ".SpinalOutput");
        var bytes = OnnxScoring.ToOnnx(fit, options.FeatureColumnName, network, Task == SpinalTask.Regression);
        return ScoringChain.Build(env, schema, [], options.FeatureColumnName, network, bytes, Task, classes,
            options.LabelColumnName, []);
    }

    /// <summary>What Fit adds to the input's shape: the task's output columns, as ML.NET's trainers add them.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        const string parameter = nameof(inputSchema);
        if (Find(inputSchema, options.FeatureColumnName) is not { } feature)
            throw TabularData.MissingColumn(parameter, "feature", options.FeatureColumnName);
        if (feature.Kind != SchemaShape.Column.VectorKind.Vector || feature.ItemType != NumberDataViewType.Single)
            throw TabularData.FeatureMismatch(parameter, options.FeatureColumnName, Describe(feature));
        if (Find(inputSchema, options.LabelColumnName) is not { } label)
            throw TabularData.MissingColumn(parameter, "label", options.LabelColumnName);
        bool scalar = label.Kind == SchemaShape.Column.VectorKind.Scalar;
        bool fits = Task switch
        {
            SpinalTask.Multiclass => scalar && label.IsKey && label.ItemType.RawType == typeof(uint),
            SpinalTask.Binary => scalar && label.ItemType == BooleanDataViewType.Instance,
            _ => scalar && label.ItemType == NumberDataViewType.Single && !label.IsKey,
        };
        if (!fits) throw TabularData.LabelMismatch(parameter, Task, options.LabelColumnName, Describe(label));
        return Task.AddOutputColumns(inputSchema, label);
    }

    internal static string Describe(SchemaShape.Column column)
    {
        string item = column.IsKey ? $"Key<{column.ItemType.RawType.Name}>" : column.ItemType.RawType.Name;
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => item,
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}, known size>",
            _ => $"Vector<{item}> of variable size",
        };
    }

    internal static SchemaShape.Column? Find(SchemaShape shape, string name) =>
        shape.Where(c => c.Name == name).Select(c => (SchemaShape.Column?)c).FirstOrDefault();
}
