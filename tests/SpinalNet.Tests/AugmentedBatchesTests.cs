// Augmented batches for training: the same (indices, epoch) always give the same batch, with or without the batch
// being built ahead; epochs draw anew; and the trainer runs on them end to end.
using SpinalNet.Augmentation;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Tests;

public class AugmentedBatchesTests
{
    static LabelledImages Sample(Split split) => MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, split);

    static IImageTransform Pipeline => Pipelines.Get("mnist-arch2").Train;

    [Fact]
    public void A_batch_depends_only_on_its_samples_and_epoch_whatever_batch_the_enumeration_starts_at()
    {
        using var batches = new AugmentedBatches(Sample(Split.Train), Pipeline, seed: 5);
        long[] order = [3, 99, 7, 1500, 42, 8, 5000, 12, 600, 77];
        var whole = batches.Batches(order, epoch: 1, firstBatch: 0, batchSize: 4).ToList();
        var resumed = batches.Batches(order, epoch: 1, firstBatch: 1, batchSize: 4).ToList();
        var again = batches.Batches(order, epoch: 2, firstBatch: 0, batchSize: 4).ToList();
        Assert.Equal([4L, 4, 2], whole.Select(b => b.Labels.shape[0]));
        Assert.Equal([1L, 28, 28], whole[0].Images.shape[1..]);
        Assert.Equal(2, resumed.Count);
        for (int b = 0; b < 2; b++)
        {
            Assert.True(whole[b + 1].Images.eq(resumed[b].Images).all().item<bool>(), "a resumed epoch builds other batches");
            Assert.True(whole[b + 1].Labels.eq(resumed[b].Labels).all().item<bool>());
        }
        Assert.False(whole[0].Images.eq(again[0].Images).all().item<bool>(), "a new epoch draws new augmentations");
        // Normalised as the MNIST scripts do: the background sits at -0.1307 / 0.3081.
        Assert.InRange(whole[0].Images.min().item<float>(), -0.43, -0.42);
    }

    [Fact]
    public void Trainer_learns_from_augmented_batches()
    {
        using var train = new AugmentedBatches(Sample(Split.Train), Pipeline, seed: 1);
        using var test = Sample(Split.Test).ToImageDataset(ChannelNormalization.Mnist);
        using var model = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, 1);
        var history = Trainer.Train(model, train, test.Take(500), new TrainingSettings(Epochs: 1, LearningRate: 0.05));
        Assert.True(history[0].TestAccuracy > 0.7, $"accuracy {history[0].TestAccuracy} after one augmented epoch");
    }
}
