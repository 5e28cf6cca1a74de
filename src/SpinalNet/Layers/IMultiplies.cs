// What a module computes beyond its Linear and convolution children, for the cost report (docs/spinal-layer.md §1.5):
// attention's products of queries with keys and of weights with values, elementwise scalings (squeeze-excitation's
// gate, ConvNeXt's layer scale). The report adds this to the multiplications of the module's own children.
using static TorchSharp.torch;

namespace SpinalNet.Layers;

/// <summary>A module that multiplies outside its Linear and convolution children.</summary>
public interface IMultiplies
{
    /// <summary>Its own multiplications for one sample, given its output for a batch of one.</summary>
    long Multiplications(Tensor output);
}
