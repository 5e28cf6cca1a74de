// Test-wide settings. Torch's random generator is process-global and results depend on the thread count, so tests run
// one at a time with a fixed thread count.
using System.Runtime.CompilerServices;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SpinalNet.Tests;

static class TestSetup
{
    public const int Threads = 2;

    [ModuleInitializer]
    internal static void Initialize()
    {
        TorchSharp.torch.set_num_threads(Threads);
        // As the tool does: the optional packages' MPI transport and offline ResNet-18 registered with the core, for
        // tests that call the core before anything in Runs is loaded.
        SpinalNet.Runs.OptionalParts.Register();
    }
}
