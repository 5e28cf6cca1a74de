// Bad input to the Spinal image trainer (docs/mlnet.md §15.8): ML.NET's exceptions naming the column, the option or the
// image's row, before any training; never a native crash.
using Microsoft.ML;
using Microsoft.ML.Data;
using SpinalNet.Data;
using SpinalNet.ML;

namespace SpinalNet.Tests;

public class MlNetImageBadInputTests
{
    sealed class FloatImage
    {
        public string Label = "";
        public float Image;
    }

    sealed class LabelOnly
    {
        public string Label = "";
    }

    static readonly MlNetImageTests.BytesRow[] Few = MlNetImageTests.Digits(Split.Train, 6);

    static SpinalImageTrainer Trainer(MLContext ml, Action<SpinalImageClassificationOptions>? change = null)
    {
        var options = new SpinalImageClassificationOptions { ImageSize = 32, Epochs = 1 };
        change?.Invoke(options);
        return ml.MulticlassClassification.Trainers.SpinalImageClassification(options);
    }

    static IDataView Keyed(MLContext ml, IDataView data) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);

    [Fact]
    public void A_missing_image_column_is_named_in_the_pipeline_and_in_fit()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Few);
        var trainer = Trainer(ml, o => o.ImageColumnName = "Picture");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(data));
        Assert.Contains("Could not find image column 'Picture'", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(Keyed(ml, data)));
        Assert.Contains("Could not find image column 'Picture'", e.Message);
    }

    [Fact]
    public void An_image_column_of_another_type_is_named_with_what_was_expected()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new FloatImage { Label = "1", Image = 2 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Conversion.MapValueToKey("Label").Append(Trainer(ml)).Fit(data));
        Assert.Contains("Schema mismatch for image column 'Image': expected String (a path) or VarVector<Byte>", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer(ml).Fit(Keyed(ml, data)));
        Assert.Contains("got Single", e.Message);
    }

    [Fact]
    public void A_label_that_is_not_a_key_is_named()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Few);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer(ml).Fit(data));
        Assert.Contains("Schema mismatch for label column 'Label'", e.Message);
        Assert.Contains("MapValueToKey", e.Message);
    }

    [Fact]
    public void An_image_that_does_not_decode_names_its_row()
    {
        var ml = new MLContext(1);
        var rows = MlNetImageTests.Digits(Split.Train, 6);
        rows[3].Image = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];
        var e = Assert.Throws<InvalidOperationException>(() => Trainer(ml).Fit(Keyed(ml, ml.Data.LoadFromEnumerable(rows))));
        Assert.Contains("Image column 'Image': the image of row 3 cannot be read", e.Message);

        var png = Path.Combine(Path.GetTempPath(), $"spinal-digit-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(png, Few[0].Image);
        var missing = new[]
        {
            new MlNetImageTests.PathRow { Label = "1", Image = png },
            new MlNetImageTests.PathRow { Label = "2", Image = "no-such-file.png" },
        };
        e = Assert.Throws<InvalidOperationException>(() => Trainer(ml).Fit(Keyed(ml, ml.Data.LoadFromEnumerable(missing))));
        Assert.Contains("the image of row 1 cannot be read", e.Message);
        File.Delete(png);
    }

    [Fact]
    public void Empty_data_and_options_out_of_range_are_refused_before_training()
    {
        var ml = new MLContext(1);
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<MlNetImageTests.BytesRow>());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", keyData: ml.Data.LoadFromEnumerable(
                Few.Select(r => new LabelOnly { Label = r.Label })))
            .Fit(empty).Transform(empty);
        var e = Assert.Throws<InvalidOperationException>(() => Trainer(ml).Fit(keyed));
        Assert.Contains("has no rows", e.Message);

        var data = Keyed(ml, ml.Data.LoadFromEnumerable(Few));
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer(ml, o => o.ImageSize = 8).Fit(data));
        Assert.Equal("ImageSize", size.ParamName);
        var backbone = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer(ml, o => o.Backbone = "mnist-cnn").Fit(data));
        Assert.Contains("Backbone = mnist-cnn must be an ImageNet network", backbone.Message);
    }
}
