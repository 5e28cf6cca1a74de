// The networks the library can build, by name, with what a user needs to train one: the input shape, the class
// count, and the authors' training setting for it (reference §3).
using SpinalNet.Layers;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Models;

/// <param name="InputShape">One sample's shape: channels, height, width.</param>
/// <param name="Defaults">The authors' training setting for this network.</param>
public sealed record ModelSpec(
    string Name,
    string Description,
    long[] InputShape,
    int Classes,
    TrainingSettings Defaults,
    Func<HeadKind, SpinalOverrides, ClassifierNetwork> Build)
{
    /// <summary>Builds the network with weights drawn from the given seed.</summary>
    public ClassifierNetwork Create(HeadKind head, long seed, SpinalOverrides? spinal = null)
    {
        torch.manual_seed(seed);
        return Build(head, spinal ?? SpinalOverrides.None);
    }
}

/// <summary>Changes to a model's Spinal head; null keeps the paper's value.</summary>
/// <param name="Width">w, neurons in each spinal layer (the authors' layer_width).</param>
/// <param name="Layers">L, the number of spinal layers.</param>
/// <param name="Splits">k, the number of parts the features are cut into (2 gives the authors' Half_width = N/2).</param>
public sealed record SpinalOverrides(int? Width = null, int? Layers = null, int? Splits = null)
{
    public static readonly SpinalOverrides None = new();

    public SpinalConfig Apply(SpinalConfig config) => config with
    {
        LayerWidth = Width ?? config.LayerWidth,
        Layers = Layers ?? config.Layers,
        Splits = Splits ?? config.Splits,
    };
}

public static class ModelCatalog
{
    static readonly ModelSpec[] Specs =
    [
        new("mnist-cnn",
            "simple CNN of the MNIST experiments (reference §2.1); Spinal head w = 8, L = 6",
            [1, 28, 28], 10,
            new TrainingSettings(Epochs: 8, BatchSize: 64, TestBatchSize: 1000, LearningRate: 0.01, Momentum: 0.5),
            (head, spinal) => MnistCnn.Create(new MnistCnnConfig(), head, spinal)),
        new("emnist-digits-cnn",
            "simple CNN of the EMNIST-digits experiment (reference §2.1); Spinal head w = 10, L = 6",
            [1, 28, 28], 10,
            new TrainingSettings(Epochs: 8, BatchSize: 64, TestBatchSize: 1000, LearningRate: 0.01, Momentum: 0.5),
            (head, spinal) => MnistCnn.Create(new MnistCnnConfig(SpinalWidth: 10), head, spinal)),
    ];

    public static IReadOnlyList<ModelSpec> All => Specs;

    public static ModelSpec Get(string name) =>
        Specs.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException(
            $"unknown model '{name}' (valid: {string.Join(", ", Specs.Select(s => s.Name))})", "model");
}
