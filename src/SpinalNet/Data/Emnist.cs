// EMNIST (docs/data.md §6): the official archive gzip.zip holds gzip/emnist-<split>-{train,test}-{images-idx3,
// labels-idx1}-ubyte.gz for six splits. The stored images are transposed relative to MNIST (torchvision leaves them
// so, pytorch/vision#8783, and the authors trained on them); they are returned upright unless KeepStoredOrientation
// is set. The letters split stores labels 1..26 (a..z); they are mapped to 0..25 unless KeepLetterLabels is set, in
// which case there are 27 classes with an unused "N/A" class 0, as torchvision has it.
using System.IO.Compression;

namespace SpinalNet.Data;

/// <summary>The six EMNIST splits.</summary>
public enum EmnistSplit { ByClass, ByMerge, Balanced, Letters, Digits, Mnist }

/// <param name="KeepStoredOrientation">Return the images as stored (transposed), as the authors' scripts saw them.</param>
/// <param name="KeepLetterLabels">Keep the letters split's labels 1..26 (27 classes) instead of mapping to 0..25.</param>
public sealed record EmnistOptions(bool KeepStoredOrientation = false, bool KeepLetterLabels = false);

/// <summary>Reader of EMNIST from its official archive, images upright unless the stored orientation is asked
/// for.</summary>
public static class Emnist
{
    public const string ArchiveName = "gzip.zip";

    public static string FileStem(EmnistSplit split, Split part) =>
        $"emnist-{split.ToString().ToLowerInvariant()}-{(part == Split.Train ? "train" : "test")}";

    /// <summary>Reads one split from <paramref name="folder"/>: from gzip.zip if present, else from the extracted
    /// files (in the folder or its gzip/ subfolder, gzip-compressed or not).</summary>
    public static LabelledImages Load(string folder, EmnistSplit split, Split part, EmnistOptions? options = null)
    {
        options ??= new EmnistOptions();
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "data folder not found");
        string stem = FileStem(split, part);
        string archive = Path.Combine(folder, ArchiveName);
        LabelledImages set;
        var names = Names(split, options);
        if (File.Exists(archive))
        {
            using var zip = OpenArchive(archive);
            var images = ReadEntry(zip, archive, $"{stem}-images-idx3-ubyte.gz", 3);
            var labels = ReadEntry(zip, archive, $"{stem}-labels-idx1-ubyte.gz", 1);
            set = Build(images, $"{archive}:{stem}-images", labels.Data, $"{archive}:{stem}-labels", split, options, names);
        }
        else
        {
            string extracted = Directory.Exists(Path.Combine(folder, "gzip")) ? Path.Combine(folder, "gzip") : folder;
            string imagesPath = IdxImageFolder.Find(extracted, $"{stem}-images-idx3-ubyte");
            string labelsPath = IdxImageFolder.Find(extracted, $"{stem}-labels-idx1-ubyte");
            set = Build(IdxFile.Read(imagesPath, 3), imagesPath, IdxFile.Read(labelsPath, 1).Data, labelsPath, split,
                options, names);
        }
        return set;
    }

    public static IReadOnlyList<string> Names(EmnistSplit split, EmnistOptions options)
    {
        const string upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", lower = "abcdefghijklmnopqrstuvwxyz", merged = "abdefghnqrt";
        static string[] Chars(string s) => s.Select(c => c.ToString()).ToArray();
        return split switch
        {
            EmnistSplit.ByClass => [.. ClassNames.Digits(), .. Chars(upper), .. Chars(lower)],
            EmnistSplit.ByMerge or EmnistSplit.Balanced => [.. ClassNames.Digits(), .. Chars(upper), .. Chars(merged)],
            EmnistSplit.Letters => options.KeepLetterLabels ? ["N/A", .. Chars(lower)] : Chars(lower),
            _ => ClassNames.Digits(),
        };
    }

    static LabelledImages Build(IdxArray images, string imagesName, byte[] labelBytes, string labelsName,
        EmnistSplit split, EmnistOptions options, IReadOnlyList<string> names)
    {
        var labels = labelBytes.Select(b => (int)b).ToArray();
        if (split == EmnistSplit.Letters && !options.KeepLetterLabels)
        {
            int zero = Array.IndexOf(labels, 0);
            if (zero >= 0) throw new DataFormatException(labelsName, $"letters label 0 at index {zero} (expected 1..26)");
            for (int i = 0; i < labels.Length; i++) labels[i]--;
        }
        var set = IdxImageFolder.Combine(images, imagesName, labels, labelsName, names);
        if (!options.KeepStoredOrientation)
        {
            if (set.Height != set.Width)
                throw new DataFormatException(imagesName, $"images are {set.Height} x {set.Width}, cannot transpose");
            LabelledImages.TransposePlanes(set.Pixels, set.Count, set.Height);
        }
        return set;
    }

    static ZipArchive OpenArchive(string path)
    {
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"not a readable zip archive ({e.Message})");
        }
    }

    static IdxArray ReadEntry(ZipArchive zip, string archive, string name, int dimensions)
    {
        var entry = zip.Entries.FirstOrDefault(e => e.FullName == $"gzip/{name}" || e.FullName == name)
                    ?? throw new DataFormatException(archive, $"has no entry gzip/{name} (missing split)");
        using var stream = entry.Open();
        return IdxFile.Read(stream, $"{archive}:{entry.FullName}", gzip: true, dimensions);
    }
}
