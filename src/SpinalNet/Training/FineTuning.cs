// The fine-tuning modes of a training run (docs/fine-tuning.md §13.1): the whole network trained at one rate (the
// default, the authors' "transferred initialization"); the head at a rate of its own (two optimiser parameter groups);
// or the backbone frozen: its parameters get no gradient and no optimiser state, and it runs in evaluation mode, so
// batch norm neither updates its running statistics nor uses the batch's, and the backbone ends bit-identical.
using SpinalNet.Models;
using TorchSharp.Modules;

namespace SpinalNet.Training;

/// <summary>Which parameters a run trains, in which optimiser groups, and in which mode.</summary>
public static class FineTuning
{
    /// <summary>The optimiser's parameter groups with their rate scales: every parameter in one group (default); the
    /// backbone at 1 and the head at head-lr / lr; or, frozen, the head alone.</summary>
    public static IReadOnlyList<(IReadOnlyList<Parameter> Parameters, double Scale)> Groups(ClassifierNetwork model,
        TrainingSettings settings)
    {
        double headScale = (settings.HeadLearningRate ?? settings.LearningRate) / settings.LearningRate;
        var head = model.Head.parameters().ToList();
        if (settings.FreezeBackbone) return [(head, headScale)];
        if (settings.HeadLearningRate is null) return [(model.parameters().ToList(), 1.0)];
        var inHead = head.Select(p => p.Handle).ToHashSet();
        return [(model.parameters().Where(p => !inHead.Contains(p.Handle)).ToList(), 1.0), (head, headScale)];
    }

    /// <summary>Freezes the backbone where the settings ask (no gradients for its parameters) until disposed.</summary>
    public static IDisposable Freeze(ClassifierNetwork model, TrainingSettings settings)
    {
        var frozen = settings.FreezeBackbone ? model.Backbone.parameters().Where(p => p.requires_grad).ToList() : [];
        foreach (var p in frozen) p.requires_grad = false;
        return new OnDispose(() => { foreach (var p in frozen) p.requires_grad = true; });
    }

    /// <summary>Training mode for the trained parts: the whole network, or the head alone with the backbone
    /// frozen.</summary>
    public static void TrainMode(ClassifierNetwork model, TrainingSettings settings)
    {
        model.train();
        if (settings.FreezeBackbone) model.Backbone.eval();
    }

}

/// <summary>Runs an action when disposed.</summary>
sealed class OnDispose(Action action) : IDisposable
{
    public void Dispose() => action();
}
