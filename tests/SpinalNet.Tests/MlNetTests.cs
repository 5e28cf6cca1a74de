// The Spinal trainers in ML.NET pipelines (docs/mlnet.md §15.6): fit on data the tests make (MlNetData), evaluate with
// ML.NET's evaluators against ML.NET's own trainers in the same pipeline, save to model.zip, load in a fresh MLContext
// and score again. Subsets keep each test to seconds; the numbers are pinned (MLContext(seed: 1) trains the same
// network every time).
using Microsoft.ML;
using Microsoft.ML.Data;
using SpinalNet.Data;
using SpinalNet.ML;
using SpinalNet.Regression;

namespace SpinalNet.Tests;

public class MlNetTests
{
    internal sealed class DigitRow
    {
        [LoadColumn(0)] public float Label;
        [LoadColumn(1, 784), VectorType(784)] public float[] Features = [];
    }

    internal sealed class DigitPrediction
    {
        public uint PredictedLabel;
        public float[] Score = [];
        public float PredictedDigit;
    }

    sealed class RegressionRow
    {
        [LoadColumn(0)] public float Label;
        [LoadColumn(1, 8), VectorType(8)] public float[] Features = [];
    }

    internal static (IDataView Train, IDataView Test) Digits(MLContext ml, int train, int test) =>
        (ml.Data.Cache(ml.Data.LoadFromTextFile<DigitRow>(MlNetData.DigitsCsv(Split.Train, train), separatorChar: ',')),
         ml.Data.Cache(ml.Data.LoadFromTextFile<DigitRow>(MlNetData.DigitsCsv(Split.Test, test), separatorChar: ',')));

    static readonly SpinalMulticlassOptions DigitOptions = new() { Epochs = 8 };

    static double Accuracy(MLContext ml, IEstimator<ITransformer> trainer, IDataView train, IDataView test)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(train);
        double fit = watch.Elapsed.TotalSeconds;
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
        Console.WriteLine($"{trainer.GetType().Name}: fit {fit:0.0} s, evaluate {watch.Elapsed.TotalSeconds - fit:0.0} s");
        return accuracy;
    }

    [Fact]
    public void Multiclass_spinal_on_digits_is_within_two_points_of_sdca_and_lightgbm()
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = Digits(ml, 1000, 400);
        double spinal = Accuracy(ml, ml.MulticlassClassification.Trainers.Spinal(DigitOptions), train, test);
        double sdca = Accuracy(ml, ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(), train, test);
        double lightGbm = Accuracy(ml, ml.MulticlassClassification.Trainers.LightGbm(), train, test);
        Console.WriteLine($"digits 1000/400: spinal {spinal:0.####}, sdca {sdca:0.####}, lightgbm {lightGbm:0.####}");
        Assert.True(spinal >= Math.Max(sdca, lightGbm) - 0.02, $"spinal {spinal}, sdca {sdca}, lightgbm {lightGbm}");
        Assert.Equal(0.89, spinal, 4);
    }

    [Fact]
    public void Multiclass_model_zip_round_trip_scores_identically_and_maps_keys_back()
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = Digits(ml, 500, 100);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Spinal(new SpinalMulticlassOptions { Epochs = 3 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel"))
            .Fit(train);
        var scored = model.Transform(test);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 10), scored.Schema["Score"].Type);
        Assert.Equal(new KeyDataViewType(typeof(uint), 10), scored.Schema["PredictedLabel"].Type);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["PredictedDigit"].Type);
        Assert.DoesNotContain(scored.Schema, c => c.Name.Contains("Spinal"));

        var path = Path.Combine(Path.GetTempPath(), $"spinal-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            var fresh = new MLContext(seed: 7);
            var loaded = fresh.Model.Load(path, out var inputSchema);
            Assert.Equal(784, ((VectorDataViewType)inputSchema["Features"].Type).Size);
            var before = scored.GetColumn<float[]>("Score").ToArray();
            var rescored = loaded.Transform(test);
            var after = rescored.GetColumn<float[]>("Score").ToArray();
            Assert.Equal(before.Length, after.Length);
            for (int i = 0; i < before.Length; i++)
            {
                Assert.Equal(1f, before[i].Sum(), 1e-5);
                for (int c = 0; c < 10; c++) Assert.Equal(before[i][c], after[i][c], 1e-5);
            }
            var digits = scored.GetColumn<float>("PredictedDigit").ToArray();
            Assert.Equal(digits, rescored.GetColumn<float>("PredictedDigit").ToArray());
            // The predicted key is the arg max of the scores (keys count from 1), and maps back to the label's values
            // (the digit of the row, for most rows).
            var keys = scored.GetColumn<uint>("PredictedLabel").ToArray();
            for (int i = 0; i < before.Length; i++) Assert.Equal(Array.IndexOf(before[i], before[i].Max()) + 1, (int)keys[i]);
            var truth = test.GetColumn<float>("Label").ToArray();
            Assert.Equal(86, digits.Zip(truth).Count(p => p.First == p.Second));

            var engine = fresh.Model.CreatePredictionEngine<DigitRow, DigitPrediction>(loaded);
            var first = ml.Data.CreateEnumerable<DigitRow>(test, reuseRowObject: false).First();
            var prediction = engine.Predict(first);
            Assert.Equal(digits[0], prediction.PredictedDigit);
            for (int c = 0; c < 10; c++) Assert.Equal(before[0][c], prediction.Score[c], 1e-5);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Multiclass_fit_is_deterministic_for_an_mlcontext_seed()
    {
        float[] Scores(int seed)
        {
            var ml = new MLContext(seed);
            var (train, test) = Digits(ml, 300, 20);
            var options = new SpinalMulticlassOptions { Epochs = 2, Dropout = 0.1 };
            return ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Spinal(options)).Fit(train).Transform(test)
                .GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        }
        var once = Scores(1);
        Assert.Equal(once, Scores(1));
        Assert.NotEqual(once, Scores(2));
    }

    [Fact]
    public void Binary_spinal_gives_score_probability_and_label_and_round_trips()
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = Digits(ml, 1000, 400);
        // Is the digit 5 or more?
        var pipeline = ml.Transforms.CustomMapping<DigitRow, BinaryLabel>((row, label) => label.High = row.Label >= 5,
            contractName: null);
        var trainBinary = pipeline.Fit(train).Transform(train);
        var testBinary = pipeline.Fit(test).Transform(test);
        var options = new SpinalBinaryOptions { LabelColumnName = "High", Epochs = 8 };
        var model = ml.BinaryClassification.Trainers.Spinal(options).Fit(trainBinary);
        var scored = model.Transform(testBinary);
        var spinal = ml.BinaryClassification.Evaluate(scored, "High");
        var sdca = ml.BinaryClassification.Evaluate(ml.BinaryClassification.Trainers
            .SdcaLogisticRegression("High").Fit(trainBinary).Transform(testBinary), "High");
        var lightGbm = ml.BinaryClassification.Evaluate(ml.BinaryClassification.Trainers
            .LightGbm("High").Fit(trainBinary).Transform(testBinary), "High");
        Console.WriteLine($"digits >= 5, 1000/400: spinal {spinal.Accuracy:0.####} (AUC {spinal.AreaUnderRocCurve:0.####}), " +
                          $"sdca {sdca.Accuracy:0.####}, lightgbm {lightGbm.Accuracy:0.####}");
        Assert.True(spinal.Accuracy >= Math.Max(sdca.Accuracy, lightGbm.Accuracy) - 0.02);
        Assert.Equal(0.8775, spinal.Accuracy, 4);

        var score = scored.GetColumn<float>("Score").ToArray();
        var probability = scored.GetColumn<float>("Probability").ToArray();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        for (int i = 0; i < score.Length; i++)
        {
            Assert.Equal(1 / (1 + Math.Exp(-score[i])), probability[i], 1e-5);
            Assert.Equal(score[i] > 0, predicted[i]);
        }

        var path = Path.Combine(Path.GetTempPath(), $"spinal-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, trainBinary.Schema, path);
            var after = new MLContext().Model.Load(path, out _).Transform(testBinary);
            var scoreAfter = after.GetColumn<float>("Score").ToArray();
            var probabilityAfter = after.GetColumn<float>("Probability").ToArray();
            for (int i = 0; i < score.Length; i++)
            {
                Assert.Equal(score[i], scoreAfter[i], 1e-5);
                Assert.Equal(probability[i], probabilityAfter[i], 1e-5);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    sealed class BinaryLabel
    {
        public bool High;
    }

    [Fact]
    public void Regression_spinal_on_the_synthetic_sin_sum_beats_sdca_and_round_trips()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromTextFile<RegressionRow>(MlNetData.RegressionCsv(Target.SinSum, 1000, 0),
            separatorChar: ',', hasHeader: true);
        var test = ml.Data.LoadFromTextFile<RegressionRow>(MlNetData.RegressionCsv(Target.SinSum, 500, 1),
            separatorChar: ',', hasHeader: true);
        var model = ml.Regression.Trainers.Spinal().Fit(train);
        var scored = model.Transform(test);
        var spinal = ml.Regression.Evaluate(scored);
        var sdca = ml.Regression.Evaluate(ml.Regression.Trainers.Sdca().Fit(train).Transform(test));
        var lightGbm = ml.Regression.Evaluate(ml.Regression.Trainers.LightGbm().Fit(train).Transform(test));
        Console.WriteLine($"sin-sum 1000/500: R² spinal {spinal.RSquared:0.####}, sdca {sdca.RSquared:0.####}, " +
                          $"lightgbm {lightGbm.RSquared:0.####}");
        Assert.True(spinal.RSquared > sdca.RSquared);
        Assert.True(spinal.RSquared >= lightGbm.RSquared);
        Assert.Equal(0.9059, spinal.RSquared, 4);

        var path = Path.Combine(Path.GetTempPath(), $"spinal-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            var before = scored.GetColumn<float>("Score").ToArray();
            var after = new MLContext().Model.Load(path, out _).Transform(test).GetColumn<float>("Score").ToArray();
            for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i], 1e-5);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Epochs_reach_ml_nets_log()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var (train, _) = Digits(ml, 300, 20);
        var trainer = ml.MulticlassClassification.Trainers.Spinal(new SpinalMulticlassOptions { Epochs = 3 });
        ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(train);
        Assert.Equal(3, trainer.LastHistory.Count);
        Assert.Equal(3, messages.Count(m => m.Contains("Spinal epoch ")));
        Assert.Contains(messages, m => m.Contains("300 rows of 784 features"));
        Assert.Contains(messages, m => m.Contains("Spinal: kept epoch 3 of 3"));
    }
}
