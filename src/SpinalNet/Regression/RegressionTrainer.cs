// Training for the regression networks (docs/regression.md §4): Adam, lr 0.01, MSE, batch 64, shuffled, 200 epochs. The
// script's metric is the last mini-batch's MSE of each epoch and its running minimum; the mean training loss and, where
// a validation set is given, the validation MSE are kept too (and the weights of the best validation epoch). Batches
// come from a generator of the run's own, so both networks see the same batches.
using TorchSharp;
using static TorchSharp.torch;

using SpinalNet.Layers;

namespace SpinalNet.Regression;

/// <summary>The settings of a regression training run.</summary>
public sealed record RegressionSettings(int Epochs = 200, int BatchSize = 64, double LearningRate = 0.01, long Seed = 0)
{
    public void Validate()
    {
        Require(Epochs >= 1, nameof(Epochs), Epochs, "must be at least 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be a positive number");
    }

    static void Require(bool ok, string setting, object value, string rule)
    {
        if (!ok) throw new SettingException(setting, value, rule);
    }
}

/// <param name="LastBatchLoss">The MSE of the epoch's last mini-batch, the script's metric.</param>
/// <param name="MinLastBatchLoss">Its minimum over the epochs so far (Table I's "minimum loss").</param>
public sealed record RegressionEpoch(
    int Epoch, double TrainLoss, double LastBatchLoss, double MinLastBatchLoss, double? ValidationLoss);

/// <summary>Training of the regression networks: Adam, MSE, shuffled mini-batches.</summary>
public static class RegressionTrainer
{
    /// <summary>Mean over all elements of (prediction − target)²; a [n, m] target broadcasts against [n, 1]
    /// predictions, as in the authors' script.</summary>
    public static Tensor Mse(Tensor prediction, Tensor target) => (prediction - target).square().mean();

    public static IReadOnlyList<RegressionEpoch> Train(RegressionNetwork model, Tensor x, Tensor y,
        RegressionSettings settings, (Tensor X, Tensor Y)? validation = null, Action<RegressionEpoch>? onEpoch = null)
    {
        settings.Validate();
        using var optimizer = torch.optim.Adam(model.parameters(), settings.LearningRate);
        using var shuffle = new torch.Generator((ulong)settings.Seed, torch.CPU);
        var history = new List<RegressionEpoch>();
        double minimum = double.PositiveInfinity, bestValidation = double.PositiveInfinity;
        Dictionary<string, Tensor>? best = null;
        long n = x.shape[0];
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            model.train();
            using var order = torch.randperm(n, generator: shuffle);
            double sum = 0, last = double.NaN;
            for (long start = 0; start < n; start += settings.BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = order.narrow(0, start, Math.Min(settings.BatchSize, n - start));
                optimizer.zero_grad();
                var loss = Mse(model.call(x.index_select(0, batch)), y.index_select(0, batch));
                loss.backward();
                optimizer.step();
                last = loss.item<float>();
                sum += last * batch.shape[0];
            }
            minimum = Math.Min(minimum, last);
            double? validationLoss = validation is { } v ? Evaluate(model, v.X, v.Y) : null;
            if (validationLoss < bestValidation)
            {
                bestValidation = validationLoss.Value;
                foreach (var t in best?.Values ?? Enumerable.Empty<Tensor>()) t.Dispose();
                best = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
            }
            var record = new RegressionEpoch(epoch, sum / n, last, minimum, validationLoss);
            history.Add(record);
            onEpoch?.Invoke(record);
        }
        if (best is not null) Restore(model, best);
        return history;
    }

    static void Restore(RegressionNetwork model, Dictionary<string, Tensor> weights)
    {
        using var noGrad = torch.no_grad();
        foreach (var (key, target) in model.state_dict()) target.copy_(weights[key]);
        foreach (var t in weights.Values) t.Dispose();
    }

    public static double Evaluate(RegressionNetwork model, Tensor x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        model.eval();
        return Mse(model.call(x), y).item<float>();
    }

    /// <summary>Parameters that receive a gradient from one batch: those the forward pass really uses.</summary>
    public static long UsedParameters(RegressionNetwork model, Tensor x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        model.zero_grad();
        Mse(model.call(x), y).backward();
        long used = model.parameters().Where(p => p.grad is { } g && g.abs().sum().item<float>() > 0).Sum(p => p.numel());
        model.zero_grad();
        return used;
    }
}
