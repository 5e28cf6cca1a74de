// The optimisers of the paper's scripts (docs/experiments.md §3): SGD with momentum (MNIST, transfer learning) and
// Adam (VGG-5, CIFAR); AdamW for users. PyTorch's AdamW decays weights by 0.01 by default; TorchSharp's by 0: the
// weight decay here is always explicit (TrainingSettings.WeightDecay). Each steps over one flat buffer per parameter
// group (FusedSgd.cs, FusedAdam.cs; docs/performance.md §9.2).
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

using SpinalNet.Layers;

namespace SpinalNet.Training;

/// <summary>The optimisers: SGD with momentum, Adam, AdamW.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    [JsonStringEnumMemberName("sgd")] Sgd,
    [JsonStringEnumMemberName("adam")] Adam,
    [JsonStringEnumMemberName("adamw")] AdamW,
}

/// <summary>Creation of the optimiser a run's settings name.</summary>
public static class Optimizers
{
    public static readonly string[] Names = ["sgd", "adam", "adamw"];

    public static OptimizerKind Parse(string name) => Array.IndexOf(Names, name) is var i and >= 0
        ? (OptimizerKind)i
        : throw new SettingException("Optimizer", name, $"is not one of {string.Join(", ", Names)}");

    public static string Name(this OptimizerKind kind) => Names[(int)kind];

    /// <summary>The optimiser of the settings over parameter groups, each at the settings' learning rate times its
    /// scale (a head at its own rate, docs/fine-tuning.md §13.1).</summary>
    public static OptimizerHelper Create(TrainingSettings s, IReadOnlyList<(IReadOnlyList<Parameter> Parameters, double Scale)> groups)
    {
        var rates = groups.Select(g => (g.Parameters, LearningRate: s.LearningRate * g.Scale)).ToList();
        return s.Optimizer switch
        {
            OptimizerKind.Sgd => new FusedSgd(rates, s.Momentum, s.WeightDecay),
            OptimizerKind.Adam => new FusedAdam(rates, s.WeightDecay),
            _ => new FusedAdamW(rates, s.WeightDecay),
        };
    }

    /// <summary>The optimiser of the settings over one group of parameters.</summary>
    public static OptimizerHelper Create(TrainingSettings s, IEnumerable<Parameter> parameters) =>
        Create(s, [(parameters.ToList(), 1.0)]);

    /// <summary>Sets every group's rate to <paramref name="rate"/> times the group's initial rate over
    /// <paramref name="baseRate"/>: a schedule scales all groups alike.</summary>
    public static void SetLearningRate(OptimizerHelper optimizer, double rate, double baseRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate * (group.InitialLearningRate / baseRate);
    }
}
