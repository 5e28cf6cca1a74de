// The default torch thread count of the spinalnet command: one per physical core, read from /proc/cpuinfo.
using SpinalNet.Training;

namespace SpinalNet.Tests;

public class CpuCoresTests
{
    static string Processor(int index, int physical, int core) =>
        $"processor\t: {index}\nmodel name\t: test\nphysical id\t: {physical}\ncore id\t\t: {core}\ncpu cores\t: 1\n\n";

    [Fact]
    public void Two_hardware_threads_of_one_core_are_one_core() =>
        Assert.Equal(1, CpuCores.Count(Processor(0, 0, 0) + Processor(1, 0, 0)));

    [Fact]
    public void The_same_core_id_on_two_packages_is_two_cores() =>
        Assert.Equal(Math.Min(2, Environment.ProcessorCount), CpuCores.Count(Processor(0, 0, 0) + Processor(1, 1, 0)));

    [Fact]
    public void Without_core_ids_the_processor_count_stands()
    {
        Assert.Equal(Environment.ProcessorCount, CpuCores.Count("processor\t: 0\nmodel name\t: test\n\n"));
        Assert.Equal(Environment.ProcessorCount, CpuCores.Count(""));
        Assert.InRange(CpuCores.Physical, 1, Environment.ProcessorCount);
    }
}
