// The spatial split of the CIFAR ResNet's Spinal head (reference §1.3): the backbone's 256 × 4 × 4 output is max-pooled
// to 256 × 2 × 2 and the spinal layers read the 256-channel vectors at positions (0,0), (0,1), (1,0), (1,1) in turn.
// Moving channels last and flattening lays those four vectors end to end, so a Spinal layer with k = 4 reads them.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Layers;

/// <summary>[B, C, H, W] → [B, H·W·C]: the channel vector of each position, positions in row-major order.</summary>
public sealed class PositionsFirst() : nn.Module<Tensor, Tensor>(nameof(PositionsFirst))
{
    public override Tensor forward(Tensor x) => x.permute(0, 2, 3, 1).flatten(1);
}

/// <summary>Keeps features [Start, Start + Length) of a flat feature vector.</summary>
public sealed class FeatureSlice(long start, long length) : nn.Module<Tensor, Tensor>(nameof(FeatureSlice))
{
    public override Tensor forward(Tensor x) => x.narrow(1, start, length);
}
