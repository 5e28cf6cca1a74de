// The exact per-layer decomposition of a Spinal head's logits (docs/serving.md §16.3), which only this layer has: its
// output layer is linear over [h_0; ...; h_{L-1}] (docs/spinal-layer.md §1.2), so
//   logit_c = Σ_i W_out[c, block_i] · h_i + b_c,   block_i = columns i·w .. (i+1)·w − 1,
// and each spinal layer's share of each logit is W_out[c, block_i] · h_i. The shares are computed in float64 from the
// plain path's h_i (the fused path computes the same h_i, docs/performance.md §9.1), so with the bias they sum to the
// head's own logits up to float32 rounding. Every variant is linear at the output the same way: batch norm, dropout
// (off in evaluation), shared weights and other layer-block maps change how h_i is made, never how the output reads it.
// A head whose last module is not a Spinal layer with an output layer (the conventional head, Arch2's stacks under an
// MLP) has no such decomposition.
using SpinalNet.Layers;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Explanation;

/// <summary>One sample's logits (the head's output, before any log_softmax) and each spinal layer's share of them, in
/// layer order, and the output bias: Σ_i Contributions[i][c] + Bias[c] = Logits[c].</summary>
public sealed record SpinalShares(double[] Logits, double[][] Contributions, double[] Bias);

/// <summary>The per-layer shares of a network's logits, where its head ends in a Spinal layer.</summary>
public static class SpinalDecomposition
{
    /// <summary>Whether <paramref name="network"/>'s head ends in a Spinal layer with an output layer.</summary>
    public static bool Applies(ClassifierNetwork network) => Locate(network) is not null;

    /// <summary>Each sample's shares, for a batch of network inputs; null where the head has no Spinal output layer.
    /// The network should be in evaluation mode (batch norm's running statistics, no dropout).</summary>
    public static IReadOnlyList<SpinalShares>? Compute(ClassifierNetwork network, Tensor input)
    {
        if (Locate(network) is not var (toSpinalInput, spinal) || spinal.OutputLinear is not { } linear) return null;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var features = network.Features(input);
        var logits = network.Head.call(features).to(float64).cpu();
        var hidden = spinal.HiddenOutputs(toSpinalInput(features));
        var weight = linear.weight!.detach().to(float64).cpu();
        int w = spinal.Config.Width;
        var shares = hidden.Select((h, i) =>
            h.to(float64).cpu().matmul(weight.narrow(1, (long)i * w, w).t())).ToArray();  // [batch, C] each
        var bias = linear.bias!.detach().to(float64).cpu().data<double>().ToArray();
        int batch = (int)input.shape[0], classes = bias.Length;
        var logitRows = logits.data<double>().ToArray();
        var shareRows = shares.Select(s => s.data<double>().ToArray()).ToArray();
        return Enumerable.Range(0, batch).Select(b => new SpinalShares(
            logitRows[(b * classes)..((b + 1) * classes)],
            shareRows.Select(s => s[(b * classes)..((b + 1) * classes)]).ToArray(),
            bias)).ToList();
    }

    /// <summary>How the head's input becomes the Spinal layer's input (identity where the head is the layer; the
    /// modules before it where the head is a sequence ending in one), and the layer.</summary>
    static (Func<Tensor, Tensor> ToSpinalInput, SpinalLayer Layer)? Locate(ClassifierNetwork network)
    {
        switch (network.Head)
        {
            case SpinalLayer spinal when spinal.Config.Outputs > 0:
                return (x => x, spinal);
            case TorchSharp.Modules.Sequential sequence:
                var children = sequence.children().Cast<nn.Module<Tensor, Tensor>>().ToList();
                if (children.Count == 0 || children[^1] is not SpinalLayer { Config.Outputs: > 0 } last) return null;
                var before = children.Take(children.Count - 1).ToList();
                return (x => before.Aggregate(x, (t, m) => m.call(t)), last);
            default:
                return null;
        }
    }
}
