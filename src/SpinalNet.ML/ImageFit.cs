// Training of the image classifier behind the ML.NET image trainer (docs/mlnet.md §15.8), with the library's pieces:
// the backbone of the catalogue with its Spinal head (Models), its ImageNet weights (Interop/PretrainedWeights;
// resnet18-cntk's from SpinalNet.Pretrained, offline), the training loop (Training/Trainer) with its fine-tuning modes
// (Training/FineTuning, docs/fine-tuning.md §13.1) and, with the backbone frozen, the backbone's features computed once
// (Training/BackboneFeatures, §13.6) so only the head's steps repeat each epoch. The pixels (0–255, as ML.NET's
// ExtractPixels gives them) are scaled to [0, 1] and normalised with ImageNet's channel statistics, which the exported
// graph repeats (OnnxScoring). The validation part is held out as every split of the library is (Training/HoldOut.cs,
// seeded) and reported after every epoch; without one, the first 500 training images are reported in its place (as
// the loop's test split: they select nothing). The last epoch's weights are kept.
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Pretrained;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.ML;

/// <summary>One epoch of a Spinal image fit: its mean training loss, and the loss and accuracy of the validation part
/// (of the first 500 training images where none is held out).</summary>
public sealed record SpinalImageEpoch(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy,
    bool HeldOut);

internal static class ImageFit
{
    /// <summary>The normalisation of the ImageNet weights, in training and in the exported graph.</summary>
    public static readonly ChannelNormalization Normalization = ChannelNormalization.ImageNet;

    /// <summary>Images reported after each epoch where no validation part is held out.</summary>
    const int ReportedWithoutValidation = 500;

    /// <summary>The trained network (in evaluation mode) and its epochs.</summary>
    public static (ClassifierNetwork Network, IReadOnlyList<SpinalImageEpoch> History) Train(ImageRows rows,
        ResolvedImageOptions options, Action<string> log)
    {
        var s = options.Training;
        var choice = options.Network;
        // The features are computed, and the network trained, at the fit's thread count; the caller's after.
        using var threads = ThreadPolicy.Use(s.Threads);
        var network = choice.Create(s.Seed);
        if (options.Pretrained)
        {
            if (choice.Model == PretrainedWeights.Offline) CntkResNet18.Register();
            PretrainedWeights.Load(network, choice.Spec);
        }
        int size = (int)choice.InputShape[1];
        using var images = new InMemoryDataset(Normalized(rows, size), torch.tensor(rows.Labels), rows.Classes, "images");
        var (trainRows, validationRows) = options.Validation > 0
            ? HoldOut.Indices(rows.Rows, options.Validation, s.Seed)
            : (Enumerable.Range(0, rows.Rows).Select(i => (long)i).ToArray(), []);
        bool heldOut = validationRows.Length > 0;
        using var train = images.Subset(trainRows, "training part");
        using var report = heldOut
            ? images.Subset(validationRows, "held out")
            : train.Take(ReportedWithoutValidation);

        var history = new List<SpinalImageEpoch>();
        var observer = new EpochObserver(metrics =>
        {
            var epoch = new SpinalImageEpoch(metrics.Epoch, metrics.TrainLoss,
                metrics.ValidationLoss ?? metrics.TestLoss ?? double.NaN,
                metrics.ValidationAccuracy ?? metrics.TestAccuracy ?? double.NaN, heldOut);
            history.Add(epoch);
            log($"Spinal image epoch {epoch.Epoch}: train loss {epoch.TrainLoss:0.#####}, " +
                $"{(epoch.HeldOut ? "validation" : $"first {report.Count} training images'")} loss " +
                $"{epoch.ValidationLoss:0.#####}, accuracy {epoch.ValidationAccuracy:0.####} " +
                $"({metrics.TrainSeconds:0.0} s training, {metrics.EvalSeconds:0.0} s evaluating)");
        });
        TrainingData Split(InMemoryDataset training, InMemoryDataset reported) =>
            heldOut ? new TrainingData(training, null, reported) : new TrainingData(training, reported);
        if (!s.FreezeBackbone)
        {
            Trainer.Run(network, Split(train, report), s, observer: observer);
        }
        else
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var trainFeatures = Features(network, train, s.TestBatchSize);
            using var reportFeatures = heldOut
                ? Features(network, report, s.TestBatchSize)
                : trainFeatures.Take(ReportedWithoutValidation);
            log($"Spinal image: cached the frozen backbone's features of {rows.Rows} images " +
                $"({trainFeatures.SampleShape[0]} each) in {clock.Elapsed.TotalSeconds:0.0} s");
            Trainer.Run(BackboneFeatures.HeadOnly(network), Split(trainFeatures, reportFeatures), s,
                observer: observer);
        }
        network.eval();
        return (network, history);
    }

    /// <summary>The pixels [rows, 3, size, size] scaled to [0, 1] and normalised per channel.</summary>
    static Tensor Normalized(ImageRows rows, int size)
    {
        using var scope = torch.NewDisposeScope();
        var pixels = torch.tensor(rows.Pixels, [rows.Rows, 3, size, size]);
        var mean = torch.tensor(Normalization.Mean.Select(m => (float)m).ToArray()).view(1, 3, 1, 1);
        var std = torch.tensor(Normalization.Std.Select(v => (float)v).ToArray()).view(1, 3, 1, 1);
        return ((pixels / 255f - mean) / std).MoveToOuterDisposeScope();
    }

    static InMemoryDataset Features(ClassifierNetwork network, InMemoryDataset images, int batch)
    {
        var (features, labels) = BackboneFeatures.Compute(network, images, batch);
        return new InMemoryDataset(features, labels, images.Classes, $"{images.Source} (backbone features)");
    }
}
