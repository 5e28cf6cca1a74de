// Image folders as torchvision's ImageFolder reads them (docs/experiments.md §3.4, docs/data.md §6):
// root/<split>/<class>/<image>, class index = position of the folder name in the ordinal (code-point) sort of all class
// folders, files sorted the same way, images converted to RGB (or gray when the network wants 1 channel). Used by
// Fruits 360, Bird-225, Caltech-101, Stanford Cars, Oxford-102 (folders "1".."102" sort as strings: 1, 10, 100, ...),
// CINIC-10, hymenoptera and any user data. Images are decoded when read, so the set never has to fit in memory. Files
// whose header no decoder recognises are skipped and counted (or rejected with Strict); an image beyond the decoder's
// pixel limit is refused in every mode, naming the file and the limit (docs/data.md §6.14). Write lays any labelled
// set out the same way, as PNG files (docs/fine-tuning.md §13.5: the embedded digits as the image folder of a
// demonstration).
namespace SpinalNet.Data;

/// <param name="Channels">3 (RGB, the default, as PIL's convert('RGB')) or 1 (luminance).</param>
/// <param name="Strict">Fail on the first undecodable file instead of skipping it with a warning.</param>
public sealed record ImageFolderOptions(int Channels = 3, bool Strict = false);

/// <summary>Image folders as torchvision's ImageFolder reads them: root/split/class/image.</summary>
public sealed class ImageFolder : ISampleSource
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    readonly (string Path, int Label)[] files;
    readonly int channels;

    public IReadOnlyList<string> ClassNames { get; }
    public string Source { get; }
    /// <summary>Files with an image extension that no decoder recognised, skipped.</summary>
    public IReadOnlyList<string> Skipped { get; }

    ImageFolder(string source, IReadOnlyList<string> classNames, (string, int)[] files, IReadOnlyList<string> skipped,
        int channels)
    {
        Source = source;
        ClassNames = classNames;
        this.files = files;
        Skipped = skipped;
        this.channels = channels;
    }

    /// <summary>Scans <paramref name="root"/>/<paramref name="split"/> (or <paramref name="root"/> itself when
    /// <paramref name="split"/> is empty). <paramref name="warn"/> receives one line about skipped files.</summary>
    public static ImageFolder Open(string root, string split, ImageFolderOptions? options = null,
        Action<string>? warn = null)
    {
        options ??= new ImageFolderOptions();
        if (options.Channels is not (1 or 3))
            throw new ArgumentException($"image folders give 1 or 3 channels, not {options.Channels}");
        if (!Directory.Exists(root)) throw new DataFormatException(root, "data folder not found");
        string folder = split.Length == 0 ? root : Path.Combine(root, split);
        if (!Directory.Exists(folder))
        {
            var present = Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal);
            throw new DataFormatException(folder, $"split '{split}' not found (folders present: {string.Join(", ", present)})");
        }
        var classes = Directory.GetDirectories(folder).Select(d => Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0) throw new DataFormatException(folder, "has no class folders");

        var found = new List<(string, int)>();
        var skipped = new List<string>();
        for (int label = 0; label < classes.Length; label++)
        {
            string classFolder = Path.Combine(folder, classes[label]);
            var images = Directory.EnumerateFiles(classFolder, "*", SearchOption.AllDirectories)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).ToArray();
            int before = found.Count;
            foreach (var file in images)
            {
                // An image beyond the pixel limit is refused, not skipped (docs/data.md §6.14).
                if (ImageCodec.Size(file) is { } size)
                {
                    ImageCodec.CheckSize(file, size);
                    found.Add((file, label));
                }
                else if (options.Strict) throw new DataFormatException(file, "not a decodable image");
                else skipped.Add(file);
            }
            if (found.Count == before)
                throw new DataFormatException(classFolder,
                    $"class folder has no decodable images ({string.Join(", ", Extensions)})");
        }
        if (skipped.Count > 0)
            warn?.Invoke($"{folder}: skipped {skipped.Count} undecodable image(s), first {skipped[0]}");
        return new ImageFolder(folder, classes, found.ToArray(), skipped, options.Channels);
    }

    /// <summary>Writes samples <paramref name="indices"/> of <paramref name="samples"/> as PNG files
    /// root/split/class/NNNNN.png (NNNNN: the sample's index; class: its name), each through AtomicFile; returns how many
    /// were written.</summary>
    public static int Write(ISampleSource samples, string root, string split, IEnumerable<int> indices)
    {
        int written = 0;
        foreach (int index in indices)
        {
            int label = samples.Label(index);
            if (label < 0 || label >= samples.ClassNames.Count)
                throw new DataFormatException(samples.Source, $"sample {index} has no class to file it under");
            var folder = Directory.CreateDirectory(Path.Combine(root, split, samples.ClassNames[label])).FullName;
            var png = ImageCodec.Encode(samples.ReadImage(index));
            AtomicFile.Write(Path.Combine(folder, $"{index:D5}.png"), temp => File.WriteAllBytes(temp, png));
            written++;
        }
        return written;
    }

    public int Count => files.Length;
    public string FilePath(int index) => files[index].Path;
    public int Label(int index) => files[index].Label;
    public Image ReadImage(int index) => ImageCodec.Decode(files[index].Path, channels);
}
