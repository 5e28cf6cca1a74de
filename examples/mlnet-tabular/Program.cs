// A CSV in an ordinary ML.NET pipeline with the Spinal trainer (docs/mlnet.md §15.1): LoadFromTextFile -> MapValueToKey ->
// NormalizeMinMax -> Spinal -> Evaluate (beside SdcaMaximumEntropy in the same pipeline) -> model.zip -> Load ->
// PredictionEngine. The CSV has a header, the label first and numeric features after it:
//   dotnet run --project examples/mlnet-tabular [-- data.csv]
// Without a file it writes digits.csv from the embedded sample of 3,000 MNIST digits (784 pixel columns).
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SpinalNet.Data;
using SpinalNet.ML;

string csv = args.Length > 0 ? args[0] : WriteDigits("digits.csv", 3000);
int width = File.ReadLines(csv).First().Split(',').Length - 1;

var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromTextFile(csv, [new("Label", DataKind.String, 0), new("Features", DataKind.Single, 1, width)],
    separatorChar: ',', hasHeader: true);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);

IEstimator<ITransformer> Pipeline(IEstimator<ITransformer> trainer) =>
    ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.Transforms.NormalizeMinMax("Features"))
        .Append(trainer)
        .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

var watch = System.Diagnostics.Stopwatch.StartNew();
var model = Pipeline(ml.MulticlassClassification.Trainers.Spinal()).Fit(split.TrainSet);
double spinalSeconds = watch.Elapsed.TotalSeconds;
var spinal = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
watch.Restart();
var sdcaModel = Pipeline(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(split.TrainSet);
double sdcaSeconds = watch.Elapsed.TotalSeconds;
var sdca = ml.MulticlassClassification.Evaluate(sdcaModel.Transform(split.TestSet));
Console.WriteLine($"{csv}: {width} features");
Console.WriteLine($"Spinal             accuracy {spinal.MicroAccuracy:0.0000}  log-loss {spinal.LogLoss:0.0000}  fit {spinalSeconds:0.0} s");
Console.WriteLine($"SdcaMaximumEntropy accuracy {sdca.MicroAccuracy:0.0000}  log-loss {sdca.LogLoss:0.0000}  fit {sdcaSeconds:0.0} s");

// model.zip holds the whole pipeline, the Spinal network included; loading it needs no SpinalNet code.
ml.Model.Save(model, data.Schema, "model.zip");
var loaded = new MLContext().Model.Load("model.zip", out var inputSchema);
var before = model.Transform(split.TestSet).GetColumn<float[]>("Score").ToArray();
var after = loaded.Transform(split.TestSet).GetColumn<float[]>("Score").ToArray();
float difference = before.Zip(after).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));
Console.WriteLine($"model.zip: {new FileInfo("model.zip").Length / 1024} KiB, largest score difference after loading {difference:g3}");

// One row through a PredictionEngine; the feature vector's size is the CSV's, so the schema gives it.
var rowSchema = SchemaDefinition.Create(typeof(Row));
rowSchema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(loaded, inputSchemaDefinition: rowSchema);
var first = ml.Data.CreateEnumerable<Row>(split.TestSet, reuseRowObject: false, schemaDefinition: rowSchema).First();
var prediction = engine.Predict(first);
Console.WriteLine($"first test row: label {first.Label}, predicted {prediction.PredictedLabel} " +
                  $"(probability {prediction.Score.Max():0.000})");
return 0;

static string WriteDigits(string path, int count)
{
    var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, Split.Train);
    using var file = new StreamWriter(path);
    file.WriteLine("label," + string.Join(',', Enumerable.Range(0, digits.ImageSize).Select(i => $"p{i}")));
    for (int i = 0; i < Math.Min(count, digits.Count); i++)
        file.WriteLine(digits.Labels[i] + "," + string.Join(',', Enumerable.Range(0, digits.ImageSize)
            .Select(p => digits.Pixels[i * digits.ImageSize + p].ToString(CultureInfo.InvariantCulture))));
    return path;
}

class Row
{
    public string Label = "";
    public float[] Features = [];
}

class Prediction
{
    public string PredictedLabel = "";
    public float[] Score = [];
}
