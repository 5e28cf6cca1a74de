// The real Fashion-MNIST release (Debian package dataset-fashion-mnist, which .ci/run installs; skipped, saying so,
// where it is missing): the full set loads with the published sizes and exactly balanced classes.
using SpinalNet.Data;

namespace SpinalNet.Tests;

public class DataRealFilesTests
{
    const string Debian = "/usr/share/datasets/fashion-mnist";

    [SkippableFact]
    public void FullFashionMnistLoadsWithBalancedClasses()
    {
        Skip.IfNot(File.Exists(Path.Combine(Debian, "train-images-idx3-ubyte.gz")),
            $"Fashion-MNIST is not installed in {Debian} (apt-get install dataset-fashion-mnist; .ci/run does)");
        var train = MnistFamily.Load(Debian, MnistVariant.FashionMnist, Split.Train);
        var test = MnistFamily.Load(Debian, MnistVariant.FashionMnist, Split.Test);
        Assert.Equal((60_000, 10_000), (train.Count, test.Count));
        Assert.All(train.Labels.CountBy(l => l), c => Assert.Equal(6_000, c.Value));
        Assert.All(test.Labels.CountBy(l => l), c => Assert.Equal(1_000, c.Value));
        Assert.Equal("Ankle boot", train.ClassNames[train.Labels[0]]); // the first training image is an ankle boot
    }
}
