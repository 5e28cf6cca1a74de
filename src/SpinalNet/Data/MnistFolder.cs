// The MNIST file layout (reference §6): a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally ending in .gz. Pixels are scaled by 1/255 then
// normalised with the data set's mean and standard deviation, as torchvision's ToTensor + Normalize do.
namespace SpinalNet.Data;

public enum Split { Train, Test }

/// <summary>Per-channel normalisation: x ← (x/255 − mean) / std.</summary>
public sealed record Normalization(double Mean, double Std)
{
    public static readonly Normalization Mnist = new(0.1307, 0.3081);
}

public static class MnistFolder
{
    public const int Side = 28;

    /// <summary>The embedded sample: 8,000 train / 2,000 test real MNIST digits shipped beside the program.</summary>
    public static string EmbeddedSample => Path.Combine(AppContext.BaseDirectory, "data", "mnist-sample");

    public static ImageDataset Load(string folder, Split split, Normalization normalization, int classes = 10)
    {
        string prefix = split == Split.Train ? "train" : "t10k";
        var set = IdxImageFolder.Load(folder, $"{prefix}-images-idx3-ubyte", $"{prefix}-labels-idx1-ubyte",
            ClassNames.Digits(classes), Side);
        return set.ToImageDataset(normalization);
    }

    /// <summary>Both splits of a folder, or of the embedded sample when <paramref name="folder"/> is null.</summary>
    public static (ImageDataset Train, ImageDataset Test) LoadTrainTest(string? folder, Normalization normalization)
    {
        folder ??= EmbeddedSample;
        var train = Load(folder, Split.Train, normalization);
        try
        {
            return (train, Load(folder, Split.Test, normalization));
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }
}
