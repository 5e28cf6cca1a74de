// Resident memory over a training run (the target of docs/performance.md §9.3: < 5% growth from epoch 2 to 10): the
// MNIST CNN with its Spinal head on the embedded digits, the library's Trainer, the process's resident set read after
// every epoch. Run: dotnet run -c Release --project bench/SpinalNet.Bench -- memory [EPOCHS] [THREADS]
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Bench;

sealed class MemoryGrowth : ITrainingObserver
{
    readonly List<double> resident = [];

    public void OnEpoch(EpochMetrics metrics)
    {
        resident.Add(Benchmark.ResidentBytes() / (1024.0 * 1024));
        Console.WriteLine($"epoch {metrics.Epoch}: resident {resident[^1]:F1} MB, managed heap {GC.GetTotalMemory(false) / 1e6:F1} MB");
    }

    public static void Run(int epochs, int threads)
    {
        torch.set_num_threads(threads);
        var (train, test) = MnistFamily.LoadTensors(null, ChannelNormalization.Mnist);
        using var model = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, 1);
        var observer = new MemoryGrowth();
        Trainer.Train(model, train, test, new TrainingSettings(Epochs: epochs, Threads: threads), observer);
        if (observer.resident.Count >= 10)
            Console.WriteLine($"growth from epoch 2 to 10: {(observer.resident[9] / observer.resident[1] - 1) * 100:+0.0;-0.0}%");
    }
}
