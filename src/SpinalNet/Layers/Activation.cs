// The activation φ of a layer (docs/spinal-layer.md §1.1: ReLU almost everywhere, LeakyReLU(0.01) in the regression and
// hymenoptera scripts), as a closed set of values. Names follow PyTorch's functional names (relu, leaky_relu, ...), so
// configuration files read the same in both worlds.
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Layers;

[JsonConverter(typeof(JsonStringEnumConverter<Activation>))]
public enum Activation
{
    [JsonStringEnumMemberName("relu")] Relu,
    [JsonStringEnumMemberName("leaky_relu")] LeakyRelu,
    [JsonStringEnumMemberName("tanh")] Tanh,
    [JsonStringEnumMemberName("gelu")] Gelu,
    [JsonStringEnumMemberName("sigmoid")] Sigmoid,
    [JsonStringEnumMemberName("identity")] Identity,
}

public static class Activations
{
    static readonly (Activation Value, string Name, Func<nn.Module<Tensor, Tensor>> Create)[] Table =
    [
        (Activation.Relu, "relu", () => nn.ReLU()),
        (Activation.LeakyRelu, "leaky_relu", () => nn.LeakyReLU(0.01)),
        (Activation.Tanh, "tanh", () => nn.Tanh()),
        (Activation.Gelu, "gelu", () => nn.GELU()),
        (Activation.Sigmoid, "sigmoid", () => nn.Sigmoid()),
        (Activation.Identity, "identity", () => nn.Identity()),
    ];

    public static IReadOnlyList<string> Names => Table.Select(t => t.Name).ToArray();

    /// <summary>The name configuration files and options use, e.g. "leaky_relu".</summary>
    public static string Name(this Activation activation) => Table.Single(t => t.Value == activation).Name;

    /// <summary>The activation of a name, or a one-line error naming <paramref name="option"/> and the valid names.</summary>
    public static Activation Parse(string name, string option = "activation") =>
        Table.FirstOrDefault(t => t.Name == name) is { Name: not null } found
            ? found.Value
            : throw new ArgumentException($"unknown activation '{name}' (valid: {string.Join(", ", Names)})", option);

    public static nn.Module<Tensor, Tensor> Create(this Activation activation) =>
        Table.Single(t => t.Value == activation).Create();
}
