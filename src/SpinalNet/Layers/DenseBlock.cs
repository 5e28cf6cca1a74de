// The unit both heads are made of (docs/spinal-layer.md §1.2): Dropout(p) on the block's input -> Linear -> BatchNorm1d
// -> φ. Absent parts are identity modules, so every block has the same four children and forward has no branches. Child
// names (dropout, linear, norm, act) are part of the state-dict contract.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Layers;

/// <summary>The blocks both heads are made of, and the argument checks they share.</summary>
public static class DenseBlock
{
    /// <summary>Dropout(p) -> Linear -> BatchNorm1d (or identity) -> φ, children named dropout, linear, norm,
    /// act.</summary>
    public static nn.Module<Tensor, Tensor> Create(
        long inputs, long outputs, double dropout, bool batchNorm, Activation activation) =>
        nn.Sequential(
            ("dropout", Dropout(dropout)),
            ("linear", nn.Linear(inputs, outputs)),
            ("norm", batchNorm ? nn.BatchNorm1d(outputs) : nn.Identity()),
            ("act", activation.Create()));

    /// <summary>The output layer of a head: Dropout(p) -> Linear, no normalisation, no activation (logits).</summary>
    public static nn.Module<Tensor, Tensor> Output(long inputs, long outputs, double dropout) =>
        nn.Sequential(("dropout", Dropout(dropout)), ("linear", nn.Linear(inputs, outputs)));

    static nn.Module<Tensor, Tensor> Dropout(double p) => p > 0 ? nn.Dropout(p) : nn.Identity();

    /// <summary>Throws an <see cref="ArgumentException"/> unless 0 ≤ p &lt; 1.</summary>
    public static void ValidateDropout(double p, string parameter)
    {
        if (!(p >= 0 && p < 1))
            throw new ArgumentException($"dropout = {p} must be in [0, 1)", parameter);
    }

    /// <summary>The widest layer built (inputs, outputs, width): far beyond any network of the paper, and small enough
    /// that sums of widths cannot overflow.</summary>
    public const int MaxWidth = 1 << 24;

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="what"/> unless value ≥ 1.</summary>
    public static void ValidatePositive(long value, string parameter, string what)
    {
        if (value < 1)
            throw new ArgumentException($"{what} = {value} must be at least 1", parameter);
        if (value > MaxWidth)
            throw new ArgumentException($"{what} = {value} is above the limit of {MaxWidth:N0}", parameter);
    }
}
