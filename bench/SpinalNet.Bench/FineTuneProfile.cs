// Where a resnet18-cntk fine-tuning step spends its time (docs/performance.md §9.7), to set beside PyTorch's
// (bench/pytorch/finetune_epoch.py --steps): the batches of an epoch read, decoded and resized by the training loop's
// loader with nothing else running; and on one fixed batch of 24 at 96 px, the forward pass, the backward pass and the
// optimiser's step, each the median of several steps, with the convolutions' tensors in the default (NCHW) layout and
// in channels-last strides (NHWC in memory, which oneDNN's convolutions take without reordering).
//   dotnet run -c Release --project bench/SpinalNet.Bench -- finetune-profile FOLDER [THREADS] [STEPS]
using System.Diagnostics;
using SpinalNet.Augmentation;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Bench;

static class FineTuneProfile
{
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
        string[] layouts = ["NCHW", "channels-last input", "channels-last", "NCHW", "channels-last input", "channels-last"];
        foreach (var layout in layouts)
        {
            using var model = ModelCatalog.Get("resnet18-cntk").Create(HeadKind.Fc, 1, 10);
            if (layout == "channels-last") ToChannelsLast(model);
            var x = layout == "NCHW" ? images : ChannelsLast(images);
            var optimizer = Optimizers.Create(new TrainingSettings(LearningRate: 1e-3, Momentum: 0.9), model.parameters());
            model.train();
            var (forward, backward, step) = (new List<double>(), new List<double>(), new List<double>());
            for (int s = 0; s < steps + 2; s++)
            {
                using var scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                var t0 = Stopwatch.GetTimestamp();
                var loss = model.Loss(model.call(x), labels, nn.Reduction.Mean);
                var t1 = Stopwatch.GetTimestamp();
                loss.backward();
                var t2 = Stopwatch.GetTimestamp();
                optimizer.step();
                var t3 = Stopwatch.GetTimestamp();
                if (s < 2) continue;
                forward.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                backward.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                step.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
            }
            optimizer.Dispose();
            Console.WriteLine($"C# {threads} threads, {layout}: forward " +
                              $"{Median(forward):F1} ms, backward {Median(backward):F1} ms, optimiser {Median(step):F2} ms " +
                              $"(medians of {steps} steps)");
        }
    }

    static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>The same values with NHWC strides (the shape stays N, C, H, W).</summary>
    internal static Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    static void ToChannelsLast(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters().Where(p => p.dim() == 4)) p.set_(ChannelsLast(p.detach()));
    }
}
