// Training of the Spinal MLP behind the ML.NET trainers (docs/mlnet.md §15.3): a Spinal layer (docs/spinal-layer.md §1)
// over the standardised features, trained with the library's fused optimisers on mini-batches in a seeded order, one
// torch.NewDisposeScope per step. Features are standardised with the training part's mean and standard deviation
// (constant features keep a deviation of 1), and a regression target with its own, so the default learning rate suits
// any units; both are written into the exported graph (OnnxScoring), so ML.NET scores raw features. A validation part
// held out with the same seed picks the best epoch, whose weights are kept, and ends training after
// Patience epochs without improvement. Losses: cross-entropy (multiclass), logistic (binary), MSE
// (regression).
using SpinalNet.Layers;
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
        int previousThreads = torch.get_num_threads();
        if (s.Threads > 0) torch.set_num_threads(s.Threads);
        try
        {
            // The split and the batch order come from generators of their own; the weights from torch's global one,
            // seeded here (the layer's initialisation draws from it).
            var order = new Random((int)s.Seed).Permutation(data.Rows);
            int validationRows = (int)Math.Floor(data.Rows * s.ValidationFraction);
            if (data.Rows - validationRows < 1) validationRows = 0;
            var trainIndex = order[validationRows..];
            var validationIndex = order[..validationRows];

            var (mean, std) = FeatureStatistics(data, trainIndex);
            float targetMean = 0, targetStd = 1;
            if (task == SpinalTask.Regression) (targetMean, targetStd) = TargetStatistics(data, trainIndex);

            using var all = torch.tensor(data.Features, [data.Rows, data.Width]);
            using var meanT = torch.tensor(mean);
            using var stdT = torch.tensor(std);
            using var x = (all - meanT) / stdT;
            using var labelsT = torch.tensor(data.Labels);
            using var y = task switch
            {
                SpinalTask.Multiclass => labelsT.to_type(ScalarType.Int64),
                SpinalTask.Binary => labelsT.unsqueeze(1),
                _ => ((labelsT - targetMean) / targetStd).unsqueeze(1),
            };
            using var trainT = torch.tensor(trainIndex.Select(i => (long)i).ToArray());
            using var validationT = torch.tensor(validationIndex.Select(i => (long)i).ToArray());

            torch.random.manual_seed(s.Seed);
            var network = new SpinalLayer(config);
            using var optimizer = Optimizers.Create(s, network.parameters());
            using var shuffle = new torch.Generator((ulong)s.Seed, torch.CPU);
            Func<Tensor, Tensor, Tensor> loss = task switch
            {
                SpinalTask.Multiclass => (output, target) => nn.functional.cross_entropy(output, target),
                SpinalTask.Binary => (output, target) => nn.functional.binary_cross_entropy_with_logits(output, target),
                _ => (output, target) => nn.functional.mse_loss(output, target),
            };

            var history = new List<SpinalEpoch>();
            double best = double.PositiveInfinity;
            int bestEpoch = 0;
            Dictionary<string, Tensor>? bestWeights = null;
            long n = trainIndex.Length;
            for (int epoch = 1; epoch <= s.Epochs; epoch++)
            {
                network.train();
                using var permutation = torch.randperm(n, generator: shuffle);
                double sum = 0;
                for (long start = 0; start < n; start += s.BatchSize)
                {
                    using var scope = torch.NewDisposeScope();
                    long size = Math.Min(s.BatchSize, n - start);
                    // A batch of one row cannot train batch norm; it is left out of the epoch.
                    if (size < 2 && config.BatchNorm) continue;
                    var rows = trainT.index_select(0, permutation.narrow(0, start, size));
                    optimizer.zero_grad();
                    var value = loss(network.call(x.index_select(0, rows)), y.index_select(0, rows));
                    value.backward();
                    optimizer.step();
                    sum += value.item<float>() * size;
                }
                double? validation = validationRows > 0 ? Evaluate(network, x, y, validationT, loss) : null;
                var record = new SpinalEpoch(epoch, sum / n, validation);
                history.Add(record);
                onEpoch?.Invoke(record);
                if (validation is not { } v) continue;
                if (v < best)
                {
                    best = v;
                    bestEpoch = epoch;
                    foreach (var t in bestWeights?.Values ?? Enumerable.Empty<Tensor>()) t.Dispose();
                    bestWeights = network.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
                }
                else if (s.Patience > 0 && epoch - bestEpoch >= s.Patience) break;
            }
            if (bestWeights is not null)
            {
                using (torch.no_grad())
                    foreach (var (key, target) in network.state_dict()) target.copy_(bestWeights[key]);
                foreach (var t in bestWeights.Values) t.Dispose();
            }
            else bestEpoch = history.Count;
            network.eval();
            return new SpinalFitResult(network, mean, std, targetMean, targetStd, history, bestEpoch);
        }
        finally
        {
            if (s.Threads > 0) torch.set_num_threads(previousThreads);
        }
    }

    static double Evaluate(SpinalLayer network, Tensor x, Tensor y, Tensor rows, Func<Tensor, Tensor, Tensor> loss)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        network.eval();
        return loss(network.call(x.index_select(0, rows)), y.index_select(0, rows)).item<float>();
    }

    /// <summary>Each feature's mean and standard deviation over the training rows; 1 where a feature is
    /// constant.</summary>
    static (float[] Mean, float[] Std) FeatureStatistics(TabularData data, int[] rows)
    {
        var mean = new double[data.Width];
        var square = new double[data.Width];
        foreach (int r in rows)
            for (int j = 0, at = r * data.Width; j < data.Width; j++, at++)
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

    static (float Mean, float Std) TargetStatistics(TabularData data, int[] rows)
    {
        double mean = rows.Average(r => (double)data.Labels[r]);
        double variance = rows.Average(r => Math.Pow(data.Labels[r] - mean, 2));
        return ((float)mean, variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f);
    }

    /// <summary>0 … n − 1 in the order <paramref name="random"/> shuffles them.</summary>
    internal static int[] Permutation(this Random random, int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        return order;
    }
}
