// Cost accounting (docs/spinal-layer.md §1.5): trainable parameters and multiplications per forward sample, per layer.
//
// Conventions, the paper's: a linear map costs in·out multiplications; a convolution costs, for each output element,
// (in_channels / groups)·kh·kw; biases cost additions only. Batch norm has 2·C parameters and no multiplications,
// because at inference it folds into the preceding linear map or convolution. Activations, pooling and dropout cost
// nothing. Counts come from one traced forward pass of a single sample, so every layer the model really runs is
// counted, as often as it runs (a shared layer run twice costs twice its multiplications, its parameters once).
// Modules that multiply outside their Linear and convolution children say how much (Layers/IMultiplies.cs):
// self-attention adds its input projection (3·D² per token) and 2·T²·D for the query-key and weight-value products,
// squeeze-excitation's gate and ConvNeXt's layer scale one per output element; layer norms, like batch norms, and
// softmax count none (docs/transfer.md §11.4).
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Cost;

/// <summary>The cost of one layer for one sample.</summary>
/// <param name="Name">Dotted module path, as in the state dict (e.g. head.layers.0.linear).</param>
/// <param name="Kind">Module type (Linear, Conv2d, BatchNorm1d, ...).</param>
/// <param name="OutputShape">Output shape for one sample, without the batch dimension; empty if never run.</param>
/// <param name="Parameters">Trainable parameters of the layer itself (a shared layer's once).</param>
/// <param name="Multiplications">Multiplications per sample, each run of the layer counted.</param>
public sealed record LayerCost(string Name, string Kind, long[] OutputShape, long Parameters, long Multiplications);

/// <summary>Parameters and multiplications per forward sample, layer by layer, in the paper's conventions.</summary>
/// <param name="Layers">Every named module of the model, in module order.</param>
public sealed record CostReport(IReadOnlyList<LayerCost> Layers)
{
    /// <summary>Trainable parameters of the model (or part).</summary>
    public long Parameters => Layers.Sum(l => l.Parameters);

    /// <summary>Multiplications of one forward sample through the model (or part).</summary>
    public long Multiplications => Layers.Sum(l => l.Multiplications);

    /// <summary>The layers under one top-level part of the model, e.g. "head" or "backbone".</summary>
    public CostReport Part(string prefix) =>
        new(Layers.Where(l => l.Name == prefix || l.Name.StartsWith(prefix + ".")).ToList());

    /// <summary>Traces one forward pass of a single sample of the given shape (without batch dimension).</summary>
    public static CostReport Measure(nn.Module<Tensor, Tensor> model, params long[] sampleShape)
    {
        var modules = model.named_modules().Where(m => !string.IsNullOrEmpty(m.name)).ToList();
        var shapes = new Dictionary<string, long[]>();
        var mults = new Dictionary<string, long>();
        var removers = new List<Action>();
        foreach (var (name, module) in modules)
        {
            if (module is not nn.Module<Tensor, Tensor> hookable) continue;
            var remover = hookable.register_forward_hook((m, input, output) =>
            {
                shapes[name] = output.shape.Skip(1).ToArray();
                mults[name] = mults.GetValueOrDefault(name) + MultiplicationsOf(m, output);
                return output;
            });
            removers.Add(remover.remove);
        }

        bool wasTraining = model.training;
        // The trace hooks the modules of the Spinal layer's plain path; the fused path runs none of them.
        var spinal = model.modules().Prepend(model).Distinct().OfType<SpinalLayer>().Where(l => l.PreferFused).ToList();
        try
        {
            foreach (var layer in spinal) layer.PreferFused = false;
            model.eval();
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var device = model.parameters().FirstOrDefault()?.device ?? torch.CPU;
            model.call(torch.zeros([1, .. sampleShape], device: device));
        }
        finally
        {
            foreach (var remove in removers) remove();
            foreach (var layer in spinal) layer.PreferFused = true;
            model.train(wasTraining);
        }

        var rows = new List<LayerCost>();
        foreach (var (name, module) in modules)
        {
            long parameters = module.named_parameters(recurse: false).Sum(p => p.parameter.numel());
            long multiplications = mults.GetValueOrDefault(name);
            if (parameters == 0 && multiplications == 0) continue;
            rows.Add(new LayerCost(name, module.GetType().Name, shapes.GetValueOrDefault(name) ?? [], parameters,
                multiplications));
        }
        return new CostReport(rows);
    }

    static long MultiplicationsOf(nn.Module module, Tensor output) => module switch
    {
        TorchSharp.Modules.Linear linear => linear.weight!.numel() * (output.numel() / output.shape[^1]) / output.shape[0],
        TorchSharp.Modules.Conv1d conv => OutputElements(output) * conv.weight!.numel() / conv.weight!.shape[0],
        TorchSharp.Modules.Conv2d conv => OutputElements(output) * conv.weight!.numel() / conv.weight!.shape[0],
        TorchSharp.Modules.Conv3d conv => OutputElements(output) * conv.weight!.numel() / conv.weight!.shape[0],
        IMultiplies own => own.Multiplications(output),
        _ => 0,
    };

    static long OutputElements(Tensor output) => output.numel() / output.shape[0];
}
