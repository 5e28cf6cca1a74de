// The head search behind `spinalnet sweep`: the paper's first question (docs/results.md §5: does a Spinal head reach
// the conventional head's accuracy with fewer parameters and multiplications?) asked of the user's own network and data
// over a grid of widths w, depths L and splits k. For every seed the conventional head is trained once and every grid
// point once, all from the same seed on the same batches; each finished point is appended to sweep.csv as it ends, so
// a stopped sweep (Ctrl+C, a time budget) resumes where it stopped. The report marks the Pareto front: the points no
// other point beats on both accuracy and head multiplications (and on accuracy and measured head step time). A sweep
// trains many small networks, one process each (--jobs), not one network data-parallel: under mpiexec it is refused.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SpinalNet.Cost;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Runs;

/// <summary>The values each Spinal parameter takes (null: the model's own value only); the grid is every combination.
/// </summary>
public sealed record SweepGrid(int[]? Widths, int[]? Layers = null, int[]? Splits = null)
{
    /// <summary>The grid points, width-major.</summary>
    public IEnumerable<SpinalOverrides> Points =>
        from w in Values(Widths) from l in Values(Layers) from k in Values(Splits) select new SpinalOverrides(w, l, k);

    static IEnumerable<int?> Values(int[]? values) => values?.Select(v => (int?)v) ?? [null];

    /// <summary>A list of values: "4,8,16", a range "2..6" (step 1), a doubling range "4..64x2", or a mix of them.</summary>
    public static int[] Parse(string text, string option)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var m = System.Text.RegularExpressions.Regex.Match(part, @"^(\d+)(?:\.\.(\d+)(?:x(\d+))?)?$");
            if (!m.Success)
                throw new ArgumentException($"{option} {text}: '{part}' is not a number, A..B or A..BxF", option);
            int from = Number(m.Groups[1].Value, option), to = m.Groups[2].Success ? Number(m.Groups[2].Value, option) : from;
            int factor = m.Groups[3].Success ? Number(m.Groups[3].Value, option) : 1;
            if (to < from || m.Groups[3].Success && factor < 2)
                throw new ArgumentException($"{option} {text}: '{part}' is an empty range", option);
            for (long v = from; v <= to; v = factor > 1 ? v * factor : v + 1) values.Add((int)v);
        }
        if (values.Count == 0) throw new ArgumentException($"{option} needs at least one value", option);
        return values.Distinct().ToArray();
    }

    static int Number(string digits, string option) => int.TryParse(digits, NumberStyles.None,
        CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"{option}: {digits} is too large", option);
}

/// <summary>One trained head: the conventional one (no width, depth, splits) or a grid point, with one seed.</summary>
public sealed record SweepRow(
    string Head, int? Width, int? Layers, int? Splits, long Seed, long HeadParameters, long HeadMultiplications,
    double HeadStepMicroseconds, double BestAccuracy, double FinalAccuracy)
{
    public const string CsvHeader = "head,width,layers,splits,seed,head_parameters,head_multiplications,head_step_us," +
                                    "best_accuracy,final_accuracy";

    public (string, int?, int?, int?) Point => (Head, Width, Layers, Splits);

    public string Csv() => string.Join(",", new object?[]
    {
        Head, Width, Layers, Splits, Seed, HeadParameters, HeadMultiplications, HeadStepMicroseconds, BestAccuracy,
        FinalAccuracy,
    }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    public static SweepRow Parse(string line, string source)
    {
        var f = line.Split(',');
        if (f.Length != 10) throw new InvalidDataException($"{source}: '{line}' is not a sweep row");
        int? Int(string s) => s.Length == 0 ? null : int.Parse(s, CultureInfo.InvariantCulture);
        double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        return new SweepRow(f[0], Int(f[1]), Int(f[2]), Int(f[3]), long.Parse(f[4], CultureInfo.InvariantCulture),
            long.Parse(f[5], CultureInfo.InvariantCulture), long.Parse(f[6], CultureInfo.InvariantCulture), D(f[7]), D(f[8]),
            D(f[9]));
    }
}

/// <summary>A point over its seeds, and whether it lies on each Pareto front.</summary>
public sealed record SweepPoint(
    string Head, int? Width, int? Layers, int? Splits, long HeadParameters, long HeadMultiplications,
    double HeadStepMicroseconds, MeanSd Accuracy, bool OnMultiplicationFront, bool OnTimeFront)
{
    public string Label => Head == "fc" ? "conventional" : $"w={Width} L={Layers} k={Splits}";
}

/// <summary>The Pareto front of points scored on a cost (lower is better) and an accuracy (higher is better).</summary>
public static class Pareto
{
    /// <summary>For each (cost, accuracy), whether no other point has lower-or-equal cost and higher-or-equal accuracy
    /// with one of them strictly better. Equal points do not dominate each other: both stay on the front.</summary>
    public static bool[] Front(IReadOnlyList<(double Cost, double Accuracy)> points) =>
        points.Select(p => !points.Any(q => q.Cost <= p.Cost && q.Accuracy >= p.Accuracy &&
                                            (q.Cost < p.Cost || q.Accuracy > p.Accuracy))).ToArray();
}

/// <summary>One of <paramref name="Count"/> worker processes of a parallel sweep: it trains the points whose position in
/// the sweep is <paramref name="Index"/> modulo <paramref name="Count"/>, and records them in a file of its own.</summary>
public sealed record SweepShard(int Index, int Count)
{
    public static SweepShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int n) && i >= 0 && i < n)
            return new SweepShard(i, n);
        throw new ArgumentException($"--shard {text} is not I/N with 0 <= I < N", "shard");
    }

    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>What a sweep is: saved as sweep.json so that --resume continues the same sweep.</summary>
public sealed record SweepPlan(RunConfig Config, SweepGrid Grid, int Repeats);

/// <summary>A sweep over Spinal heads in a sweep folder (`spinalnet sweep`): create or resume, then run.</summary>
public sealed class HeadSweep : IDisposable
{
    /// <summary>Time spent measuring each point's head step.</summary>
    const double HeadStepSeconds = 0.1;

    public const string PlanFile = "sweep.json", RowsFile = "sweep.csv", ReportFile = "report.md", ChartFile = "pareto.png";

    public SweepPlan Plan { get; }
    public string Folder { get; }
    public TrainingData Data { get; }

    HeadSweep(SweepPlan plan, string folder, TrainingData data) => (Plan, Folder, Data) = (plan, folder, data);

    /// <summary>A sweep of <paramref name="grid"/> over <paramref name="config"/>'s network, checked point by point
    /// (on the meta device) before anything is trained or written.</summary>
    public static HeadSweep Create(RunConfig config, SweepGrid grid, int repeats = 1, string? folder = null,
        Action<string>? warn = null)
    {
        if (repeats < 1) throw new ArgumentException($"--repeats {repeats} must be at least 1", "repeats");
        RefuseUnderMpi();
        Configuration.Validate(config);
        foreach (var point in grid.Points)
            config.Spec.CheckFits(HeadKind.Spinal, point, config.Classes);
        folder ??= TrainingRun.DefaultFolder($"sweep-{config.Model}");
        var data = config.LoadData(warn);
        var sweep = new HeadSweep(new SweepPlan(config, grid, repeats), folder, data);
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
        var plan = JsonSerializer.Deserialize<SweepPlan>(File.ReadAllText(path), RunJson.Options)
                   ?? throw new InvalidDataException($"{path}: empty sweep plan");
        if (threads is int t) plan = plan with { Config = plan.Config with { Settings = plan.Config.Settings with { Threads = t } } };
        Configuration.Validate(plan.Config);
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
            ? Directory.GetFiles(Folder, "sweep*.csv").Order(StringComparer.Ordinal).SelectMany(Read)
                .DistinctBy(r => (r.Point, r.Seed)).ToList()
            : [];

    static IEnumerable<SweepRow> Read(string path) => File.Exists(path)
        ? File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => SweepRow.Parse(l, path))
        : [];

    static void Write(string path, IEnumerable<SweepRow> rows) =>
        AtomicFile.WriteText(path, SweepRow.CsvHeader + "\n" + string.Concat(rows.Select(r => r.Csv() + "\n")));

    /// <summary>Torch threads for each of <paramref name="jobs"/> workers: an even share of the planned threads (all
    /// cores where the plan says 0), at least one.</summary>
    public int WorkerThreads(int jobs) =>
        Math.Max(1, (Plan.Config.Settings.Threads > 0 ? Plan.Config.Settings.Threads : CpuCores.Physical) / jobs);

    /// <summary>Runs the points left in <paramref name="jobs"/> worker processes at once, each started by
    /// <paramref name="startWorker"/> for its shard (e.g. `spinalnet sweep --resume DIR --shard I/N` with a share of
    /// the threads), waits for all, then gathers their rows into sweep.csv and writes the report.</summary>
    public IReadOnlyList<SweepPoint> RunInProcesses(int jobs, Func<SweepShard, Process> startWorker)
    {
        if (jobs < 1) throw new ArgumentException($"--jobs {jobs} must be at least 1", "jobs");
        var workers = Enumerable.Range(0, jobs).Select(i => new SweepShard(i, jobs))
            .Select(shard => (Shard: shard, Process: startWorker(shard))).ToList();
        foreach (var (_, process) in workers) process.WaitForExit();
        var failed = workers.FirstOrDefault(w => w.Process.ExitCode != 0);
        foreach (var (_, process) in workers) process.Dispose();
        if (failed.Process is not null)
            throw new InvalidOperationException($"sweep worker {failed.Shard} failed; the points it finished are kept, " +
                                                $"--resume {Folder} runs the rest");
        var rows = Rows().ToList();
        Write(Path.Combine(Folder, RowsFile), rows);
        foreach (var part in Directory.GetFiles(Folder, "sweep-shard-*.csv")) File.Delete(part);
        return Finish(rows);
    }

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
        var mine = shard is null ? null : Read(file).ToList();
        IReadOnlyList<SweepPoint> Done() => shard is null ? Finish(rows) : [];
        var clock = Stopwatch.StartNew();
        var config = Plan.Config;
        var heads = new (HeadKind Head, SpinalOverrides Spinal)[] { (HeadKind.Fc, SpinalOverrides.None) }
            .Concat(Plan.Grid.Points.Select(p => (HeadKind.Spinal, p))).ToList();
        int position = -1;
        for (int i = 0; i < Plan.Repeats; i++)
        foreach (var (head, spinal) in heads)
        {
            if (shard is not null && ++position % shard.Count != shard.Index) continue;
            long seed = config.Settings.Seed + i;
            var settings = config.Settings with { Seed = seed };
            string id = head.Id();
            if (rows.Any(r => r.Seed == seed && r.Point == (id, spinal.Width, spinal.Layers, spinal.Splits))) continue;
            if (cancel.IsCancellationRequested) return Done();
            var point = config with { Head = head, Spinal = spinal, Settings = settings };
            using var model = point.CreateModel(seed);
            var cost = CostReport.Measure(model, point.InputShape).Part("head");
            double step;
            // Timed on a copy of the network, so the point trains from the weights its seed gives.
            using (var copy = point.CreateModel(0, initialWeights: false))
                step = Benchmark.HeadStepMicroseconds(copy, point, HeadStepSeconds);
            var label = head == HeadKind.Fc ? "fc" : $"w={spinal.Width} L={spinal.Layers} k={spinal.Splits}";
            var outcome = Trainer.Run(model, Data, settings, null, observer?.Invoke($"{label} seed {seed}"), cancel);
            if (outcome.Stop == StopReason.Cancelled || outcome.History.Count == 0) return Done();
            var best = outcome.History.Single(h => h.Epoch == outcome.BestEpoch).TestAccuracy;
            var row = new SweepRow(id, spinal.Width, spinal.Layers, spinal.Splits, seed, cost.Parameters,
                cost.Multiplications, step, best, outcome.History[^1].TestAccuracy);
            rows.Add(row);
            mine?.Add(row);
            Write(file, mine ?? rows);
            if (budgetSeconds > 0 && clock.Elapsed.TotalSeconds >= budgetSeconds) return Done();
        }
        return Done();
    }

    IReadOnlyList<SweepPoint> Finish(List<SweepRow> rows)
    {
        var groups = rows.GroupBy(r => r.Point).ToList();
        var byMultiplications = Pareto.Front(groups.Select(g =>
            ((double)g.First().HeadMultiplications, g.Average(r => r.BestAccuracy))).ToList());
        var byTime = Pareto.Front(groups.Select(g =>
            (g.Average(r => r.HeadStepMicroseconds), g.Average(r => r.BestAccuracy))).ToList());
        var points = groups.Select((g, i) => new SweepPoint(g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Key.Item4,
            g.First().HeadParameters, g.First().HeadMultiplications, g.Average(r => r.HeadStepMicroseconds),
            MeanSd.Of(g.Select(r => r.BestAccuracy).ToList()), byMultiplications[i], byTime[i])).ToList();
        if (points.Count > 0)
        {
            Charts.Pareto(Path.Combine(Folder, ChartFile), $"{Plan.Config.Model}: accuracy against head cost", points);
            AtomicFile.WriteText(Path.Combine(Folder, ReportFile), Markdown(points));
        }
        return points;
    }

    string Markdown(IReadOnlyList<SweepPoint> points)
    {
        var s = Plan.Config.Settings;
        var md = new StringBuilder($"# {Plan.Config.Model}: Spinal head sweep\n\n");
        md.AppendLine($"Data: {Plan.Config.Data}. {s.Epochs} epochs, {s.Optimizer.Name()} lr " +
                      $"{s.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {s.BatchSize}, " +
                      $"{Plan.Repeats} seed(s) from {s.Seed}; every point from the same seed on the same batches. " +
                      $"Accuracy: test accuracy at the best epoch, picked on the {s.SelectionSplit} split" +
                      (s.ValidationFraction > 0 ? "." : " (as the authors' scripts do: optimistic)."));
        md.AppendLine().AppendLine("Front: no other point has both higher (or equal) accuracy and fewer (or equal) head " +
                                   "multiplications (× ) or a shorter head step (time).").AppendLine();
        md.AppendLine("| head | w | L | k | head parameters | head multiplications | head step (µs) | accuracy | " +
                      "front (×) | front (time) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|");
        foreach (var p in points.OrderBy(p => p.HeadMultiplications))
            md.AppendLine($"| {(p.Head == "fc" ? "conventional" : "Spinal")} | {p.Width} | {p.Layers} | {p.Splits} | " +
                          $"{p.HeadParameters:N0} | {p.HeadMultiplications:N0} | {p.HeadStepMicroseconds:F0} | " +
                          $"{p.Accuracy.Percent} | {(p.OnMultiplicationFront ? "yes" : "")} | {(p.OnTimeFront ? "yes" : "")} |");
        return md.AppendLine().AppendLine($"![Accuracy against head multiplications]({ChartFile})").ToString();
    }

    public void Dispose() => Data.Dispose();
}
