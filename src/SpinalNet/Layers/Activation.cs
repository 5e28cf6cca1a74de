// The activation φ of a layer (docs/spinal-layer.md §1.1: ReLU almost everywhere, LeakyReLU(0.01) in the regression and
// hymenoptera scripts), as a closed set of values. Names follow PyTorch's functional names (relu, leaky_relu, ...), so
// configuration files read the same in both worlds.
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using SpinalNet.Data;

namespace SpinalNet.Layers;

/// <summary>The activation φ of a layer; JSON and options spell it as PyTorch's functional name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Activation>))]
public enum Activation
{
    /// <summary>relu: max(0, x).</summary>
    [JsonStringEnumMemberName("relu")] Relu,
    /// <summary>leaky_relu with negative slope 0.01.</summary>
    [JsonStringEnumMemberName("leaky_relu")] LeakyRelu,
    /// <summary>tanh.</summary>
    [JsonStringEnumMemberName("tanh")] Tanh,
    /// <summary>gelu (exact, not the tanh approximation).</summary>
    [JsonStringEnumMemberName("gelu")] Gelu,
    /// <summary>sigmoid.</summary>
    [JsonStringEnumMemberName("sigmoid")] Sigmoid,
    /// <summary>hardswish: x · ReLU6(x + 3) / 6 (MobileNetV3's classifier).</summary>
    [JsonStringEnumMemberName("hardswish")] Hardswish,
    /// <summary>identity: no activation.</summary>
    [JsonStringEnumMemberName("identity")] Identity,
}

/// <summary>Names and modules of the activations.</summary>
public static class Activations
{
    static readonly (Activation Value, string Name, Func<nn.Module<Tensor, Tensor>> Create)[] Table =
    [
        (Activation.Relu, "relu", () => nn.ReLU()),
        (Activation.LeakyRelu, "leaky_relu", () => nn.LeakyReLU(0.01)),
        (Activation.Tanh, "tanh", () => nn.Tanh()),
        (Activation.Gelu, "gelu", () => nn.GELU()),
        (Activation.Sigmoid, "sigmoid", () => nn.Sigmoid()),
        (Activation.Hardswish, "hardswish", () => nn.Hardswish()),
        (Activation.Identity, "identity", () => nn.Identity()),
    ];

    /// <summary>Every activation's name, in declaration order.</summary>
    public static IReadOnlyList<string> Names => Table.Select(t => t.Name).ToArray();

    /// <summary>The name configuration files and options use, e.g. "leaky_relu".</summary>
    public static string Name(this Activation activation) => Table.Single(t => t.Value == activation).Name;

    /// <summary>The activation of a name, or a one-line error naming <paramref name="option"/> and the valid names.</summary>
    public static Activation Parse(string name, string option = "activation") =>
        Table.FirstOrDefault(t => t.Name == name) is { Name: not null } found
            ? found.Value
            : throw new ArgumentException(NearestName.Unknown("activation", name, Names), option);

    /// <summary>A new module computing the activation.</summary>
    public static nn.Module<Tensor, Tensor> Create(this Activation activation) =>
        Table.Single(t => t.Value == activation).Create();
}
