// Activation functions by name (paper §1.1: φ is ReLU almost everywhere, LeakyReLU(0.01) in the regression and
// hymenoptera scripts). Names follow PyTorch's functional names so configs read the same in both worlds.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Layers;

public static class Activation
{
    static readonly Dictionary<string, Func<nn.Module<Tensor, Tensor>>> Factories = new()
    {
        ["relu"] = () => nn.ReLU(),
        ["leaky_relu"] = () => nn.LeakyReLU(0.01),
        ["tanh"] = () => nn.Tanh(),
        ["gelu"] = () => nn.GELU(),
        ["sigmoid"] = () => nn.Sigmoid(),
        ["identity"] = () => nn.Identity(),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static void Validate(string name, string parameter)
    {
        if (!Factories.ContainsKey(name))
            throw new ArgumentException(
                $"unknown activation '{name}' (valid: {string.Join(", ", Names)})", parameter);
    }

    public static nn.Module<Tensor, Tensor> Create(string name)
    {
        Validate(name, nameof(name));
        return Factories[name]();
    }
}
