// The scoring chain a fitted Spinal trainer returns (docs/mlnet.md §15.4): the fitted transforms in front of the
// network where the trainer made some (ML.NET's image loading, resizing and pixel extraction, §15.8), the network as an
// ONNX graph scored by ML.NET's OnnxTransformer, ML.NET's prediction transformer of the task over the graph's output
// (MlNetInternals), and the dropping of the intermediate columns: all ML.NET's own transformers, which model.zip saves
// and loads with no code of this package.
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace SpinalNet.ML;

internal static class ScoringChain
{
    /// <summary>The chain <paramref name="front"/> → the graph <paramref name="onnx"/> (reading
    /// <paramref name="input"/>, writing <paramref name="network"/>) → the task's prediction transformer → dropping
    /// <paramref name="network"/> and <paramref name="drop"/>, over data of <paramref name="schema"/>.</summary>
    public static TransformerChain<ITransformer> Build(IHostEnvironment env, DataViewSchema schema,
        IReadOnlyList<ITransformer> front, string input, string network, byte[] onnx, SpinalTask task, int classes,
        string label, IReadOnlyList<string> drop)
    {
        var before = schema;
        foreach (var transformer in front) before = transformer.GetOutputSchema(before);
        // ML.NET's transforms catalog is reached through an MLContext; the transformers it makes take this trainer's
        // environment only for messages, and model.zip records none of it.
        var ml = new MLContext();
        var scorer = ml.Transforms.ApplyOnnxModel([network], [input], new MemoryStream(onnx)).Fit(EmptyOf(before));
        var scored = scorer.GetOutputSchema(before);
        var predictor = task switch
        {
            SpinalTask.Multiclass => MlNetInternals.Multiclass(env, classes, scored, network, label),
            SpinalTask.Binary => MlNetInternals.Binary(env, scored, network),
            _ => MlNetInternals.Regression(env, scored, network),
        };
        var dropper = ml.Transforms.DropColumns([network, .. drop]).Fit(EmptyOf(predictor.GetOutputSchema(scored)));
        return new TransformerChain<ITransformer>([.. front, scorer, predictor, dropper]);
    }

    /// <summary>A column name not in <paramref name="schema"/>, from <paramref name="hint"/>.</summary>
    public static string FreeName(DataViewSchema schema, string hint)
    {
        string name = hint;
        for (int i = 1; schema.GetColumnOrNull(name) is not null; i++) name = $"{hint}.{i}";
        return name;
    }

    /// <summary>An IDataView of no rows with this schema: the transforms' Fit reads only the schema.</summary>
    public static IDataView EmptyOf(DataViewSchema schema) => new EmptyData(schema);

    /// <summary>No rows, a schema.</summary>
    sealed class EmptyData(DataViewSchema schema) : IDataView
    {
        public bool CanShuffle => false;
        public DataViewSchema Schema => schema;
        public long? GetRowCount() => 0;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
            new EmptyCursor(schema);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n,
            Random? rand = null) => [new EmptyCursor(schema)];
    }

    sealed class EmptyCursor(DataViewSchema schema) : DataViewRowCursor
    {
        public override DataViewSchema Schema => schema;
        public override long Position => -1;
        public override long Batch => 0;
        public override bool MoveNext() => false;
        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = default;
        public override bool IsColumnActive(DataViewSchema.Column column) => false;
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            throw new InvalidOperationException("an empty data view has no values");
    }
}
