// The training loop of the from-scratch experiments (reference §3.1): SGD with momentum on shuffled mini-batches,
// evaluation on the test split after every epoch, the best test accuracy tracked. Batches come from one in-memory
// tensor through a permutation drawn from a generator of the run's own, so two models trained with the same seed see
// the same batches in the same order, whatever their initialisation consumed from the global generator.
using System.Diagnostics;
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <param name="TestAccuracy">Top-1, as a fraction.</param>
public sealed record EpochMetrics(
    int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, double LearningRate, double Seconds,
    double SamplesPerSecond);

/// <param name="Loss">Mean training loss over the epoch so far.</param>
public sealed record StepProgress(int Epoch, int Epochs, long Step, long Steps, double Loss, double SamplesPerSecond);

/// <summary>Receives progress; the CLI renders it, tests ignore it.</summary>
public interface ITrainingObserver
{
    void OnStep(StepProgress progress) { }
    void OnEpoch(EpochMetrics metrics) { }
}

public static class Trainer
{
    public static IReadOnlyList<EpochMetrics> Train(
        ClassifierNetwork model, ImageDataset train, ImageDataset test, TrainingSettings settings,
        ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        settings.Validate();
        if (settings.Threads > 0) torch.set_num_threads(settings.Threads);
        // Dropout draws from the global generator: reseeding here makes a run independent of what ran before it.
        torch.manual_seed(settings.Seed);
        using var optimizer = torch.optim.SGD(model.parameters(), settings.LearningRate, settings.Momentum);
        using var shuffle = new torch.Generator((ulong)settings.Seed, torch.CPU);

        var history = new List<EpochMetrics>();
        long steps = (train.Count + settings.BatchSize - 1) / settings.BatchSize;
        for (int epoch = 1; epoch <= settings.Epochs && !cancel.IsCancellationRequested; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.train();
            double lossSum = 0;
            long seen = 0;
            using var order = torch.randperm(train.Count, generator: shuffle);
            for (long step = 0; step < steps && !cancel.IsCancellationRequested; step++)
            {
                using var scope = torch.NewDisposeScope();
                long n = Math.Min(settings.BatchSize, train.Count - step * settings.BatchSize);
                var batch = order.narrow(0, step * settings.BatchSize, n);
                var x = train.Images.index_select(0, batch);
                var y = train.Labels.index_select(0, batch);

                optimizer.zero_grad();
                var loss = model.Loss(model.call(x), y, nn.Reduction.Mean);
                loss.backward();
                optimizer.step();

                lossSum += loss.item<float>() * n;
                seen += n;
                observer?.OnStep(new StepProgress(epoch, settings.Epochs, step + 1, steps, lossSum / seen,
                    seen / clock.Elapsed.TotalSeconds));
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            var evaluation = Evaluator.Evaluate(model, test, settings.TestBatchSize);
            var metrics = new EpochMetrics(epoch, lossSum / Math.Max(seen, 1), evaluation.Loss, evaluation.Accuracy,
                settings.LearningRate, trainSeconds, seen / trainSeconds);
            history.Add(metrics);
            observer?.OnEpoch(metrics);
        }
        return history;
    }
}
