// Evaluation as the scripts report it (docs/experiments.md §3): mean loss over all samples and top-1 accuracy, plus
// top-5 accuracy and the confusion matrix from which per-class accuracy follows.
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>A model's results on one split.</summary>
/// <param name="Accuracy">Top-1 accuracy as a fraction in [0, 1]; NaN for an objective without one (regression,
/// Training/Objective.cs), which has no top-5 accuracy or confusion matrix either.</param>
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
        IReplicaGroup? replicas = null, bool keepScores = false) =>
        InEvaluationMode(model, () => Evaluate(model.call, model.Loss, data, batchSize,
            model.parameters().First().device, replicas, keepScores));

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
        int classes = data.Classes;
        double lossSum = 0;
        long correct = 0, top5 = 0;
        var confusion = new long[classes * classes];
        EachBatch(data, batchSize, group, (images, targets) =>
        {
            var x = images.to(device);
            var y = targets.to(device);
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
        });
        if (group.Size > 1)
        {
            var total = SumOver(group, [lossSum, correct, top5, .. confusion.Select(c => (double)c)]);
            (lossSum, correct, top5) = (total[0], (long)total[1], (long)total[2]);
            for (int i = 0; i < confusion.Length; i++) confusion[i] = (long)total[3 + i];
        }
        var rows = Enumerable.Range(0, classes).Select(c => confusion[(c * classes)..((c + 1) * classes)]).ToArray();
        return new Evaluation(lossSum / data.Count, (double)correct / data.Count, (double)top5 / data.Count, data.Count, rows,
            keepScores ? new SampleScores(labels.ToArray(), probabilities.ToArray()) : null);
    }

    /// <summary>The mean loss and, where <paramref name="sums"/> counts correct samples, the accuracy of a model whose
    /// outputs are not class scores (Training/Objective.cs): <paramref name="sums"/> gives a batch's summed loss and
    /// its correct samples (null: no accuracy, NaN). No top-5 accuracy or confusion matrix.</summary>
    public static Evaluation Sums(ClassifierNetwork model, IBatchSource data, int batchSize, IReplicaGroup? replicas,
        Func<Tensor, Tensor, (Tensor Loss, Tensor? Correct)> sums)
    {
        var group = replicas ?? SingleProcess.Instance;
        var device = model.parameters().First().device;
        double lossSum = 0, correct = 0;
        bool counts = true;
        InEvaluationMode(model, () =>
        {
            EachBatch(data, batchSize, group, (x, y) =>
            {
                var (loss, right) = sums(model.call(x.to(device)), y.to(device));
                lossSum += loss.item<float>();
                if (right is null) counts = false;
                else correct += right.item<long>();
            });
            return 0;
        });
        if (group.Size > 1)
        {
            var total = SumOver(group, [lossSum, correct]);
            (lossSum, correct) = (total[0], total[1]);
        }
        return new Evaluation(lossSum / data.Count, counts ? correct / data.Count : double.NaN, double.NaN, data.Count, []);
    }

    /// <summary>What <paramref name="evaluate"/> returns with <paramref name="model"/> in evaluation mode; the mode is
    /// restored after.</summary>
    static T InEvaluationMode<T>(nn.Module model, Func<T> evaluate)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            return evaluate();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Runs <paramref name="body"/> on each batch of this replica's shard of <paramref name="data"/>, in
    /// order, without gradients, one dispose scope per batch.</summary>
    static void EachBatch(IBatchSource data, int batchSize, IReplicaGroup group, Action<Tensor, Tensor> body)
    {
        using var noGrad = torch.no_grad();
        var (first, count) = ReplicaGroup.Shard(data.Count, group.Size, group.Rank);
        var order = Enumerable.Range((int)first, (int)count).Select(i => (long)i).ToArray();
        using var batches = data.Batches(order, epoch: 0, firstBatch: 0, batchSize).GetEnumerator();
        while (true)
        {
            using var scope = torch.NewDisposeScope();
            if (!batches.MoveNext()) break;
            body(batches.Current.Images, batches.Current.Labels);
        }
    }

    /// <summary>The element-wise sums of <paramref name="values"/> over the replicas.</summary>
    static double[] SumOver(IReplicaGroup group, double[] values)
    {
        using var sums = torch.tensor(values);
        group.AllReduceSum(sums);
        return sums.data<double>().ToArray();
    }
}
