// The one collective of a data-parallel training step (docs/distributed.md §10.1): every replica's gradients, already
// weighted by its share of the global batch, laid end to end in one flat float32 buffer with four more values (the
// step's loss sum, the replica's stop vote, and whether it failed in the step, with its rank: docs/distributed.md
// §10.5), summed over the replicas by a single all-reduce and written back. The summed gradient is the gradient of the
// mean loss over the whole global batch, as one process would compute it, so every replica's optimiser takes the same
// step from the same weights and the replicas stay bit-identical.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>The sums a step's all-reduce brings besides the gradients: the loss, the stop votes, and how many replicas
/// failed in the step with the sum of their ranks (docs/distributed.md §10.5).</summary>
public readonly record struct StepSums(double LossSum, double StopVotes, int Failures, long FailedRankSum);

/// <summary>Averages the gradients of all replicas with one all-reduce per step over one flat buffer.</summary>
public sealed class GradientAverager(IReplicaGroup group, IEnumerable<Parameter> parameters)
{
    /// <summary>Values in the buffer after the gradients: loss sum, stop vote, failure, failed rank.</summary>
    public const int Extras = 4;

    readonly Parameter[] parameters = parameters.Where(p => p.requires_grad).ToArray();

    /// <summary>Values in the flat buffer: every gradient and the extras.</summary>
    public long BufferLength => parameters.Sum(p => p.numel()) + Extras;

    /// <summary>Sums the gradients over the replicas, in place (a parameter without a gradient counts as zeros), and
    /// returns the sums of <paramref name="lossSum"/>, <paramref name="stopVote"/> and the failures: a replica that
    /// <paramref name="failed"/> in the step takes part with zero gradients and its rank.</summary>
    public StepSums Sum(double lossSum, double stopVote, bool failed = false)
    {
        using var scope = torch.NewDisposeScope();
        var flat = torch.cat(parameters
            .Select(p => (p.grad is { } g && !failed ? g : torch.zeros_like(p)).detach().flatten()
                .to(ScalarType.Float32, torch.CPU))
            .Append(torch.tensor(new[] { (float)lossSum, (float)stopVote, failed ? 1f : 0, failed ? group.Rank : 0 }))
            .ToList());
        group.AllReduceSum(flat);
        using var noGrad = torch.no_grad();
        long offset = 0;
        foreach (var p in parameters)
        {
            var part = flat.narrow(0, offset, p.numel()).view(p.shape).to(p.dtype, p.device);
            if (p.grad is { } grad) grad.copy_(part);
            else p.grad = part.clone().DetachFromDisposeScope();
            offset += p.numel();
        }
        return new StepSums(flat[offset].item<float>(), flat[offset + 1].item<float>(),
            (int)flat[offset + 2].item<float>(), (long)flat[offset + 3].item<float>());
    }
}
