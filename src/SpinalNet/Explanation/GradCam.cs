// Grad-CAM (Selvaraju et al., arXiv 1610.02391; docs/serving.md §16.2) by TorchSharp's autograd: the activations A of one
// block with a spatial output ([1, K, h, w]), captured by a forward hook, and the gradient of the chosen class's logit
// (the head's output, before any log_softmax) with respect to them give the weights α_k = mean over positions of
// ∂logit/∂A_k, and the map ReLU(Σ_k α_k A_k): where the block saw evidence for the class. The map is brought to the
// input's size by bilinear interpolation (align_corners = false, as torch's F.interpolate) and scaled to [0, 1] by
// its minimum and maximum (all zero where it is flat). The block is the last one of the backbone with a spatial output
// (the last convolutional block) unless named; names are the network's module paths (backbone.act2, backbone.layer4).
using SpinalNet.Layers;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Explanation;

/// <summary>A Grad-CAM map of one image for one class.</summary>
/// <param name="Layer">The block whose activations were used.</param>
/// <param name="Coarse">ReLU(Σ α_k A_k) at the block's resolution, row by row.</param>
/// <param name="Map">The map at the input's size, scaled to [0, 1], row by row.</param>
public sealed record GradCamMap(string Layer, int Class, int CoarseHeight, int CoarseWidth, float[] Coarse,
    int Height, int Width, float[] Map);

/// <summary>Grad-CAM of a classifier's blocks.</summary>
public static class GradCam
{
    /// <summary>The blocks of the backbone with a spatial output ([batch, K, h, w]) on an input of
    /// <paramref name="input"/>'s shape, in the order they finish (the last is the default block).</summary>
    public static IReadOnlyList<string> SpatialLayers(ClassifierNetwork network, Tensor input)
    {
        var finished = new List<string>();
        var hooks = BackboneModules(network).Select(m => m.Module.register_forward_hook((_, _, output) =>
        {
            if (output.dim() == 4) finished.Add(m.Name);
            return output;
        })).ToList();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            network.Features(input);
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
        }
        return finished;
    }

    /// <summary>The Grad-CAM map of one image ([1, C, H, W], preprocessed as the network reads it) for
    /// <paramref name="targetClass"/> (null: the predicted class) at <paramref name="layer"/> (null: the last block
    /// with a spatial output).</summary>
    /// <exception cref="SettingException">The layer is not a block of the backbone with a spatial output, or the class
    /// is out of range.</exception>
    public static GradCamMap Compute(ClassifierNetwork network, Tensor input, int? targetClass = null,
        string? layer = null)
    {
        if (input.dim() != 4 || input.shape[0] != 1)
            throw new ArgumentException($"Grad-CAM takes one image [1, C, H, W], not [{string.Join(", ", input.shape)}]");
        var spatial = SpatialLayers(network, input);
        if (spatial.Count == 0)
            throw new SettingException("Layer", layer ?? "(default)", "needs a block with a spatial output; this " +
                                                                     "network's backbone has none");
        var name = layer ?? spatial[^1];
        if (!spatial.Contains(name))
            throw new SettingException("Layer", name, $"is not a block with a spatial output; one of {string.Join(", ", spatial.Distinct())}");
        var module = BackboneModules(network).First(m => m.Name == name).Module;

        using var scope = torch.NewDisposeScope();
        using var enableGrad = torch.enable_grad();
        Tensor? activations = null;
        // The block's output is replaced by a copy that is a leaf of the graph, so the gradient is taken with respect
        // to it whatever the parameters' requires_grad, and nothing below it is differentiated. The network goes on
        // with an alias of it: a Sequential disposes what its children return once the next child has read it.
        var hook = module.register_forward_hook((_, _, output) =>
        {
            if (activations is not null) return output;
            activations = output.detach().requires_grad_(true);
            return activations.alias();
        });
        Tensor logits;
        try
        {
            logits = network.Head.call(network.Features(input));
        }
        finally
        {
            hook.remove();
        }
        int classes = (int)logits.shape[1];
        int target = targetClass ?? (int)logits.argmax(1).item<long>();
        if (target < 0 || target >= classes)
            throw new SettingException("Class", target, $"must be a class index from 0 to {classes - 1}");
        var gradient = torch.autograd.grad([logits[0, target]], [activations!])[0];
        using var noGrad = torch.no_grad();
        var weights = gradient.mean([2, 3], keepdim: true);
        var coarse = (weights * activations!).sum(1, keepdim: true).relu();
        var (height, width) = (input.shape[2], input.shape[3]);
        var map = nn.functional.interpolate(coarse, [height, width], mode: InterpolationMode.Bilinear,
            align_corners: false);
        var (low, high) = (map.min(), map.max());
        var span = (high - low).item<float>();
        map = span > 0 ? (map - low) / span : torch.zeros_like(map);
        return new GradCamMap(name, target, (int)coarse.shape[2], (int)coarse.shape[3],
            coarse.cpu().data<float>().ToArray(), (int)height, (int)width, map.cpu().data<float>().ToArray());
    }

    /// <summary>The backbone and its modules, named by their path in the network (backbone, backbone.conv1, ...).</summary>
    static IEnumerable<(string Name, nn.Module<Tensor, Tensor> Module)> BackboneModules(ClassifierNetwork network) =>
        network.Backbone.named_modules()
            .Select(m => (Name: m.name == "" ? "backbone" : "backbone." + m.name, m.module))
            .Where(m => m.module is nn.Module<Tensor, Tensor>)
            .Select(m => (m.Name, (nn.Module<Tensor, Tensor>)m.module));
}
