// How a training run's native memory is held and given back (docs/performance.md §9.3). Within an epoch, the memory a
// step frees is kept for the next step: glibc's default gives the top of its heap back to the system whenever more than
// a threshold of it is free, and a ResNet step frees tens of megabytes of activations and weight copies at once, so
// every next step faulted the same pages back in, zero-filled by the kernel (on resnet18-cntk at 96 px, 1.6–4.5 s of
// kernel CPU an epoch of 42 steps, a tenth of the epoch; docs/performance.md §9.7). Trainer.Run therefore fixes
// glibc's trim threshold high and its mmap threshold at its largest (32 MiB, what its own adaptive rule would reach).
// After an epoch, the memory is given back: the managed heap, whose first collections come only after many epochs of
// small allocations (tensor handles, lists) and then commit more memory, and glibc's heaps, which keep the freed blocks
// of evaluation-sized tensors (a batch of 1,000 is several times a training batch). Once per epoch, after evaluation,
// a full collection (with finalizers: it also frees the native memory of tensors that escaped a scope) and malloc_trim
// (which ignores the trim threshold) bring both back; together a few milliseconds an epoch.
using System.Runtime.InteropServices;

namespace SpinalNet.Training;

/// <summary>Holds freed native memory within an epoch and gives it back after one: glibc's mallopt and malloc_trim on
/// Linux, a full garbage collection everywhere.</summary>
public static class MemoryRelease
{
    static bool glibc = OperatingSystem.IsLinux();
    static bool asked;

    /// <summary>Whether glibc accepted both settings of <see cref="HoldWithinEpochs"/> (false before it is called and
    /// where the C library is not glibc).</summary>
    public static bool Holding { get; private set; }

    // glibc's mallopt parameters (malloc.h).
    const int TrimThreshold = -1, MmapThreshold = -3;

    /// <summary>The largest mmap threshold glibc accepts on 64-bit systems; larger blocks are always mapped.</summary>
    public const int LargestMmapThreshold = 32 << 20;

    /// <summary>How much free memory the top of a glibc heap may hold before it is given back during an epoch.</summary>
    public const int HeldWithinEpoch = 1 << 30;

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>From now on, this process keeps the native memory a step frees for the next step instead of giving it
    /// back to the system at once (glibc; elsewhere nothing changes). Process-wide and idempotent: Trainer.Run calls
    /// it; <see cref="AfterEpoch"/> still gives the memory back.</summary>
    public static void HoldWithinEpochs()
    {
        if (asked || !glibc) return;
        asked = true;
        try
        {
            // Setting either parameter turns off glibc's adaptive thresholds, so both are set: blocks up to 32 MiB
            // come from the heap and are reused (as the adaptive rule ends up doing), and the heap's free top is kept.
            // mallopt answers 1 where it took the value.
            Holding = Mallopt(MmapThreshold, LargestMmapThreshold) == 1 & Mallopt(TrimThreshold, HeldWithinEpoch) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            glibc = false;   // not glibc (e.g. musl): its allocator decides
        }
    }

    /// <summary>Gives back the memory an epoch freed: a full garbage collection, then glibc's malloc_trim on
    /// Linux.</summary>
    public static void AfterEpoch()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (!glibc) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            glibc = false;   // not glibc (e.g. musl): nothing to trim
        }
    }
}
