// How many torch threads the spinalnet command uses when a run names none (docs/performance.md §9.3): one per physical
// core. A second
// hardware thread of a core shares its arithmetic units, so a compute-bound step gains little from it and loses to the
// extra synchronisation; PyTorch's own default is the physical cores for the same reason. On Linux the cores are the
// distinct (physical id, core id) pairs of /proc/cpuinfo; elsewhere, or where the file says nothing, the processor
// count.
namespace SpinalNet.Training;

/// <summary>The machine's physical cores, the default torch thread count.</summary>
public static class CpuCores
{
    /// <summary>Physical cores of this machine (at least 1).</summary>
    public static int Physical { get; } = Count(File.Exists("/proc/cpuinfo") ? SafeRead("/proc/cpuinfo") : "");

    /// <summary>Physical cores described by a /proc/cpuinfo text: its distinct (physical id, core id) pairs, or the
    /// processor count where the text has none.</summary>
    public static int Count(string cpuinfo)
    {
        var cores = new HashSet<(string, string)>();
        string physical = "", core = "";
        foreach (var line in cpuinfo.Split('\n').Append(""))
        {
            var parts = line.Split(':', 2);
            var key = parts[0].Trim();
            if (key == "physical id") physical = parts[1].Trim();
            else if (key == "core id") core = parts[1].Trim();
            else if (key.Length == 0 && core.Length > 0)
            {
                cores.Add((physical, core));
                (physical, core) = ("", "");
            }
        }
        return cores.Count > 0 ? Math.Min(cores.Count, Environment.ProcessorCount) : Math.Max(1, Environment.ProcessorCount);
    }

    static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
