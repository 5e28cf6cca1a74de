// An image file and a label file in IDX format, read into memory (docs/data.md §6): the shared path of MNIST,
// Fashion-MNIST, KMNIST, QMNIST and EMNIST. Checks that both files agree on the count and that every label names a
// class, so a wrong or swapped file fails with one line naming it.
namespace SpinalNet.Data;

/// <summary>An IDX image file and label file read into memory, checked against each other.</summary>
public static class IdxImageFolder
{
    /// <summary>Reads <paramref name="imagesName"/> (idx3 unsigned bytes) and <paramref name="labelsName"/> (idx1
    /// unsigned bytes) from <paramref name="folder"/>, each optionally with a .gz suffix.</summary>
    public static LabelledImages Load(string folder, string imagesName, string labelsName,
        IReadOnlyList<string> classNames, int? expectedSide = null)
    {
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "data folder not found");
        string imagesPath = Find(folder, imagesName);
        string labelsPath = Find(folder, labelsName);
        var images = IdxFile.Read(imagesPath, 3);
        var labels = IdxFile.Read(labelsPath, 1);
        if (expectedSide is int side && (images.Dimensions[1] != side || images.Dimensions[2] != side))
            throw new DataFormatException(imagesPath,
                $"unexpected image size {images.Dimensions[1]} x {images.Dimensions[2]} (expected {side} x {side})");
        return Combine(images, imagesPath, labels.Data.Select(b => (int)b).ToArray(), labelsPath, classNames);
    }

    /// <summary>One labelled set from decoded IDX images and labels, with count and label checks.</summary>
    public static LabelledImages Combine(IdxArray images, string imagesPath, int[] labels, string labelsPath,
        IReadOnlyList<string> classNames)
    {
        if (images.Count != labels.Length)
            throw new DataFormatException(labelsPath,
                $"{labels.Length} labels but {images.Count} images in {Path.GetFileName(imagesPath)}");
        CheckLabels(labels, classNames.Count, labelsPath);
        return new LabelledImages(images.Data, labels, 1, images.Dimensions[1], images.Dimensions[2], classNames,
            imagesPath);
    }

    /// <summary>Fails with one line naming <paramref name="path"/> when a label is outside 0..classes−1.</summary>
    public static void CheckLabels(int[] labels, int classes, string path)
    {
        int bad = Array.FindIndex(labels, l => l < 0 || l >= classes);
        if (bad >= 0)
            throw new DataFormatException(path, labels[bad] < 0
                ? $"label {labels[bad]} at index {bad} is negative"
                : $"label {labels[bad]} at index {bad} is not below {classes}");
    }

    /// <summary>The path of <paramref name="name"/> or <paramref name="name"/>.gz in <paramref name="folder"/>.</summary>
    public static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new DataFormatException(Path.Combine(folder, name + "[.gz]"), "file not found");
    }
}
