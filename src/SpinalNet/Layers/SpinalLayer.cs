// The Spinal fully-connected block (docs/spinal-layer.md §1.2 and §1.4), in its general form.
//
// The input x (width N) is cut into splits of width s = round(N / k), rounding half to even as numpy does in the
// authors' customizable version. Spinal layer i (0-based) reads the s features x[(i·s + j) mod N], j = 0..s-1: the
// splits follow each other through x and wrap round to its start, so with k = 2 the layers read A, B, A, B, ...
// (first half first) and with k > 2 they cycle 1, 2, ..., k, 1, 2, .... When N is not a multiple of k, a split can
// straddle the end of x and continue at x[0]; when L < k the tail of x is never read.
//
// Layer 0:  h0 = φ(W0 · split_0)                    W0 ∈ R^{w × s}
// Layer i:  hi = φ(Wi · [split_i ; h_{i-1}])        Wi ∈ R^{w × (s + w)}   (split first, then previous output)
// Output:   y  = Wout · [h0 ; h1 ; ... ; h_{L-1}]    Wout ∈ R^{C × L·w}      (layer order; logits; C = 0: none)
// Each layer is DenseBlock: Dropout on its concatenated input -> Linear -> BatchNorm1d -> φ; the output layer is
// Dropout -> Linear. With SharedWeights (docs/spinal-layer.md §1.6, "SpinalNet SW") layers 1..L-1 reuse one block.
// forward takes the fused path (one autograd node: SpinalCpuKernel.cs for float32 on the CPU, FusedSpinal.cs
// elsewhere; docs/performance.md §9.1) where it covers the configuration and mode, and this plain path otherwise; the
// plain path is the readable reference the fused one is tested against.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Layers;

/// <summary>The shape of a Spinal layer: input width N, split count k, layer width w, layer count L, outputs C, and its
/// optional parts (dropout, batch norm, shared weights).</summary>
/// <param name="InputWidth">N, the number of input features.</param>
/// <param name="Width">w, the width of every spinal layer (the authors' layer_width / first_HL / HL_width).</param>
/// <param name="Layers">L, the number of spinal layers.</param>
/// <param name="Outputs">C, the number of outputs; 0 for a bare spinal stack with no output layer, whose output is
/// [h0 ; ... ; h_{L-1}] (width L·w), as the three stacks of the Arch2 network (docs/networks.md §2.2).</param>
/// <param name="Splits">k, how many parts the input is cut into; the split width s = round(N / k) is the
/// authors' Half_width when k = 2.</param>
/// <param name="Activation">φ.</param>
/// <param name="Dropout">Dropout probability on every layer's input and on the output layer's input.</param>
/// <param name="BatchNorm">BatchNorm1d after every spinal linear map, before φ.</param>
/// <param name="SharedWeights">Layers 1..L-1 share one linear map (docs/spinal-layer.md §1.6).</param>
/// <param name="LayerBlocks">Which block computes each layer, for other sharing patterns: entry i names the block of
/// layer i; layer 0 has block 0 of its own and blocks 1.. take [split ; previous]. The regression script's bug (layers
/// 5 and 6 reusing layers 3 and 4) is [0, 1, 2, 3, 2, 3]. Null: one block per layer (or the shared pattern).</param>
public sealed record SpinalConfig(
    int InputWidth,
    int Width,
    int Layers,
    int Outputs,
    int Splits = 2,
    Activation Activation = Activation.Relu,
    double Dropout = 0,
    bool BatchNorm = false,
    bool SharedWeights = false,
    int[]? LayerBlocks = null)
{
    /// <summary>The block computing each layer.</summary>
    public int[] BlockOfLayer => LayerBlocks
        ?? Enumerable.Range(0, Layers).Select(i => SharedWeights ? Math.Min(i, 1) : i).ToArray();

    /// <summary>s = round(N / k), half to even (numpy's rounding, as in the authors' customizable version).</summary>
    public int SplitWidth => (int)Math.Round((double)InputWidth / Splits, MidpointRounding.ToEven);

    /// <summary>The input feature read by position j of layer i's split: (i·s + j) mod N.</summary>
    public int InputIndex(int layer, int position) => (layer * SplitWidth + position) % InputWidth;

    /// <summary>Throws a <see cref="SettingException"/> naming the first setting out of range as this record names it
    /// (k &gt; N or k &lt; 1: Splits; w &lt; 1: Width; L &lt; 1: Layers; C &lt; 0: Outputs; dropout outside [0, 1):
    /// Dropout; a layer-block map of the wrong shape: LayerBlocks).</summary>
    public void Validate()
    {
        DenseBlock.ValidatePositive(InputWidth, nameof(InputWidth));
        if (Splits < 1 || Splits > InputWidth)
            throw new SettingException(nameof(Splits), Splits, $"must be between 1 and the input width N = {InputWidth}");
        DenseBlock.ValidatePositive(Width, nameof(Width));
        DenseBlock.ValidatePositive(Layers, nameof(Layers));
        if (Outputs < 0)
            throw new SettingException(nameof(Outputs), Outputs, "must be at least 1 (or 0: no output layer)");
        if (Outputs > 0) DenseBlock.ValidatePositive(Outputs, nameof(Outputs));
        DenseBlock.ValidateDropout(Dropout, nameof(Dropout));
        if (LayerBlocks is { } map && (map.Length != Layers || map[0] != 0 || map.Skip(1).Any(b => b < 1)))
            throw new SettingException(nameof(LayerBlocks), $"[{string.Join(", ", map)}]",
                $"must name one block per layer (L = {Layers}), block 0 for layer 0 only");
    }
}

/// <summary>The Spinal layer: a head that reads [batch, N] features in parts, each small layer one part and the
/// previous layer's output, and returns [batch, C] logits (or [batch, L·w] with C = 0). A drop-in replacement for a
/// network's fully-connected classifier.</summary>
public sealed class SpinalLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>The configuration the layer was built from.</summary>
    public SpinalConfig Config { get; }

    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> layers;
    readonly nn.Module<Tensor, Tensor> output;
    // Which entry of `layers` computes spinal step i: 0, 1, ..., L-1, or 0, 1, 1, ..., 1 with shared weights.
    readonly int[] blockOfStep;
    // How step i takes its split from x: a view (narrow) where the split is contiguous in x, a gather where it
    // straddles the end of x. Chosen once here, so forward has no branches; views are the faster path
    // (bench/RESULTS.md).
    readonly Func<Tensor, Tensor>[] splitOfStep;
    readonly FusedSpinalPlan fusedPlan;

    /// <summary>A Spinal layer with fresh weights (torch's default initialisation, from its global
    /// generator).</summary>
    /// <exception cref="ArgumentException">The configuration is invalid (see <see
    /// cref="SpinalConfig.Validate"/>).</exception>
    public SpinalLayer(SpinalConfig config) : base(nameof(SpinalLayer))
    {
        config.Validate();
        Config = config;
        int s = config.SplitWidth, w = config.Width, l = config.Layers;

        blockOfStep = config.BlockOfLayer;
        int blocks = blockOfStep.Max() + 1;
        layers = nn.ModuleList(Enumerable.Range(0, blocks)
            .Select(i => DenseBlock.Create(i == 0 ? s : s + w, w, config.Dropout, config.BatchNorm, config.Activation))
            .ToArray());
        output = config.Outputs == 0 ? nn.Identity() : DenseBlock.Output((long)l * w, config.Outputs, config.Dropout);

        RegisterComponents();
        splitOfStep = Enumerable.Range(0, l).Select(SplitOfStep).ToArray();
        fusedPlan = new FusedSpinalPlan(config, step => () => get_buffer($"split_index_{step}")!, IndexBuffer);
    }

    /// <summary>Whether forward may take the fused path (on by default); false keeps it on the plain path, whose
    /// modules run one by one (what tracing hooks on those modules needs).</summary>
    public bool PreferFused { get; set; } = true;

    /// <summary>Whether forward takes the fused path in the current mode (training or evaluation): where it covers the
    /// configuration and is the faster path (layers up to 32 wide).</summary>
    public bool UsesFusedPath => PreferFused && FusedSpinalPlan.Covers(Config, training) &&
                                 Config.Width <= FusedSpinalPlan.FasterUpToWidth;

    Func<Tensor, Tensor> SplitOfStep(int step)
    {
        int s = Config.SplitWidth, start = Config.InputIndex(step, 0);
        if (start + s <= Config.InputWidth) return x => x.narrow(1, start, s);
        var index = IndexBuffer($"split_index_{step}",
            Enumerable.Range(0, s).Select(j => (long)Config.InputIndex(step, j)).ToArray());
        return x => x.index_select(1, index());
    }

    Func<Tensor> IndexBuffer(string name, long[] indices)
    {
        // Not persistent: derived from the config, and PyTorch state dicts have no such entry.
        register_buffer(name, torch.tensor(indices, dtype: ScalarType.Int64), persistent: false);
        return () => get_buffer(name)!;
    }

    /// <summary>[batch, N] features to [batch, C] logits, by the fused path where it applies, else the plain one.</summary>
    /// <exception cref="ArgumentException">The input is not [batch, N].</exception>
    public override Tensor forward(Tensor x) => UsesFusedPath ? ForwardFused(x) : ForwardPlain(x);

    /// <summary>The fused path: one autograd node, on the CPU kernel for float32 CPU tensors (SpinalCpuKernel.cs) and
    /// on libtorch operations otherwise (FusedSpinal.cs); only where <see cref="UsesFusedPath"/>.</summary>
    public Tensor ForwardFused(Tensor x)
    {
        CheckInput(x);
        if (!FusedSpinalPlan.Covers(Config, training))
            throw new InvalidOperationException("the fused Spinal path does not cover batch norm, active dropout or gelu");
        var vars = new List<object> { fusedPlan, x };
        foreach (var block in layers)
        {
            var linear = (TorchSharp.Modules.Linear)((TorchSharp.Modules.Sequential)block)[1];
            vars.Add(linear.weight!);
            vars.Add(linear.bias!);
        }
        if (Config.Outputs > 0)
        {
            var linear = (TorchSharp.Modules.Linear)((TorchSharp.Modules.Sequential)output)[1];
            vars.Add(linear.weight!);
            vars.Add(linear.bias!);
        }
        var inputs = vars.ToArray();
        if (SpinalCpuKernel.Takes(fusedPlan, x, inputs))
            return SpinalCpuFunction.Run(inputs);
        return torch.is_grad_enabled() ? FusedSpinalFunction.apply(inputs) : FusedSpinalFunction.Compute(inputs, out _);
    }

    /// <summary>The plain path, module by module as the configuration reads.</summary>
    public Tensor ForwardPlain(Tensor x) => output.call(torch.cat(HiddenOutputs(x), 1));

    /// <summary>The spinal layers' outputs h_0 .. h_{L-1} ([batch, w] each) by the plain path: what the output layer
    /// reads, concatenated, and what the exact per-layer shares of the logits are made of
    /// (Explanation/SpinalDecomposition.cs, docs/serving.md §16.3).</summary>
    public Tensor[] HiddenOutputs(Tensor x)
    {
        CheckInput(x);
        var hidden = new Tensor[Config.Layers];
        hidden[0] = layers[blockOfStep[0]].call(splitOfStep[0](x));
        for (int i = 1; i < hidden.Length; i++)
            hidden[i] = layers[blockOfStep[i]].call(torch.cat([splitOfStep[i](x), hidden[i - 1]], 1));
        return hidden;
    }

    /// <summary>The output layer's linear map, W_out [C, L·w] and its bias [C]; null for a bare stack (C = 0).</summary>
    public TorchSharp.Modules.Linear? OutputLinear => Config.Outputs == 0
        ? null
        : (TorchSharp.Modules.Linear)((TorchSharp.Modules.Sequential)output)[1];

    void CheckInput(Tensor x)
    {
        if (x.dim() != 2 || x.shape[1] != Config.InputWidth)
            throw new ArgumentException(
                $"input of shape [{string.Join(", ", x.shape)}] does not match the Spinal layer's input width " +
                $"N = {Config.InputWidth} (expected [batch, {Config.InputWidth}])", "input");
    }
}
