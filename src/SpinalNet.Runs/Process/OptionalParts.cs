// The optional packages the use cases choose implementations from (docs/platform.md §7.6): the core knows them only
// through its own abstractions (ReplicaGroup.Connect, PretrainedWeights.Packaged), and this is where the use cases plug
// them in, once, as soon as this assembly is loaded, so every run sees MPI and the offline ResNet-18 as before the split.
using System.Runtime.CompilerServices;
using SpinalNet.Distributed;
using SpinalNet.Pretrained;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>Registers the optional packages' implementations with the core.</summary>
public static class OptionalParts
{
    /// <summary>MPI for launched replica groups, and the offline ResNet-18's weights (idempotent).</summary>
    public static void Register()
    {
        MpiReplicaGroup.Register();
        CntkResNet18.Register();
    }

#pragma warning disable CA2255 // a library's module initializer is what is wanted: any use of Runs registers them
    [ModuleInitializer]
    internal static void OnLoad() => Register();
#pragma warning restore CA2255
}
