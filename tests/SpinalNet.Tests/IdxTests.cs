// The IDX reader (docs/data.md §6): round trips raw and gzip, and every way a file can be corrupt.
using SpinalNet.Data;

namespace SpinalNet.Tests;

public sealed class IdxTests : IDisposable
{
    readonly TempFolder temp = new();
    string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    static IdxArray Images(int count, int rows = 28, int cols = 28) =>
        new([count, rows, cols], Enumerable.Range(0, count * rows * cols).Select(i => (byte)(i * 7 % 256)).ToArray());

    static IdxArray Labels(int count) => new([count], Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trip_keeps_dimensions_and_bytes(bool gzip)
    {
        var path = Path.Combine(folder, "images");
        var written = Images(3, 5, 4);
        IdxFile.Write(path, written, gzip);
        var read = IdxFile.Read(path, 3);
        Assert.Equal(written.Dimensions, read.Dimensions);
        Assert.Equal(written.Data, read.Data);
        Assert.Equal(gzip, File.ReadAllBytes(path)[0] == 0x1f);
    }

    void WriteSet(IdxArray images, IdxArray labels, bool gzip = true)
    {
        string ext = gzip ? ".gz" : "";
        IdxFile.Write(Path.Combine(folder, "train-images-idx3-ubyte" + ext), images, gzip);
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte" + ext), labels, gzip);
    }

    [Fact]
    public void Mnist_folder_scales_then_normalises_pixels()
    {
        var images = Images(4);
        WriteSet(images, Labels(4), gzip: false);
        using var set = MnistFamily.Load(folder, MnistVariant.Mnist, Split.Train).ToImageDataset(new ChannelNormalization([0.25], [0.5]));
        Assert.Equal([4L, 1, 28, 28], set.Images.shape);
        Assert.Equal([0L, 1, 2, 3], set.Labels.data<long>().ToArray());
        int index = 3 * 784 + 13 * 28 + 17;
        float expected = (float)((images.Data[index] / 255.0 - 0.25) / 0.5);
        Assert.Equal(expected, set.Images[3, 0, 13, 17].item<float>(), 1e-6);
    }

    void AssertFails(Action load, string fileName, string problem)
    {
        var e = Assert.Throws<DataFormatException>(load);
        Assert.Contains(fileName, e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Wrong_magic_is_reported_with_the_file()
    {
        WriteSet(Images(2), Labels(2));
        var path = Path.Combine(folder, "bad");
        File.WriteAllBytes(path, [0, 0, 8, 1, 0, 0, 0, 1, 5]);  // a label file where images are expected
        AssertFails(() => IdxFile.Read(path, 3), "bad", "wrong magic number 0x00000801");
    }

    [Fact]
    public void Truncated_data_is_reported()
    {
        var path = Path.Combine(folder, "cut");
        var bytes = new MemoryStream();
        IdxFile.Write(path, Images(2), gzip: false);
        var full = File.ReadAllBytes(path);
        File.WriteAllBytes(path, full[..^10]);
        AssertFails(() => IdxFile.Read(path, 3), "cut", "truncated");
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        var path = Path.Combine(folder, "header");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0]);
        AssertFails(() => IdxFile.Read(path, 3), "header", "truncated");
    }

    [Fact]
    public void Corrupt_gzip_is_reported()
    {
        var path = Path.Combine(folder, "broken.gz");
        IdxFile.Write(path, Images(2), gzip: true);
        var bytes = File.ReadAllBytes(path);
        for (int i = 20; i < bytes.Length - 8; i++) bytes[i] ^= 0x5a;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<DataFormatException>(() => IdxFile.Read(path, 3));
    }

    [Fact]
    public void Image_and_label_counts_that_differ_are_reported()
    {
        WriteSet(Images(3), Labels(2));
        AssertFails(() => MnistFamily.Load(folder, MnistVariant.Mnist, Split.Train).ToImageDataset(ChannelNormalization.Mnist),
            "train-labels-idx1-ubyte.gz", "2 labels but 3 images");
    }

    [Fact]
    public void Unexpected_image_size_is_reported()
    {
        WriteSet(Images(2, 32, 32), Labels(2));
        AssertFails(() => MnistFamily.Load(folder, MnistVariant.Mnist, Split.Train).ToImageDataset(ChannelNormalization.Mnist),
            "train-images-idx3-ubyte.gz", "unexpected image size 32 x 32");
    }

    [Fact]
    public void Label_out_of_range_is_reported()
    {
        WriteSet(Images(2), new IdxArray([2], [3, 12]));
        AssertFails(() => MnistFamily.Load(folder, MnistVariant.Mnist, Split.Train).ToImageDataset(ChannelNormalization.Mnist),
            "train-labels-idx1-ubyte.gz", "label 12 at index 1");
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        AssertFails(() => MnistFamily.Load(folder, MnistVariant.Mnist, Split.Test).ToImageDataset(ChannelNormalization.Mnist), "t10k-images-idx3-ubyte", "file not found");
    }
}
