// A sweep trained by N worker processes at once (docs/results.md §5, `spinalnet sweep --jobs N`): each worker resumes
// the sweep for its shard of the points with a share of the threads and records its rows in a file of its own; the
// coordinator waits for all, gathers their rows into sweep.csv and writes the report.
using SpinalNet.Layers;
using System.Diagnostics;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>Runs a sweep's remaining points in worker processes.</summary>
public static class SweepWorkers
{
    /// <summary>Torch threads for each of <paramref name="jobs"/> workers: an even share of the planned threads (all
    /// cores where the plan says 0), at least one.</summary>
    public static int Threads(SweepPlan plan, int jobs) =>
        Math.Max(1, (plan.Config.Settings.Threads > 0 ? plan.Config.Settings.Threads : CpuCores.Physical) / jobs);

    /// <summary>Runs the points left in <paramref name="jobs"/> worker processes at once, each started by
    /// <paramref name="startWorker"/> for its shard (e.g. `spinalnet sweep --resume DIR --shard I/N` with a share of
    /// the threads), waits for all, then gathers their rows into sweep.csv and writes the report.</summary>
    public static IReadOnlyList<SweepPoint> Run(HeadSweep sweep, int jobs, Func<SweepShard, Process> startWorker)
    {
        if (jobs < 1) throw new SettingException("Jobs", jobs, "must be at least 1");
        var workers = Enumerable.Range(0, jobs).Select(i => new SweepShard(i, jobs))
            .Select(shard => (Shard: shard, Process: startWorker(shard))).ToList();
        foreach (var (_, process) in workers) process.WaitForExit();
        var failed = workers.FirstOrDefault(w => w.Process.ExitCode != 0);
        foreach (var (_, process) in workers) process.Dispose();
        if (failed.Process is not null)
            throw new InvalidOperationException($"sweep worker {failed.Shard} failed; the points it finished are kept, " +
                                                $"resuming {sweep.Folder} runs the rest");
        var rows = sweep.Rows().ToList();
        SweepRow.WriteFile(Path.Combine(sweep.Folder, HeadSweep.RowsFile), rows);
        foreach (var part in Directory.GetFiles(sweep.Folder, "sweep-shard-*.csv")) File.Delete(part);
        return sweep.Finish(rows);
    }
}
