// A sweep trained by N worker processes at once (docs/results.md §5, `spinalnet sweep --jobs N`): each worker resumes
// the sweep for its shard of the points with a share of the threads and records its rows in a file of its own; the
// coordinator waits for all, gathers their rows into sweep.csv and writes the report. SweepWork says which of the three
// a process does: the whole sweep itself, the coordinator of N workers, or one worker.
using SpinalNet.Layers;
using System.Diagnostics;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>How a process trains a sweep's points: all of them itself (<paramref name="Jobs"/> 1), through
/// <paramref name="Jobs"/> worker processes, or, as a worker, those of <paramref name="Shard"/> alone; stopping after
/// the point under way once <paramref name="BudgetSeconds"/> have passed (0: no budget; a resumed sweep continues).
/// </summary>
public sealed record SweepWork(int Jobs = 1, SweepShard? Shard = null, double BudgetSeconds = 0)
{
    /// <summary>This work, or a <see cref="SettingException"/> naming the setting out of range; checked before the
    /// sweep loads its data.</summary>
    public SweepWork Checked()
    {
        if (Jobs < 1) throw new SettingException(nameof(Jobs), Jobs, "must be at least 1");
        if (!(BudgetSeconds >= 0 && double.IsFinite(BudgetSeconds)))
            throw new SettingException(nameof(BudgetSeconds), BudgetSeconds, "must be 0 (no budget) or more seconds");
        return this;
    }
}

/// <summary>Runs a sweep's remaining points in worker processes.</summary>
public static class SweepWorkers
{
    /// <summary>Trains the points <paramref name="work"/> gives this process: a worker its shard, without a report; a
    /// coordinator through <see cref="SweepWork.Jobs"/> workers that <paramref name="startWorker"/> starts for a shard
    /// and a thread count each; otherwise every point here, each reported to <paramref name="observer"/>.</summary>
    public static IReadOnlyList<SweepPoint> Run(HeadSweep sweep, SweepWork work,
        Func<SweepShard, int, Process> startWorker, Func<string, ITrainingObserver?>? observer = null,
        CancellationToken cancel = default)
    {
        work.Checked();
        if (work.Shard is { } shard) return sweep.Run(null, cancel, work.BudgetSeconds, shard);
        if (work.Jobs > 1) return Run(sweep, work.Jobs, s => startWorker(s, Threads(sweep.Plan, work.Jobs)));
        return sweep.Run(observer, cancel, work.BudgetSeconds);
    }

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
