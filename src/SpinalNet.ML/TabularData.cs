// The training rows of an IDataView as the Spinal trainers read them (docs/mlnet.md §15.5): the feature vector of each
// row as floats and its label as a float (a class index for multiclass, 0/1 for binary, the target for regression).
// Every check of the input happens here, before any training, as ML.NET's trainers check theirs: a missing column or
// one of the wrong type is an ArgumentOutOfRangeException naming the column and what was expected; NaN or infinity in
// a feature, or no usable row, an InvalidOperationException. Rows whose label is missing (key 0, NaN) are skipped, as
// ML.NET's trainers skip them.
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace SpinalNet.ML;

/// <summary>Rows × features as one row-major float array, and one label per row.</summary>
internal sealed record TabularData(float[] Features, float[] Labels, int Rows, int Width, int Classes)
{
    /// <summary>The feature column's type the trainer accepts: a known-size vector of Single.</summary>
    public static int FeatureWidth(DataViewSchema schema, string column, string parameter)
    {
        var type = Find(schema, column, "feature", parameter).Type;
        if (type is not VectorDataViewType { ItemType: var item, IsKnownSize: true, Size: > 0 } vector ||
            item != NumberDataViewType.Single)
            throw FeatureMismatch(parameter, column, Describe(type));
        return vector.Size;
    }

    /// <summary>Reads and checks the label and feature columns of <paramref name="data"/>.</summary>
    public static TabularData Read(IDataView data, SpinalTask task, string labelColumn, string featureColumn)
    {
        const string parameter = "trainData";
        int width = FeatureWidth(data.Schema, featureColumn, parameter);
        var label = Find(data.Schema, labelColumn, "label", parameter);
        if (!task.Accepts(label.Type)) throw LabelMismatch(parameter, task, labelColumn, Describe(label.Type));
        var feature = data.Schema[featureColumn];
        int classes = task switch
        {
            SpinalTask.Multiclass => (int)((KeyDataViewType)label.Type).Count,
            SpinalTask.Binary => 2,
            _ => 1,
        };

        // Rows are appended to one growing buffer, sized up front where the data view knows its row count.
        long? known = data.GetRowCount();
        var features = new List<float>(known is { } count && count * width < int.MaxValue ? (int)count * width : 0);
        var labels = new List<float>((int)Math.Min(known ?? 0, int.MaxValue));
        var buffer = default(VBuffer<float>);
        long row = 0;
        using (var cursor = data.GetRowCursor([label, feature]))
        {
            var getFeatures = cursor.GetGetter<VBuffer<float>>(feature);
            var getLabel = LabelGetter(cursor, label, task);
            while (cursor.MoveNext())
            {
                float y = getLabel();
                getFeatures(ref buffer);
                if (!float.IsNaN(y))
                {
                    int at = features.Count;
                    if ((long)at + width > Array.MaxLength)
                        throw new InvalidOperationException(
                            $"The training data of the Spinal trainer is larger than one array holds ({labels.Count} " +
                            $"rows of {width} features); train on a sample");
                    CollectionsMarshal.SetCount(features, at + width);
                    var slots = CollectionsMarshal.AsSpan(features).Slice(at, width);
                    slots.Clear();
                    var values = buffer.GetValues();
                    var indices = buffer.GetIndices();
                    for (int i = 0; i < values.Length; i++)
                    {
                        float v = values[i];
                        int slot = buffer.IsDense ? i : indices[i];
                        if (!float.IsFinite(v))
                            throw new InvalidOperationException(
                                $"Feature column '{featureColumn}' holds {v} in row {row}, slot {slot}: the Spinal " +
                                "trainer needs finite features (mlContext.Transforms.ReplaceMissingValues or " +
                                "mlContext.Data.FilterRowsByMissingValues deal with missing ones)");
                        slots[slot] = v;
                    }
                    labels.Add(y);
                }
                row++;
            }
        }
        if (labels.Count == 0)
            throw new InvalidOperationException(row == 0
                ? "The training data of the Spinal trainer has no rows"
                : $"The training data of the Spinal trainer has {row} rows but none with a label in column '{labelColumn}'");
        return new TabularData(features.ToArray(), labels.ToArray(), labels.Count, width, classes);
    }

    /// <summary>A column type as ML.NET's messages write it: Single, Vector&lt;Double, 4&gt;, Vector&lt;Single&gt;
    /// (unknown size), Key&lt;UInt32, 0-9&gt;.</summary>
    public static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType v => v.IsKnownSize ? $"Vector<{Describe(v.ItemType)}, {v.Size}>" : $"Vector<{Describe(v.ItemType)}>",
        KeyDataViewType => type.ToString() ?? "Key",
        _ => type.RawType.Name,
    };

    static DataViewSchema.Column Find(DataViewSchema schema, string column, string role, string parameter) =>
        schema.GetColumnOrNull(column) is { } found && !found.IsHidden
            ? found
            : throw MissingColumn(parameter, role, column);

    public static ArgumentOutOfRangeException MissingColumn(string parameter, string role, string column) =>
        new(parameter, $"Could not find {role} column '{column}'");

    public static ArgumentOutOfRangeException FeatureMismatch(string parameter, string column, string got) =>
        new(parameter, $"Schema mismatch for feature column '{column}': expected a known-size vector of Single, got " +
                       $"{got} (mlContext.Transforms.Concatenate gathers numeric columns into one, ConvertType makes " +
                       "them Single)");

    public static ArgumentOutOfRangeException LabelMismatch(string parameter, SpinalTask task, string column,
        string got) =>
        new(parameter, $"Schema mismatch for label column '{column}': the {task.Name()} Spinal trainer expects " +
                       $"{task.ExpectedLabel()}, got {got}");

    /// <summary>The label as a float: the class index (NaN for the missing key 0), 0/1, or the target.</summary>
    static Func<float> LabelGetter(DataViewRowCursor cursor, DataViewSchema.Column label, SpinalTask task)
    {
        switch (task)
        {
            case SpinalTask.Multiclass:
            {
                var get = cursor.GetGetter<uint>(label);
                uint key = 0;
                return () => { get(ref key); return key == 0 ? float.NaN : key - 1; };
            }
            case SpinalTask.Binary:
            {
                var get = cursor.GetGetter<bool>(label);
                bool value = false;
                return () => { get(ref value); return value ? 1 : 0; };
            }
            default:
            {
                var get = cursor.GetGetter<float>(label);
                float value = 0;
                return () => { get(ref value); return float.IsFinite(value) ? value : float.NaN; };
            }
        }
    }
}
