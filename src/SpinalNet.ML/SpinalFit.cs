// Training of the Spinal MLP behind the ML.NET trainers (docs/mlnet.md §15.3): a Spinal layer (docs/spinal-layer.md §1)
// over the standardised features, trained by the library's one training loop (Training/Trainer.cs) with the task's
// objective (Training/Objective.cs: cross-entropy for multiclass, the logistic loss for binary, MSE for regression,
// each selecting its best epoch by the validation loss). Features are standardised with the training part's mean and
// standard deviation (constant features keep a deviation of 1), and a regression target with its own, so the default
// learning rate suits any units; both are written into the exported graph (OnnxScoring), so ML.NET scores raw
// features. The validation part is held out as every split of the library is (Training/HoldOut.cs, seeded); the loop keeps
// the best epoch's weights and stops after Patience epochs without improvement.
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.ML;

/// <summary>One epoch of a Spinal fit: its mean training loss and its validation loss (null without a validation
/// part).</summary>
public sealed record SpinalEpoch(int Epoch, double TrainLoss, double? ValidationLoss);

/// <summary>A trained Spinal MLP and the statistics its inputs and outputs are scaled with.</summary>
internal sealed record SpinalFitResult(SpinalLayer Network, float[] FeatureMean, float[] FeatureStd, float TargetMean,
    float TargetStd, IReadOnlyList<SpinalEpoch> History, int BestEpoch);

internal static class SpinalFit
{
    public static SpinalFitResult Train(TabularData data, SpinalTask task, ResolvedOptions options,
        Action<SpinalEpoch>? onEpoch)
    {
        var s = options.Training;
        int outputs = task == SpinalTask.Multiclass ? data.Classes : 1;
        var config = options.Spinal with { Outputs = outputs };
        var (trainIndex, validationIndex) = s.ValidationFraction > 0
            ? HoldOut.Indices(data.Rows, s.ValidationFraction, s.Seed)
            : (Enumerable.Range(0, data.Rows).Select(i => (long)i).ToArray(), []);

        var (mean, std) = FeatureStatistics(data, trainIndex);
        float targetMean = 0, targetStd = 1;
        if (task == SpinalTask.Regression) (targetMean, targetStd) = TargetStatistics(data, trainIndex);

        using var all = torch.tensor(data.Features, [data.Rows, data.Width]);
        using var meanT = torch.tensor(mean);
        using var stdT = torch.tensor(std);
        using var labelsT = torch.tensor(data.Labels);
        using var rows = new InMemoryDataset((all - meanT) / stdT, task switch
        {
            SpinalTask.Multiclass => labelsT.to_type(ScalarType.Int64),
            SpinalTask.Binary => labelsT.unsqueeze(1),
            _ => ((labelsT - targetMean) / targetStd).unsqueeze(1),
        }, data.Classes, "rows");
        using var train = rows.Subset(trainIndex, "training part");
        using var validation = validationIndex.Length > 0 ? rows.Subset(validationIndex, "held out") : null;

        // The weights from torch's global generator, seeded here (the layer's initialisation draws from it); the batch
        // order from the loop's own generator of the same seed.
        torch.random.manual_seed(s.Seed);
        var network = new SpinalLayer(config);
        var history = new List<SpinalEpoch>();
        var observer = new EpochObserver(metrics =>
        {
            var epoch = new SpinalEpoch(metrics.Epoch, metrics.TrainLoss, metrics.ValidationLoss);
            history.Add(epoch);
            onEpoch?.Invoke(epoch);
        });
        var objective = task switch
        {
            SpinalTask.Multiclass => Objective.ClassificationByLoss,
            SpinalTask.Binary => Objective.Binary,
            _ => Objective.Regression,
        };
        var outcome = Trainer.Run(new ClassifierNetwork(nn.Identity(), network, logSoftmax: false),
            new TrainingData(train, null, validation), s with { KeepBest = true }, observer: observer,
            objective: objective);
        network.eval();
        return new SpinalFitResult(network, mean, std, targetMean, targetStd, history, outcome.BestEpoch);
    }

    /// <summary>Each feature's mean and standard deviation over the training rows; 1 where a feature is
    /// constant.</summary>
    static (float[] Mean, float[] Std) FeatureStatistics(TabularData data, long[] rows)
    {
        var mean = new double[data.Width];
        var square = new double[data.Width];
        foreach (long r in rows)
            for (long j = 0, at = r * data.Width; j < data.Width; j++, at++)
            {
                double v = data.Features[at];
                mean[j] += v;
                square[j] += v * v;
            }
        var m = new float[data.Width];
        var sd = new float[data.Width];
        for (int j = 0; j < data.Width; j++)
        {
            m[j] = (float)(mean[j] / rows.Length);
            double variance = square[j] / rows.Length - (double)m[j] * m[j];
            sd[j] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }
        return (m, sd);
    }

    static (float Mean, float Std) TargetStatistics(TabularData data, long[] rows)
    {
        double mean = rows.Average(r => (double)data.Labels[r]);
        double variance = rows.Average(r => Math.Pow(data.Labels[r] - mean, 2));
        return ((float)mean, variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f);
    }
}
