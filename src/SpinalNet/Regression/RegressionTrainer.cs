// Training for the regression networks (docs/regression.md §4): Adam, lr 0.01, MSE, batch 64, shuffled, 200 epochs,
// through the library's one training loop (Training/Trainer.cs) with the regression objective (Training/Objective.cs).
// The script's metric is the last mini-batch's MSE of each epoch and its running minimum; the mean training loss and,
// where a validation set is given, the validation MSE are kept too, and the run ends with the weights of the best
// validation epoch. Batches come from a generator of the run's own, so both networks see the same batches.
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Regression;

/// <summary>The settings of a regression training run: the script's, Adam at lr 0.01 on batches of 64 for 200
/// epochs.</summary>
/// <param name="Threads">Torch threads while the networks train, the caller's after (null: the caller's).</param>
public sealed record RegressionSettings(int Epochs = 200, int BatchSize = 64, double LearningRate = 0.01, long Seed = 0,
    int? Threads = null)
{
    /// <summary>The training loop's settings of these: Adam, the best validation epoch kept.</summary>
    public TrainingSettings Training => new(Epochs: Epochs, BatchSize: BatchSize, Optimizer: OptimizerKind.Adam,
        LearningRate: LearningRate, Seed: Seed, Threads: Threads ?? 0, KeepBest: true);

    /// <summary>Throws a SettingException naming the first setting out of range.</summary>
    public void Validate()
    {
        SettingException.Require(Threads is null or >= 1, nameof(Threads), Threads, "must be at least 1");
        Training.Validate();
    }
}

/// <param name="LastBatchLoss">The MSE of the epoch's last mini-batch, the script's metric.</param>
/// <param name="MinLastBatchLoss">Its minimum over the epochs so far (Table I's "minimum loss").</param>
public sealed record RegressionEpoch(
    int Epoch, double TrainLoss, double LastBatchLoss, double MinLastBatchLoss, double? ValidationLoss);

/// <summary>Training of the regression networks: Adam, MSE, shuffled mini-batches.</summary>
public static class RegressionTrainer
{
    /// <summary>Trains <paramref name="model"/> on <paramref name="x"/> [n, features] and <paramref name="y"/>
    /// [n, m] (a [n, m] target broadcasts against the [n, 1] predictions, as in the authors' script), keeping the
    /// weights of the best epoch on <paramref name="validation"/> where given.</summary>
    public static IReadOnlyList<RegressionEpoch> Train(RegressionNetwork model, Tensor x, Tensor y,
        RegressionSettings settings, (Tensor X, Tensor Y)? validation = null, Action<RegressionEpoch>? onEpoch = null)
    {
        settings.Validate();
        // The sets own handles of their own to the caller's tensors, which stay the caller's.
        using var train = new InMemoryDataset(x.alias(), y.alias(), 0, "regression training rows");
        using var held = validation is { } v ? new InMemoryDataset(v.X.alias(), v.Y.alias(), 0, "validation rows") : null;
        var history = new List<RegressionEpoch>();
        double minimum = double.PositiveInfinity;
        var observer = new EpochObserver(metrics =>
        {
            minimum = Math.Min(minimum, metrics.LastBatchLoss);
            var epoch = new RegressionEpoch(metrics.Epoch, metrics.TrainLoss, metrics.LastBatchLoss, minimum,
                metrics.ValidationLoss);
            history.Add(epoch);
            onEpoch?.Invoke(epoch);
        });
        Trainer.Run(Network(model), new TrainingData(train, null, held), settings.Training, observer: observer,
            objective: Objective.Regression);
        return history;
    }

    /// <summary>The regression network as the training loop takes a network: no backbone, the network as the head, its
    /// outputs as they are. It shares the network's modules, so what it learns is the network's.</summary>
    static ClassifierNetwork Network(RegressionNetwork model) => new(nn.Identity(), model, logSoftmax: false);

    /// <summary>The MSE of the model on (x, y), in evaluation mode.</summary>
    public static double Evaluate(RegressionNetwork model, Tensor x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        model.eval();
        return Objective.MeanSquaredError(model.call(x), y).item<float>();
    }

    /// <summary>Parameters that receive a gradient from one batch: those the forward pass really uses.</summary>
    public static long UsedParameters(RegressionNetwork model, Tensor x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        model.zero_grad();
        Objective.MeanSquaredError(model.call(x), y).backward();
        long used = model.parameters().Where(p => p.grad is { } g && g.abs().sum().item<float>() > 0).Sum(p => p.numel());
        model.zero_grad();
        return used;
    }
}
