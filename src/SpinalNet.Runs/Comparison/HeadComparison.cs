// The paper's central comparison (docs/results.md §5), the use case behind `spinalnet compare`: the same network with
// its conventional head and with a Spinal head, trained from the same seed on the same batches (once per seed: seed,
// seed + 1, ...), each head's run in a folder of its own, then report.md with the table and the charts. Launched by
// mpiexec, each training is data-parallel over the processes and rank 0 alone writes (docs/distributed.md §10).
using SpinalNet.Layers;
using SpinalNet.Cost;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <param name="BestAccuracy">Test accuracy at the best epoch, as a fraction: the epoch picked on the validation split
/// where there is one, else the best test accuracy over the epochs (the scripts' report).</param>
public sealed record ComparisonRow(
    HeadKind Head, long Parameters, long Multiplications, long HeadParameters, long HeadMultiplications,
    double BestAccuracy, double FinalAccuracy, double SecondsPerEpoch, TrainingOutcome Outcome);

/// <summary>Both heads of a network trained from the same seed on the same batches, and their report
/// (`spinalnet compare`).</summary>
public sealed class HeadComparison : IDisposable
{
    public static readonly HeadKind[] Heads = [HeadKind.Fc, HeadKind.Spinal];

    public RunConfig Config { get; }
    public int Repeats { get; }
    public string Folder { get; }
    public TrainingData Data { get; }
    readonly IReplicaGroup group;

    HeadComparison(RunConfig config, int repeats, string folder, TrainingData data, IReplicaGroup group) =>
        (Config, Repeats, Folder, Data, this.group) = (config, repeats, folder, data, group);

    /// <summary>A comparison of both heads of <paramref name="config"/>'s network (its head is ignored), in
    /// <paramref name="folder"/> (null: runs/compare-MODEL-TIME). Both heads are checked here (built, where initial
    /// weights must be tried on each), so a head that cannot be trained fails before any training.</summary>
    public static HeadComparison Create(RunConfig config, int repeats = 1, string? folder = null,
        Action<string>? warn = null, IReplicaGroup? replicas = null)
    {
        if (repeats < 1) throw new SettingException("Repeats", repeats, "must be at least 1");
        var group = replicas ?? ReplicaGroup.World;
        config = Configuration.Validate(config with { WorldSize = group.Size });
        group.RequireSame("configuration", RunJson.Serialize(config) + $" repeats {repeats}");
        // Both heads are checked before either trains: on the meta device, or built for real where initial weights must
        // (or pretrained ones) be tried on each.
        foreach (var head in Heads)
            if (config.InitialWeights is null && !config.Pretrained) (config with { Head = head }).Network.CheckFits();
            else (config with { Head = head }).CreateModel(config.Settings.Seed).Dispose();
        folder ??= TrainingRun.DefaultFolder($"compare-{config.Model}");
        if (group.IsRoot) RunDirectory.CheckWritable(folder);
        return new HeadComparison(config, repeats, folder, config.LoadData(warn), group);
    }

    /// <summary>What is about to be compared, on what, in one line.</summary>
    public string Description => $"comparing heads of {Config.Model} on {Data.Train.Count} training samples, " +
                                 $"{Data.Test!.Count} test samples, {Config.Settings.Epochs} epochs, seed " +
                                 $"{Config.Settings.Seed}{(Repeats > 1 ? $" (+{Repeats - 1} more)" : "")}";

    /// <summary>The run folder of one head and seed.</summary>
    public string RunFolder(long seed, HeadKind head) =>
        Repeats == 1 ? Path.Combine(Folder, head.Id()) : Path.Combine(Folder, $"seed-{seed}", head.Id());

    /// <summary>Trains every head for every seed and writes report.md; returns the report.</summary>
    public ComparisonReport Run(Func<long, HeadKind, ITrainingObserver?>? observer = null,
        CancellationToken cancel = default)
    {
        var seeds = new List<long>();
        var rows = new List<IReadOnlyList<ComparisonRow>>();
        for (int i = 0; i < Repeats && !cancel.IsCancellationRequested; i++)
        {
            long seed = Config.Settings.Seed + i;
            rows.Add(RunSeed(Config with { Settings = Config.Settings with { Seed = seed } },
                head => observer?.Invoke(seed, head), cancel));
            seeds.Add(seed);
        }
        var report = new ComparisonReport(Config, seeds, rows);
        if (group.IsRoot)
            AtomicFile.WriteText(Path.Combine(Folder, "report.md"), report.Markdown(report.WriteCharts(Folder)));
        return report;
    }

    IReadOnlyList<ComparisonRow> RunSeed(RunConfig config, Func<HeadKind, ITrainingObserver?> observer,
        CancellationToken cancel)
    {
        var rows = new List<ComparisonRow>();
        foreach (var head in Heads)
        {
            var headConfig = config with { Head = head };
            using var model = headConfig.CreateModel(config.Settings.Seed);
            var cost = CostReport.Measure(model, headConfig.InputShape);
            var run = new RunDirectory(RunFolder(config.Settings.Seed, head), create: group.IsRoot);
            if (group.IsRoot) run.WriteConfig(headConfig);
            if (group.IsRoot && Data.ClassNames is { } names) run.WriteClassNames(names);
            var outcome = FeatureCache.Train(model, Data, config, Folder, new RunCheckpoints(run, headConfig),
                group.IsRoot ? TensorboardLog.Around(headConfig, run.Path, observer(head)) : null, cancel, group);
            if (group.IsRoot)
            {
                run.SaveWeights(model);
                run.WriteOutcome($"{config.Model}, {head.Title()} head", outcome);
            }
            var history = outcome.History;
            rows.Add(new ComparisonRow(head, cost.Parameters, cost.Multiplications, cost.Part("head").Parameters,
                cost.Part("head").Multiplications,
                history.Count == 0 ? double.NaN : history.Single(h => h.Epoch == outcome.BestEpoch).TestAccuracy ?? double.NaN,
                history.Count == 0 ? double.NaN : history[^1].TestAccuracy ?? double.NaN,
                history.Count == 0 ? double.NaN : history.Average(h => h.TrainSeconds), outcome));
            if (outcome.Stop == StopReason.Cancelled) break;
        }
        return rows;
    }

    public void Dispose() => Data.Dispose();
}
