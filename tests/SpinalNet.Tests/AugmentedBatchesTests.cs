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
    static LabelledImages Sample(Split split) => MnistFamily.Load(MnistFolder.EmbeddedSample, MnistVariant.Mnist, split);

    static IImageTransform Pipeline => Pipelines.Get("mnist-arch2").Train;

    [Fact]
    public void A_batch_depends_only_on_its_indices_and_epoch()
    {
        using var batches = new AugmentedBatches(Sample(Split.Train), Pipeline, seed: 5);
        var indices = torch.tensor(new long[] { 3, 99, 7, 1500, 42 });
        var (a, la) = batches.Batch(indices, epoch: 1);
        batches.Prefetch(indices, 1);
        var (b, lb) = batches.Batch(indices, epoch: 1);
        var (c, _) = batches.Batch(indices, epoch: 2);
        Assert.Equal([5L, 1, 28, 28], a.shape);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.True(la.eq(lb).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>(), "a new epoch draws new augmentations");
        // Normalised as the MNIST scripts do: the background sits at -0.1307 / 0.3081.
        Assert.InRange(a.min().item<float>(), -0.43, -0.42);
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
