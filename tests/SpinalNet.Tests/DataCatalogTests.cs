// The catalog of known data sets: names resolve (unknown ones fail with the list), every download names a
// well-formed checksum, a set placed by hand under the data root is found and opened by split, and the embedded
// sample is a set like the others.
using SpinalNet.Data;
using SpinalNet.Runs;

namespace SpinalNet.Tests;

public class DataCatalogTests
{
    [Fact]
    public void UnknownNameAndMissingSplitAreOneLineErrors()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Get("imagenet"));
        Assert.StartsWith("unknown data set 'imagenet' (known: embedded, mnist, fashion-mnist,", e.Message);
        var split = Assert.Throws<ArgumentException>(() =>
            DatasetCatalog.Open(DatasetCatalog.Get("svhn"), "/nonexistent", "valid"));
        Assert.StartsWith("svhn has no split 'valid' (splits: train, test, extra)", split.Message);
    }

    [Fact]
    public void EveryDownloadHasAChecksumAndEverySetASource()
    {
        Assert.Equal(DatasetCatalog.All.Count, DatasetCatalog.All.Select(d => d.Name).Distinct().Count());
        foreach (var d in DatasetCatalog.All)
        {
            Assert.True(d.Files.Count > 0 || d.ManualSource is not null, d.Name);
            foreach (var f in d.Files)
            {
                Assert.Matches("^([0-9a-f]{32}|[0-9a-f]{64})$", f.Checksum);
                Assert.All(f.Urls, u => Assert.StartsWith("http", u));
            }
        }
        Assert.Equal(2, DatasetCatalog.Get("mnist").Files[0].Urls.Length); // official host + torchvision's mirror
        Assert.Equal(60_000, DatasetCatalog.Get("qmnist").Sizes.Single(s => s.Split == "test").Size);
    }

    [Fact]
    public void PresentSetOpensFromTheDataRoot()
    {
        using var dir = new TempFolder();
        var mnist = DatasetCatalog.Get("MNIST");
        Assert.False(mnist.IsPresent(dir.Path));
        var folder = dir.Folder("mnist");
        foreach (var (prefix, n) in new[] { ("train", 3), ("t10k", 2) })
        {
            IdxFile.Write(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"),
                new IdxArray([n, 28, 28], new byte[n * 784]), true);
            IdxFile.Write(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), new IdxArray([n], new byte[n]), false);
        }
        Assert.True(mnist.IsPresent(dir.Path));
        var test = DatasetCatalog.Open(mnist, dir.Path, "test");
        Assert.Equal(2, test.Count);
        Assert.Equal(10, test.ClassNames.Count);
    }

    [Fact]
    public void The_embedded_sample_is_a_data_set_like_the_others()
    {
        var info = DatasetCatalog.Get(DatasetCatalog.Embedded);
        Assert.True(info.IsPresent("/nonexistent"));
        using var temp = new TempFolder();
        var png = temp.Combine("sheet.png");
        Assert.Equal(9, DataSets.Show(info.Name, "/nonexistent", "test", 9, path: png).Shown);
        Assert.True(new FileInfo(png).Length > 0);
    }
}
