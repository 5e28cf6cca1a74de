// The network a run builds, as one resolved value (docs/architecture.md §14.1): which network of the catalogue, which
// head, the Spinal head's settings, the class count and the input size. Configuration resolves it once; the builders,
// the cost report, the checks, the weight maps and the exporters all take it, so what a run trains is what its
// config.json says.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>One network of the catalogue, fully decided.</summary>
/// <param name="Spec">The network's entry: the catalogue's (ModelCatalog.Get) or one of the user's own.</param>
/// <param name="Head">The head it carries.</param>
/// <param name="Spinal">The Spinal head's settings (read when <paramref name="Head"/> is Spinal).</param>
/// <param name="Classes">The outputs.</param>
/// <param name="ImageSize">The side N of a C × N × N input where it is not the network's own (null: its own).</param>
public sealed record NetworkChoice(ModelSpec Spec, HeadKind Head, SpinalSettings Spinal, int Classes, int? ImageSize = null)
{
    /// <summary>The network's name.</summary>
    public string Model => Spec.Name;

    /// <summary>One sample's shape: the network's own, or C × N × N with the chosen image size.</summary>
    public long[] InputShape => ImageSize is int n ? [Spec.InputShape[0], n, n] : Spec.InputShape;

    /// <summary>"mnist-cnn (spinal head)", as messages name a network.</summary>
    public string Title => $"{Model} ({Head.Id()} head)";

    /// <summary>The network, weights drawn from <paramref name="seed"/>, after checking on the meta device that
    /// training it fits in this machine's memory.</summary>
    public ClassifierNetwork Create(long seed)
    {
        CheckFits();
        torch.manual_seed(seed);
        return Spec.Build(this);
    }

    /// <summary>Fails in one line, allocating nothing, when the network is invalid (a <see cref="SettingException"/>
    /// naming Classes or Spinal.Width, Spinal.Layers, ...) or training it (weights, gradients and optimiser state)
    /// would need more memory than this machine has.</summary>
    public void CheckFits()
    {
        if (Classes is < 1 or > DenseBlock.MaxWidth)
            throw new SettingException(nameof(Classes), Classes, $"must be between 1 and {DenseBlock.MaxWidth:N0}");
        long parameters;
        try
        {
            parameters = CountParameters();
        }
        catch (SettingException e) when (Head == HeadKind.Spinal)
        {
            // The Spinal layer names its own settings (Width); here they are this choice's Spinal settings.
            throw e.Within(nameof(Spinal));
        }
        long bytes = parameters * sizeof(float) * 4, available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
            throw new ArgumentException(
                $"{Model} ({Head.Id()} head, {Classes} classes) would have {parameters:N0} parameters, " +
                $"{bytes / 1e9:F1} GB to train (weights, gradients and optimiser state): more than the " +
                $"{available / 1e9:F1} GB of memory here", nameof(Model));
    }

    /// <summary>The network's parameters, counted on the meta device: shapes without storage, so even networks too
    /// large for memory cost nothing to count.</summary>
    public long CountParameters() => OnMeta(network => network.parameters().Sum(p => p.numel()));

    /// <summary>What <paramref name="measure"/> reads off the network built on the meta device (shapes without
    /// storage: a 127M-parameter network costs nothing to build there, and a forward pass gives shapes only).</summary>
    public T OnMeta<T>(Func<ClassifierNetwork, T> measure)
    {
        torch.set_default_device(new torch.Device(DeviceType.META));
        try
        {
            using var network = Spec.Build(this);
            return measure(network);
        }
        finally
        {
            torch.set_default_device(torch.CPU);
        }
    }

    /// <summary>Fails in one line when the network cannot take its image size: naming the smallest size that works
    /// where the size is too small for the backbone, or the size a network without global pooling is made for
    /// (docs/fine-tuning.md §13.3). The network is probed with empty batches, which check every layer's shapes and
    /// compute nothing; the global generator is left as it was.</summary>
    public void CheckImageSize()
    {
        if (ImageSize is not int size) return;
        if (size < 1) throw new SettingException(nameof(ImageSize), size, "must be at least 1");
        int own = (int)Spec.InputShape[1];
        if (size == own) return;
        CheckFits();
        using var generator = torch.get_rng_state();
        using var network = Spec.Build(this);
        torch.set_rng_state(generator);
        network.eval();
        bool Takes(int n)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            try
            {
                return network.call(torch.zeros(0, Spec.InputShape[0], n, n)).shape.SequenceEqual([0L, Classes]);
            }
            catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException
                                          or InvalidOperationException)
            {
                return false;
            }
        }
        if (Takes(size)) return;
        if (size > own)
            throw new SettingException(nameof(ImageSize), size, $"does not fit {Model}, made for {own} x {own} images");
        // Sizes that work are taken to stay working above the smallest (pooling backbones): bisect below own.
        int fails = size, works = own;
        while (works - fails > 1)
        {
            int middle = (fails + works) / 2;
            if (Takes(middle)) works = middle;
            else fails = middle;
        }
        throw new SettingException(nameof(ImageSize), size,
            $"is too small for {Model}: the smallest image size it takes is {works}");
    }

    /// <summary>How the authors' PyTorch state dict names this network's weights.</summary>
    public AuthorsKeys AuthorsKeys => Spec.AuthorsKeys?.Invoke(this)
        ?? throw new ArgumentException($"{Model} has no map to the authors' PyTorch key names", nameof(Model));
}
