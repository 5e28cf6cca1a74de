// Evaluation as the scripts report it (docs/experiments.md §3): mean loss over all samples and top-1 accuracy, plus
// top-5 accuracy and the confusion matrix from which per-class accuracy follows.
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>A model's results on one split.</summary>
/// <param name="Accuracy">Top-1 accuracy as a fraction in [0, 1].</param>
/// <param name="Top5Accuracy">Share of samples whose class is among the five highest scores (all, with ≤ 5 classes).</param>
/// <param name="Confusion">Row = true class, column = predicted class, counts.</param>
/// <param name="Scores">Each sample's true class and class probabilities, where asked for (the metrics of
/// <see cref="ClassificationMetrics.FromProbabilities"/> need them).</param>
public sealed record Evaluation(double Loss, double Accuracy, double Top5Accuracy, long Samples, long[][] Confusion,
    SampleScores? Scores = null)
{
    /// <summary>Accuracy of each true class (NaN for a class with no sample).</summary>
    public double[] PerClassAccuracy =>
        Confusion.Select((row, c) => row.Sum() == 0 ? double.NaN : (double)row[c] / row.Sum()).ToArray();
}

/// <summary>Each sample's true class and its probabilities over the classes (softmax of the outputs), in data
/// order.</summary>
public sealed record SampleScores(int[] Labels, float[][] Probabilities);

/// <summary>Evaluation of a classifier on a data set.</summary>
public static class Evaluator
{
    /// <summary>Loss, top-1 and top-5 accuracy and confusion matrix of the model on every sample, in evaluation mode,
    /// without gradients; with <paramref name="replicas"/>, each rank evaluates its share and the counts are summed.</summary>
    public static Evaluation Evaluate(ClassifierNetwork model, IBatchSource data, int batchSize,
        IReplicaGroup? replicas = null, bool keepScores = false)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            return Evaluate(model.call, model.Loss, data, batchSize, model.parameters().First().device, replicas,
                keepScores);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>The same evaluation of any classifier given as a forward function (an ONNX Runtime session, say) and
    /// its loss on the outputs; with <paramref name="keepScores"/> (one process only), each sample's probabilities
    /// too.</summary>
    public static Evaluation Evaluate(Func<Tensor, Tensor> forward, Func<Tensor, Tensor, nn.Reduction, Tensor> loss,
        IBatchSource data, int batchSize, Device device, IReplicaGroup? replicas = null, bool keepScores = false)
    {
        var group = replicas ?? SingleProcess.Instance;
        if (keepScores && group.Size > 1)
            throw new ArgumentException("per-sample scores are kept by a single process only", nameof(keepScores));
        var labels = new List<int>();
        var probabilities = new List<float[]>();
        using var noGrad = torch.no_grad();
        int classes = data.Classes;
        double lossSum = 0;
        long correct = 0, top5 = 0;
        var confusion = new long[classes * classes];
        var (first, count) = ReplicaGroup.Shard(data.Count, group.Size, group.Rank);
        var order = Enumerable.Range((int)first, (int)count).Select(i => (long)i).ToArray();
        using (var batches = data.Batches(order, epoch: 0, firstBatch: 0, batchSize).GetEnumerator())
        {
            while (true)
            {
                using var scope = torch.NewDisposeScope();
                if (!batches.MoveNext()) break;
                var x = batches.Current.Images.to(device);
                var y = batches.Current.Labels.to(device);
                var output = forward(x).to(device);
                lossSum += loss(output, y, nn.Reduction.Sum).item<float>();
                var predicted = output.argmax(1);
                correct += predicted.eq(y).sum().item<long>();
                var best = output.topk((int)Math.Min(5, output.shape[1])).indexes;
                top5 += best.eq(y.unsqueeze(1)).any(1).sum().item<long>();
                var counts = (y * classes + predicted).bincount(null, classes * classes).cpu().data<long>().ToArray();
                for (int i = 0; i < confusion.Length; i++) confusion[i] += counts[i];
                if (keepScores)
                {
                    // softmax of log-probabilities is the probabilities again, so either kind of output serves.
                    var flat = output.softmax(1).cpu().data<float>().ToArray();
                    probabilities.AddRange(flat.Chunk(classes));
                    labels.AddRange(y.cpu().data<long>().ToArray().Select(l => (int)l));
                }
            }
        }
        if (group.Size > 1)
        {
            using var sums = torch.tensor(new[] { lossSum, correct, top5 }.Concat(confusion.Select(c => (double)c)).ToArray());
            group.AllReduceSum(sums);
            var total = sums.data<double>().ToArray();
            (lossSum, correct, top5) = (total[0], (long)total[1], (long)total[2]);
            for (int i = 0; i < confusion.Length; i++) confusion[i] = (long)total[3 + i];
        }
        var rows = Enumerable.Range(0, classes).Select(c => confusion[(c * classes)..((c + 1) * classes)]).ToArray();
        return new Evaluation(lossSum / data.Count, (double)correct / data.Count, (double)top5 / data.Count, data.Count, rows,
            keepScores ? new SampleScores(labels.ToArray(), probabilities.ToArray()) : null);
    }
}
