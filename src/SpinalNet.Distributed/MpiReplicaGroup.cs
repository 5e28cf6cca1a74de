// The replica group over MPI (docs/distributed.md §10.2): the process world that `mpiexec` started, through the
// MPI.NET package's bindings. Those bindings name Microsoft MPI's library; MPICH uses the same integer handle values
// (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...), so the library name is resolved to MPICH's libmpich.so.12 and the same
// calls run on Linux. Open MPI's handles are pointers, not those integers, so a process that Open MPI's launcher
// started is refused in one line rather than left to crash. A process that exits with status 0 calls MPI_Finalize on
// its way out; one that fails exits without it, and MPICH's launcher then ends the whole job (as when a rank is
// killed), so no rank is left waiting in a collective for a partner that is gone; ranks that stopped together on one
// rank's failure (docs/distributed.md §10.5) finalise too, each after printing its error. SPINALNET_MPI_LIBRARY names
// another library of MPICH's interface (Intel MPI's libmpi.so.12, MVAPICH, Cray MPICH, or MPICH installed elsewhere).
using System.Runtime.InteropServices;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Distributed;

/// <summary>A replica group over MPI (MPICH through MPI.NET), docs/distributed.md §10.</summary>
public sealed class MpiReplicaGroup : IReplicaGroup
{
    const string Mpich = "libmpich.so.12";

    public int Rank { get; }
    public int Size { get; }

    /// <summary>Makes <see cref="ReplicaGroup.World"/> join a process that mpiexec launched to its group over MPI (the
    /// spinalnet tool calls it at start; a program of its own calls it once before training).</summary>
    public static void Register() => ReplicaGroup.Connect ??= Start;

    MpiReplicaGroup(int rank, int size) => (Rank, Size) = (rank, size);

    internal static unsafe MpiReplicaGroup Start(int rank, int size, string launcher)
    {
        if (launcher != "MPICH")
            throw new InvalidOperationException($"launched by {launcher} ({size} processes), but distributed training " +
                                                "speaks MPICH's interface: install mpich (apt-get install -y mpich) " +
                                                "and launch with its mpiexec");
        string name = Environment.GetEnvironmentVariable("SPINALNET_MPI_LIBRARY") is { Length: > 0 } set ? set : Mpich;
        if (!NativeLibrary.TryLoad(name, out var library))
            throw new InvalidOperationException($"launched under mpiexec as rank {rank} of {size}, but the MPI library " +
                                                $"{name} cannot be loaded: apt-get install -y mpich libmpich-dev");
        NativeLibrary.SetDllImportResolver(typeof(MPI.Unsafe).Assembly,
            (name, _, _) => name.Contains("msmpi", StringComparison.OrdinalIgnoreCase) ? library : IntPtr.Zero);
        int argc = 0;
        byte** argv = null;
        Check(MPI.Unsafe.MPI_Init(ref argc, ref argv), "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Environment.ExitCode == 0 || ReplicaGroup.StoppedTogether) MPI.Unsafe.MPI_Finalize();
        };
        MPI.Unsafe.MPI_Comm_rank(MPI.Unsafe.MPI_COMM_WORLD, out int mpiRank);
        MPI.Unsafe.MPI_Comm_size(MPI.Unsafe.MPI_COMM_WORLD, out int mpiSize);
        if ((mpiRank, mpiSize) != (rank, size))
            throw new InvalidOperationException($"the launcher says rank {rank} of {size}, MPI says rank {mpiRank} " +
                                                $"of {mpiSize}; launch with MPICH's mpiexec");
        return new MpiReplicaGroup(rank, size);
    }

    public unsafe void AllReduceSum(Tensor values)
    {
        byte[] send = Bytes(values), receive = new byte[send.Length];
        fixed (byte* s = send)
        fixed (byte* r = receive)
            Check(MPI.Unsafe.MPI_Allreduce((IntPtr)s, (IntPtr)r, Count(values), TypeOf(values), MPI.Unsafe.MPI_SUM,
                MPI.Unsafe.MPI_COMM_WORLD), $"all-reduce of {values.numel()} values");
        CopyBack(receive, values);
    }

    public unsafe void Broadcast(Tensor values)
    {
        byte[] buffer = Bytes(values);
        fixed (byte* b = buffer)
            Check(MPI.Unsafe.MPI_Bcast((IntPtr)b, Count(values), TypeOf(values), 0, MPI.Unsafe.MPI_COMM_WORLD),
                $"broadcast of {values.numel()} values");
        CopyBack(buffer, values);
    }

    // MPI reads and writes host memory: a contiguous copy of the tensor's, copied back into the tensor after the call.
    static byte[] Bytes(Tensor values) => values.cpu().contiguous().bytes.ToArray();

    static int Count(Tensor values) => checked((int)values.numel());

    static int TypeOf(Tensor values) => values.dtype switch
    {
        ScalarType.Float32 => MPI.Unsafe.MPI_FLOAT,
        ScalarType.Float64 => MPI.Unsafe.MPI_DOUBLE,
        ScalarType.Int64 => MPI.Unsafe.MPI_LONG_LONG,
        _ => throw new ArgumentException($"MPI exchange of {values.dtype} tensors is not supported", nameof(values)),
    };

    static void Check(int status, string what)
    {
        if (status != MPI.Unsafe.MPI_SUCCESS) throw new InvalidOperationException($"MPI {what} failed (error {status})");
    }

    static void CopyBack(byte[] bytes, Tensor values)
    {
        using var result = torch.empty(values.shape, values.dtype);
        result.bytes = bytes;
        using var noGrad = torch.no_grad();
        values.copy_(result);
    }
}
