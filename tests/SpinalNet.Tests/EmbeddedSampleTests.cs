// The embedded default data (README credit; shared/data/mnist-sample provenance): 8,000 train / 2,000 test real
// MNIST digits, shipped beside the program.
using SpinalNet.Data;

namespace SpinalNet.Tests;

public class EmbeddedSampleTests
{
    [Fact]
    public void Sample_has_the_documented_sizes_and_class_counts()
    {
        var (train, test) = MnistFamily.LoadTensors(null, ChannelNormalization.Mnist);
        using (train)
        using (test)
        {
            Assert.Equal(8_000, train.Count);
            Assert.Equal(2_000, test.Count);
            var counts = TorchSharp.torch.cat([train.Labels, test.Labels]).bincount(null).data<long>().ToArray();
            Assert.Equal([1001L, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], counts);
            // Normalised with MNIST's statistics, the sample's mean and std come out near 0 and 1.
            Assert.InRange(train.Images.mean().item<float>(), -0.1, 0.1);
            Assert.InRange(train.Images.std().item<float>(), 0.9, 1.1);
        }
    }
}
