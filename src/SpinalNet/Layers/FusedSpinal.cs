// The fused Spinal layer (docs/performance.md §9.1): the same function as SpinalLayer's plain path, computed as one
// autograd node with a hand-derived backward, so a training step runs a few dozen plain tensor operations instead of
// one autograd node per narrow, concatenation, linear map and activation.
//
// Layer i's linear map splits by columns into an input part and a lateral part, Wi = [Ui | Vi] (split first, then
// previous output, as in the plain path):  z_i = Ui · split_i + Vi · h_{i-1} + b_i,  h_i = φ(z_i).
// The input terms Ui · split_i + b_i do not depend on the chain: layers that read the same split are computed by one
// matrix product with their Ui stacked. Only the w×w lateral products run one after the other. The output layer is
// y = Wout · [h_0 ; ... ; h_{L-1}] + b_out.
// Backward, with δ_i = ∂loss/∂z_i:  ∂h_i = Wout_i^T ∂y + V_{i+1}^T δ_{i+1},  δ_i = ∂h_i ⊙ φ'(z_i) (φ' from h_i),
// ∂Ui = Σ δ_i^T split_i, ∂Vi = δ_i^T h_{i-1}, ∂b_i = Σ_batch δ_i, ∂x = Σ_i δ_i Ui scattered back to split_i's columns.
// Shared blocks sum the gradients of the layers they compute. The node covers what has no state or randomness of its
// own: dropout only when inactive (evaluation mode or p = 0), no batch norm, φ with a derivative readable from φ(z).
using static TorchSharp.torch;

namespace SpinalNet.Layers;

/// <summary>What the fused node needs to know of a configuration, worked out once per layer.</summary>
sealed class FusedSpinalPlan
{
    /// <summary>The layers that read one split (the same columns of x), and how the split is taken.</summary>
    internal sealed record SplitGroup(int Start, int[] Steps, Func<Tensor>? Gather, Func<Tensor>? Columns);

    internal readonly SpinalConfig Config;
    internal readonly int[] BlockOfStep;
    internal readonly SplitGroup[] Groups;
    internal readonly (int Group, int Slot)[] GroupOfStep;
    /// <summary>Layer i is computed by block i (no shared weights).</summary>
    internal readonly bool OneStepPerBlock;
    /// <summary>The splits, in group order, are x cut into consecutive parts: ∂x is their gradients side by side.</summary>
    internal readonly bool TilesInput;

    /// <param name="gatherOfStep">The index buffer of a step whose split straddles the end of x.</param>
    /// <param name="buffer">Registers an index buffer (so that it moves with the module) and returns its getter.</param>
    internal FusedSpinalPlan(SpinalConfig config, Func<int, Func<Tensor>> gatherOfStep,
        Func<string, long[], Func<Tensor>> buffer)
    {
        Config = config;
        BlockOfStep = config.BlockOfLayer;
        int w = config.Width;
        var starts = Enumerable.Range(0, config.Layers).Select(i => config.InputIndex(i, 0)).ToArray();
        Groups = starts.Distinct().Select((start, g) =>
        {
            var steps = Enumerable.Range(0, config.Layers).Where(i => starts[i] == start).ToArray();
            var gather = start + config.SplitWidth <= config.InputWidth ? null : gatherOfStep(steps[0]);
            // The columns of [δ_0 ; ... ; δ_{L-1}] that belong to this group, when they are not all of them.
            var columns = steps.Length == config.Layers ? null : buffer($"fused_columns_{g}",
                steps.SelectMany(i => Enumerable.Range(i * w, w).Select(c => (long)c)).ToArray());
            return new SplitGroup(start, steps, gather, columns);
        }).ToArray();
        OneStepPerBlock = BlockOfStep.SequenceEqual(Enumerable.Range(0, config.Layers));
        TilesInput = Groups.All(g => g.Gather is null) && Groups.Length * config.SplitWidth == config.InputWidth &&
            Groups.Select((g, i) => g.Start == i * config.SplitWidth).All(b => b);
        GroupOfStep = new (int, int)[config.Layers];
        for (int g = 0; g < Groups.Length; g++)
            for (int j = 0; j < Groups[g].Steps.Length; j++) GroupOfStep[Groups[g].Steps[j]] = (g, j);
    }

    /// <summary>Whether the node computes this configuration: nothing stateful or random in the layers.</summary>
    internal static bool Covers(SpinalConfig config, bool training) =>
        !config.BatchNorm && (config.Dropout == 0 || !training) &&
        config.Activation is not (Activation.Gelu or Activation.Hardswish);

    /// <summary>The widest layers for which the fused path is the faster one: it saves operations, which is what
    /// narrow layers cost, but stacks and concatenates weights, which is what wide ones cost (bench/RESULTS.md).</summary>
    internal const int FasterUpToWidth = 32;

    internal Tensor Split(Tensor x, SplitGroup group) =>
        group.Gather is { } index ? x.index_select(1, index()) : x.narrow(1, group.Start, Config.SplitWidth);
}

/// <summary>The custom autograd function: inputs are the plan, x, then weight and bias of every block, then the output
/// layer's weight and bias (when there is one).</summary>
sealed class FusedSpinalFunction : autograd.SingleTensorFunction<FusedSpinalFunction>
{
    public override string Name => "FusedSpinal";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var y = Compute(vars, out var saved);
        ctx.save_for_backward(saved);
        ctx.save_data("plan", vars[0]);
        ctx.save_data("vars", vars);
        return y;
    }

    /// <summary>The forward computation, without the autograd node: what inference (no gradients) runs.</summary>
    internal static Tensor Compute(object[] vars, out List<Tensor> saved)
    {
        var plan = (FusedSpinalPlan)vars[0];
        var x = (Tensor)vars[1];
        var c = plan.Config;
        int w = c.Width, s = c.SplitWidth;
        Tensor Weight(int block) => (Tensor)vars[2 + 2 * block];
        Tensor Bias(int block) => (Tensor)vars[3 + 2 * block];
        Tensor InputPart(int step) => step == 0 ? Weight(0) : Weight(plan.BlockOfStep[step]).narrow(1, 0, s);

        var terms = new Tensor[plan.Groups.Length];
        var stacked = new Tensor[plan.Groups.Length];
        for (int g = 0; g < plan.Groups.Length; g++)
        {
            var steps = plan.Groups[g].Steps;
            stacked[g] = steps.Length == 1 ? InputPart(steps[0]) : cat(steps.Select(InputPart).ToList(), 0);
            var bias = steps.Length == 1 ? Bias(plan.BlockOfStep[steps[0]])
                : cat(steps.Select(i => Bias(plan.BlockOfStep[i])).ToList(), 0);
            terms[g] = nn.functional.linear(plan.Split(x, plan.Groups[g]), stacked[g], bias);
        }

        var hidden = new Tensor[c.Layers];
        for (int i = 0; i < c.Layers; i++)
        {
            var (g, slot) = plan.GroupOfStep[i];
            var term = plan.Groups[g].Steps.Length == 1 ? terms[g] : terms[g].narrow(1, slot * w, w);
            // linear with a [batch, w] bias is term + h_{i-1} · Vi^T in one product.
            var z = i == 0 ? term : nn.functional.linear(hidden[i - 1], Weight(plan.BlockOfStep[i]).narrow(1, s, w), term);
            hidden[i] = Activate(z, c.Activation);
        }
        var all = c.Layers == 1 ? hidden[0] : cat(hidden, 1);
        var blocks = plan.BlockOfStep.Max() + 1;
        var y = c.Outputs > 0
            ? nn.functional.linear(all, (Tensor)vars[2 + 2 * blocks], (Tensor)vars[3 + 2 * blocks])
            : all.clone();   // the saved activations are not the node's output
        saved = [x, all, .. stacked];
        return y;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var plan = (FusedSpinalPlan)ctx.get_data("plan");
        var vars = (object[])ctx.get_data("vars");
        var c = plan.Config;
        int w = c.Width, s = c.SplitWidth, l = c.Layers, groups = plan.Groups.Length;
        int blocks = plan.BlockOfStep.Max() + 1;
        long batch = gradOutput.shape[0];
        var saved = ctx.get_saved_variables();
        var (x, all) = (saved[0], saved[1]);
        Tensor Weight(int block) => (Tensor)vars[2 + 2 * block];

        var grads = new Tensor?[vars.Length];
        Tensor delta;
        if (c.Outputs > 0)
        {
            grads[2 + 2 * blocks] = gradOutput.t().mm(all);
            grads[3 + 2 * blocks] = gradOutput.sum(0L);
            delta = gradOutput.mm(Weight(blocks));
        }
        else delta = gradOutput.clone();

        // δ_i in place over ∂[h_0 ; ... ; h_{L-1}], last layer first; φ'(z) for all layers at once.
        var slope = Slope(all, c.Activation);
        var deltas = new Tensor[l];
        for (int i = l - 1; i >= 0; i--)
        {
            var d = l == 1 ? delta : delta.narrow(1, i * w, w);
            if (i < l - 1) d.addmm_(deltas[i + 1], Weight(plan.BlockOfStep[i + 1]).narrow(1, s, w));
            if (slope is not null) d.mul_(l == 1 ? slope : slope.narrow(1, i * w, w));
            deltas[i] = d;
        }

        // ∂V_i = δ_i^T h_{i-1} for i = 1..L-1 in one batched product: [L-1, w, w].
        var lateral = l == 1 ? null : bmm(
            delta.narrow(1, w, (l - 1) * w).view(batch, l - 1, w).permute(1, 2, 0),
            all.narrow(1, 0, (l - 1) * w).view(batch, l - 1, w).transpose(0, 1));

        var inputGrads = new Tensor[groups];
        var biasGrads = new Tensor[groups];
        var splitGrads = x.requires_grad ? new Tensor[groups] : null;
        for (int g = 0; g < groups; g++)
        {
            var group = plan.Groups[g];
            var dg = group.Columns is { } columns ? delta.index_select(1, columns()) : delta;
            inputGrads[g] = dg.t().mm(plan.Split(x, group));
            biasGrads[g] = dg.sum(0L);
            if (splitGrads is not null) splitGrads[g] = dg.mm(saved[2 + g]);
        }
        if (splitGrads is not null) grads[1] = plan.TilesInput ? cat(splitGrads, 1) : Scatter(x, plan, splitGrads);

        if (plan.OneStepPerBlock) BlockGradsOneStepEach(plan, inputGrads, biasGrads, lateral, grads);
        else BlockGradsShared(plan, inputGrads, biasGrads, lateral, grads);
        return grads.ToList()!;
    }

    static Tensor Scatter(Tensor x, FusedSpinalPlan plan, Tensor[] splitGrads)
    {
        var dx = zeros_like(x);
        for (int g = 0; g < plan.Groups.Length; g++)
        {
            var group = plan.Groups[g];
            if (group.Gather is { } index) dx.index_add_(1, index(), splitGrads[g], 1);
            else dx.narrow(1, group.Start, plan.Config.SplitWidth).add_(splitGrads[g]);
        }
        return dx;
    }

    /// <summary>Layer i is block i: the gradients of a group's layers are its rows of ∂U beside their ∂V, taken
    /// for the whole group at once (a group's layers are i0, i0 + P, i0 + 2P, ..., P the period of the splits).</summary>
    static void BlockGradsOneStepEach(FusedSpinalPlan plan, Tensor[] inputGrads, Tensor[] biasGrads, Tensor? lateral,
        Tensor?[] grads)
    {
        int w = plan.Config.Width, s = plan.Config.SplitWidth, l = plan.Config.Layers;
        for (int g = 0; g < plan.Groups.Length; g++)
        {
            var steps = plan.Groups[g].Steps;
            int n = steps.Length, first = steps[0] == 0 ? 1 : 0;
            var biases = n == 1 ? [biasGrads[g]] : biasGrads[g].view(n, w).unbind(0);
            for (int j = 0; j < n; j++) grads[3 + 2 * steps[j]] = biases[j];
            if (first == 1) grads[2] = n == 1 ? inputGrads[g] : inputGrads[g].narrow(0, 0, w);
            if (n == first) continue;
            var input = inputGrads[g].narrow(0, first * w, (n - first) * w).view(n - first, w, s);
            var step0 = steps[first] - 1;
            var lat = n - first == 1 ? lateral!.narrow(0, step0, 1)
                : lateral!.slice(0, step0, l - 1, steps[first + 1] - steps[first]);
            var weights = cat([input, lat], 2).unbind(0);
            for (int j = first; j < n; j++) grads[2 + 2 * steps[j]] = weights[j - first];
        }
    }

    /// <summary>Shared blocks: each block sums [∂U_i | ∂V_i] and ∂b_i over the layers it computes.</summary>
    static void BlockGradsShared(FusedSpinalPlan plan, Tensor[] inputGrads, Tensor[] biasGrads, Tensor? lateral,
        Tensor?[] grads)
    {
        int w = plan.Config.Width;
        var laterals = lateral?.unbind(0);
        for (int i = 0; i < plan.Config.Layers; i++)
        {
            var (g, slot) = plan.GroupOfStep[i];
            bool alone = plan.Groups[g].Steps.Length == 1;
            var inputPart = alone ? inputGrads[g] : inputGrads[g].narrow(0, slot * w, w);
            var bias = alone ? biasGrads[g] : biasGrads[g].narrow(0, slot * w, w);
            var weight = i == 0 ? inputPart : cat([inputPart, laterals![i - 1]], 1);
            int b = plan.BlockOfStep[i];
            grads[2 + 2 * b] = grads[2 + 2 * b] is { } sum ? sum.add(weight) : weight;
            grads[3 + 2 * b] = grads[3 + 2 * b] is { } bsum ? bsum.add(bias) : bias;
        }
    }

    static Tensor Activate(Tensor z, Activation activation) => activation switch
    {
        Activation.Relu => z.relu_(),
        Activation.LeakyRelu => nn.functional.leaky_relu(z, 0.01, inplace: true),
        Activation.Tanh => z.tanh_(),
        Activation.Sigmoid => z.sigmoid_(),
        Activation.Identity => z,
        _ => throw new NotSupportedException($"the fused Spinal layer has no derivative for {activation.Name()}"),
    };

    /// <summary>φ'(z) written in terms of h = φ(z), for all layers at once; null where it is 1.</summary>
    static Tensor? Slope(Tensor h, Activation activation) => activation switch
    {
        Activation.Relu => h.gt(0),
        Activation.LeakyRelu => where(h.gt(0), 1.0, 0.01),
        Activation.Tanh => h.square().neg_().add_(1),
        Activation.Sigmoid => h.mul(h.neg().add_(1)),
        _ => null,
    };
}
