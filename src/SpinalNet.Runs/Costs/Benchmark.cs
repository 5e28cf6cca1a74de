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
using TorchSharp.Modules;
using static TorchSharp.torch;
using static SpinalNet.Runs.TextTable;

namespace SpinalNet.Runs;

/// <param name="Head">"spinal" or "fc", as --head names it.</param>
/// <param name="HeadStepUs">Median µs of one training step of the head alone, at the training batch size;
/// <paramref name="HeadStepP10Us"/> and <paramref name="HeadStepP90Us"/> its spread over the rounds.</param>
/// <param name="HeadPlainStepUs">The same on the Spinal layer's plain path (its reference implementation); null for
/// the fc head.</param>
/// <param name="NetworkStepMs">Median ms of one training step of the whole network, with its spread.</param>
/// <param name="InferenceImagesPerS">Evaluation-mode throughput at the test batch size; Batch1 at batch 1.</param>
/// <param name="PeakResidentBytes">The process's peak resident memory once this head had run each of its steps.</param>
public sealed record HeadTiming(
    string Head, long Parameters, long Multiplications, long HeadParameters, long HeadMultiplications,
    double HeadStepUs, double? HeadPlainStepUs, double NetworkStepMs, double InferenceImagesPerS,
    double InferenceImagesPerSBatch1, long PeakResidentBytes, double HeadStepP10Us = 0, double HeadStepP90Us = 0,
    double NetworkStepP10Ms = 0, double NetworkStepP90Ms = 0);

/// <summary>What `spinalnet bench` measured, for both heads.</summary>
public sealed record BenchmarkReport(
    string Model, int BatchSize, int TestBatchSize, int Threads, IReadOnlyList<HeadTiming> Heads)
{
    /// <summary>The Spinal head's step over the fc head's (medians): below 1, the Spinal head trains faster.</summary>
    public double SpinalOverFcHeadStep =>
        Heads.Single(h => h.Head == "spinal").HeadStepUs / Heads.Single(h => h.Head == "fc").HeadStepUs;

    public void WriteJson(string path) => AtomicFile.WriteText(path, RunJson.Serialize(this));

    /// <summary>Both heads' timings, as `spinalnet bench` shows them.</summary>
    public TextTable Table => new(["head", "head parameters", "head multiplications", "head step µs", "(plain path)",
        "network step ms", "images/s", "images/s (batch 1)", "peak MB"], Heads.Select(h => new[] { h.Head,
        Count(h.HeadParameters), Count(h.HeadMultiplications),
        $"{Fixed(h.HeadStepUs)} ({Fixed(h.HeadStepP10Us)}–{Fixed(h.HeadStepP90Us)})",
        h.HeadPlainStepUs is { } plain ? Fixed(plain) : "", Fixed(h.NetworkStepMs), Count((long)h.InferenceImagesPerS),
        Count((long)h.InferenceImagesPerSBatch1), Count(h.PeakResidentBytes >> 20) }));

    /// <summary>The setting of the measurement and the ratio it is for.</summary>
    public string Summary => $"{Model}, batch {BatchSize} (test {TestBatchSize}), {Threads} threads: Spinal head " +
                             $"step / fc head step = {Fixed(SpinalOverFcHeadStep)}";
}

/// <summary>One training step of a network's head alone: forward, backward to its input (as when the backbone trains
/// beneath it) and the run's optimiser update, on the backbone's features of one batch of random images. It trains
/// the model it is given: time a copy where the weights matter.</summary>
public sealed class HeadStep : IDisposable
{
    readonly ClassifierNetwork model;
    readonly Tensor features, labels;
    readonly OptimizerHelper optimizer;

    public HeadStep(ClassifierNetwork model, RunConfig config)
    {
        this.model = model;
        model.train();
        using (torch.no_grad())
            features = model.Features(torch.randn([config.Settings.BatchSize, .. config.InputShape])).requires_grad_();
        labels = torch.randint(0, config.Classes, [config.Settings.BatchSize]);
        optimizer = Optimizers.Create(config.Settings, model.Head.parameters());
    }

    public void Run()
    {
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.Head.call(features), labels).backward();
        optimizer.step();
    }

    public void Dispose()
    {
        optimizer.Dispose();
        features.Dispose();
        labels.Dispose();
    }
}

/// <summary>Times both heads of a network on this machine (`spinalnet bench`).</summary>
public static class Benchmark
{
    /// <summary>Measures both heads of the configuration's network, with its optimiser and batch sizes: each figure of
    /// the two heads in interleaved rounds (InterleavedTimer), the median with its spread.</summary>
    /// <param name="secondsPerMeasurement">Time spent on each figure of each head, after warm-up.</param>
    /// <param name="json">A file to write the report to as JSON (null: none), checked before anything is timed.</param>
    public static BenchmarkReport Run(RunConfig config, double secondsPerMeasurement = 1.0, string? json = null)
    {
        if (!(secondsPerMeasurement > 0 && double.IsFinite(secondsPerMeasurement)))
            throw new SettingException("Time", secondsPerMeasurement, "must be a positive number of seconds");
        if (json is not null) RunDirectory.CheckWritable(Path.GetDirectoryName(Path.GetFullPath(json))!);
        config = Configuration.Validate(config);
        var settings = config.Settings;
        // Timings are taken on the threads asked for, else one per physical core (docs/performance.md §9.3).
        using var threads = ThreadPolicy.Use(settings.Threads > 0 ? settings.Threads : CpuCores.Physical);
        using var fc = new HeadUnderTest(config with { Head = HeadKind.Fc });
        using var spinal = new HeadUnderTest(config with { Head = HeadKind.Spinal });
        var heads = new[] { fc, spinal };
        var memory = heads.Select(h => h.WarmUp()).ToArray();
        double s = secondsPerMeasurement;
        var step = InterleavedTimer.Time([fc.HeadStep, spinal.HeadStep, spinal.PlainHeadStep], s);
        var network = InterleavedTimer.Time([fc.NetworkStep, spinal.NetworkStep], s);
        var inference = InterleavedTimer.Time([fc.Inference, spinal.Inference], s);
        var single = InterleavedTimer.Time([fc.SingleInference, spinal.SingleInference], s);
        var timings = heads.Select((h, i) =>
        {
            var (head, net) = (step[i].Times(1e6), network[i].Times(1e3));
            return new HeadTiming(h.Config.Head.Id(), h.Cost.Parameters, h.Cost.Multiplications,
                h.Cost.Part("head").Parameters, h.Cost.Part("head").Multiplications, head.Median,
                h.Config.Head == HeadKind.Spinal ? step[2].Median * 1e6 : null, net.Median,
                settings.TestBatchSize / inference[i].Median, 1 / single[i].Median, memory[i], head.P10, head.P90,
                net.P10, net.P90);
        }).ToList();
        var report = new BenchmarkReport(config.Model, settings.BatchSize, settings.TestBatchSize,
            torch.get_num_threads(), timings);
        if (json is not null) report.WriteJson(json);
        return report;
    }

    /// <summary>One head's network and the steps bench times on it.</summary>
    sealed class HeadUnderTest : IDisposable
    {
        public RunConfig Config { get; }
        public CostReport Cost { get; }
        readonly ClassifierNetwork model;
        readonly HeadStep head;
        readonly OptimizerHelper optimizer;
        readonly Tensor images, labels, batch, one;

        public HeadUnderTest(RunConfig config)
        {
            Config = config;
            var settings = config.Settings;
            torch.manual_seed(settings.Seed);
            model = config.CreateModel(settings.Seed, initialWeights: false);
            Cost = CostReport.Measure(model, config.InputShape);
            head = new HeadStep(model, config);
            optimizer = Optimizers.Create(settings, model.parameters());
            images = torch.randn([settings.BatchSize, .. config.InputShape]);
            labels = torch.randint(0, config.Classes, [settings.BatchSize]);
            batch = torch.randn([settings.TestBatchSize, .. config.InputShape]);
            one = torch.randn([1, .. config.InputShape]);
        }

        /// <summary>Each step once, in this head's turn, for the peak memory it needs.</summary>
        public long WarmUp()
        {
            foreach (var work in new Action[] { HeadStep, PlainHeadStep, NetworkStep, Inference, SingleInference })
                using (torch.NewDisposeScope()) work();
            return PeakResidentBytes();
        }

        /// <summary>The head's step in training mode (inference, timed beside it, leaves the model evaluating).</summary>
        public void HeadStep()
        {
            model.train();
            head.Run();
        }

        /// <summary>The Spinal layer's plain path (for the fc head, its one path); every other step keeps the path the
        /// layer chooses.</summary>
        public void PlainHeadStep()
        {
            model.train();
            if (model.Head is not SpinalLayer layer)
            {
                head.Run();
                return;
            }
            layer.PreferFused = false;
            try
            {
                head.Run();
            }
            finally
            {
                layer.PreferFused = true;
            }
        }

        public void NetworkStep()
        {
            model.train();
            optimizer.zero_grad();
            model.Loss(model.call(images), labels, nn.Reduction.Mean).backward();
            optimizer.step();
        }

        public void Inference() => Evaluate(batch);

        public void SingleInference() => Evaluate(one);

        void Evaluate(Tensor input)
        {
            model.eval();
            using var noGrad = torch.no_grad();
            model.call(input);
        }

        public void Dispose()
        {
            foreach (var t in new[] { images, labels, batch, one }) t.Dispose();
            optimizer.Dispose();
            head.Dispose();
            model.Dispose();
        }
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
