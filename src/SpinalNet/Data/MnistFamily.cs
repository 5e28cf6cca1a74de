// MNIST, Fashion-MNIST and KMNIST (docs/data.md §6): identical IDX layouts and file names
// (train-/t10k-{images-idx3,labels-idx1}-ubyte[.gz]), 28 × 28 grey images, 10 classes; the one loader of every
// MNIST-format folder, the embedded sample included.
namespace SpinalNet.Data;

/// <summary>The two splits of a data set.</summary>
public enum Split { Train, Test }

/// <summary>The data sets of the MNIST layout, which differ in class names.</summary>
public enum MnistVariant { Mnist, FashionMnist, Kmnist }

/// <summary>The loader of MNIST-format IDX folders, the embedded sample included.</summary>
public static class MnistFamily
{
    public const int Side = 28;

    /// <summary>The embedded sample: 8,000 train / 2,000 test real MNIST digits shipped beside the program.</summary>
    public static string EmbeddedSample => Path.Combine(AppContext.BaseDirectory, "data", "mnist-sample");

    public static LabelledImages Load(string folder, MnistVariant variant, Split split)
    {
        string prefix = split == Split.Train ? "train" : "t10k";
        return IdxImageFolder.Load(folder, $"{prefix}-images-idx3-ubyte", $"{prefix}-labels-idx1-ubyte",
            Names(variant), Side);
    }

    /// <summary>Both splits of an MNIST folder (the embedded sample when <paramref name="folder"/> is null) as
    /// normalised tensors.</summary>
    public static (InMemoryDataset Train, InMemoryDataset Test) LoadTensors(string? folder, ChannelNormalization normalization)
    {
        folder ??= EmbeddedSample;
        var train = Load(folder, MnistVariant.Mnist, Split.Train).ToImageDataset(normalization);
        try
        {
            return (train, Load(folder, MnistVariant.Mnist, Split.Test).ToImageDataset(normalization));
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    public static IReadOnlyList<string> Names(MnistVariant variant) => variant switch
    {
        MnistVariant.FashionMnist => ClassNames.FashionMnist,
        MnistVariant.Kmnist => ClassNames.Kmnist,
        _ => ClassNames.Digits(),
    };
}
