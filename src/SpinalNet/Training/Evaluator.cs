// Evaluation as the scripts report it (docs/experiments.md §3): mean loss over all samples and top-1 accuracy, plus
// top-5 accuracy and the confusion matrix from which per-class accuracy follows. Data-parallel, each replica evaluates
// its part of the split and the sums are added up over the replicas (docs/distributed.md §10.1).
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <param name="Accuracy">Top-1 accuracy as a fraction in [0, 1].</param>
/// <param name="Top5Accuracy">Share of samples whose class is among the five highest scores (all, with ≤ 5 classes).</param>
/// <param name="Confusion">Row = true class, column = predicted class, counts.</param>
public sealed record Evaluation(double Loss, double Accuracy, double Top5Accuracy, long Samples, long[][] Confusion)
{
    /// <summary>Accuracy of each true class (NaN for a class with no sample).</summary>
    public double[] PerClassAccuracy =>
        Confusion.Select((row, c) => row.Sum() == 0 ? double.NaN : (double)row[c] / row.Sum()).ToArray();
}

public static class Evaluator
{
    public static Evaluation Evaluate(ClassifierNetwork model, IBatchSource data, int batchSize,
        IReplicaGroup? replicas = null)
    {
        var group = replicas ?? SingleProcess.Instance;
        bool wasTraining = model.training;
        model.eval();
        using var noGrad = torch.no_grad();
        var device = model.parameters().First().device;
        int classes = data.Classes;
        double lossSum = 0;
        long correct = 0, top5 = 0;
        var confusion = new long[classes * classes];
        try
        {
            var (first, count) = ReplicaGroup.Shard(data.Count, group.Size, group.Rank);
            var order = Enumerable.Range((int)first, (int)count).Select(i => (long)i).ToArray();
            using var batches = data.Batches(order, epoch: 0, firstBatch: 0, batchSize).GetEnumerator();
            while (true)
            {
                using var scope = torch.NewDisposeScope();
                if (!batches.MoveNext()) break;
                var x = batches.Current.Images.to(device);
                var y = batches.Current.Labels.to(device);
                var output = model.call(x);
                lossSum += model.Loss(output, y, nn.Reduction.Sum).item<float>();
                var predicted = output.argmax(1);
                correct += predicted.eq(y).sum().item<long>();
                var best = output.topk((int)Math.Min(5, output.shape[1])).indexes;
                top5 += best.eq(y.unsqueeze(1)).any(1).sum().item<long>();
                var counts = (y * classes + predicted).bincount(null, classes * classes).cpu().data<long>().ToArray();
                for (int i = 0; i < confusion.Length; i++) confusion[i] += counts[i];
            }
        }
        finally
        {
            model.train(wasTraining);
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
        return new Evaluation(lossSum / data.Count, (double)correct / data.Count, (double)top5 / data.Count, data.Count, rows);
    }
}
