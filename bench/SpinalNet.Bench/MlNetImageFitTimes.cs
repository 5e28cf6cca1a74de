// Fit times and accuracy of the Spinal image trainer for ML.NET (docs/mlnet.md §15.8) against ML.NET's nearest
// alternative that runs here: its ResNet-18 featurizer (DnnFeaturizeImage, the same CNTK ResNet-18 ImageNet weights as
// resnet18-cntk, at its 224 px) followed by SdcaMaximumEntropy. (ML.NET's ImageClassificationTrainer needs a TensorFlow
// redistributable that is not served to this machine.) The first ROWS embedded training digits as PNG files behind a
// path column, scored on the first 500 test digits; Spinal frozen (cached features) at 64 and 128 px and a full
// fine-tune at 64 px; MLContext seed 1, one after the other in this process; seconds are Fit's wall clock.
//   dotnet run -c Release --project bench/SpinalNet.Bench -- mlnet-images [ROWS [NAME PREFIX]]
using System.Diagnostics;
using Microsoft.ML;
using SpinalNet.Data;
using SpinalNet.ML;
using static TorchSharp.torch;

namespace SpinalNet.Bench;

public static class MlNetImageFitTimes
{
    sealed class Row
    {
        public string Label = "";
        public string ImagePath = "";
    }

    /// <param name="only">Runs only the trainers whose name starts with this (null: all).</param>
    public static void Run(int rows, string? only = null, int testRows = 500)
    {
        var folder = Directory.CreateTempSubdirectory("spinalnet-mlnet-images-").FullName;
        try
        {
            var ml = new MLContext(seed: 1);
            ml.Log += (_, e) =>
            {
                if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info && e.RawMessage.StartsWith("Spinal image"))
                    Console.WriteLine("    " + e.RawMessage);
            };
            var train = ml.Data.LoadFromEnumerable(Write(folder, Split.Train, "train", rows));
            var test = ml.Data.LoadFromEnumerable(Write(folder, Split.Test, "test", testRows));
            Console.WriteLine($"{Environment.ProcessorCount} logical cores, libtorch threads {get_num_threads()}; " +
                              $"{rows} training digits, {testRows} test digits");
            Console.WriteLine("| trainer | image px | fit s | accuracy |");
            Console.WriteLine("|---|---|---|---|");
            SpinalImageTrainer Spinal(ImageFineTuning mode, int size) =>
                ml.MulticlassClassification.Trainers.SpinalImageClassification(new SpinalImageClassificationOptions
                {
                    ImageColumnName = nameof(Row.ImagePath), FineTuning = mode, ImageSize = size,
                });
            foreach (var (name, size, trainer) in new (string, int, IEstimator<ITransformer>)[]
                     {
                         ("Spinal, frozen backbone (defaults)", 128, Spinal(ImageFineTuning.FrozenBackbone, 128)),
                         ("Spinal, frozen backbone", 64, Spinal(ImageFineTuning.FrozenBackbone, 64)),
                         ("Spinal, full fine-tune", 64, Spinal(ImageFineTuning.Full, 64)),
                         ("ML.NET DnnFeaturizeImage ResNet18 + SdcaMaximumEntropy", 224,
                             ml.Transforms.LoadImages("Image", null, nameof(Row.ImagePath))
                                 .Append(ml.Transforms.ResizeImages("Image", 224, 224))
                                 .Append(ml.Transforms.ExtractPixels("Pixels", "Image"))
                                 .Append(ml.Transforms.DnnFeaturizeImage("Features",
                                     m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), "Pixels"))
                                 // SDCA passes over the data many times: without the cache every pass would run
                                 // the featurizer again (ML.NET's own advice for this pipeline).
                                 .AppendCacheCheckpoint(ml)
                                 .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())),
                     }.Where(t => only is null || t.Item1.StartsWith(only, StringComparison.Ordinal)))
            {
                var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer);
                var watch = Stopwatch.StartNew();
                var model = pipeline.Fit(train);
                double seconds = watch.Elapsed.TotalSeconds;
                var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
                Console.WriteLine($"| {name} | {size} | {seconds:0.0} | {metrics.MicroAccuracy:0.0000} |");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The first <paramref name="count"/> digits of a split as PNG class folders (the library's
    /// ImageFolder.Write), one row per file.</summary>
    static Row[] Write(string folder, Split split, string name, int count)
    {
        var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, split);
        ImageFolder.Write(digits, folder, name, Enumerable.Range(0, count));
        return Directory.GetDirectories(Path.Combine(folder, name)).Order()
            .SelectMany(d => Directory.GetFiles(d).Order()
                .Select(f => new Row { Label = Path.GetFileName(d), ImagePath = f }))
            .ToArray();
    }
}
