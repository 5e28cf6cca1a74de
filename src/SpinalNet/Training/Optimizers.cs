// The optimisers of the paper's scripts (docs/experiments.md §3): SGD with momentum (MNIST, transfer learning) and
// Adam (VGG-5, CIFAR); AdamW for users. PyTorch's AdamW decays weights by 0.01 by default; TorchSharp's by 0: the
// weight decay here is always explicit (TrainingSettings.WeightDecay). SGD steps over one flat buffer (FusedSgd.cs).
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

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
        : throw new ArgumentException($"--optimizer {name} is not one of {string.Join(", ", Names)}", "optimizer");

    public static string Name(this OptimizerKind kind) => Names[(int)kind];

    public static OptimizerHelper Create(OptimizerKind kind, IEnumerable<Parameter> parameters, TrainingSettings s) =>
        kind switch
        {
            OptimizerKind.Sgd => new FusedSgd(parameters.ToList(), s.LearningRate, s.Momentum, s.WeightDecay),
            OptimizerKind.Adam => torch.optim.Adam(parameters, s.LearningRate, weight_decay: s.WeightDecay),
            _ => torch.optim.AdamW(parameters, s.LearningRate, weight_decay: s.WeightDecay),
        };

    public static void SetLearningRate(OptimizerHelper optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }
}
