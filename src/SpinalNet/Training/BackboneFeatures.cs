// A frozen backbone's features (docs/fine-tuning.md §13.6): with the backbone frozen and in evaluation mode, every image
// gives the same features every epoch, so they are computed once, in order, without gradients, and the head trains on
// them alone as ClassifierNetwork(identity, the same head): its optimiser then holds what the frozen run's holds (the
// head's parameters), and the two runs are interchangeable. The run layer keeps them in files (Runs/FeatureCache);
// the ML.NET image trainer (docs/mlnet.md §15.8) keeps them in memory.
using SpinalNet.Data;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>Computing a frozen backbone's features, and the head that trains on them.</summary>
public static class BackboneFeatures
{
    /// <summary>The backbone's output for every sample of <paramref name="split"/> in order, in evaluation mode,
    /// without gradients, on the CPU, with the labels. <paramref name="checkBytes"/> sees, after the first batch, what
    /// all the features will take (to refuse early).</summary>
    public static (Tensor Features, Tensor Labels) Compute(ClassifierNetwork model, IBatchSource split, int batch,
        Action<long>? checkBytes = null)
    {
        var backbone = model.Backbone;
        bool training = backbone.training;
        backbone.eval();
        try
        {
            var order = Enumerable.Range(0, (int)split.Count).Select(i => (long)i).ToArray();
            var parts = new List<(Tensor, Tensor)>();
            foreach (var (images, labels) in split.Batches(order, epoch: 0, firstBatch: 0, batch))
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                var device = backbone.parameters().FirstOrDefault()?.device ?? torch.CPU;
                var features = model.Features(images.to(device)).cpu();
                if (parts.Count == 0)
                    checkBytes?.Invoke(split.Count * (features.numel() / Math.Max(1, features.shape[0])) * sizeof(float));
                parts.Add((features.MoveToOuterDisposeScope(), labels.cpu().MoveToOuterDisposeScope()));
            }
            var result = (torch.cat(parts.Select(p => p.Item1).ToList(), 0), torch.cat(parts.Select(p => p.Item2).ToList(), 0));
            foreach (var (f, l) in parts)
            {
                f.Dispose();
                l.Dispose();
            }
            return result;
        }
        finally
        {
            backbone.train(training);
        }
    }

    /// <summary>The head of <paramref name="model"/> shared, not copied (what it learns is the model's), behind an
    /// identity backbone with no parameters: the network that trains on the features.</summary>
    public static ClassifierNetwork HeadOnly(ClassifierNetwork model) =>
        new(nn.Identity(), model.Head, model.OutputsLogProbabilities);
}
