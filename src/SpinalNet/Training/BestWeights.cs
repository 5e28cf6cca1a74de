// The weights of the best epoch so far (docs/architecture.md §14.4), for runs that end with them (TrainingSettings
// .KeepBest: the ML.NET trainers, regression): a copy of the state dict, parameters and buffers (batch-norm running
// statistics), taken when the selection score improves and copied back into the model when the run ends. A run
// resumed after its best epoch finds that epoch's weights in its checkpoint store instead.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>A copy of a model's state at its best epoch, held in memory.</summary>
sealed class BestWeights : IDisposable
{
    Dictionary<string, Tensor>? weights;

    /// <summary>Whether a copy was taken.</summary>
    public bool Held => weights is not null;

    /// <summary>Replaces the copy with the model's state now.</summary>
    public void Capture(nn.Module model)
    {
        Dispose();
        weights = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
    }

    /// <summary>Copies the held state back into the model.</summary>
    public void RestoreInto(nn.Module model)
    {
        if (weights is null) return;
        using var noGrad = torch.no_grad();
        foreach (var (key, target) in model.state_dict()) target.copy_(weights[key]);
    }

    public void Dispose()
    {
        foreach (var t in weights?.Values ?? Enumerable.Empty<Tensor>()) t.Dispose();
        weights = null;
    }
}
