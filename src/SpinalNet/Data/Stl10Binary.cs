// STL-10, binary release (docs/data.md §6): stl10_binary/{train,test,unlabeled}_X.bin hold 3 x 96 x 96 unsigned-byte
// images stored channel by channel and column-major inside each channel (transposed here to row-major, upright);
// {train,test}_y.bin hold one label byte per image, 1..10 (mapped to 0..9 as torchvision does). The unlabeled split
// (100,000 images, 2.7 GB) is not loaded into memory: it is read image by image from the file.
using Microsoft.Win32.SafeHandles;

namespace SpinalNet.Data;

/// <summary>The STL-10 splits.</summary>
public enum Stl10Split { Train, Test, Unlabeled }

/// <summary>Reader of the STL-10 binary release, images upright.</summary>
public static class Stl10Binary
{
    public const int Side = 96;
    public const int ImageBytes = 3 * Side * Side;
    public const string ReleaseFolder = "stl10_binary";

    public static string Resolve(string folder)
    {
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "data folder not found");
        var inner = Path.Combine(folder, ReleaseFolder);
        return Directory.Exists(inner) ? inner : folder;
    }

    public static IReadOnlyList<string> Names(string folder) =>
        ClassNames.FromFile(Path.Combine(Resolve(folder), "class_names.txt"), ClassNames.Stl10);

    /// <summary>The train or test split in memory, upright, labels 0..9.</summary>
    public static LabelledImages Load(string folder, Split split)
    {
        folder = Resolve(folder);
        string what = split == Split.Train ? "train" : "test";
        string imagesPath = Path.Combine(folder, $"{what}_X.bin"), labelsPath = Path.Combine(folder, $"{what}_y.bin");
        int count = CountImages(imagesPath);
        if (!File.Exists(labelsPath)) throw new DataFormatException(labelsPath, "file not found (missing split)");
        var labelBytes = File.ReadAllBytes(labelsPath);
        if (labelBytes.Length != count)
            throw new DataFormatException(labelsPath, $"{labelBytes.Length} labels but {count} images in {what}_X.bin");
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (labelBytes[i] < 1 || labelBytes[i] > 10)
                throw new DataFormatException(labelsPath, $"label {labelBytes[i]} at index {i} is not in 1..10");
            labels[i] = labelBytes[i] - 1;
        }
        var pixels = File.ReadAllBytes(imagesPath);
        LabelledImages.TransposePlanes(pixels, 3 * count, Side);
        return new LabelledImages(pixels, labels, 3, Side, Side, Names(folder), imagesPath);
    }

    /// <summary>The unlabeled split, streamed from disk (labels −1).</summary>
    public static Stl10Unlabeled OpenUnlabeled(string folder)
    {
        var names = Names(folder);
        string path = Path.Combine(Resolve(folder), "unlabeled_X.bin");
        return new Stl10Unlabeled(path, CountImages(path), names);
    }

    static int CountImages(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found (missing split)");
        long length = new FileInfo(path).Length;
        if (length == 0 || length % ImageBytes != 0)
            throw new DataFormatException(path,
                $"truncated or wrong format: {length} bytes is not a whole number of {ImageBytes}-byte images");
        return checked((int)(length / ImageBytes));
    }
}

/// <summary>STL-10's unlabeled images, each read from the file when asked for (positional reads: thread-safe).</summary>
public sealed class Stl10Unlabeled(string path, int count, IReadOnlyList<string> classNames) : ISampleSource, IDisposable
{
    readonly SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read,
        FileOptions.RandomAccess);

    public int Count => count;
    public IReadOnlyList<string> ClassNames => classNames;
    public string Source => path;
    public int Label(int index) => -1;

    public Image ReadImage(int index)
    {
        var bytes = new byte[Stl10Binary.ImageBytes];
        int read = RandomAccess.Read(file, bytes, (long)index * Stl10Binary.ImageBytes);
        if (read != bytes.Length) throw new DataFormatException(path, $"truncated at image {index}");
        LabelledImages.TransposePlanes(bytes, 3, Stl10Binary.Side);
        return Image.FromBytes(bytes, 3, Stl10Binary.Side, Stl10Binary.Side);
    }

    public void Dispose() => file.Dispose();
}
