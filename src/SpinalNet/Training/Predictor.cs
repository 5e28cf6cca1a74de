// Prediction with a trained network (a run's, or any weights): each image file is decoded, brought to the network's input (channels, then size),
// passed through the run's evaluation preprocessing, and the k most probable classes are returned.
using SpinalNet.Augmentation;
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

public sealed record ClassProbability(int Class, string Name, double Probability);

public sealed record Prediction(string File, IReadOnlyList<ClassProbability> Top);

public static class Predictor
{
    /// <summary>The run's trained weights: model.safetensors, else the best checkpoint.</summary>
    public static ClassifierNetwork LoadModel(RunDirectory run, RunConfig config)
    {
        var model = config.CreateModel(0);
        if (System.IO.File.Exists(run.File(RunDirectory.WeightsFile)))
            RunDirectory.LoadWeights(model, run.File(RunDirectory.WeightsFile));
        else
            Checkpoint.Restore(run.File(RunDirectory.BestCheckpoint), model, null);
        model.eval();
        return model;
    }

    /// <summary>Predictions of a run's trained network, with the run's preprocessing and class names.</summary>
    public static IReadOnlyList<Prediction> Predict(string runFolder, IEnumerable<string> images, int top)
    {
        var run = RunDirectory.Open(runFolder);
        var config = run.ReadConfig();
        using var model = LoadModel(run, config);
        return Predict(model, config, run.ReadClassNames(config.Classes ?? ModelCatalog.Get(config.Model).Classes),
            images, top);
    }

    /// <summary>Predictions of <paramref name="model"/>, built and preprocessed as <paramref name="config"/> says.</summary>
    public static IReadOnlyList<Prediction> Predict(ClassifierNetwork model, RunConfig config,
        IReadOnlyList<string> names, IEnumerable<string> images, int top)
    {
        if (top < 1) throw new ArgumentException($"--top {top} must be at least 1", "top");
        var spec = ModelCatalog.Get(config.Model);
        var (channels, height, width) = ((int)spec.InputShape[0], (int)spec.InputShape[1], (int)spec.InputShape[2]);
        var prepare = new Compose(new ToChannels(channels), new Resize(height, width),
            Pipelines.Get(config.Augmentation).Eval);
        model.eval();
        using var noGrad = torch.no_grad();
        var predictions = new List<Prediction>();
        foreach (var file in images)
        {
            using var scope = torch.NewDisposeScope();
            var image = prepare.Apply(ImageCodec.Decode(file, channels), SampleRandom.For(0, 0, 0));
            var output = model.call(torch.tensor(image.Data, [1, image.Channels, image.Height, image.Width]));
            var probabilities = output.softmax(1)[0];
            var (values, indexes) = probabilities.topk(Math.Min(top, (int)probabilities.shape[0]));
            var best = values.data<float>().ToArray().Zip(indexes.data<long>().ToArray())
                .Select(p => new ClassProbability((int)p.Second,
                    (int)p.Second < names.Count ? names[(int)p.Second] : p.Second.ToString(), p.First))
                .ToList();
            predictions.Add(new Prediction(file, best));
        }
        return predictions;
    }
}
