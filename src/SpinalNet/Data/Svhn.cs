// SVHN, cropped digits (docs/data.md §6): train_32x32.mat, test_32x32.mat, extra_32x32.mat, MATLAB level-5 files with
// X = uint8 [32, 32, 3, N] (MATLAB column-major: row fastest, then column, channel, image) and y = [N, 1] where the
// digit 0 is labelled 10 (mapped to 0, as torchvision does).
namespace SpinalNet.Data;

/// <summary>The SVHN splits.</summary>
public enum SvhnSplit { Train, Test, Extra }

/// <summary>Reader of SVHN's cropped digits (MAT files), label 10 read as 0.</summary>
public static class Svhn
{
    public const int Side = 32;

    public static string FileName(SvhnSplit split) => $"{split.ToString().ToLowerInvariant()}_32x32.mat";

    public static LabelledImages Load(string folder, SvhnSplit split)
    {
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "data folder not found");
        string path = Path.Combine(folder, FileName(split));
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found (missing split)");
        var arrays = MatFile.Read(path);
        var x = arrays.GetValueOrDefault("X") ?? throw new DataFormatException(path, "has no variable X");
        var y = arrays.GetValueOrDefault("y") ?? throw new DataFormatException(path, "has no variable y");
        if (x.Dimensions.Length != 4 || x.Dimensions[0] != Side || x.Dimensions[1] != Side || x.Dimensions[2] != 3)
            throw new DataFormatException(path,
                $"X is {string.Join(" x ", x.Dimensions)} (expected {Side} x {Side} x 3 x N)");
        int count = x.Dimensions[3];
        var values = y.ToDoubles(path);
        if (values.Length != count) throw new DataFormatException(path, $"{values.Length} labels but {count} images");
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (values[i] < 1 || values[i] > 10 || values[i] != Math.Floor(values[i]))
                throw new DataFormatException(path, $"label {values[i]} at index {i} is not in 1..10");
            labels[i] = (int)values[i] % 10;
        }
        var pixels = x.AsBytes(path);
        LabelledImages.TransposePlanes(pixels, 3 * count, Side);
        return new LabelledImages(pixels, labels, 3, Side, Side, ClassNames.Digits(), path);
    }
}
