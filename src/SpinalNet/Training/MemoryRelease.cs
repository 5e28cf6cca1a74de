// End-of-epoch memory release (docs/performance.md §9.3). A training step's tensors are freed by its dispose scope,
// but two things still grow a long run's resident memory without any leak: the managed heap, whose first collections
// come only after many epochs of small allocations (tensor handles, lists) and then commit more memory, and glibc's
// heaps, which keep the freed blocks of evaluation-sized tensors (a batch of 1,000 is several times a training
// batch) and return them to the system only from the top of each heap. Once per epoch, after evaluation, a full
// collection (with finalizers: it also frees the native memory of tensors that escaped a scope) and malloc_trim
// bring both back; together a few milliseconds an epoch.
using System.Runtime.InteropServices;

namespace SpinalNet.Training;

/// <summary>Gives back the memory an epoch freed: a full garbage collection, then glibc's malloc_trim on
/// Linux.</summary>
public static class MemoryRelease
{
    static bool trimAvailable = OperatingSystem.IsLinux();

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    public static void AfterEpoch()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (!trimAvailable) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            trimAvailable = false;   // not glibc (e.g. musl): nothing to trim
        }
    }
}
