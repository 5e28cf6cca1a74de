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

    /// <summary>Throws a <see cref="SettingException"/> naming <paramref name="setting"/> unless 0 ≤ p &lt; 1.</summary>
    public static void ValidateDropout(double p, string setting)
    {
        if (!(p >= 0 && p < 1)) throw new SettingException(setting, p, "must be in [0, 1)");
    }

    /// <summary>The widest layer built (inputs, outputs, width): far beyond any network of the paper, and small enough
    /// that sums of widths cannot overflow.</summary>
    public const int MaxWidth = 1 << 24;

    /// <summary>Throws a <see cref="SettingException"/> naming <paramref name="setting"/> unless 1 ≤ value ≤
    /// <see cref="MaxWidth"/>.</summary>
    public static void ValidatePositive(long value, string setting)
    {
        if (value < 1) throw new SettingException(setting, value, "must be at least 1");
        if (value > MaxWidth) throw new SettingException(setting, value, $"is above the limit of {MaxWidth:N0}");
    }
}
