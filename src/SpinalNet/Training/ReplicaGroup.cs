// The processes that train one network together, data-parallel (docs/distributed.md §10): each holds a replica of the
// network, and the loop asks the group only for a sum over every replica (all-reduce) and for rank 0's values
// (broadcast). One process alone is the group of one, whose collectives do nothing, so the loop reads the same either
// way. Which group this process belongs to is read from the launcher's environment: MPICH's Hydra sets PMI_RANK and
// PMI_SIZE, Open MPI sets OMPI_COMM_WORLD_RANK and OMPI_COMM_WORLD_SIZE; without them, or with a size of 1, the process
// trains alone and never loads an MPI library. The transport that connects a launched process to its group lives in the
// optional package SpinalNet.Distributed (MPI), which registers itself here (Connect), so the core references no MPI.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <summary>The processes that train one network together (data-parallel); one process alone is a group of one.</summary>
public interface IReplicaGroup
{
    /// <summary>This process's place in the group, 0 to Size − 1; rank 0 writes the run's files.</summary>
    int Rank { get; }

    int Size { get; }

    bool IsRoot => Rank == 0;

    /// <summary>Replaces <paramref name="values"/> (float32, float64 or int64) by its element-wise sum over every
    /// replica; every replica ends with the same bits.</summary>
    void AllReduceSum(Tensor values);

    /// <summary>Replaces <paramref name="values"/> by rank 0's.</summary>
    void Broadcast(Tensor values);
}

/// <summary>A process training alone: nothing to exchange.</summary>
public sealed class SingleProcess : IReplicaGroup
{
    public static readonly SingleProcess Instance = new();

    SingleProcess() { }

    public int Rank => 0;
    public int Size => 1;
    public void AllReduceSum(Tensor values) { }
    public void Broadcast(Tensor values) { }
}

/// <summary>A replica does not hold the same values as rank 0; the run stops.</summary>
public sealed class ReplicaMismatchException(string message) : InvalidOperationException(message);

/// <summary>A replica failed in a training step; every replica stopped after it, rank 0 leaving a checkpoint
/// (docs/distributed.md §10.5). <see cref="Exception.InnerException"/> is the failing replica's own error.</summary>
public sealed class ReplicaFailedException(string message, Exception? own) : InvalidOperationException(message, own);

/// <summary>Which replicas failed in which step, as the step's all-reduce told every replica, and this replica's own
/// error if it was one of them.</summary>
public sealed record ReplicaFailure(IReplicaGroup Group, int Epoch, long Step, int Failures, long FailedRankSum,
    Exception? Own)
{
    /// <summary>The error every replica stops with: the failing rank's own message on that rank, its rank on the
    /// others; and where the run can continue from.</summary>
    public ReplicaFailedException Stopped(string? checkpoint)
    {
        string who = Failures == 1 ? $"rank {FailedRankSum} of {Group.Size}" : $"{Failures} of {Group.Size} ranks";
        string what = Own is not null ? $": {Own.Message.ReplaceLineEndings(" ")}"
            : Failures == 1 ? " (its error is on its own line)" : " (their errors are on their own lines)";
        string at = $"{(Own is not null ? $"rank {Group.Rank} of {Group.Size}" : who)} failed at epoch {Epoch}, " +
                    $"step {Step + 1}{what}; every rank stopped";
        string saved = checkpoint is null ? "" : $", the run saved before that step in {checkpoint}";
        return new ReplicaFailedException(at + saved, Own);
    }
}

/// <summary>How a process finds its replica group, and the arithmetic of sharding batches and samples over it.</summary>
public static class ReplicaGroup
{
    static readonly Lazy<IReplicaGroup> world = new(() =>
        Launched is not { Size: > 1 } launch ? SingleProcess.Instance
        : Connect is { } connect ? connect(launch.Rank, launch.Size, launch.Launcher)
        : throw new InvalidOperationException($"launched by {launch.Launcher} as rank {launch.Rank} of {launch.Size}, " +
            "but no replica group transport is registered: reference the package SpinalNet.Distributed and call " +
            "SpinalNet.Distributed.MpiReplicaGroup.Register() first (the spinalnet tool does)"));

    /// <summary>Joins a launched process (rank, size, launcher) to its group: set by the package that carries the
    /// transport (SpinalNet.Distributed's MpiReplicaGroup.Register), before <see cref="World"/> is first read.</summary>
    public static Func<int, int, string, IReplicaGroup>? Connect { get; set; }

    /// <summary>Every replica stopped with an error together (<see cref="StopTogether"/>): a transport ends its session
    /// cleanly on the way out, as after a success, instead of leaving the launcher to end the others.</summary>
    public static bool StoppedTogether => stoppedTogether;

    static volatile bool stoppedTogether;

    /// <summary>The group this process was launched in (MPI is started on first use, and only under a launcher with
    /// more than one process).</summary>
    public static IReplicaGroup World => world.Value;

    /// <summary>The rank and size the launcher gave this process, read from its environment without starting MPI;
    /// null when no launcher started it.</summary>
    public static (int Rank, int Size, string Launcher)? Launched =>
        Read("PMI_RANK", "PMI_SIZE", "MPICH") ?? Read("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "Open MPI");

    static (int, int, string)? Read(string rankVariable, string sizeVariable, string launcher) =>
        int.TryParse(Environment.GetEnvironmentVariable(rankVariable), out int rank) &&
        int.TryParse(Environment.GetEnvironmentVariable(sizeVariable), out int size) && size >= 1 && rank >= 0 && rank < size
            ? (rank, size, launcher)
            : null;

    /// <summary>The part of <paramref name="total"/> items that <paramref name="rank"/> of <paramref name="size"/> takes:
    /// equal parts in rank order, the first total mod size ranks one item more.</summary>
    public static (long Start, long Count) Shard(long total, int size, int rank)
    {
        long part = total / size, extra = total % size;
        return (rank * part + Math.Min(rank, extra), part + (rank < extra ? 1 : 0));
    }

    /// <summary>This replica's samples of every global batch of <paramref name="order"/>, one after the other: cut into
    /// batches of <see cref="Shard"/>(batchSize).Count they are the replica's parts of the global batches, step by
    /// step (the last global batch's part may be shorter, or empty).</summary>
    public static long[] ShardBatches(long[] order, int batchSize, IReplicaGroup group)
    {
        if (group.Size == 1) return order;
        var mine = new List<long>(order.Length / group.Size + batchSize);
        for (long start = 0; start < order.Length; start += batchSize)
        {
            var (first, count) = Shard(Math.Min(batchSize, order.Length - start), group.Size, group.Rank);
            mine.AddRange(order.AsSpan((int)(start + first), (int)count).ToArray());
        }
        return mine.ToArray();
    }

    /// <summary>Fails on every replica, in one line, when <paramref name="text"/> (a resolved configuration) is not
    /// the same on all of them: the replicas would train different things.</summary>
    public static void RequireSame(this IReplicaGroup group, string what, string text,
        string advice = "launch every rank with the same options and files")
    {
        if (group.Size == 1) return;
        long hash = Fingerprint(text);
        using var root = torch.tensor(new[] { hash });
        group.Broadcast(root);
        using var differs = torch.tensor(new[] { root.item<long>() == hash ? 0L : 1L });
        group.AllReduceSum(differs);
        if (differs.item<long>() > 0)
            throw new ReplicaMismatchException(
                $"{differs.item<long>()} of {group.Size} ranks differ from rank 0 in their {what}" +
                (root.item<long>() == hash ? "" : $" (this is rank {group.Rank})") + $"; {advice}");
    }

    /// <summary>Ends a stop that every replica agreed on (docs/distributed.md §10.5): waits until all are here, rank 0
    /// with its checkpoint written, and has each finalise MPI as it exits with its error, so that the launcher ends no
    /// rank before it has said why it stopped.</summary>
    public static void StopTogether(IReplicaGroup group)
    {
        using var here = torch.zeros(1);
        group.AllReduceSum(here);
        stoppedTogether = true;
    }

    /// <summary>Fails on every replica when the network's weights and buffers are not bit-identical to rank 0's.</summary>
    public static void RequireIdentical(this IReplicaGroup group, nn.Module model, string when) =>
        group.RequireSame($"weights {when}", string.Join(",", model.state_dict().Select(kv =>
            $"{kv.Key}:{Fingerprint(kv.Value.cpu().contiguous().bytes)}")),
            "the replicas diverged (an MPI library whose sums differ between ranks?); stopped");

    /// <summary>Overwrites every weight and buffer of <paramref name="model"/> (with <paramref name="buffersOnly"/>, every
    /// buffer: batch-norm running statistics, which each replica updates from its own part of the batch) by rank 0's.
    /// </summary>
    public static void BroadcastWeights(this IReplicaGroup group, nn.Module model, bool buffersOnly = false)
    {
        if (group.Size == 1) return;
        using var noGrad = torch.no_grad();
        foreach (var tensor in buffersOnly ? model.buffers() : model.state_dict().Values)
        {
            using var scope = torch.NewDisposeScope();
            var copy = tensor.cpu().contiguous().clone();
            group.Broadcast(copy);
            tensor.copy_(copy);
        }
    }

    /// <summary>Torch threads of a replica that was given none: the physical cores shared among the ranks on this
    /// machine (MPICH's launcher says how many run here); the physical cores for a single process.</summary>
    public static int ThreadsPerReplica =>
        Math.Max(1, CpuCores.Physical / (Number("MPI_LOCALNRANKS") ?? Number("OMPI_COMM_WORLD_LOCAL_SIZE") ?? 1));

    static int? Number(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out int n) && n > 0 ? n : null;

    /// <summary>The seed of the dropout draws of one replica's step: different for every rank, the same whenever
    /// that step is replayed (a resumed run).</summary>
    public static long StepSeed(long seed, int rank, int epoch, long step)
    {
        ulong h = 14695981039346656037;
        foreach (long v in new[] { seed, rank, epoch, step })
            for (int i = 0; i < 8; i++) h = (h ^ (byte)(v >> (8 * i))) * 1099511628211;
        return (long)(h >> 1);
    }

    static long Fingerprint(string text) => Fingerprint(System.Text.Encoding.UTF8.GetBytes(text));

    // FNV-1a, 64 bits: the same on every machine and .NET version (string.GetHashCode is randomised per process).
    static long Fingerprint(ReadOnlySpan<byte> bytes)
    {
        ulong h = 14695981039346656037;
        foreach (byte b in bytes) h = (h ^ b) * 1099511628211;
        return (long)h;
    }
}
