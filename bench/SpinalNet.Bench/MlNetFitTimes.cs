// Fit times and metrics of the Spinal trainers against ML.NET's own in the same pipeline (docs/mlnet.md §15.7): the
// embedded digits (784 pixels / 255, multiclass: Spinal, SdcaMaximumEntropy, LightGbm) at growing training sizes,
// scored on the 2,000 test digits, and the synthetic sin-sum regression (docs/regression.md §4.1: Spinal, Sdca,
// LightGbm) up to a few hundred thousand rows, scored on 10,000 fresh rows. Every trainer at its defaults, MLContext
// seed 1, one after the other in this process; seconds are Fit's wall clock (data cached in memory first).
//   dotnet run -c Release --project bench/SpinalNet.Bench -- mlnet [digit rows...] [-- regression rows...]
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using SpinalNet.Data;
using SpinalNet.ML;
using SpinalNet.Regression;
using static TorchSharp.torch;

namespace SpinalNet.Bench;

public static class MlNetFitTimes
{
    sealed class Row
    {
        public float Label;
        public float[] Features = [];
    }

    public static void Run(IReadOnlyList<int> digitRows, IReadOnlyList<int> regressionRows)
    {
        var ml = new MLContext(seed: 1);
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, libtorch threads {get_num_threads()}");
        Console.WriteLine("| data | train rows | trainer | fit s | metric |");
        Console.WriteLine("|---|---|---|---|---|");
        var digitsTest = Digits(ml, Split.Test, int.MaxValue);
        foreach (int rows in digitRows)
        {
            var train = Digits(ml, Split.Train, rows);
            foreach (var (name, trainer) in new (string, IEstimator<ITransformer>)[]
                     {
                         ("Spinal", ml.MulticlassClassification.Trainers.Spinal()),
                         ("SdcaMaximumEntropy", ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()),
                         ("LightGbm", ml.MulticlassClassification.Trainers.LightGbm()),
                     })
            {
                var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer);
                var watch = Stopwatch.StartNew();
                var model = pipeline.Fit(train);
                double seconds = watch.Elapsed.TotalSeconds;
                var metrics = ml.MulticlassClassification.Evaluate(model.Transform(digitsTest));
                Console.WriteLine($"| digits (784) | {rows:N0} | {name} | {seconds:0.0} | accuracy {metrics.MicroAccuracy:0.0000} |");
            }
        }
        var regressionTest = Synthetic(ml, 10_000, seed: 1);
        foreach (int rows in regressionRows)
        {
            var train = Synthetic(ml, rows, seed: 0);
            foreach (var (name, trainer) in new (string, IEstimator<ITransformer>)[]
                     {
                         ("Spinal", ml.Regression.Trainers.Spinal()),
                         ("Sdca", ml.Regression.Trainers.Sdca()),
                         ("LightGbm", ml.Regression.Trainers.LightGbm()),
                     })
            {
                var watch = Stopwatch.StartNew();
                var model = trainer.Fit(train);
                double seconds = watch.Elapsed.TotalSeconds;
                var metrics = ml.Regression.Evaluate(model.Transform(regressionTest));
                Console.WriteLine($"| sin-sum (8) | {rows:N0} | {name} | {seconds:0.0} | R² {metrics.RSquared:0.0000} |");
            }
        }
    }

    static IDataView Digits(MLContext ml, Split split, int rows)
    {
        var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, split);
        int n = Math.Min(rows, digits.Count);
        var list = Enumerable.Range(0, n).Select(i => new Row
        {
            Label = digits.Labels[i],
            Features = Enumerable.Range(0, digits.ImageSize).Select(p => digits.Pixels[i * digits.ImageSize + p] / 255f).ToArray(),
        }).ToList();
        return ml.Data.Cache(ml.Data.LoadFromEnumerable(list, Schema(digits.ImageSize)));
    }

    static IDataView Synthetic(MLContext ml, int rows, long seed)
    {
        var (x, y) = SyntheticRegression.Generate(Target.SinSum, rows, seed, broadcastNoise: false);
        using (x)
        using (y)
        {
            var xs = x.data<float>().ToArray();
            var ys = y.data<float>().ToArray();
            int w = SyntheticRegression.Inputs;
            var list = Enumerable.Range(0, rows).Select(i => new Row { Label = ys[i], Features = xs[(i * w)..((i + 1) * w)] }).ToList();
            return ml.Data.Cache(ml.Data.LoadFromEnumerable(list, Schema(w)));
        }
    }

    static SchemaDefinition Schema(int width)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }
}
