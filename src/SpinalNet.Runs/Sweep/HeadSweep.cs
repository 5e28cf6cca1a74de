// The head search behind `spinalnet sweep`: the paper's first question (docs/results.md §5: does a Spinal head reach
// the conventional head's accuracy with fewer parameters and multiplications?) asked of the user's own network and data
// over a grid of widths w, depths L and splits k. For every seed the conventional head is trained once and every grid
// point once, all from the same seed on the same batches; each finished point is appended to sweep.csv as it ends, so
// a stopped sweep (Ctrl+C, a time budget) resumes where it stopped. The report marks the Pareto front: the points no
// other point beats on both accuracy and head multiplications (and on accuracy and measured head step time). A sweep
// trains many small networks, one process each (--jobs), not one network data-parallel: under mpiexec it is refused.
using SpinalNet.Layers;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpinalNet.Cost;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>What a sweep is: saved as sweep.json so that resuming continues the same sweep.</summary>
public sealed record SweepPlan(RunConfig Config, SweepGrid Grid, int Repeats)
{
    /// <summary>The networks one seed trains: the conventional head, then the grid's Spinal heads, each the run's own
    /// network with that head and the swept values (docs/architecture.md §14.1).</summary>
    public IEnumerable<RunConfig> Points(long seed)
    {
        var config = Config with { Settings = Config.Settings with { Seed = seed } };
        return Grid.Over(config.Spinal).Select(spinal => config with { Head = HeadKind.Spinal, Spinal = spinal })
            .Prepend(config with { Head = HeadKind.Fc });
    }
}

/// <summary>A sweep over Spinal heads in a sweep folder (`spinalnet sweep`): create or resume, then run.</summary>
public sealed class HeadSweep : IDisposable
{
    /// <summary>Time spent measuring each point's head step.</summary>
    const double HeadStepSeconds = 0.1;

    public const string PlanFile = "sweep.json", RowsFile = "sweep.csv";

    public SweepPlan Plan { get; }
    public string Folder { get; }
    public TrainingData Data { get; }

    HeadSweep(SweepPlan plan, string folder, TrainingData data) => (Plan, Folder, Data) = (plan, folder, data);

    /// <summary>A sweep of <paramref name="grid"/> over <paramref name="config"/>'s network, checked point by point
    /// (on the meta device) before anything is trained or written.</summary>
    public static HeadSweep Create(RunConfig config, SweepGrid grid, int repeats = 1, string? folder = null,
        Action<string>? warn = null)
    {
        if (repeats < 1) throw new SettingException("Repeats", repeats, "must be at least 1");
        RefuseUnderMpi();
        Configuration.Validate(config);
        var plan = new SweepPlan(config, grid, repeats);
        foreach (var point in plan.Points(config.Settings.Seed)) point.Network.CheckFits();
        folder ??= TrainingRun.DefaultFolder($"sweep-{config.Model}");
        RunDirectory.CheckWritable(folder);
        var data = config.LoadData(warn);
        var sweep = new HeadSweep(plan, folder, data);
        AtomicFile.WriteText(Path.Combine(folder, PlanFile), RunJson.Serialize(sweep.Plan));
        return sweep;
    }

    /// <summary>The sweep in <paramref name="folder"/>, to continue: the points already in sweep.csv are skipped.</summary>
    /// <param name="threads">Torch threads for this process (null: as planned), e.g. a share for a parallel worker.</param>
    public static HeadSweep Resume(string folder, Action<string>? warn = null, int? threads = null)
    {
        RefuseUnderMpi();
        var path = Path.Combine(folder, PlanFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: not found (is {folder} a sweep folder?)", path);
        var saved = ConfigLayer.Parse(File.ReadAllText(path), path).Values;
        var plan = saved.Deserialize<SweepPlan>(RunJson.Options) ?? throw new InvalidDataException($"{path}: empty sweep plan");
        var config = Configuration.Read(saved["config"] as JsonObject
                                        ?? throw new InvalidDataException($"{path}: no configuration"), path);
        config = ConfigLayer.Of("resume", [("settings.threads", threads)]).ApplyTo(config);
        plan = plan with { Config = Configuration.Validate(config) };
        return new HeadSweep(plan, folder, plan.Config.LoadData(warn));
    }

    static void RefuseUnderMpi()
    {
        if (ReplicaGroup.Launched is { Size: > 1 } launch)
            throw new InvalidOperationException($"sweep does not train data-parallel ({launch.Size} MPI ranks): run it " +
                                                "without mpiexec; --jobs N trains its points in N processes");
    }

    /// <summary>The rows recorded so far: sweep.csv and the files of parallel workers (sweep-shard-I.csv).</summary>
    public IReadOnlyList<SweepRow> Rows() =>
        Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "sweep*.csv").Order(StringComparer.Ordinal).SelectMany(SweepRow.ReadFile)
                .DistinctBy(r => (r.Point, r.Seed)).ToList()
            : [];

    /// <summary>Trains every point not yet recorded, seed by seed; stops after the point under way when
    /// <paramref name="budgetSeconds"/> (0: none) have passed, or at once on <paramref name="cancel"/> (the point under
    /// way is not recorded). Writes sweep.csv as it goes, then report.md and pareto.png.</summary>
    /// <param name="shard">As one worker of a parallel sweep: only this shard's points, recorded in its own file, and
    /// no report (the coordinating process writes it).</param>
    public IReadOnlyList<SweepPoint> Run(Func<string, ITrainingObserver?>? observer = null, CancellationToken cancel = default,
        double budgetSeconds = 0, SweepShard? shard = null)
    {
        var rows = Rows().ToList();
        string file = Path.Combine(Folder, shard is null ? RowsFile : $"sweep-shard-{shard.Index}.csv");
        // A worker's file holds its own rows only (null: this is the sweep itself, whose file holds them all).
        var mine = shard is null ? null : SweepRow.ReadFile(file).ToList();
        IReadOnlyList<SweepPoint> Done() => shard is null ? Finish(rows) : [];
        var clock = Stopwatch.StartNew();
        var all = Enumerable.Range(0, Plan.Repeats).SelectMany(i => Plan.Points(Plan.Config.Settings.Seed + i)).ToList();
        foreach (var seedPoints in all.Where((_, position) => shard is null || position % shard.Count == shard.Index)
                     .Where(p => !rows.Any(r => r.Seed == p.Settings.Seed && r.Point == PointOf(p)))
                     .GroupBy(p => p.Settings.Seed))
        {
            if (cancel.IsCancellationRequested) return Done();
            var points = seedPoints.ToList();
            var steps = HeadSteps(points);
            foreach (var (point, step) in points.Zip(steps))
            {
                if (cancel.IsCancellationRequested) return Done();
                var (id, width, layers, splits) = PointOf(point);
                long seed = point.Settings.Seed;
                using var model = point.CreateModel(seed);
                var cost = CostReport.Measure(model, point.InputShape).Part("head");
                var label = point.Head == HeadKind.Fc ? "fc" : SweepRow.Label(width, layers, splits);
                var outcome = FeatureCache.Train(model, Data, point, Folder, null, observer?.Invoke($"{label} seed {seed}"),
                    cancel);
                if (outcome.Stop == StopReason.Cancelled || outcome.History.Count == 0) return Done();
                var best = outcome.History.Single(h => h.Epoch == outcome.BestEpoch).TestAccuracy ?? double.NaN;
                var row = new SweepRow(id, width, layers, splits, seed, cost.Parameters, cost.Multiplications,
                    step.Median, best, outcome.History[^1].TestAccuracy ?? double.NaN, step.P10, step.P90);
                rows.Add(row);
                mine?.Add(row);
                SweepRow.WriteFile(file, mine ?? rows);
                if (budgetSeconds > 0 && clock.Elapsed.TotalSeconds >= budgetSeconds) return Done();
            }
        }
        return Done();
    }

    /// <summary>What a row calls a point: its head and, for a Spinal head, the values it trained.</summary>
    static (string, int?, int?, int?) PointOf(RunConfig point) => point.Head == HeadKind.Spinal
        ? ("spinal", point.Spinal.Width, point.Spinal.Layers, point.Spinal.Splits)
        : ("fc", null, null, null);

    /// <summary>The head step of each point in µs, timed on copies of the networks (so each point trains from the
    /// weights its seed gives) in interleaved rounds, so that a burst of load falls on every point alike; one at a time
    /// where the copies together would need more than 2 GB.</summary>
    IReadOnlyList<Timing> HeadSteps(IReadOnlyList<RunConfig> points)
    {
        long bytes = points.Sum(p => p.Network.CountParameters() * sizeof(float) * 4);
        if (bytes > 2_000_000_000L && points.Count > 1) return points.SelectMany(p => HeadSteps([p])).ToList();
        var copies = new List<ClassifierNetwork>();
        var steps = new List<HeadStep>();
        try
        {
            foreach (var point in points)
            {
                copies.Add(point.CreateModel(0, initialWeights: false));
                steps.Add(new HeadStep(copies[^1], point));
            }
            return InterleavedTimer.Time(steps.Select(s => (Action)s.Run).ToList(), HeadStepSeconds)
                .Select(t => t.Times(1e6)).ToList();
        }
        finally
        {
            foreach (var s in steps) s.Dispose();
            foreach (var c in copies) c.Dispose();
        }
    }

    /// <summary>The points over their seeds, with their fronts; writes the report.</summary>
    public IReadOnlyList<SweepPoint> Finish(List<SweepRow> rows)
    {
        var groups = rows.GroupBy(r => r.Point).ToList();
        var byMultiplications = Pareto.Front(groups.Select(g =>
            ((double)g.First().HeadMultiplications, g.Average(r => r.BestAccuracy))).ToList());
        var byTime = Pareto.Front(groups.Select(g =>
            (g.Average(r => r.HeadStepMicroseconds), g.Average(r => r.BestAccuracy))).ToList());
        var points = groups.Select((g, i) => new SweepPoint(g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Key.Item4,
            g.First().HeadParameters, g.First().HeadMultiplications,
            new Timing(g.Average(r => r.HeadStepMicroseconds), g.Average(r => r.HeadStepP10), g.Average(r => r.HeadStepP90)),
            MeanSd.Of(g.Select(r => r.BestAccuracy).ToList()), byMultiplications[i], byTime[i])).ToList();
        SweepReport.Write(Folder, Plan, points);
        return points;
    }

    public void Dispose() => Data.Dispose();
}
