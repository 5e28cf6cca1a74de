// The training loop (docs/experiments.md §3.1): repeatable for a fixed seed and thread count, and the same batches in
// the same order for any two models trained with the same seed, which is what makes the head comparison fair; best.ckpt
// saved before last.ckpt; no loss shown before the loop has read one.
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace SpinalNet.Tests;

public class TrainerTests
{
    static (InMemoryDataset Train, InMemoryDataset Test) Slice(int train, int test)
    {
        var (fullTrain, fullTest) = MnistFamily.LoadTensors(null, ChannelNormalization.Mnist);
        using (fullTrain)
        using (fullTest)
            return (fullTrain.Take(train), fullTest.Take(test));
    }

    static readonly TrainingSettings Short = new(Epochs: 1, BatchSize: 50, TestBatchSize: 500, LearningRate: 0.05,
        Seed: 3);

    [Fact]
    public void Same_seed_gives_identical_weights_and_metrics()
    {
        var (train, test) = Slice(600, 200);
        var spec = ModelCatalog.Get("mnist-cnn");
        using var a = spec.Create(HeadKind.Spinal, Short.Seed);
        using var b = spec.Create(HeadKind.Spinal, Short.Seed);
        var ha = Trainer.Train(a, train, test, Short);
        var hb = Trainer.Train(b, train, test, Short);
        Assert.Equal(ha[0].TrainLoss, hb[0].TrainLoss);
        Assert.Equal(ha[0].TestAccuracy, hb[0].TestAccuracy);
        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(pa.eq(pb).all().item<bool>(), $"{name} differs between two runs with the same seed");

        using var c = spec.Create(HeadKind.Spinal, Short.Seed + 1);
        var hc = Trainer.Train(c, train, test, Short with { Seed = Short.Seed + 1 });
        Assert.NotEqual(ha[0].TrainLoss, hc[0].TrainLoss);
    }

    /// <summary>A backbone that remembers a fingerprint of every training batch it sees.</summary>
    sealed class BatchRecorder : nn.Module<Tensor, Tensor>
    {
        public readonly List<float> Fingerprints = [];

        public BatchRecorder() : base(nameof(BatchRecorder)) { }

        public override Tensor forward(Tensor x)
        {
            if (training) Fingerprints.Add((x.flatten(1) * torch.arange(784, dtype: x.dtype)).sum().item<float>());
            return x.flatten(1);
        }
    }

    [Fact]
    public void Two_heads_with_the_same_seed_see_the_same_batches_in_the_same_order()
    {
        var (train, test) = Slice(300, 50);
        var settings = Short with { Epochs = 2 };
        var recorders = new List<BatchRecorder>();
        foreach (var head in new nn.Module<Tensor, Tensor>[]
                 {
                     new SpinalLayer(new SpinalConfig(784, 4, 3, 10)),
                     new FullyConnectedHead(new FullyConnectedConfig(784, [64, 32], 10, InputDropout: [0.2, 0, 0.5])),
                 })
        {
            var recorder = new BatchRecorder();
            using var model = new ClassifierNetwork(recorder, head, logSoftmax: false);
            Trainer.Train(model, train, test, settings);
            recorders.Add(recorder);
        }
        Assert.Equal(2 * 6, recorders[0].Fingerprints.Count);
        Assert.Equal(recorders[0].Fingerprints, recorders[1].Fingerprints);
        // A new epoch reshuffles: the two epochs' batches differ.
        Assert.NotEqual(recorders[0].Fingerprints[..6], recorders[0].Fingerprints[6..]);
    }

    [Fact]
    public void Evaluation_counts_correct_predictions_and_mean_loss()
    {
        var (train, test) = Slice(10, 100);
        using var model = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Fc, 0);
        var e = Evaluator.Evaluate(model, test, 30);
        model.eval();
        using var noGrad = torch.no_grad();
        var output = model.call(test.Images);
        Assert.Equal(output.argmax(1).eq(test.Labels).sum().item<long>() / 100.0, e.Accuracy, 12);
        Assert.Equal(nn.functional.nll_loss(output, test.Labels).item<float>(), e.Loss, 4);
        Assert.Equal(100, e.Samples);
    }

    [Fact]
    public void Best_checkpoint_is_written_before_last_so_a_kill_between_them_loses_nothing()
    {
        var order = new List<CheckpointSlot>();
        using var data = new TrainingData(
            MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, Split.Train).ToImageDataset(ChannelNormalization.Mnist).Take(100),
            MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, Split.Test).ToImageDataset(ChannelNormalization.Mnist).Take(50));
        using var model = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, 1);
        Trainer.Run(model, data, new TrainingSettings(Epochs: 1), new RecordingStore(order));
        Assert.Equal([CheckpointSlot.Best, CheckpointSlot.Last], order);
    }

    sealed class RecordingStore(List<CheckpointSlot> order) : ICheckpointStore
    {
        public TrainerState? Resume(nn.Module model, OptimizerHelper optimizer) => null;
        public void Save(CheckpointSlot slot, TrainerState state, nn.Module model, OptimizerHelper optimizer) => order.Add(slot);
        public void WriteMetrics(IReadOnlyList<EpochMetrics> history) { }
        public string? LastGood => null;
    }

    [Fact]
    public void Progress_shows_no_loss_before_the_first_read_and_the_mean_of_the_steps_read_after()
    {
        var (train, test) = Slice(1000, 50);
        using var model = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, 1);
        var steps = new List<StepProgress>();
        var history = Trainer.Train(model, train, test, Short with { BatchSize = 50 }, new StepRecorder(steps));
        Assert.Equal(20, steps.Count);
        Assert.All(steps.Take(Trainer.LossReadInterval - 1), p => Assert.Null(p.Loss));
        Assert.All(steps.Skip(Trainer.LossReadInterval - 1), p => Assert.InRange(p.Loss!.Value, 0.01, 10));
        Assert.Equal(history[0].TrainLoss, steps[^1].Loss!.Value, 1e-9);
    }

    sealed class StepRecorder(List<StepProgress> steps) : ITrainingObserver
    {
        public void OnStep(StepProgress progress) => steps.Add(progress);
    }
}
