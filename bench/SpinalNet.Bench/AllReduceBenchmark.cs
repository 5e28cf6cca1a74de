// The collective of a data-parallel step, timed (docs/distributed.md §10.3): under `mpiexec -n N`, for each network,
// the gradient-averaging all-reduce of one step (GradientAverager.Sum: gradients into one flat buffer, MPI all-reduce,
// back into the gradients) and the bare MPI all-reduce of a buffer of that size, median over many repetitions.
// Run: mpiexec -n 2 dotnet bench/SpinalNet.Bench/bin/Release/net10.0/SpinalNet.Bench.dll allreduce
using System.Diagnostics;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Bench;

public static class AllReduceBenchmark
{
    public static void Run()
    {
        var group = ReplicaGroup.World;
        torch.set_num_threads(1);
        if (group.IsRoot)
            Console.WriteLine($"| network | head | gradient values | head share | averaging step (median, {group.Size} " +
                              "ranks) | bare all-reduce |\n|---|---|---:|---:|---:|---:|");
        foreach (var model in new[] { "mnist-cnn", "vgg5" })
        foreach (var head in new[] { HeadKind.Fc, HeadKind.Spinal })
        {
            using var network = ModelCatalog.Get(model).Create(head, 1);
            foreach (var p in network.parameters()) p.grad = torch.ones_like(p);
            var averager = new GradientAverager(group, network.parameters());
            long values = averager.BufferLength - GradientAverager.Extras;
            long headValues = network.Head.parameters().Sum(p => p.numel());
            int repeats = values > 1_000_000 ? 30 : 300;
            double step = Median(repeats, () => averager.Sum(0, 0));
            using var buffer = torch.ones(values + GradientAverager.Extras);
            double bare = Median(repeats, () => group.AllReduceSum(buffer));
            if (group.IsRoot)
                Console.WriteLine($"| {model} | {head.Id()} | {values:N0} | {100.0 * headValues / values:F1}% | " +
                                  $"{step * 1e3:F3} ms | {bare * 1e3:F3} ms |");
        }
    }

    static double Median(int repeats, Action action)
    {
        for (int i = 0; i < 5; i++) action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
