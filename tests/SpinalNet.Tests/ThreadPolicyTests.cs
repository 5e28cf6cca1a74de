// The thread count of a run that names none (docs/performance.md §9.6): the physical cores free when it starts, read
// from two /proc/stat readings, at least one; recorded in the run's configuration; an explicit count kept.
using SpinalNet.Runs;
using SpinalNet.Training;

namespace SpinalNet.Tests;

public class ThreadPolicyTests
{
    const string Stat = "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\nintr 1 2 3\n";

    [Fact]
    public void The_aggregate_cpu_line_gives_idle_and_total_jiffies()
    {
        Assert.Equal((850L, 1000L), ThreadPolicy.Parse(Stat));
        Assert.Null(ThreadPolicy.Parse("intr 1 2 3\n"));
        Assert.Null(ThreadPolicy.Parse("cpu 1 2 x 4 5\n"));
    }

    [Fact]
    public void Idle_share_between_two_readings_sets_the_free_cores()
    {
        // Half the time idle on 2 cores: one free; all busy: still one; all idle: all.
        Assert.Equal(0.5, ThreadPolicy.IdleShare((850, 1000), (900, 1100)));
        Assert.Equal(1, ThreadPolicy.Threads(2, 0.5));
        Assert.Equal(1, ThreadPolicy.Threads(2, 0.0));
        Assert.Equal(2, ThreadPolicy.Threads(2, 0.9));
        Assert.Equal(6, ThreadPolicy.Threads(8, 0.74));
        // Counters that did not move, or could not be read: every core counts as free.
        Assert.Null(ThreadPolicy.IdleShare((850, 1000), (850, 1000)));
        Assert.Equal(4, ThreadPolicy.Threads(4, null));
    }

    [Fact]
    public void A_run_that_names_no_thread_count_records_the_one_it_uses()
    {
        var defaults = Recipes.DefaultsFor("mnist-cnn");
        var config = ThisProcess.DecideThreads(defaults, out var busy);
        Assert.InRange(config.Settings.Threads, 1, CpuCores.Physical);
        Assert.Contains($"\"threads\": {config.Settings.Threads}", RunJson.Serialize(config));
        // Said when fewer than all cores were free, and then only.
        Assert.Equal(config.Settings.Threads < CpuCores.Physical, busy is not null);
        var explicitly = Recipes.DefaultsFor("mnist-cnn") with
        {
            Settings = Recipes.DefaultsFor("mnist-cnn").Settings with { Threads = 7 },
        };
        Assert.Same(explicitly, ThisProcess.DecideThreads(explicitly, out busy));
        Assert.Null(busy);
    }
}
