// An image folder in an ordinary ML.NET pipeline with the Spinal image trainer (docs/mlnet.md §15.8): a folder per class
// → (path, label) rows → MapValueToKey → SpinalImageClassification (resnet18-cntk pretrained offline, its backbone
// frozen, a Spinal head trained on its cached features) → Evaluate → model.zip → Load → PredictionEngine:
//   dotnet run --project examples/mlnet-images [-- FOLDER] [-- FOLDER full]
// FOLDER holds one subfolder per class, its images inside (PNG, JPEG, BMP, GIF, WebP). Without one it writes digits/,
// 1,000 of the embedded MNIST digits as PNGs in digits/train/. "full" fine-tunes the whole network instead (slower).
using Microsoft.ML;
using Microsoft.ML.Data;
using SpinalNet.Data;
using SpinalNet.ML;

string folder = args.Length > 0 ? args[0] : WriteDigits("digits", 1000);
var mode = args.Length > 1 && args[1] == "full" ? ImageFineTuning.Full : ImageFineTuning.FrozenBackbone;
string[] extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];
var rows = Directory.GetDirectories(folder).Order()
    .SelectMany(classFolder => Directory.GetFiles(classFolder).Order()
        .Where(file => extensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
        .Select(file => new ImageRow { Label = Path.GetFileName(classFolder), ImagePath = Path.GetFullPath(file) }))
    .ToArray();
Console.WriteLine($"{folder}: {rows.Length} images in {rows.Select(r => r.Label).Distinct().Count()} classes");

var ml = new MLContext(seed: 1);
// The trainer's progress (the caching step, each epoch) comes through ML.NET's log.
ml.Log += (_, e) =>
{
    if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info && e.Message.Contains("Spinal image"))
        Console.WriteLine("  " + e.RawMessage);
};
var data = ml.Data.LoadFromEnumerable(rows);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);

var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.SpinalImageClassification(new SpinalImageClassificationOptions
    {
        ImageColumnName = nameof(ImageRow.ImagePath),
        ImageSize = 64,          // digits are 28 px; photos want the default 128
        FineTuning = mode,
    }))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

var watch = System.Diagnostics.Stopwatch.StartNew();
var model = pipeline.Fit(split.TrainSet);
double fitSeconds = watch.Elapsed.TotalSeconds;
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Spinal image ({mode}) accuracy {metrics.MicroAccuracy:0.0000}  log-loss {metrics.LogLoss:0.0000}  " +
                  $"fit {fitSeconds:0.0} s");

// model.zip holds the whole pipeline: ML.NET's image transforms, the network as an ONNX graph, the scorer. Loading it
// needs no SpinalNet code (a path column; a bytes column's decoding step needs SpinalNet.ML registered).
ml.Model.Save(model, data.Schema, "model.zip");
var loaded = new MLContext().Model.Load("model.zip", out _);
var before = model.Transform(split.TestSet).GetColumn<float[]>("Score").ToArray();
var after = loaded.Transform(split.TestSet).GetColumn<float[]>("Score").ToArray();
float difference = before.Zip(after).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));
Console.WriteLine($"model.zip: {new FileInfo("model.zip").Length / 1024} KiB, largest score difference after loading {difference:g3}");

var engine = ml.Model.CreatePredictionEngine<ImageRow, Prediction>(loaded);
var first = ml.Data.CreateEnumerable<ImageRow>(split.TestSet, reuseRowObject: false).First();
var prediction = engine.Predict(first);
Console.WriteLine($"{Path.GetFileName(first.ImagePath)}: label {first.Label}, predicted {prediction.PredictedLabel} " +
                  $"(probability {prediction.Score.Max():0.000})");
return 0;

// The first COUNT training digits of the embedded MNIST sample as FOLDER/train/DIGIT/NNNNN.png (the library's
// ImageFolder.Write).
static string WriteDigits(string folder, int count)
{
    var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, Split.Train);
    ImageFolder.Write(digits, folder, "train", Enumerable.Range(0, Math.Min(count, digits.Count)));
    return Path.Combine(folder, "train");
}

class ImageRow
{
    public string Label = "";
    public string ImagePath = "";
}

class Prediction
{
    public string PredictedLabel = "";
    public float[] Score = [];
}
