// Every on-disk format of docs/data.md §6 read back from small files written in its exact layout: decoded pixels and
// labels must equal what was written (upright), and each bad file must fail with one line naming it.
using System.IO.Compression;
using SpinalNet.Data;
using static SpinalNet.Tests.DataTestFiles;

namespace SpinalNet.Tests;

public class DataFormatTests
{
    static void WriteIdxPair(string folder, string images, string labels, byte[] pixels, byte[] labelBytes, int side,
        bool gzip)
    {
        IdxFile.Write(Path.Combine(folder, images + (gzip ? ".gz" : "")),
            new IdxArray([labelBytes.Length, side, side], pixels), gzip);
        IdxFile.Write(Path.Combine(folder, labels + (gzip ? ".gz" : "")), new IdxArray([labelBytes.Length], labelBytes),
            gzip);
    }

    [Theory]
    [InlineData(MnistVariant.Mnist, true)]
    [InlineData(MnistVariant.FashionMnist, false)]
    [InlineData(MnistVariant.Kmnist, true)]
    public void MnistFamilyReadsWhatWasWritten(MnistVariant variant, bool gzip)
    {
        using var dir = new TempFolder();
        var pixels = RandomBytes(5 * 784, 1);
        byte[] labels = [3, 0, 9, 1, 7];
        WriteIdxPair(dir.Path, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", pixels, labels, 28, gzip);
        var set = MnistFamily.Load(dir.Path, variant, Split.Test);
        Assert.Equal(pixels, set.Pixels);
        Assert.Equal([3, 0, 9, 1, 7], set.Labels);
        Assert.Equal((1, 28, 28), (set.Channels, set.Height, set.Width));
        Assert.Equal(MnistFamily.Names(variant), set.ClassNames);
        using var tensors = set.ToImageDataset(ChannelNormalization.Mnist);
        Assert.Equal((pixels[100] / 255f - 0.1307f) / 0.3081f, tensors.Images[0, 0, 3, 16].item<float>(), 5);
    }

    [Fact]
    public void MnistFolderKeepsItsBehaviourAndMessages()
    {
        using var dir = new TempFolder();
        WriteIdxPair(dir.Path, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", RandomBytes(2 * 784, 2), [1, 10],
            28, false);
        var e = Assert.Throws<DataFormatException>(() => MnistFamily.Load(dir.Path, MnistVariant.Mnist, Split.Train).ToImageDataset(ChannelNormalization.Mnist));
        Assert.EndsWith("train-labels-idx1-ubyte: label 10 at index 1 is not below 10", e.Message);
        var missing = Assert.Throws<DataFormatException>(() => MnistFamily.Load(dir.Path, MnistVariant.Mnist, Split.Test).ToImageDataset(ChannelNormalization.Mnist));
        Assert.EndsWith("t10k-images-idx3-ubyte[.gz]: file not found", missing.Message);
        Assert.Contains("data folder not found",
            Assert.Throws<DataFormatException>(() => MnistFamily.Load(dir.Combine("nope"), MnistVariant.Mnist, Split.Test).ToImageDataset(ChannelNormalization.Mnist)).Message);
    }

    [Fact]
    public void IdxBadInputGivesOneLineErrors()
    {
        using var dir = new TempFolder();
        string path = dir.Combine("x");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        Assert.EndsWith("x: truncated: header promises 1568 bytes of data (2 x 28 x 28), file has 3",
            Assert.Throws<DataFormatException>(() => IdxFile.Read(path, 3)).Message);
        File.WriteAllBytes(path, [0, 0, 9, 3]);
        Assert.EndsWith("wrong magic number 0x00000903 (expected 0x00000803: unsigned bytes in 3 dimension(s))",
            Assert.Throws<DataFormatException>(() => IdxFile.Read(path, 3)).Message);
        Assert.EndsWith("wrong magic number 0x00000903 (expected 0x00000C02: int32 in 2 dimension(s))",
            Assert.Throws<DataFormatException>(() => IdxFile.ReadInt32(path, 2)).Message);
    }

    [Fact]
    public void QmnistReadsColumnZeroOfTheEightColumnLabelsAndSplitsTest10k()
    {
        using var dir = new TempFolder();
        const int n = Qmnist.Test10kCount + 3;
        var pixels = RandomBytes(n * 784, 3);
        var table = new int[n * 8];
        for (int i = 0; i < n; i++)
        for (int c = 0; c < 8; c++)
            table[i * 8 + c] = c == 0 ? i % 10 : 1000 * c + i; // metadata columns must not leak into labels
        IdxFile.Write(dir.Combine("qmnist-test-images-idx3-ubyte"), new IdxArray([n, 28, 28], pixels), false);
        IdxFile.WriteInt32(dir.Combine("qmnist-test-labels-idx2-int.gz"), new IdxInt32Array([n, 8], table), true);

        var test = Qmnist.Load(dir.Path, QmnistSplit.Test);
        Assert.Equal(n, test.Count);
        Assert.Equal(pixels, test.Pixels);
        Assert.Equal(Enumerable.Range(0, n).Select(i => i % 10), test.Labels);
        var test10k = Qmnist.Load(dir.Path, QmnistSplit.Test10k);
        Assert.Equal(Qmnist.Test10kCount, test10k.Count);
        Assert.Equal(pixels.AsSpan(0, 784).ToArray(), test10k.ImageBytes(0).ToArray());
        var test50k = Qmnist.Load(dir.Path, QmnistSplit.Test50k);
        Assert.Equal(3, test50k.Count);
        Assert.Equal(pixels.AsSpan(Qmnist.Test10kCount * 784, 784).ToArray(), test50k.ImageBytes(0).ToArray());

        IdxFile.WriteInt32(dir.Combine("qmnist-test-labels-idx2-int.gz"), new IdxInt32Array([1, 3], [1, 2, 3]), true);
        Assert.EndsWith("label table has 3 columns per row (expected 8)",
            Assert.Throws<DataFormatException>(() => Qmnist.Load(dir.Path, QmnistSplit.Test)).Message);
    }

    static void WriteEmnistArchive(string path, string stem, byte[] storedPixels, byte[] labels)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Add(string name, IdxArray array)
        {
            string temp = Path.GetTempFileName();
            IdxFile.Write(temp, array, gzip: true);
            zip.CreateEntryFromFile(temp, $"gzip/{name}");
            File.Delete(temp);
        }
        Add($"{stem}-images-idx3-ubyte.gz", new IdxArray([labels.Length, 28, 28], storedPixels));
        Add($"{stem}-labels-idx1-ubyte.gz", new IdxArray([labels.Length], labels));
    }

    [Fact]
    public void EmnistFromTheArchiveIsUprightWithLettersFromZero()
    {
        using var dir = new TempFolder();
        var upright = RandomBytes(4 * 784, 4);
        WriteEmnistArchive(dir.Combine(Emnist.ArchiveName), "emnist-letters-train", Transposed(upright, 28), [1, 26, 5, 13]);

        var set = Emnist.Load(dir.Path, EmnistSplit.Letters, Split.Train);
        Assert.Equal(upright, set.Pixels);
        Assert.Equal([0, 25, 4, 12], set.Labels);
        Assert.Equal(26, set.ClassNames.Count);
        Assert.Equal("z", set.ClassNames[25]);

        var stored = Emnist.Load(dir.Path, EmnistSplit.Letters, Split.Train, new EmnistOptions(true, true));
        Assert.Equal(Transposed(upright, 28), stored.Pixels);
        Assert.Equal([1, 26, 5, 13], stored.Labels);
        Assert.Equal("N/A", stored.ClassNames[0]);

        var root = Directory.GetParent(dir.Path)!.FullName;
        var viaCatalog = DatasetCatalog.Open(DatasetCatalog.Get("emnist-letters-stored") with { Folder = Path.GetFileName(dir.Path) },
            root, "train");
        Assert.Equal(Transposed(upright, 28).AsSpan(0, 784).ToArray(), viaCatalog.ReadImage(0).ToBytes());
        Assert.Equal(0, viaCatalog.Label(0));

        Assert.Contains("has no entry gzip/emnist-digits-test-images-idx3-ubyte.gz (missing split)",
            Assert.Throws<DataFormatException>(() => Emnist.Load(dir.Path, EmnistSplit.Digits, Split.Test)).Message);
    }

    [Fact]
    public void EmnistSplitsHaveTorchvisionsClassCounts()
    {
        var o = new EmnistOptions();
        Assert.Equal([62, 47, 47, 26, 10, 10],
            Enum.GetValues<EmnistSplit>().Select(s => Emnist.Names(s, o).Count));
        Assert.Equal("t", Emnist.Names(EmnistSplit.Balanced, o)[46]);
    }

    [Fact]
    public void Cifar10And100BinaryRecords()
    {
        using var dir = new TempFolder();
        var folder10 = dir.Folder(CifarBinary.Cifar10Folder);
        var expected = new List<byte>();
        for (int b = 1; b <= 5; b++)
        {
            var pixels = RandomBytes(2 * 3072, 10 + b);
            expected.AddRange(pixels);
            File.WriteAllBytes(Path.Combine(folder10, $"data_batch_{b}.bin"),
                [(byte)b, .. pixels.AsSpan(0, 3072), (byte)(9 - b), .. pixels.AsSpan(3072)]);
        }
        var train = CifarBinary.LoadCifar10(dir.Path, Split.Train);
        Assert.Equal(expected.ToArray(), train.Pixels);
        Assert.Equal([1, 8, 2, 7, 3, 6, 4, 5, 5, 4], train.Labels);
        Assert.Equal("truck", train.ClassNames[9]);
        Assert.Contains("test_batch.bin: file not found (missing split)",
            Assert.Throws<DataFormatException>(() => CifarBinary.LoadCifar10(dir.Path, Split.Test)).Message);

        var folder100 = dir.Folder(CifarBinary.Cifar100Folder);
        var p100 = RandomBytes(3072, 20);
        File.WriteAllBytes(Path.Combine(folder100, "test.bin"), [19, 99, .. p100]);
        Assert.Equal([99], CifarBinary.LoadCifar100(dir.Path, Split.Test).Labels);
        var coarse = CifarBinary.LoadCifar100(dir.Path, Split.Test, CifarLabels.Coarse);
        Assert.Equal([19], coarse.Labels);
        Assert.Equal(20, coarse.ClassNames.Count);
        Assert.Equal(p100, coarse.Pixels);

        File.WriteAllBytes(Path.Combine(folder100, "test.bin"), [19, 100, .. p100]);
        Assert.EndsWith("test.bin: label 100 at index 0 is not below 100",
            Assert.Throws<DataFormatException>(() => CifarBinary.LoadCifar100(dir.Path, Split.Test)).Message);
        File.WriteAllBytes(Path.Combine(folder100, "test.bin"), [19, 1, .. p100.AsSpan(1)]);
        Assert.Contains("is not a whole number of 3074-byte records",
            Assert.Throws<DataFormatException>(() => CifarBinary.LoadCifar100(dir.Path, Split.Test)).Message);
    }

    [Fact]
    public void Stl10ColumnMajorBecomesUprightAndUnlabeledStreams()
    {
        using var dir = new TempFolder();
        var folder = dir.Folder(Stl10Binary.ReleaseFolder);
        var upright = RandomBytes(2 * Stl10Binary.ImageBytes, 30);
        File.WriteAllBytes(Path.Combine(folder, "train_X.bin"), Transposed(upright, 96));
        File.WriteAllBytes(Path.Combine(folder, "train_y.bin"), [1, 10]);
        var train = Stl10Binary.Load(dir.Path, Split.Train);
        Assert.Equal(upright, train.Pixels);
        Assert.Equal([0, 9], train.Labels);
        Assert.Equal("truck", train.ClassNames[9]);

        var unlabeled = RandomBytes(3 * Stl10Binary.ImageBytes, 31);
        File.WriteAllBytes(Path.Combine(folder, "unlabeled_X.bin"), Transposed(unlabeled, 96));
        using var stream = Stl10Binary.OpenUnlabeled(dir.Path);
        Assert.Equal(3, stream.Count);
        Assert.Equal(-1, stream.Label(2));
        Assert.Equal(unlabeled.AsSpan(2 * Stl10Binary.ImageBytes, Stl10Binary.ImageBytes).ToArray(),
            stream.ReadImage(2).ToBytes());

        File.WriteAllBytes(Path.Combine(folder, "train_y.bin"), [1, 11]);
        Assert.EndsWith("train_y.bin: label 11 at index 1 is not in 1..10",
            Assert.Throws<DataFormatException>(() => Stl10Binary.Load(dir.Path, Split.Train)).Message);
        File.WriteAllBytes(Path.Combine(folder, "test_X.bin"), new byte[100]);
        Assert.Contains("test_X.bin: truncated or wrong format",
            Assert.Throws<DataFormatException>(() => Stl10Binary.Load(dir.Path, Split.Test)).Message);
    }

    [Fact]
    public void SvhnMatFilesWithCompressedElements()
    {
        using var dir = new TempFolder();
        const int n = 3;
        var upright = RandomBytes(n * 3 * 32 * 32, 40); // [n][channel][row][column]
        var matlab = new byte[upright.Length];          // X(row, column, channel, n), row fastest
        for (int i = 0; i < n; i++)
        for (int ch = 0; ch < 3; ch++)
        for (int r = 0; r < 32; r++)
        for (int c = 0; c < 32; c++)
            matlab[r + 32 * c + 1024 * ch + 3072 * i] = upright[((i * 3 + ch) * 32 + r) * 32 + c];
        int[] xDims = [32, 32, 3, n];
        // train: X compressed; y stored as double, uncompressed.
        WriteMatFile(dir.Combine("train_32x32.mat"),
            MatCompressed(MatMatrix("X", 9, xDims, MatFile.MiUInt8, matlab)),
            MatMatrix("y", 6, [n, 1], MatFile.MiDouble, Doubles([10, 1, 9])));
        var train = Svhn.Load(dir.Path, SvhnSplit.Train);
        Assert.Equal(upright, train.Pixels);
        Assert.Equal([0, 1, 9], train.Labels);

        // test: X plain; y of class double stored narrowed to uint8 inside a compressed element (as MATLAB writes).
        WriteMatFile(dir.Combine("test_32x32.mat"), MatMatrix("X", 9, xDims, MatFile.MiUInt8, matlab),
            MatCompressed(MatMatrix("y", 6, [n, 1], MatFile.MiUInt8, [2, 10, 3])));
        var test = Svhn.Load(dir.Path, SvhnSplit.Test);
        Assert.Equal(upright, test.Pixels);
        Assert.Equal([2, 0, 3], test.Labels);

        WriteMatFile(dir.Combine("extra_32x32.mat"), MatMatrix("X", 9, xDims, MatFile.MiUInt8, matlab),
            MatMatrix("y", 6, [n, 1], MatFile.MiUInt8, [2, 11, 3]));
        Assert.EndsWith("label 11 at index 1 is not in 1..10",
            Assert.Throws<DataFormatException>(() => Svhn.Load(dir.Path, SvhnSplit.Extra)).Message);
        File.WriteAllText(dir.Combine("extra_32x32.mat"), "not a mat file");
        Assert.Contains("extra_32x32.mat: truncated: no MAT header",
            Assert.Throws<DataFormatException>(() => Svhn.Load(dir.Path, SvhnSplit.Extra)).Message);
        File.WriteAllText(dir.Combine("extra_32x32.mat"), new string('x', 200));
        Assert.EndsWith("extra_32x32.mat: wrong magic: not a MATLAB MAT file",
            Assert.Throws<DataFormatException>(() => Svhn.Load(dir.Path, SvhnSplit.Extra)).Message);
        var bytes = File.ReadAllBytes(dir.Combine("test_32x32.mat"));
        File.WriteAllBytes(dir.Combine("extra_32x32.mat"), bytes.AsSpan(0, 2000).ToArray());
        Assert.Contains("truncated: element promises",
            Assert.Throws<DataFormatException>(() => Svhn.Load(dir.Path, SvhnSplit.Extra)).Message);
    }

    [Fact]
    public void ImageFolderSortsClassesOrdinallyDecodesPngAndConvertsGray()
    {
        using var dir = new TempFolder();
        var rgb = RandomBytes(3 * 5 * 4, 50);
        var gray = RandomBytes(5 * 4, 51);
        foreach (var name in new[] { "b", "a", "B", "10", "9" })
            WriteImage(dir.Combine("train", name, "x.png"), rgb, 3, 5, 4);
        WriteImage(dir.Combine("train", "a", "y.png"), gray, 1, 5, 4);
        WriteImage(dir.Combine("train", "b", "z.jpg"), rgb, 3, 5, 4, SkiaSharp.SKEncodedImageFormat.Jpeg);
        File.WriteAllText(dir.Combine("train", "b", "broken.png"), "not an image");
        File.WriteAllText(dir.Combine("train", "b", "notes.txt"), "ignored: not an image extension");

        var warnings = new List<string>();
        var folder = ImageFolder.Open(dir.Path, "train", warn: warnings.Add);
        Assert.Equal(["10", "9", "B", "a", "b"], folder.ClassNames);
        Assert.Equal(7, folder.Count);
        Assert.Single(folder.Skipped);
        Assert.Contains("skipped 1 undecodable image(s)", Assert.Single(warnings));
        Assert.Equal(rgb, folder.ReadImage(0).ToBytes());
        int grayIndex = Enumerable.Range(0, folder.Count).Single(i => folder.FilePath(i).EndsWith("y.png"));
        Assert.Equal(3, folder.Label(grayIndex));
        Assert.Equal([.. gray, .. gray, .. gray], folder.ReadImage(grayIndex).ToBytes());
        var jpeg = folder.ReadImage(Enumerable.Range(0, folder.Count).Single(i => folder.FilePath(i).EndsWith("z.jpg")));
        Assert.Equal((3, 5, 4), (jpeg.Channels, jpeg.Height, jpeg.Width));

        var single = ImageFolder.Open(dir.Path, "train", new ImageFolderOptions(Channels: 1));
        Assert.Equal(gray, single.ReadImage(grayIndex).ToBytes());

        Assert.EndsWith("broken.png: not a decodable image",
            Assert.Throws<DataFormatException>(() => ImageFolder.Open(dir.Path, "train",
                new ImageFolderOptions(Strict: true))).Message);
        Assert.Contains("split 'val' not found (folders present: train)",
            Assert.Throws<DataFormatException>(() => ImageFolder.Open(dir.Path, "val")).Message);
        // a PNG cut short passes the header scan but fails, naming the file, when the batch reads it
        var whole = File.ReadAllBytes(dir.Combine("train", "a", "x.png"));
        File.WriteAllBytes(dir.Combine("train", "a", "x.png"), whole.AsSpan(0, whole.Length / 2).ToArray());
        var cut = ImageFolder.Open(dir.Path, "train");
        int cutIndex = Enumerable.Range(0, cut.Count).Single(i => cut.FilePath(i).EndsWith(Path.Combine("a", "x.png")));
        Assert.Contains("x.png: cannot decode image",
            Assert.Throws<DataFormatException>(() => cut.ReadImage(cutIndex)).Message);
        Directory.CreateDirectory(dir.Combine("train", "empty"));
        Assert.Contains("empty: class folder has no decodable images",
            Assert.Throws<DataFormatException>(() => ImageFolder.Open(dir.Path, "train")).Message);
    }
}
