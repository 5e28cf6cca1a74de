// The use case behind `spinalnet bench` (docs/performance.md §9.4): whether the Spinal head pays off in time on the
// user's own hardware. For both heads of a network: parameters and multiplications (docs/spinal-layer.md §1.5), the
// head's training step alone (forward, backward and the optimiser's step on a batch of random features), the whole
// network's training step, inference throughput at the test batch size and at batch 1, and peak resident memory.
using System.Diagnostics;
using SpinalNet.Cost;
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Runs;

/// <param name="Head">"spinal" or "fc", as --head names it.</param>
/// <param name="HeadStepUs">Median µs of one training step of the head alone, at the training batch size.</param>
/// <param name="HeadPlainStepUs">The same on the Spinal layer's plain path (its reference implementation); null for
/// the fc head.</param>
/// <param name="NetworkStepMs">Median ms of one training step of the whole network.</param>
/// <param name="InferenceImagesPerS">Evaluation-mode throughput at the test batch size; Batch1 at batch 1.</param>
/// <param name="PeakResidentBytes">The process's peak resident memory once this head was measured.</param>
public sealed record HeadTiming(
    string Head, long Parameters, long Multiplications, long HeadParameters, long HeadMultiplications,
    double HeadStepUs, double? HeadPlainStepUs, double NetworkStepMs, double InferenceImagesPerS,
    double InferenceImagesPerSBatch1, long PeakResidentBytes);

/// <summary>What `spinalnet bench` measured, for both heads.</summary>
public sealed record BenchmarkReport(
    string Model, int BatchSize, int TestBatchSize, int Threads, IReadOnlyList<HeadTiming> Heads)
{
    /// <summary>The Spinal head's step over the fc head's: below 1, the Spinal head trains faster.</summary>
    public double SpinalOverFcHeadStep =>
        Heads.Single(h => h.Head == "spinal").HeadStepUs / Heads.Single(h => h.Head == "fc").HeadStepUs;

    public void WriteJson(string path) => AtomicFile.WriteText(path, RunJson.Serialize(this));
}

/// <summary>Times both heads of a network on this machine (`spinalnet bench`).</summary>
public static class Benchmark
{
    /// <summary>Measures both heads of the configuration's network, with its optimiser and batch sizes.</summary>
    /// <param name="secondsPerMeasurement">Time spent on each timing, after warm-up (the median of its rounds).</param>
    public static BenchmarkReport Run(RunConfig config, double secondsPerMeasurement = 1.0)
    {
        if (!(secondsPerMeasurement > 0 && double.IsFinite(secondsPerMeasurement)))
            throw new SettingException("Time", secondsPerMeasurement, "must be a positive number of seconds");
        config = Configuration.Validate(config);
        var settings = config.Settings;
        if (settings.Threads > 0) torch.set_num_threads(settings.Threads);
        var heads = HeadComparison.Heads.Select(head => Measure(config with { Head = head }, secondsPerMeasurement))
            .ToList();
        return new BenchmarkReport(config.Model, settings.BatchSize, settings.TestBatchSize, torch.get_num_threads(),
            heads);
    }

    static HeadTiming Measure(RunConfig config, double seconds)
    {
        var settings = config.Settings;
        torch.manual_seed(settings.Seed);
        using var model = config.CreateModel(settings.Seed, initialWeights: false);
        var cost = CostReport.Measure(model, config.InputShape);
        var head = model.Head;
        int batch = settings.BatchSize;
        double headStep = HeadStepMicroseconds(model, config, seconds), headPlain = double.NaN;
        if (head is SpinalLayer layer)
        {
            layer.PreferFused = false;
            headPlain = HeadStepMicroseconds(model, config, seconds);
            layer.PreferFused = true;
        }

        model.train();
        using var labels = torch.randint(0, config.Classes, [batch]);
        using var images = torch.randn([batch, .. config.InputShape]);
        double networkStep;
        using (var optimizer = Optimizers.Create(settings, model.parameters()))
            networkStep = Median(() =>
            {
                optimizer.zero_grad();
                model.Loss(model.call(images), labels, nn.Reduction.Mean).backward();
                optimizer.step();
            }, seconds) * 1e3;

        model.eval();
        double Throughput(int size)
        {
            using var input = torch.randn([size, .. config.InputShape]);
            return size / Median(() =>
            {
                using var noGrad = torch.no_grad();
                model.call(input);
            }, seconds);
        }
        double inference = Throughput(settings.TestBatchSize), single = Throughput(1);
        var headCost = cost.Part("head");
        return new HeadTiming(config.Head.Id(), cost.Parameters, cost.Multiplications, headCost.Parameters,
            headCost.Multiplications, headStep, head is SpinalLayer ? headPlain : null, networkStep, inference, single,
            PeakResidentBytes());
    }

    /// <summary>Median microseconds of one training step of the network's head alone: forward, backward to its input
    /// (as when the backbone trains beneath it) and the run's optimiser update, on the backbone's features of one batch
    /// of random images. It trains the model it is given: time a copy where the weights matter.</summary>
    public static double HeadStepMicroseconds(ClassifierNetwork model, RunConfig config, double seconds)
    {
        var settings = config.Settings;
        model.train();
        using var scope = torch.NewDisposeScope();
        Tensor x;
        using (torch.no_grad()) x = model.Features(torch.randn([settings.BatchSize, .. config.InputShape]));
        x.requires_grad_();
        var labels = torch.randint(0, config.Classes, [settings.BatchSize]);
        using var optimizer = Optimizers.Create(settings, model.Head.parameters());
        return Median(() =>
        {
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.Head.call(x), labels).backward();
            optimizer.step();
        }, seconds) * 1e6;
    }

    /// <summary>Median seconds of one call, in rounds of calls (each in its own dispose scope) over about
    /// <paramref name="seconds"/>, after a warm-up of a tenth of that.</summary>
    static double Median(Action work, double seconds)
    {
        double Once()
        {
            var clock = Stopwatch.StartNew();
            using (torch.NewDisposeScope()) work();
            return clock.Elapsed.TotalSeconds;
        }
        double first = Once();
        for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < seconds / 10;) first = Once();
        // Rounds of enough calls to last about a millisecond, so that the clock's resolution does not matter.
        int calls = (int)Math.Clamp(1e-3 / Math.Max(first, 1e-7), 1, 1000);
        var rounds = new List<double>();
        for (var clock = Stopwatch.StartNew(); rounds.Count < 5 || clock.Elapsed.TotalSeconds < seconds;)
        {
            var round = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++)
                using (torch.NewDisposeScope()) work();
            rounds.Add(round.Elapsed.TotalSeconds / calls);
        }
        rounds.Sort();
        return rounds[rounds.Count / 2];
    }

    /// <summary>The process's peak resident memory: VmHWM of /proc/self/status where there is one, else the peak
    /// working set.</summary>
    public static long PeakResidentBytes() => StatusBytes("VmHWM:", self => self.PeakWorkingSet64);

    /// <summary>The process's resident memory now: VmRSS of /proc/self/status where there is one, else the working
    /// set.</summary>
    public static long ResidentBytes() => StatusBytes("VmRSS:", self => self.WorkingSet64);

    static long StatusBytes(string field, Func<Process, long> otherwise)
    {
        const string path = "/proc/self/status";
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path))
                if (line.StartsWith(field, StringComparison.Ordinal) &&
                    long.TryParse(line[field.Length..].Trim().Split(' ')[0], out var kb))
                    return kb * 1024;
        using var self = Process.GetCurrentProcess();
        return otherwise(self);
    }
}
