// How training holds and gives back native memory (docs/performance.md §9.3): glibc takes the settings that keep a
// step's freed memory for the next step, and at the end of an epoch a tensor that escaped every dispose scope is
// collected and malloc_trim is called without error where the C library has it.
using System.Runtime.CompilerServices;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Tests;

public class MemoryReleaseTests
{
    [Fact]
    public void A_tensor_outside_every_scope_is_collected_after_an_epoch()
    {
        var escaped = Escape();
        MemoryRelease.AfterEpoch();
        Assert.False(escaped.IsAlive);
        MemoryRelease.AfterEpoch();   // and again: the trim is repeatable
    }

    [Fact]
    public void Glibc_takes_the_settings_that_hold_freed_memory_within_an_epoch()
    {
        MemoryRelease.HoldWithinEpochs();
        MemoryRelease.HoldWithinEpochs();   // idempotent
        // mallopt refuses an mmap threshold over 32 MiB on 64-bit glibc: a larger constant would leave Holding false.
        Assert.Equal(OperatingSystem.IsLinux(), MemoryRelease.Holding);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static WeakReference Escape() => new(torch.zeros(1000));
}
