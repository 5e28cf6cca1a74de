// The three tasks the Spinal trainers serve (docs/mlnet.md §15.1) and what each asks of its label column and gives as
// output columns, the same as ML.NET's own trainers of the task.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace SpinalNet.ML;

/// <summary>Multiclass (key label; Score vector, PredictedLabel key), binary (Boolean label; Score, Probability,
/// PredictedLabel Boolean) or regression (Single label; Score).</summary>
public enum SpinalTask { Multiclass, Binary, Regression }

internal static class SpinalTasks
{
    /// <summary>What the label column must be, in the words of the error when it is not.</summary>
    public static string ExpectedLabel(this SpinalTask task) => task switch
    {
        SpinalTask.Multiclass => "a key type of UInt32 with at least 2 values (add mlContext.Transforms.Conversion.MapValueToKey)",
        SpinalTask.Binary => "Boolean",
        _ => "Single",
    };

    public static bool Accepts(this SpinalTask task, DataViewType label) => task switch
    {
        SpinalTask.Multiclass => label is KeyDataViewType { Count: >= 2 and <= int.MaxValue } key && key.RawType == typeof(uint),
        SpinalTask.Binary => label == BooleanDataViewType.Instance,
        _ => label == NumberDataViewType.Single,
    };

    public static string Name(this SpinalTask task) => task switch
    {
        SpinalTask.Multiclass => "multiclass", SpinalTask.Binary => "binary", _ => "regression",
    };

    /// <summary><paramref name="input"/> with the task's output columns added, as ML.NET's trainers add them (for
    /// GetOutputSchema): the label's key type for a multiclass PredictedLabel.</summary>
    public static SchemaShape AddOutputColumns(this SpinalTask task, SchemaShape input, SchemaShape.Column label)
    {
        var columns = input.ToDictionary(c => c.Name);
        var one = SchemaShape.Column.VectorKind.Scalar;
        foreach (var column in task switch
                 {
                     SpinalTask.Multiclass =>
                     [
                         MlNetInternals.Column("Score", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false),
                         MlNetInternals.Column("PredictedLabel", one, label.ItemType, true, label.Annotations),
                     ],
                     SpinalTask.Binary =>
                     [
                         MlNetInternals.Column("Score", one, NumberDataViewType.Single, false),
                         MlNetInternals.Column("Probability", one, NumberDataViewType.Single, false),
                         MlNetInternals.Column("PredictedLabel", one, BooleanDataViewType.Instance, false),
                     ],
                     _ => new[] { MlNetInternals.Column("Score", one, NumberDataViewType.Single, false) },
                 })
            columns[column.Name] = column;
        return new SchemaShape(columns.Values);
    }
}
