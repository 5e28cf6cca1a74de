// Where a resnet18-cntk fine-tuning step spends its time (docs/performance.md §9.7), to set beside PyTorch's
// (bench/pytorch/finetune_epoch.py --steps): the batches of an epoch read, decoded and resized by the training loop's
// loader with nothing else running; and on one fixed batch of 24 at 96 px, the forward pass, the backward pass and the
// optimiser's step, each the median of several steps, with the convolutions' tensors in the default (NCHW) layout and
// in channels-last strides (NHWC in memory, which oneDNN's convolutions take without reordering). On a loaded machine
// the process's CPU time per step is the steadier figure (wall time includes waiting for a core).
//   dotnet run -c Release --project bench/SpinalNet.Bench -- finetune-profile FOLDER [THREADS] [STEPS]
// `finetune-epochs FOLDER [THREADS] [EPOCHS]` trains whole epochs instead and prints each one's wall-clock and CPU
// seconds (bench/pytorch/finetune_epoch.py prints the same).
using System.Diagnostics;
using SpinalNet.Augmentation;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Bench;

sealed class FineTuneProfile : ITrainingObserver
{
    Environment.ProcessCpuUsage cpu = Environment.CpuUsage;
    int collections = GC.CollectionCount(2);

    public void OnEpoch(EpochMetrics metrics)
    {
        var now = Environment.CpuUsage;
        Console.WriteLine($"C# finetune epoch {metrics.Epoch}: {metrics.TrainSeconds:F3} s, CPU " +
                          $"{(now.TotalTime - cpu.TotalTime).TotalSeconds:F3} s (kernel " +
                          $"{(now.PrivilegedTime - cpu.PrivilegedTime).TotalSeconds:F3} s), {torch.get_num_threads()} " +
                          $"threads, {GC.CollectionCount(2) - collections} full collections");
        (cpu, collections) = (now, GC.CollectionCount(2));
    }

    /// <summary>Whole training epochs through the training loop (the loader on worker threads, the flat-buffer SGD),
    /// with the process's CPU seconds per epoch beside the wall-clock ones (evaluation: one image).</summary>
    public static void Epochs(string folder, int threads, int epochs)
    {
        torch.set_num_threads(threads);
        var samples = ImageFolder.Open(folder, "train");
        var pipeline = Pipelines.Fitted(Pipelines.Get("imagenet").Train, 96, toRgb: true);
        using var train = new AugmentedBatches(samples, pipeline, 1);
        using var test = new AugmentedBatches(new SampleSubset(samples, [0], "one image"), pipeline, 1);
        using var model = ModelCatalog.Get("resnet18-cntk").Create(HeadKind.Fc, 1, 10);
        Trainer.Train(model, train, test, new TrainingSettings(Epochs: epochs, BatchSize: 24, LearningRate: 1e-3,
            Momentum: 0.9, Threads: threads), new FineTuneProfile());
    }

    public static void Run(string folder, int threads, int steps)
    {
        torch.set_num_threads(threads);
        var samples = ImageFolder.Open(folder, "train");
        var pipeline = Pipelines.Fitted(Pipelines.Get("imagenet").Train, 96, toRgb: true);
        var order = Enumerable.Range(0, samples.Count).Select(i => (long)i).ToArray();

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < samples.Count; i++) samples.ReadImage(i);
        double decode = clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (int i = 0; i < samples.Count; i++) pipeline.Apply(samples.ReadImage(i), PerSampleRandom.For(1, 1, i));
        double decodeResize = clock.Elapsed.TotalSeconds;
        using var batches = new AugmentedBatches(samples, pipeline, 1);
        clock.Restart();
        foreach (var (x, y) in batches.Batches(order, 1, 0, 24)) { x.Dispose(); y.Dispose(); }
        double loader = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"C# {threads} threads: {samples.Count} images, decode {decode:F2} s, decode+resize+normalise " +
                          $"{decodeResize:F2} s (one thread), the loader's epoch of batches {loader:F2} s");

        var (images, labels) = batches.Batches(order, 1, 0, 24).First();
        // The layouts step in turn (one step each, round after round), so that a change in the machine's load falls
        // on all of them alike.
        string[] layouts = ["NCHW", "channels-last input", "channels-last"];
        var runs = layouts.Select(layout =>
        {
            var model = ModelCatalog.Get("resnet18-cntk").Create(HeadKind.Fc, 1, 10);
            if (layout == "channels-last") ToChannelsLast(model);
            var optimizer = Optimizers.Create(new TrainingSettings(LearningRate: 1e-3, Momentum: 0.9), model.parameters());
            model.train();
            return (Layout: layout, Model: model, Optimizer: optimizer, Times: new List<(double, double, double)>(), Cpu: new List<double>());
        }).ToList();
        for (int s = 0; s < steps + 2; s++)
            foreach (var run in runs)
            {
                using var scope = torch.NewDisposeScope();
                // The network's own input: channels-last where it reads it so (ClassifierNetwork); here the backbone
                // is called directly, so that NCHW can be timed on the same network.
                var x = run.Layout == "NCHW" ? images : ChannelsLast(images);
                run.Optimizer.zero_grad();
                var c0 = Environment.CpuUsage.TotalTime;
                var t0 = Stopwatch.GetTimestamp();
                var loss = run.Model.Loss(run.Model.Head.call(run.Model.Backbone.call(x)), labels, nn.Reduction.Mean);
                var t1 = Stopwatch.GetTimestamp();
                loss.backward();
                var t2 = Stopwatch.GetTimestamp();
                run.Optimizer.step();
                var t3 = Stopwatch.GetTimestamp();
                if (s >= 2) run.Cpu.Add((Environment.CpuUsage.TotalTime - c0).TotalMilliseconds);
                if (s >= 2)
                    run.Times.Add((Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds,
                        Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds, Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds));
            }
        foreach (var run in runs)
        {
            Console.WriteLine($"C# {threads} threads, {run.Layout}: forward {Median(run.Times.Select(t => t.Item1))}, " +
                              $"backward {Median(run.Times.Select(t => t.Item2))}, optimiser " +
                              $"{Median(run.Times.Select(t => t.Item3))} ms (median, p10–p90 of {steps} steps, interleaved); " +
                              $"the process's CPU time per step {Median(run.Cpu)} ms");
            run.Optimizer.Dispose();
            run.Model.Dispose();
        }
    }

    static string Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        double At(double q) => s[(int)Math.Round(q * (s.Length - 1))];
        return $"{At(0.5):F1} ({At(0.1):F0}–{At(0.9):F0})";
    }

    /// <summary>The same values with NHWC strides (the shape stays N, C, H, W).</summary>
    internal static Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    static void ToChannelsLast(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters().Where(p => p.dim() == 4)) p.set_(ChannelsLast(p.detach()));
    }
}
