// Test-wide settings. Torch's random generator is process-global and results depend on the thread count, so the tests
// that use torch in this process run one at a time, with a fixed thread count: every test class without a [Collection]
// is in the assembly's one default collection, whose tests run in turn. A class whose tests only start other processes
// (the `spinalnet` program, dotnet, mpiexec) and use no torch in this one says [Collection(OtherProcesses.Name)] and
// runs beside the default collection, two tests at a time in all.
using System.Runtime.CompilerServices;

[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]

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

/// <summary>The collection of test classes that leave this process's torch alone (see above): their tests run one at a
/// time, beside the default collection's.</summary>
[CollectionDefinition(Name)]
public sealed class OtherProcesses
{
    public const string Name = "other processes";
}
