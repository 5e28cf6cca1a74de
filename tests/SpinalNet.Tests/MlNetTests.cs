// The Spinal trainers in ML.NET pipelines (docs/mlnet.md): fit, evaluate with ML.NET's evaluators against ML.NET's
// own trainers in the same pipeline, save to model.zip, load, score again.
using Microsoft.ML;
using Microsoft.ML.Data;
using SpinalNet.Data;
using SpinalNet.ML;
using SpinalNet.Regression;

namespace SpinalNet.Tests;

public class MlNetTests
{
    sealed class DigitRow
    {
        [LoadColumn(0)] public float Label;
        [LoadColumn(1, 784), VectorType(784)] public float[] Features = [];
    }

    static (IDataView Train, IDataView Test) Digits(MLContext ml, int train, int test) =>
        (ml.Data.LoadFromTextFile<DigitRow>(MlNetData.DigitsCsv(Split.Train, train), separatorChar: ','),
         ml.Data.LoadFromTextFile<DigitRow>(MlNetData.DigitsCsv(Split.Test, test), separatorChar: ','));

    [Fact]
    public void Multiclass_spinal_on_digits_scores_and_round_trips()
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = Digits(ml, 2000, 500);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Spinal(new SpinalMulticlassOptions { NumberOfEpochs = 10 }));
        var model = pipeline.Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Console.WriteLine($"spinal accuracy {metrics.MicroAccuracy} in {watch.Elapsed.TotalSeconds:0.0} s");
        foreach (var c in scored.Schema) Console.WriteLine($"{c.Name}: {c.Type}");

        var path = Path.Combine(Path.GetTempPath(), $"spinal-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, train.Schema, path);
        var loaded = new MLContext(seed: 2).Model.Load(path, out _);
        var before = scored.GetColumn<float[]>("Score").ToArray();
        var after = loaded.Transform(test).GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < before.Length; i++)
            for (int c = 0; c < before[i].Length; c++)
                Assert.Equal(before[i][c], after[i][c], 1e-5);
        File.Delete(path);
    }
}
