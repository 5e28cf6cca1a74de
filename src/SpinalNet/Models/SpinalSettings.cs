// What a user chooses of a network's Spinal head (docs/spinal-layer.md §1): the layer width w, the number of layers L,
// the splits k and the optional parts. The input width N and the outputs C are the network's: its features and its
// classes. Every network of the catalogue has its own settings, the paper's for it (ModelSpec.Spinal); a run records
// the settings it trained, all of them resolved (docs/architecture.md §14.1).
using SpinalNet.Layers;

namespace SpinalNet.Models;

/// <summary>The chosen shape of a Spinal head; <see cref="For"/> makes it a layer over a network's features.</summary>
/// <param name="Width">w, neurons in each spinal layer (the authors' layer_width).</param>
/// <param name="Layers">L, the number of spinal layers.</param>
/// <param name="Splits">k, the number of parts the features are cut into (2 gives the authors' Half_width = N/2).</param>
/// <param name="Dropout">Dropout on each spinal layer's input and on the output layer's (the authors' SpinalNet_VGG:
/// 0.5).</param>
/// <param name="BatchNorm">BatchNorm1d after each spinal layer's linear map.</param>
/// <param name="Activation">φ of the spinal layers (LeakyReLU in the hymenoptera script).</param>
/// <param name="SharedWeights">Layers 2..L share one linear map (SpinalNet SW).</param>
public sealed record SpinalSettings(int Width, int Layers, int Splits = 2, double Dropout = 0, bool BatchNorm = false,
    Activation Activation = Activation.Relu, bool SharedWeights = false)
{
    /// <summary>The Spinal layer of these settings over <paramref name="features"/> inputs with
    /// <paramref name="outputs"/> outputs (0: a bare stack).</summary>
    public SpinalConfig For(int features, int outputs) =>
        new(features, Width, Layers, outputs, Splits, Activation, Dropout, BatchNorm, SharedWeights);

    /// <summary>The settings in a few words, as tables and labels print them: "w = 8, L = 6, k = 2" and the optional
    /// parts that are on.</summary>
    public override string ToString() => string.Join(", ", new[]
    {
        $"w = {Width}", $"L = {Layers}", $"k = {Splits}",
        Dropout > 0 ? $"dropout {Dropout:0.##}" : null, BatchNorm ? "BN" : null,
        Activation != Activation.Relu ? Activations.Name(Activation) : null, SharedWeights ? "shared weights" : null,
    }.Where(part => part is not null));
}
