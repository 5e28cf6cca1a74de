// How many torch threads a run uses when it names none (docs/performance.md §9.6): one per physical core that is free
// when the run starts, at least one. libtorch's OpenMP workers wait for each other at the end of every parallel
// region; on a core that another program keeps busy a worker is descheduled, and every region then waits a scheduler
// time slice for it, so two threads on two busy cores trained the MNIST CNN's epoch 3-10 times slower than one. The
// free cores are read from the kernel's CPU counters (/proc/stat) over a short interval: the idle share of the
// processors times the physical cores, rounded. Where the counters cannot be read, every physical core counts as free.
// It is also the one place that sets torch's thread count: for a program's lifetime (Set), or for a run or a timing,
// restored after (Use), so that a library call leaves its caller's setting as it found it.
using SpinalNet.Layers;
using TorchSharp;

namespace SpinalNet.Training;

/// <summary>The default torch thread count of a run (the physical cores free when it starts), and the one setter of
/// torch's thread count.</summary>
public static class ThreadPolicy
{
    /// <summary>Torch's intra-op threads for the rest of the process.</summary>
    public static void Set(int threads)
    {
        if (threads < 1) throw new SettingException("Threads", threads, "must be at least 1");
        torch.set_num_threads(threads);
    }

    /// <summary>Torch's intra-op threads at <paramref name="threads"/> until the result is disposed, then back to what
    /// they were; 0 leaves them as they are.</summary>
    public static IDisposable Use(int threads)
    {
        if (threads == 0) return new OnDispose(() => { });
        int previous = torch.get_num_threads();
        Set(threads);
        return new OnDispose(() => torch.set_num_threads(previous));
    }

    /// <summary>How long the CPU counters are sampled.</summary>
    public static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);

    /// <summary>The threads a run that names none uses, and whether fewer than the physical cores were free (the
    /// machine busy enough to matter).</summary>
    public static (int Threads, bool Busy) Choose()
    {
        double? idle = IdleShare(Sample);
        int threads = Threads(CpuCores.Physical, idle);
        return (threads, threads < CpuCores.Physical);
    }

    /// <summary>The physical cores free at an idle share of the processors (null: unknown, all), at least one.</summary>
    public static int Threads(int physical, double? idleShare) =>
        idleShare is double idle ? Math.Clamp((int)Math.Round(idle * physical), 1, physical) : physical;

    /// <summary>The idle share of all processors over <paramref name="interval"/>, from two readings of /proc/stat;
    /// null where they cannot be read.</summary>
    public static double? IdleShare(TimeSpan interval)
    {
        var before = Read();
        if (before is null) return null;
        Thread.Sleep(interval);
        return Read() is { } after ? IdleShare(before.Value, after) : null;
    }

    /// <summary>The idle share between two readings of the aggregate "cpu" line: (idle + iowait) / total.</summary>
    public static double? IdleShare((long Idle, long Total) before, (long Idle, long Total) after)
    {
        long total = after.Total - before.Total;
        return total > 0 ? Math.Clamp((double)(after.Idle - before.Idle) / total, 0, 1) : null;
    }

    /// <summary>Idle and total jiffies of the first line of a /proc/stat text ("cpu user nice system idle iowait
    /// irq softirq steal ..."); null where it has none.</summary>
    public static (long Idle, long Total)? Parse(string stat)
    {
        var line = stat.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (line.Length < 5 || line[0] != "cpu") return null;
        var values = line.Skip(1).Take(8).Select(v => long.TryParse(v, out long n) ? n : -1).ToArray();
        if (values.Any(v => v < 0)) return null;
        return (values[3] + (values.Length > 4 ? values[4] : 0), values.Sum());
    }

    static (long Idle, long Total)? Read()
    {
        try
        {
            return File.Exists("/proc/stat") ? Parse(File.ReadAllText("/proc/stat")) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
