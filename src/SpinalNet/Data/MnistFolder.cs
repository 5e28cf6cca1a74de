// The MNIST file layout (reference §6): a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally ending in .gz. Pixels are scaled by 1/255 then
// normalised with the data set's mean and standard deviation, as torchvision's ToTensor + Normalize do.
using TorchSharp;
using static TorchSharp.torch;

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
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "data folder not found");
        string prefix = split == Split.Train ? "train" : "t10k";
        string imagesPath = Find(folder, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Find(folder, $"{prefix}-labels-idx1-ubyte");

        var images = IdxFile.Read(imagesPath, 3);
        var labels = IdxFile.Read(labelsPath, 1);
        if (images.Dimensions[1] != Side || images.Dimensions[2] != Side)
            throw new DataFormatException(imagesPath,
                $"unexpected image size {images.Dimensions[1]} x {images.Dimensions[2]} (expected {Side} x {Side})");
        if (images.Count != labels.Count)
            throw new DataFormatException(labelsPath,
                $"{labels.Count} labels but {images.Count} images in {Path.GetFileName(imagesPath)}");
        int bad = Array.FindIndex(labels.Data, l => l >= classes);
        if (bad >= 0)
            throw new DataFormatException(labelsPath, $"label {labels.Data[bad]} at index {bad} is not below {classes}");

        var pixels = torch.tensor(images.Data, [images.Count, 1, Side, Side], dtype: ScalarType.Byte);
        var x = pixels.to_type(ScalarType.Float32).div_(255).sub_(normalization.Mean).div_(normalization.Std);
        pixels.Dispose();
        var y = torch.tensor(labels.Data, dtype: ScalarType.Byte).to_type(ScalarType.Int64);
        return new ImageDataset(x, y, classes, imagesPath);
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

    static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new DataFormatException(Path.Combine(folder, name + "[.gz]"), "file not found");
    }
}
