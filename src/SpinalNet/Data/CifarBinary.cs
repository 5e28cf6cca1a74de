// CIFAR-10 and CIFAR-100, binary release (docs/data.md §6). CIFAR-10: data_batch_1..5.bin and test_batch.bin, records
// of 1 label byte + 3072 pixel bytes (R plane, G plane, B plane, each 32 x 32 row-major), class names in
// batches.meta.txt. CIFAR-100: train.bin and test.bin, records of coarse byte, fine byte, 3072 pixel bytes, names in
// coarse_label_names.txt / fine_label_names.txt. The scripts train on the fine labels.
namespace SpinalNet.Data;

/// <summary>Which labels of CIFAR-100 to read: the 100 fine or the 20 coarse classes.</summary>
public enum CifarLabels { Fine, Coarse }

/// <summary>Reader of the CIFAR-10 and CIFAR-100 binary releases.</summary>
public static class CifarBinary
{
    public const int Side = 32;
    public const int ImageBytes = 3 * Side * Side;
    public const string Cifar10Folder = "cifar-10-batches-bin";
    public const string Cifar100Folder = "cifar-100-binary";

    public static LabelledImages LoadCifar10(string folder, Split split)
    {
        folder = Resolve(folder, Cifar10Folder);
        var names = ClassNames.FromFile(Path.Combine(folder, "batches.meta.txt"), ClassNames.Cifar10);
        var files = split == Split.Train
            ? Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray()
            : ["test_batch.bin"];
        var parts = files.Select(f => ReadRecords(Path.Combine(folder, f), labelBytes: 1, labelIndex: 0, names))
            .ToList();
        return parts.Count == 1 ? parts[0] : LabelledImages.Concat(parts, folder);
    }

    public static LabelledImages LoadCifar100(string folder, Split split, CifarLabels labels = CifarLabels.Fine)
    {
        folder = Resolve(folder, Cifar100Folder);
        string kind = labels == CifarLabels.Fine ? "fine" : "coarse";
        var fallback = ClassNames.Digits(labels == CifarLabels.Fine ? 100 : 20);
        var names = ClassNames.FromFile(Path.Combine(folder, $"{kind}_label_names.txt"), fallback);
        return ReadRecords(Path.Combine(folder, split == Split.Train ? "train.bin" : "test.bin"), labelBytes: 2,
            labelIndex: labels == CifarLabels.Fine ? 1 : 0, names);
    }

    /// <summary>The release's own subfolder when <paramref name="folder"/> holds it, else the folder itself.</summary>
    static string Resolve(string folder, string release)
    {
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "data folder not found");
        var inner = Path.Combine(folder, release);
        return Directory.Exists(inner) ? inner : folder;
    }

    static LabelledImages ReadRecords(string path, int labelBytes, int labelIndex, IReadOnlyList<string> names)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found (missing split)");
        var bytes = File.ReadAllBytes(path);
        int record = labelBytes + ImageBytes;
        if (bytes.Length == 0 || bytes.Length % record != 0)
            throw new DataFormatException(path,
                $"truncated or wrong format: {bytes.Length} bytes is not a whole number of {record}-byte records");
        int count = bytes.Length / record;
        var pixels = new byte[(long)count * ImageBytes];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = bytes[i * record + labelIndex];
            Array.Copy(bytes, i * record + labelBytes, pixels, (long)i * ImageBytes, ImageBytes);
        }
        IdxImageFolder.CheckLabels(labels, names.Count, path);
        return new LabelledImages(pixels, labels, 3, Side, Side, names, path);
    }
}
