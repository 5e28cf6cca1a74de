// What every loader offers the batching code (docs/data.md §6): a numbered set of images with labels and class names.
// In-memory sets (MNIST family, CIFAR, SVHN, STL-10 labelled) and streamed ones (image folders, STL-10 unlabeled)
// look the same, so one per-sample augmentation and batching path serves all of them.
namespace SpinalNet.Data;

/// <summary>A numbered set of labelled images with class names, in memory or streamed.</summary>
public interface ISampleSource
{
    int Count { get; }
    IReadOnlyList<string> ClassNames { get; }
    /// <summary>The file or folder the samples come from, for messages.</summary>
    string Source { get; }
    /// <summary>Sample <paramref name="index"/> as a float image in [0, 1]. Must be safe to call from several threads.</summary>
    Image ReadImage(int index);
    /// <summary>The class index of sample <paramref name="index"/>, or −1 for an unlabeled sample.</summary>
    int Label(int index);
}
