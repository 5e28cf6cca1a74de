// A hand-written Spinal forward pass, straight from docs/spinal-layer.md §1.2 and §1.4, used as the oracle for
// SpinalLayer: the input is tiled by appending whole copies of x until it is at least L·s long; layer i reads
// x_all[i·s, (i+1)·s); layer 0 sees its split only, later layers [split ; previous output]; the output layer reads [h0
// ; ... ; h_{L-1}]. It takes the weights by their state-dict names and shares no code with the library.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

static class SpinalReference
{
    public static Tensor Forward(Tensor x, IReadOnlyDictionary<string, Tensor> p, int n, int k, int layers,
        Func<Tensor, Tensor> activation, Func<int, int>? blockOfLayer = null, bool batchNorm = false)
    {
        int s = (int)Math.Round((double)n / k, MidpointRounding.ToEven);
        var copies = new List<Tensor>();
        while (copies.Count * n < layers * s) copies.Add(x);
        var tiled = torch.cat(copies, 1);
        var outputs = new List<Tensor>();
        Tensor? previous = null;
        for (int i = 0; i < layers; i++)
        {
            int b = blockOfLayer?.Invoke(i) ?? i;
            var split = tiled[.., (i * s)..((i + 1) * s)];
            var input = previous is null ? split : torch.cat([split, previous], 1);
            var z = input.matmul(p[$"layers.{b}.linear.weight"].t()) + p[$"layers.{b}.linear.bias"];
            if (batchNorm)
                z = (z - p[$"layers.{b}.norm.running_mean"]) / (p[$"layers.{b}.norm.running_var"] + 1e-5).sqrt()
                    * p[$"layers.{b}.norm.weight"] + p[$"layers.{b}.norm.bias"];
            previous = activation(z);
            outputs.Add(previous);
        }
        return torch.cat(outputs, 1).matmul(p["output.linear.weight"].t()) + p["output.linear.bias"];
    }

    public static Dictionary<string, Tensor> StateOf(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
}
