// The data sets the paper uses (docs/data.md §6): where each comes from (official URL, a fallback mirror where
// torchvision keeps one, the published MD5), how it lies under the data root, its splits and sizes, classes,
// image shape, the normalisation the authors' scripts apply, and the loader that reads one split. Sets distributed
// only through Kaggle have no download (an account is needed) and name their source instead.
//
// The one place a data name gets its meaning (Open): "embedded" (the sample shipped with the program), a known set's
// name, a folder of MNIST-format IDX files, or a folder of image folders train/ and test/ (or val/, valid/) with one
// subfolder per class (docs/fine-tuning.md §13.3), told apart by what the folder holds.
namespace SpinalNet.Data;

/// <summary>One file to fetch: its name under the set's folder, its URLs (official first, then mirrors), its
/// published checksum (32 hex digits: MD5; 64: SHA-256), and whether it is an archive to unpack.</summary>
public sealed record RemoteFile(string Name, string[] Urls, string Checksum, bool Extract = false);

/// <summary>The on-disk formats the data sets come in.</summary>
public enum DataFormat { Idx, Qmnist, Emnist, CifarBinary, Stl10Binary, SvhnMat, ImageFolder }

/// <summary>One split to read: the set's folder, the split's name (as the catalogue lists it), who hears of skipped
/// files, and whether an undecodable image is an error instead.</summary>
public sealed record SplitRequest(string Folder, string Split, Action<string>? Warn = null, bool Strict = false)
{
    /// <summary>The split as the binary formats name it: train, or test for every other split.</summary>
    public Split Part => Split.Equals("train", StringComparison.OrdinalIgnoreCase) ? Data.Split.Train : Data.Split.Test;
}

/// <param name="Folder">Folder under the data root.</param>
/// <param name="Sizes">Images per split, in the order splits are listed; null where the source does not fix it.</param>
/// <param name="Marker">Files (relative to the folder) whose presence means the set is in place; a ".gz" suffix
/// also accepts the unpacked file.</param>
/// <param name="ManualSource">Where to get a set that cannot be downloaded here.</param>
/// <param name="Load">Reads one split.</param>
/// <param name="Pipeline">The augmentation pipeline (docs/experiments.md §3) the paper's scripts train this set
/// with.</param>
public sealed record DatasetInfo(
    string Name, string Description, DataFormat Format, string Folder, int Classes, int Channels, int Side,
    IReadOnlyList<(string Split, int? Size)> Sizes, ChannelNormalization Normalization,
    IReadOnlyList<RemoteFile> Files, IReadOnlyList<string> Marker, Func<SplitRequest, ISampleSource> Load,
    string? ManualSource = null, string Pipeline = "mnist-arch2")
{
    public string Path(string root) => System.IO.Path.Combine(root, Folder);

    /// <summary>True when every marker exists in the set's folder (for image folders: or in one folder inside it,
    /// as archives such as fruits-360/ or car_data/ unpack).</summary>
    public bool IsPresent(string root)
    {
        string folder = Path(root);
        var candidates = Format == DataFormat.ImageFolder && Directory.Exists(folder)
            ? [folder, .. Directory.GetDirectories(folder)]
            : new[] { folder };
        return candidates.Any(c => Marker.All(m =>
        {
            var p = System.IO.Path.Combine(c, m);
            return File.Exists(p) || Directory.Exists(p) || (m.EndsWith(".gz") && File.Exists(p[..^3]));
        }));
    }

    public IEnumerable<string> Splits => Sizes.Select(s => s.Split);
}

/// <summary>The known data sets: sources, layout under the data root, splits, classes, and what a data name
/// means.</summary>
public static class DatasetCatalog
{
    public const string RootVariable = "SPINALNET_DATA";

    /// <summary>The data name of the sample shipped with the program (8,000 train / 2,000 test MNIST digits).</summary>
    public const string Embedded = "embedded";

    /// <summary>The data root: $SPINALNET_DATA, else ./data.</summary>
    public static string DefaultRoot =>
        Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root ? root : "data";

    static RemoteFile[] Idx(string[] bases, params (string Name, string Md5)[] files) =>
        files.Select(f => new RemoteFile(f.Name, bases.Select(b => b + f.Name).ToArray(), f.Md5)).ToArray();

    static readonly string[] MnistFiles =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    static readonly (string, int?)[] TrainTest60k = [("train", 60_000), ("test", 10_000)];

    /// <summary>An EMNIST split; <paramref name="stored"/>: the "-stored" variant keeps the stored (transposed)
    /// orientation the authors' torchvision runs trained on.</summary>
    static DatasetInfo Emnist(EmnistSplit split, int classes, int train, int test, bool stored = false)
    {
        string name = split.ToString().ToLowerInvariant();
        return new(
            $"emnist-{name}{(stored ? "-stored" : "")}",
            $"EMNIST {name} split, " +
            (stored ? "as stored (transposed), as the authors' scripts saw it" : "upright (stored transposed)") +
            (split == EmnistSplit.Letters ? "; labels 1..26 mapped to 0..25" : ""),
            DataFormat.Emnist, "emnist", classes, 1, 28, [("train", train), ("test", test)], ChannelNormalization.Mnist,
            [new(Data.Emnist.ArchiveName, ["https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"],
                "58c8d27c78d21e728a6bc7b3cc06412e")],
            [Data.Emnist.ArchiveName],
            r => Data.Emnist.Load(r.Folder, split, r.Part, new EmnistOptions(KeepStoredOrientation: stored)));
    }

    static DatasetInfo Folder(string name, string description, string folder, int classes, int side,
        (string, int?)[] sizes, ChannelNormalization normalization, string source, RemoteFile[]? files = null,
        string? pipeline = null) =>
        new(name, description, DataFormat.ImageFolder, folder, classes, 3, side, sizes, normalization, files ?? [],
            [sizes[0].Item1],
            r => ImageFolder.Open(ImageFolderRoot(r.Folder, sizes[0].Item1), r.Split,
                new ImageFolderOptions(3, r.Strict), r.Warn),
            files is null ? source : null, Pipeline: pipeline ?? $"tl-{name}");

    public static readonly IReadOnlyList<DatasetInfo> All =
    [
        // The sample shipped beside the program: its folder is absolute, so it lies there whatever the data root.
        new(Embedded, "8,000 train / 2,000 test real MNIST digits shipped with the program", DataFormat.Idx,
            MnistFamily.EmbeddedSample, 10, 1, 28, [("train", 8_000), ("test", 2_000)], ChannelNormalization.Mnist, [],
            MnistFiles, Mnist(MnistVariant.Mnist), ManualSource: "the program's own data/mnist-sample folder",
            Pipeline: "mnist"),
        new("mnist", "MNIST handwritten digits", DataFormat.Idx, "mnist", 10, 1, 28, TrainTest60k,
            ChannelNormalization.Mnist,
            Idx(["http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"],
                (MnistFiles[0], "f68b3c2dcbeaaa9fbdd348bbdeb94873"), (MnistFiles[1], "d53e105ee54ea40749a09fcbcd1e9432"),
                (MnistFiles[2], "9fb629c4189551a2d022fa330f9573f3"), (MnistFiles[3], "ec29112dd5afa0611ce80d1b7f02629c")),
            MnistFiles, Mnist(MnistVariant.Mnist)),
        new("fashion-mnist", "Fashion-MNIST (Zalando) clothing images; the scripts normalise with (0.5, 0.5)",
            DataFormat.Idx, "fashion-mnist", 10, 1, 28, TrainTest60k, ChannelNormalization.Half,
            Idx(["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
                (MnistFiles[0], "8d4fb7e6c68d591d4c3dfef9ec88bf0d"), (MnistFiles[1], "25c81989df183df01b3e8a0aad5dffbe"),
                (MnistFiles[2], "bef4ecab320f06d8554ea6380940ec79"), (MnistFiles[3], "bb300cfdad3c16e7a12a480ee83cd310")),
            MnistFiles, Mnist(MnistVariant.FashionMnist), Pipeline: "fashion-arch2"),
        new("kmnist", "Kuzushiji-MNIST cursive Japanese characters", DataFormat.Idx, "kmnist", 10, 1, 28, TrainTest60k,
            ChannelNormalization.Mnist,
            Idx(["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"],
                (MnistFiles[0], "bdb82020997e1d708af4cf47b453dcf7"), (MnistFiles[1], "e144d726b3acfaa3e44228e80efcd344"),
                (MnistFiles[2], "5c965bf0a639b31b8f53240b1b52f4d7"), (MnistFiles[3], "7320c461ea6c1c855c0b718fb2a4b134")),
            MnistFiles, Mnist(MnistVariant.Kmnist)),
        new("qmnist", "QMNIST; test = all 60,000 test images as torchvision (test10k: MNIST-compatible subset)",
            DataFormat.Qmnist, "qmnist", 10, 1, 28, [("train", 60_000), ("test", 60_000), ("test10k", 10_000),
                ("test50k", 50_000)], ChannelNormalization.Mnist,
            Idx(["https://raw.githubusercontent.com/facebookresearch/qmnist/master/"],
                ("qmnist-train-images-idx3-ubyte.gz", "ed72d4157d28c017586c42bc6afe6370"),
                ("qmnist-train-labels-idx2-int.gz", "0058f8dd561b90ffdd0f734c6a30e5e4"),
                ("qmnist-test-images-idx3-ubyte.gz", "1394631089c404de565df7b7aeaf9412"),
                ("qmnist-test-labels-idx2-int.gz", "5b5b05890a5e13444e108efe57b788aa")),
            ["qmnist-train-images-idx3-ubyte.gz", "qmnist-test-images-idx3-ubyte.gz"],
            r => Qmnist.Load(r.Folder, Enum.Parse<QmnistSplit>(r.Split, ignoreCase: true))),
        Emnist(EmnistSplit.ByClass, 62, 697_932, 116_323),
        Emnist(EmnistSplit.ByMerge, 47, 697_932, 116_323),
        Emnist(EmnistSplit.Balanced, 47, 112_800, 18_800),
        Emnist(EmnistSplit.Letters, 26, 124_800, 20_800),
        Emnist(EmnistSplit.Digits, 10, 240_000, 40_000),
        Emnist(EmnistSplit.Mnist, 10, 60_000, 10_000),
        Emnist(EmnistSplit.Balanced, 47, 112_800, 18_800, stored: true),
        Emnist(EmnistSplit.Letters, 26, 124_800, 20_800, stored: true),
        Emnist(EmnistSplit.Digits, 10, 240_000, 40_000, stored: true),
        new("cifar10", "CIFAR-10, binary release", DataFormat.CifarBinary, "cifar10", 10, 3, 32,
            [("train", 50_000), ("test", 10_000)], ChannelNormalization.Cifar,
            [new("cifar-10-binary.tar.gz", ["https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"],
                "c32a1d4ab5d03f1284b67883e8d87530", Extract: true)],
            [$"{CifarBinary.Cifar10Folder}/test_batch.bin"], r => CifarBinary.LoadCifar10(r.Folder, r.Part),
            Pipeline: "cifar-resnet"),
        new("cifar100", "CIFAR-100, binary release, fine labels (coarse: 20 superclasses)", DataFormat.CifarBinary,
            "cifar100", 100, 3, 32, [("train", 50_000), ("test", 10_000)], ChannelNormalization.Cifar,
            [new("cifar-100-binary.tar.gz", ["https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"],
                "03b5dce01913d631647c71ecec9e9cb8", Extract: true)],
            [$"{CifarBinary.Cifar100Folder}/test.bin"], r => CifarBinary.LoadCifar100(r.Folder, r.Part),
            Pipeline: "cifar-resnet"),
        new("stl10", "STL-10, binary release, upright; unlabeled split streamed from disk", DataFormat.Stl10Binary,
            "stl10", 10, 3, 96, [("train", 5_000), ("test", 8_000), ("unlabeled", 100_000)], ChannelNormalization.Cifar,
            [new("stl10_binary.tar.gz", ["http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"],
                "91f7769df0f17e558f3565bffb0c7dfb", Extract: true)],
            [$"{Stl10Binary.ReleaseFolder}/test_X.bin"],
            r => r.Split.Equals("unlabeled", StringComparison.OrdinalIgnoreCase)
                ? Stl10Binary.OpenUnlabeled(r.Folder)
                : Stl10Binary.Load(r.Folder, r.Part),
            Pipeline: "tl-stl10"),
        new("svhn", "SVHN cropped digits (MATLAB .mat), label 10 mapped to 0", DataFormat.SvhnMat, "svhn", 10, 3, 32,
            [("train", 73_257), ("test", 26_032), ("extra", 531_131)], ChannelNormalization.Cifar,
            [new("train_32x32.mat", ["http://ufldl.stanford.edu/housenumbers/train_32x32.mat"],
                    "e26dedcc434d2e4c54c9b2d4a06d8373"),
                new("test_32x32.mat", ["http://ufldl.stanford.edu/housenumbers/test_32x32.mat"],
                    "eb5a983be6a315427106f1b164d9cef3"),
                new("extra_32x32.mat", ["http://ufldl.stanford.edu/housenumbers/extra_32x32.mat"],
                    "a93ce644f1a588dc4d68dda5feec44a7")],
            ["train_32x32.mat", "test_32x32.mat"], r => Svhn.Load(r.Folder, Enum.Parse<SvhnSplit>(r.Split, ignoreCase: true)),
            Pipeline: "tl-svhn"),
        Folder("cinic10", "CINIC-10 PNG folders (CIFAR-10 + downsampled ImageNet)", "cinic10", 10, 32,
            [("train", 90_000), ("valid", 90_000), ("test", 90_000)], ChannelNormalization.Cinic10,
            "https://datashare.ed.ac.uk/handle/10283/3192",
            [new("CINIC-10.tar.gz", ["https://datashare.is.ed.ac.uk/bitstream/handle/10283/3192/CINIC-10.tar.gz"],
                "6ee4d0c996905fe93221de577967a372", Extract: true)]),
        Folder("fruits360", "Fruits 360 (Kaggle moltean/fruits), folders Training/ and Test/", "fruits360", 131, 100,
            [("Training", 67_692), ("Test", 22_688)], ChannelNormalization.Cifar,
            "https://www.kaggle.com/datasets/moltean/fruits (fruits-360/Training, fruits-360/Test)"),
        Folder("bird225", "225 bird species (Kaggle gpiosenka/100-bird-species v30)", "bird225", 225, 224,
            [("train", null), ("valid", null), ("test", null)], ChannelNormalization.Cifar,
            "https://www.kaggle.com/datasets/gpiosenka/100-bird-species (version 30)"),
        Folder("caltech101", "Caltech-101 (Kaggle huangruichu/caltech101 v2)", "caltech101", 101, 224,
            [("train", null), ("eval", null), ("test", null)], ChannelNormalization.Cifar,
            "https://www.kaggle.com/datasets/huangruichu/caltech101"),
        Folder("stanford-cars", "Stanford Cars by class folder (Kaggle jutrera)", "stanford-cars", 196, 448,
            [("train", 8_144), ("test", 8_041)], ChannelNormalization.Cifar,
            "https://www.kaggle.com/datasets/jutrera/stanford-car-dataset-by-classes-folder (car_data/train, car_data/test)"),
        Folder("oxford102", "Oxford 102 flowers (Kaggle oxford-102-flower-pytorch), folders \"1\"..\"102\"", "oxford102",
            102, 448, [("train", 6_552), ("valid", 818)], ChannelNormalization.Cifar,
            "https://www.kaggle.com/datasets/nunenuh/pytorch-challange-flower-dataset (flower_data.zip)"),
        Folder("monkey10", "10 Monkey Species (Kaggle slothkong/10-monkey-species), folders training/training and " +
                           "validation/validation", "monkey10", 10, 300,
            [("training/training", null), ("validation/validation", null)], ChannelNormalization.Cifar,
            "https://www.kaggle.com/datasets/slothkong/10-monkey-species", pipeline: "nb-monkey"),
        Folder("hymenoptera", "Ants and bees of the PyTorch transfer-learning tutorial", "hymenoptera", 2, 224,
            [("train", 244), ("val", 153)], ChannelNormalization.ImageNet,
            "https://download.pytorch.org/tutorial/hymenoptera_data.zip (no published checksum: place by hand)"),
    ];

    static Func<SplitRequest, ISampleSource> Mnist(MnistVariant variant) =>
        r => MnistFamily.Load(r.Folder, variant, r.Part);

    /// <summary>The known set of that name (any case), or null.</summary>
    public static DatasetInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    public static DatasetInfo Get(string name) => Find(name) ?? throw new ArgumentException(
        NearestName.Unknown("data set", name, All.Select(d => d.Name), "known"));

    /// <summary>One split of a known set as a sample source: in memory for the binary formats, streamed from disk
    /// for image folders and STL-10's unlabeled split.</summary>
    public static ISampleSource Open(DatasetInfo info, string root, string split, Action<string>? warn = null,
        bool strict = false)
    {
        string? known = info.Splits.FirstOrDefault(s => s.Equals(split, StringComparison.OrdinalIgnoreCase));
        if (known is null)
            throw new ArgumentException(
                $"{info.Name} has no split '{split}' (splits: {string.Join(", ", info.Splits)})", "Split");
        return info.Load(new SplitRequest(info.Path(root), known, warn, strict));
    }

    /// <summary>The training and test splits a data name means: <see cref="Embedded"/>, a known set under
    /// <paramref name="root"/> (null: <see cref="DefaultRoot"/>), a folder of MNIST-format IDX files, or a folder of
    /// image folders (train/ and test/, val/ or valid/, each with one subfolder per class).
    /// <paramref name="warn"/> hears of skipped files.</summary>
    public static (ISampleSource Train, ISampleSource Test) OpenTrainTest(string data, string? root = null,
        Action<string>? warn = null) =>
        (OpenSplit(data, root, Split.Train, warn), OpenSplit(data, root, Split.Test, warn));

    /// <summary>One split of what a data name means, as <see cref="OpenTrainTest"/> reads it: the training split (a
    /// set's first), or the test split (its "test" split, else its second); the other split is not read.</summary>
    public static ISampleSource OpenSplit(string data, string? root, Split part, Action<string>? warn = null)
    {
        if (Find(data) is { } info)
        {
            root ??= DefaultRoot;
            if (!info.IsPresent(root))
                throw new DataFormatException(info.Path(root),
                    $"{info.Name} is not there; fetch it with `spinalnet data download {info.Name} --data-root {root}`" +
                    (info.ManualSource is null ? "" : $" or place it by hand from {info.ManualSource}") +
                    (info is { Channels: 1, Side: 28 } ? $", or train on the shipped sample with --data {Embedded}" : ""));
            var splits = info.Splits.ToList();
            string split = part == Split.Train
                ? splits[0]
                : splits.FirstOrDefault(s => s.Equals("test", StringComparison.OrdinalIgnoreCase)) ?? splits[1];
            return Open(info, root, split, warn);
        }
        if (!Directory.Exists(data))
            throw new DataFormatException(data,
                $"neither a folder nor a known data set (known: {string.Join(", ", All.Select(d => d.Name))})" +
                NearestName.Suggestion(data, All.Select(d => d.Name)));
        bool folders = Directory.Exists(System.IO.Path.Combine(data, "train"));
        string? test = FolderTestSplits.FirstOrDefault(s => Directory.Exists(System.IO.Path.Combine(data, s)));
        if (folders && test is not null)
            return ImageFolder.Open(data, part == Split.Train ? "train" : test, new ImageFolderOptions(), warn);
        if (!folders && MnistFiles.Any(f => File.Exists(System.IO.Path.Combine(data, f)) ||
                                            File.Exists(System.IO.Path.Combine(data, f[..^3]))))
            return MnistFamily.Load(data, MnistVariant.Mnist, part);
        throw new DataFormatException(data, "holds neither image folders (train/ and " +
            $"{string.Join(" or ", FolderTestSplits.Select(s => s + "/"))}, one subfolder per class) nor MNIST-format " +
            $"IDX files ({string.Join(", ", MnistFiles)}, .gz optional)");
    }

    /// <summary>The folders a folder of image folders may hold its test split in, in order of preference.</summary>
    public static readonly string[] FolderTestSplits = ["test", "val", "valid"];

    /// <summary>The folder holding the splits: the set's folder, or the one folder inside it that does (archives
    /// often unpack into a subfolder such as fruits-360/ or car_data/).</summary>
    static string ImageFolderRoot(string folder, string firstSplit)
    {
        if (!Directory.Exists(folder) || Directory.Exists(System.IO.Path.Combine(folder, firstSplit))) return folder;
        var inner = Directory.GetDirectories(folder)
            .FirstOrDefault(d => Directory.Exists(System.IO.Path.Combine(d, firstSplit)));
        return inner ?? folder;
    }
}
