// The conventional fully-connected head each experiment compares against (docs/networks.md §2): hidden layers of given
// widths, then a linear output layer. Every layer, the output one included, may take dropout on its input, and hidden
// layers may take BatchNorm1d before φ; the placements of every script's default head are expressed this way
// (e.g. MNIST: 320 -> 50, ReLU, then Dropout(0.5) -> 50 -> 10).
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Layers;

/// <summary>The shape of a conventional fully-connected head: hidden widths, outputs, dropout, batch norm, φ.</summary>
/// <param name="InputWidth">Features in.</param>
/// <param name="Hidden">Width of each hidden layer, in order (may be empty: a single linear map).</param>
/// <param name="Outputs">C, the number of outputs.</param>
/// <param name="InputDropout">Dropout on the input of each layer: one entry per hidden layer, then one for the
/// output layer. Null means no dropout anywhere.</param>
/// <param name="BatchNorm">BatchNorm1d after each hidden linear map.</param>
/// <param name="Activation">φ after each hidden layer.</param>
public sealed record FullyConnectedConfig(
    int InputWidth,
    int[] Hidden,
    int Outputs,
    double[]? InputDropout = null,
    bool BatchNorm = false,
    Activation Activation = Activation.Relu)
{
    /// <summary>The dropout probability on the input of layer <paramref name="layer"/> (the output layer is
    /// last).</summary>
    public double DropoutBefore(int layer) => InputDropout is null ? 0 : InputDropout[layer];

    /// <summary>Throws a <see cref="SettingException"/> naming the first parameter out of range.</summary>
    public void Validate()
    {
        DenseBlock.ValidatePositive(InputWidth, nameof(InputWidth));
        foreach (var h in Hidden) DenseBlock.ValidatePositive(h, nameof(Hidden));
        DenseBlock.ValidatePositive(Outputs, nameof(Outputs));
        if (InputDropout is not null && InputDropout.Length != Hidden.Length + 1)
            throw new SettingException(nameof(InputDropout), $"[{string.Join(", ", InputDropout)}]",
                $"has {InputDropout.Length} entries; expected one per layer ({Hidden.Length + 1})");
        foreach (var p in InputDropout ?? []) DenseBlock.ValidateDropout(p, nameof(InputDropout));
    }
}

/// <summary>The conventional head a Spinal head is compared with: hidden layers (Dropout -> Linear -> BatchNorm1d ->
/// φ),
/// then the output layer (Dropout -> Linear), [batch, InputWidth] to [batch, Outputs] logits.</summary>
public sealed class FullyConnectedHead : nn.Module<Tensor, Tensor>
{
    /// <summary>The configuration the head was built from.</summary>
    public FullyConnectedConfig Config { get; }

    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> layers;
    readonly nn.Module<Tensor, Tensor> output;

    /// <summary>A head with fresh weights.</summary>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public FullyConnectedHead(FullyConnectedConfig config) : base(nameof(FullyConnectedHead))
    {
        config.Validate();
        Config = config;
        var widths = config.Hidden.Prepend(config.InputWidth).ToArray();
        layers = nn.ModuleList(config.Hidden
            .Select((h, i) => DenseBlock.Create(widths[i], h, config.DropoutBefore(i), config.BatchNorm, config.Activation))
            .ToArray());
        output = DenseBlock.Output(widths[^1], config.Outputs, config.DropoutBefore(config.Hidden.Length));
        RegisterComponents();
    }

    /// <summary>[batch, InputWidth] features to [batch, Outputs] logits.</summary>
    public override Tensor forward(Tensor x)
    {
        foreach (var layer in layers) x = layer.call(x);
        return output.call(x);
    }
}
