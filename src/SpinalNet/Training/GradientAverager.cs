// The one collective of a data-parallel training step (docs/distributed.md §10.1): every replica's gradients, already
// weighted by its share of the global batch, laid end to end in one flat float32 buffer with two more values (the
// step's loss sum and the replica's stop vote), summed over the replicas by a single all-reduce and written back. The
// summed gradient is the gradient of the mean loss over the whole global batch, as one process would compute it, so
// every replica's optimiser takes the same step from the same weights and the replicas stay bit-identical.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>Averages the gradients of all replicas with one all-reduce per step over one flat buffer.</summary>
public sealed class GradientAverager(IReplicaGroup group, IEnumerable<Parameter> parameters)
{
    readonly Parameter[] parameters = parameters.Where(p => p.requires_grad).ToArray();

    /// <summary>Values in the flat buffer: every gradient and the two extras.</summary>
    public long BufferLength => parameters.Sum(p => p.numel()) + 2;

    /// <summary>Sums the gradients over the replicas, in place (a parameter without a gradient counts as zeros), and
    /// returns the sums of <paramref name="lossSum"/> and <paramref name="stopVote"/> over the replicas.</summary>
    public (double LossSum, double StopVotes) Sum(double lossSum, double stopVote)
    {
        using var scope = torch.NewDisposeScope();
        var flat = torch.cat(parameters
            .Select(p => (p.grad ?? torch.zeros_like(p)).detach().flatten().to(ScalarType.Float32, torch.CPU))
            .Append(torch.tensor(new[] { (float)lossSum, (float)stopVote }))
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
        return (flat[offset].item<float>(), flat[offset + 1].item<float>());
    }
}
