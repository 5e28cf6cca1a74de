// Class names of the known data sets, in label order (docs/data.md §6; names as torchvision lists them).
namespace SpinalNet.Data;

/// <summary>Class names of the known data sets, in label order.</summary>
public static class ClassNames
{
    public static IReadOnlyList<string> Digits(int count = 10) =>
        Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static readonly IReadOnlyList<string> FashionMnist =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static readonly IReadOnlyList<string> Kmnist = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"];

    public static readonly IReadOnlyList<string> Cifar10 =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    public static readonly IReadOnlyList<string> Stl10 =
        ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"];

    /// <summary>The lines of a class-names file (CIFAR's batches.meta.txt, STL-10's class_names.txt), blank lines
    /// dropped; <paramref name="fallback"/> when the file is absent.</summary>
    public static IReadOnlyList<string> FromFile(string path, IReadOnlyList<string> fallback) =>
        File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray()
            : fallback;
}
