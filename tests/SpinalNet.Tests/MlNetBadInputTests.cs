// Bad input to the Spinal trainers (docs/mlnet.md §15.5): ML.NET's exceptions, naming the column and what was expected,
// before any training; never a native crash. At scoring time, a schema that does not match the training one is
// ML.NET's own error (the transformers are ML.NET's).
using Microsoft.ML;
using Microsoft.ML.Data;
using SpinalNet.ML;

namespace SpinalNet.Tests;

public class MlNetBadInputTests
{
    sealed class Row
    {
        public float Label;
        [VectorType(4)] public float[] Features = [];
    }

    sealed class ScalarFeature
    {
        public float Label;
        public float Features;
    }

    sealed class VariableFeature
    {
        public float Label;
        public float[] Features = [];
    }

    sealed class DoubleFeature
    {
        public float Label;
        [VectorType(4)] public double[] Features = [];
    }

    sealed class BoolRow
    {
        public bool Label;
        [VectorType(4)] public float[] Features = [];
    }

    sealed class WideRow
    {
        public float Label;
        [VectorType(3)] public float[] Features = [];
    }

    static Row[] Rows(int n) => Enumerable.Range(0, n)
        .Select(i => new Row { Label = i % 3, Features = [i % 3, (i * 7) % 5, i % 2, 1] }).ToArray();

    static readonly SpinalMulticlassOptions Quick = new() { Epochs = 1 };

    static IEstimator<ITransformer> Multiclass(MLContext ml, SpinalMulticlassOptions? options = null) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Spinal(options ?? Quick));

    static void Throws<T>(Action fit, params string[] parts) where T : Exception
    {
        var e = Assert.Throws<T>(fit);
        foreach (var part in parts) Assert.True(e.Message.Contains(part), $"\"{part}\" is not in: {e.Message}");
    }

    [Fact]
    public void A_scalar_feature_column_is_named_with_what_was_expected()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new ScalarFeature { Label = i % 2, Features = i }));
        Throws<ArgumentOutOfRangeException>(() => Multiclass(ml).Fit(data), "'Features'", "known-size vector of Single", "Single");
    }

    [Fact]
    public void A_variable_size_or_double_feature_vector_is_refused()
    {
        var ml = new MLContext(1);
        var variable = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new VariableFeature { Label = i % 2, Features = [i, 1] }));
        Throws<ArgumentOutOfRangeException>(() => Multiclass(ml).Fit(variable), "'Features'", "known-size vector");
        var doubles = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new DoubleFeature { Label = i % 2, Features = [i, 1, 2, 3] }));
        Throws<ArgumentOutOfRangeException>(() => Multiclass(ml).Fit(doubles), "'Features'", "Double");
    }

    [Fact]
    public void A_missing_column_is_named()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(10));
        Throws<ArgumentOutOfRangeException>(() => Multiclass(ml, new SpinalMulticlassOptions { FeatureColumnName = "Pixels" }).Fit(data),
            "feature column 'Pixels'");
        Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Spinal(labelColumnName: "Price").Fit(data),
            "label column 'Price'");
    }

    [Fact]
    public void Each_task_names_the_label_type_it_expects()
    {
        var ml = new MLContext(1);
        var floats = ml.Data.LoadFromEnumerable(Rows(10));
        var bools = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new BoolRow { Label = i % 2 == 0, Features = [i, 1, 2, 3] }));
        Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Spinal().Fit(floats),
            "label column 'Label'", "key type", "Single");
        Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Spinal().Fit(floats),
            "label column 'Label'", "Boolean", "Single");
        Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Spinal().Fit(bools),
            "label column 'Label'", "expects Single", "Boolean");
    }

    [Fact]
    public void NaN_and_infinite_features_are_named_with_row_and_slot()
    {
        var ml = new MLContext(1);
        foreach (var bad in new[] { float.NaN, float.PositiveInfinity })
        {
            var rows = Rows(10);
            rows[6].Features[2] = bad;
            var data = ml.Data.LoadFromEnumerable(rows);
            Throws<InvalidOperationException>(() => Multiclass(ml).Fit(data),
                "'Features'", bad.ToString(), "row 6, slot 2", "finite");
        }
    }

    [Fact]
    public void An_empty_data_view_is_refused_before_training()
    {
        var ml = new MLContext(1);
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<BoolRow>());
        Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Spinal().Fit(empty), "no rows");
    }

    [Fact]
    public void An_option_out_of_range_is_named()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(10));
        Throws<ArgumentOutOfRangeException>(() => Multiclass(ml, new SpinalMulticlassOptions { Splits = 5 }).Fit(data),
            "Splits", "feature count 4");
        Throws<ArgumentOutOfRangeException>(() => Multiclass(ml, new SpinalMulticlassOptions { Dropout = 1 }).Fit(data),
            "Dropout");
    }

    [Fact]
    public void Scoring_data_of_another_schema_is_ml_nets_schema_error()
    {
        var ml = new MLContext(1);
        var model = Multiclass(ml).Fit(ml.Data.LoadFromEnumerable(Rows(30)));
        var narrow = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new WideRow { Label = 1, Features = [1, 2, 3] }));
        var e = Record.Exception(() => model.Transform(narrow).GetColumn<float[]>("Score").ToArray());
        Assert.True(e is ArgumentOutOfRangeException or InvalidOperationException, e?.ToString());
        Assert.Contains("Features", e!.Message);
        var missing = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new ScalarFeature { Label = 1, Features = 1 }));
        var e2 = Record.Exception(() => model.Transform(missing).GetColumn<float[]>("Score").ToArray());
        Assert.True(e2 is ArgumentOutOfRangeException or InvalidOperationException, e2?.ToString());
        Assert.Contains("Features", e2!.Message);
    }
}
