// The building blocks torchvision's newer backbones share (docs/transfer.md §11.4), with torchvision's attribute names so
// state dicts load by name: Conv2dNormActivation (an nn.Sequential numbered conv, norm, activation; the parts a
// configuration leaves out are absent, as in torchvision), SqueezeExcitation (avgpool, fc1, fc2, activation,
// scale_activation), StochasticDepth ("row" mode: identity in evaluation), LayerNorm2d (layer norm over the channels of
// an N·C·H·W tensor), Permute, and _make_divisible, the channel rounding of MobileNet and EfficientNet.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>torchvision's shared pieces of the newer ImageNet backbones.</summary>
public static class ImageNetBlocks
{
    /// <summary>torchvision's _make_divisible: <paramref name="value"/> rounded to a multiple of
    /// <paramref name="divisor"/>, never below it and never more than 10 % below the value.</summary>
    public static int MakeDivisible(double value, int divisor = 8)
    {
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }

    /// <summary>torchvision's Conv2dNormActivation: conv (padding (k − 1) / 2, bias only without a norm) → norm →
    /// activation, numbered 0, 1, 2; a null norm or activation is left out.</summary>
    public static nn.Module<Tensor, Tensor> ConvNormActivation(int inChannels, int outChannels, int kernel,
        int stride = 1, int groups = 1, Func<int, nn.Module<Tensor, Tensor>>? norm = null,
        Func<nn.Module<Tensor, Tensor>>? activation = null, int? padding = null, bool? bias = null) =>
        VggFeatures.Numbered(new nn.Module<Tensor, Tensor>?[]
        {
            nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding ?? (kernel - 1) / 2,
                groups: groups, bias: bias ?? norm is null),
            norm?.Invoke(outChannels), activation?.Invoke(),
        }.OfType<nn.Module<Tensor, Tensor>>());
}

/// <summary>torchvision's SqueezeExcitation: x · σ(fc2(δ(fc1(avgpool(x))))), fc1 and fc2 1×1 convolutions.</summary>
public sealed class SqueezeExcitation : nn.Module<Tensor, Tensor>, SpinalNet.Layers.IMultiplies
{
    /// <summary>The gate: one multiplication per output element (fc1 and fc2 count themselves).</summary>
    public long Multiplications(Tensor output) => output.numel() / output.shape[0];

    readonly nn.Module<Tensor, Tensor> avgpool, fc1, fc2, activation, scale_activation;

    public SqueezeExcitation(int channels, int squeeze, Func<nn.Module<Tensor, Tensor>> activation,
        Func<nn.Module<Tensor, Tensor>> scale) : base(nameof(SqueezeExcitation))
    {
        avgpool = nn.AdaptiveAvgPool2d(1);
        fc1 = nn.Conv2d(channels, squeeze, 1);
        fc2 = nn.Conv2d(squeeze, channels, 1);
        this.activation = activation();
        scale_activation = scale();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        x.mul(scale_activation.call(fc2.call(activation.call(fc1.call(avgpool.call(x))))));
}

/// <summary>torchvision's StochasticDepth in "row" mode: in training, each sample's residual branch is dropped with
/// probability p and the survivors scaled by 1 / (1 − p); the identity in evaluation.</summary>
public sealed class StochasticDepth(double p) : nn.Module<Tensor, Tensor>(nameof(StochasticDepth))
{
    public override Tensor forward(Tensor x)
    {
        if (!training || p == 0) return x;
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        return x.mul(torch.empty(shape, x.dtype, x.device).bernoulli_(1 - p).div_(1 - p));
    }
}

/// <summary>torchvision's LayerNorm2d: layer norm over the channels of [N, C, H, W] (weight, bias of C).</summary>
public sealed class LayerNorm2d : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.Parameter weight, bias;
    readonly double eps;

    /// <summary>ε of the normalisation.</summary>
    public double Eps => eps;

    public LayerNorm2d(int channels, double eps = 1e-6) : base(nameof(LayerNorm2d))
    {
        weight = new TorchSharp.Modules.Parameter(torch.ones(channels));
        bias = new TorchSharp.Modules.Parameter(torch.zeros(channels));
        this.eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        return nn.functional.layer_norm(x.permute(0, 2, 3, 1), [weight.shape[0]], weight, bias, eps)
            .permute(0, 3, 1, 2);
    }
}

/// <summary>torchvision's Permute (ConvNeXt's block: channels last for the layer norm and the linear maps).</summary>
public sealed class Permute(params long[] order) : nn.Module<Tensor, Tensor>(nameof(Permute))
{
    /// <summary>The new order of the axes.</summary>
    public IReadOnlyList<long> Order => order;

    public override Tensor forward(Tensor x) => x.permute(order);
}

/// <summary>The inverted residual block of MobileNetV3 and EfficientNet (MBConv): `block`, an nn.Sequential of
/// torchvision's layers (expand, depthwise, squeeze-excitation, project), plus the input where the stride is 1 and
/// the channels stay (behind stochastic depth, as EfficientNet's `stochastic_depth`).</summary>
public sealed class InvertedResidual : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> block, stochastic_depth;
    readonly Func<Tensor, Tensor, Tensor> combine;

    /// <summary>Whether the input is added to the block's output.</summary>
    public bool Residual { get; }

    public InvertedResidual(IEnumerable<nn.Module<Tensor, Tensor>> layers, bool residual, double stochasticDepth = 0)
        : base(nameof(InvertedResidual))
    {
        block = VggFeatures.Numbered(layers);
        stochastic_depth = new StochasticDepth(stochasticDepth);
        Residual = residual;
        combine = residual ? (x, y) => stochastic_depth.call(y).add(x) : (_, y) => y;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => combine(x, block.call(x));
}
