// VGG feature extractors from configuration tables, as torchvision declares them (reference §2.3, §2.4): a number is a
// 3×3 convolution (padding 1, with bias) followed by BatchNorm2d and ReLU, "M" a 2×2 max-pool. VGG-5 of the MNIST
// experiments is such a table on one input channel; the CIFAR VGGs are configs A, B, D, E (VGG-11, 13, 16, 19) on
// three.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

public static class Vgg
{
    public const int M = 0;

    public static readonly IReadOnlyDictionary<string, int[]> Configs = new Dictionary<string, int[]>
    {
        ["vgg5"] = [64, 64, M, 128, 128, M, 256, 256, 256, M, 256, 256, 256, M],
        ["vgg11"] = [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
        ["vgg13"] = [64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
        ["vgg16"] = [64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M],
        ["vgg19"] = [64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M],
    };

    /// <summary>The feature layers of a table, flattened at the end; named conv{i}/bn{i}/relu{i}/pool{j} in order.</summary>
    public static nn.Module<Tensor, Tensor> Features(int[] config, int inChannels)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int channels = inChannels, conv = 0, pool = 0;
        foreach (int v in config)
        {
            if (v == M)
            {
                layers.Add(($"pool{++pool}", nn.MaxPool2d(2)));
                continue;
            }
            conv++;
            layers.Add(($"conv{conv}", nn.Conv2d(channels, v, 3, padding: 1)));
            layers.Add(($"bn{conv}", nn.BatchNorm2d(v)));
            layers.Add(($"relu{conv}", nn.ReLU()));
            channels = v;
        }
        layers.Add(("flatten", nn.Flatten()));
        return nn.Sequential(layers.ToArray());
    }

    /// <summary>Output channels of a table's last convolution.</summary>
    public static int OutChannels(int[] config) => config.Last(v => v != M);
}
