// VGG feature extractors as configuration tables, the way torchvision builds them (docs/networks.md §2.3 and §2.4): a
// list of output channel counts, each a 3×3 convolution (padding 1, with bias) → BatchNorm2d → ReLU, with Pool marking
// a 2×2 max pool. Modules are numbered in order (0, 1, 2, ...) exactly as nn.Sequential numbers them in PyTorch, so the
// authors' keys (features.N.*, l3.4.running_mean) are our keys.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>VGG feature extractors built from configuration tables, as torchvision builds them.</summary>
public static class VggFeatures
{
    /// <summary>A 2×2, stride-2 max pool in a configuration ('M' in torchvision's tables).</summary>
    public const int Pool = 0;

    /// <summary>torchvision's configurations A, B, D, E: VGG-11, -13, -16, -19.</summary>
    public static readonly IReadOnlyDictionary<int, int[]> Depths = new Dictionary<int, int[]>
    {
        [11] = [64, Pool, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool],
        [13] = [64, 64, Pool, 128, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool],
        [16] = [64, 64, Pool, 128, 128, Pool, 256, 256, 256, Pool, 512, 512, 512, Pool, 512, 512, 512, Pool],
        [19] = [64, 64, Pool, 128, 128, Pool, 256, 256, 256, 256, Pool, 512, 512, 512, 512, Pool, 512, 512, 512, 512, Pool],
    };

    public static int[] ForDepth(int depth) => Depths.TryGetValue(depth, out var cfg)
        ? cfg
        : throw new ArgumentException(
            $"VGG depth {depth} is not one of {string.Join(", ", Depths.Keys)}", nameof(depth));

    /// <summary>Conv → BN → ReLU per entry, MaxPool per <see cref="Pool"/>, numbered like nn.Sequential.</summary>
    public static nn.Module<Tensor, Tensor> Create(int inChannels, IEnumerable<int> cfg)
    {
        var modules = new List<nn.Module<Tensor, Tensor>>();
        foreach (var channels in cfg)
        {
            if (channels == Pool)
            {
                modules.Add(new MaxPool2x2());
                continue;
            }
            modules.Add(nn.Conv2d(inChannels, channels, 3, padding: 1));
            modules.Add(nn.BatchNorm2d(channels));
            modules.Add(nn.ReLU());
            inChannels = channels;
        }
        return Numbered(modules);
    }

    /// <summary>The channels coming out of a configuration.</summary>
    public static int OutChannels(int inChannels, IEnumerable<int> cfg) =>
        cfg.Where(c => c != Pool).DefaultIfEmpty(inChannels).Last();

    /// <summary>nn.Sequential whose children are named 0, 1, 2, ... as in PyTorch.</summary>
    public static nn.Module<Tensor, Tensor> Numbered(IEnumerable<nn.Module<Tensor, Tensor>> modules) =>
        nn.Sequential(modules.Select((m, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), m)).ToArray());
}
