// The two networks of the regression experiment (docs/regression.md §4): a conventional 8 → 200 → 100 → 1 network and a
// Spinal network of six layers of 50 units reading alternate halves of the input (x1..x4, x5..x8), both with
// LeakyReLU(0.01): 22,001 parameters / 21,700 multiplications against 14,301 / 14,000 (35.5% fewer).
// The script's Spinal forward reuses layers 3 and 4 as layers 5 and 6 while creating layers 5 and 6 anyway: with
// ScriptLayerReuse the network does the same, so 14,301 parameters exist and 8,801 are trained.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Regression;

/// <summary>The two networks of the regression experiment.</summary>
public enum RegressionNet { Conventional, Spinal }

/// <summary>The regression experiment's networks by name, as `spinalnet models` lists them.</summary>
public static class RegressionNetworks
{
    public static readonly IReadOnlyList<(string Name, string Description, Func<RegressionNetwork> Create)> All =
    [
        ("regression-fc", "conventional 8→200→100→1, LeakyReLU (docs/regression.md §4)",
            () => new RegressionNetwork(RegressionNet.Conventional, SyntheticRegression.Inputs)),
        ("regression-spinal", "Spinal, 6 layers × 50 on alternate halves of the 8 inputs, LeakyReLU (docs/regression.md §4)",
            () => new RegressionNetwork(RegressionNet.Spinal, SyntheticRegression.Inputs)),
        ("regression-spinal-script", "the script's Spinal network: layers 5 and 6 reuse layers 3 and 4 (8,801 " +
                                     "parameters trained)",
            () => new RegressionNetwork(RegressionNet.Spinal, SyntheticRegression.Inputs, scriptLayerReuse: true)),
    ];
}

/// <summary>A regression network of the paper's experiment: conventional or Spinal.</summary>
public sealed class RegressionNetwork : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> net;
    // The script's unused layers 5 and 6: registered, never called.
    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> unused;

    public RegressionNet Kind { get; }

    public RegressionNetwork(RegressionNet kind, int inputs, bool scriptLayerReuse = false)
        : base(nameof(RegressionNetwork))
    {
        Kind = kind;
        if (kind == RegressionNet.Conventional)
        {
            net = new FullyConnectedHead(new FullyConnectedConfig(inputs, [200, 100], 1, Activation: Activation.LeakyRelu));
            unused = nn.ModuleList<nn.Module<Tensor, Tensor>>();
        }
        else
        {
            var config = new SpinalConfig(inputs, 50, 6, 1, Activation: Activation.LeakyRelu,
                LayerBlocks: scriptLayerReuse ? [0, 1, 2, 3, 2, 3] : null);
            net = new SpinalLayer(config);
            long s = config.SplitWidth;
            unused = scriptLayerReuse
                ? nn.ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(s + 50, 50), nn.Linear(s + 50, 50))
                : nn.ModuleList<nn.Module<Tensor, Tensor>>();
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => net.call(x);
}
