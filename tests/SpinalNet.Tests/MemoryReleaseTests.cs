// End-of-epoch memory release (docs/performance.md §9.3): a tensor that escaped every dispose scope is collected, and
// malloc_trim is called without error where the C library has it.
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

    [MethodImpl(MethodImplOptions.NoInlining)]
    static WeakReference Escape() => new(torch.zeros(1000));
}
