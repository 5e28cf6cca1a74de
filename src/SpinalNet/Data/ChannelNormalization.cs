// Per-channel normalisation statistics used by the paper's pipelines (docs/experiments.md §3): x ← (x − mean_c) / std_c
// on values already scaled to [0, 1]. One value applies to every channel.
namespace SpinalNet.Data;

/// <summary>x ← (x − mean_c) / std_c per channel c, on values in [0, 1]; one value applies to every channel.</summary>
public sealed record ChannelNormalization(double[] Mean, double[] Std)
{
    /// <summary>MNIST's statistics, Normalize(0.1307, 0.3081) in the authors' MNIST scripts.</summary>
    public static readonly ChannelNormalization Mnist = new([0.1307], [0.3081]);
    /// <summary>Fashion-MNIST in the Arch2/VGG scripts: Normalize(0.5, 0.5).</summary>
    public static readonly ChannelNormalization Half = new([0.5], [0.5]);
    /// <summary>CIFAR-100 statistics, used by the CIFAR ResNet scripts and most transfer-learning scripts.</summary>
    public static readonly ChannelNormalization Cifar = new([0.507, 0.487, 0.441], [0.267, 0.256, 0.276]);
    public static readonly ChannelNormalization Cinic10 = new([0.4789, 0.4723, 0.4305], [0.2421, 0.2383, 0.2587]);
    public static readonly ChannelNormalization ImageNet = new([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
    /// <summary>No normalisation: ToTensor's [0, 1] values (the CIFAR CNN and VGG scripts).</summary>
    public static readonly ChannelNormalization None = new([0.0], [1.0]);

    public double MeanOf(int channel) => Mean.Length == 1 ? Mean[0] : Mean[channel];
    public double StdOf(int channel) => Std.Length == 1 ? Std[0] : Std[channel];

    public void Validate(int channels)
    {
        if (Mean.Length != Std.Length || (Mean.Length != 1 && Mean.Length != channels))
            throw new ArgumentException(
                $"normalisation has {Mean.Length} means and {Std.Length} standard deviations for {channels} channel(s)");
        if (Std.Any(s => s <= 0)) throw new ArgumentException("normalisation standard deviations must be positive");
    }
}
