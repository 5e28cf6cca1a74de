// The optimisers of the paper's scripts (reference §3): SGD with momentum (MNIST, transfer learning) and Adam (VGG-5,
// CIFAR); AdamW for users. PyTorch's AdamW decays weights by 0.01 by default; TorchSharp's by 0: the weight decay
// here is always explicit (TrainingSettings.WeightDecay).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Training;

public static class Optimizers
{
    public static readonly string[] Names = ["sgd", "adam", "adamw"];

    public static OptimizerHelper Create(string name, IEnumerable<Parameter> parameters, TrainingSettings s) => name switch
    {
        "sgd" => torch.optim.SGD(parameters, s.LearningRate, s.Momentum, weight_decay: s.WeightDecay),
        "adam" => torch.optim.Adam(parameters, s.LearningRate, weight_decay: s.WeightDecay),
        "adamw" => torch.optim.AdamW(parameters, s.LearningRate, weight_decay: s.WeightDecay),
        _ => throw new ArgumentException($"unknown optimizer '{name}' (valid: {string.Join(", ", Names)})", "optimizer"),
    };

    public static void SetLearningRate(OptimizerHelper optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }
}
