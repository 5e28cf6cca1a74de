// Raw access to a tensor's memory for the managed CPU loops of SpinalCpuKernel.cs and MaxPool2x2.cs
// (docs/performance.md §9.1, §9.5).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SpinalNet.Layers;

static unsafe class TensorMemory
{
    /// <summary>The first element of a contiguous CPU tensor of element type T. Its storage is native memory, so it
    /// needs no pinning; TorchSharp refuses a non-contiguous tensor here.</summary>
    internal static T* Of<T>(Tensor t) where T : unmanaged =>
        (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));
}
