// Seconds per training epoch of the paper's MNIST CNN (docs/networks.md §2.1, docs/experiments.md §3.1: SGD lr 0.01
// momentum 0.5, batch 64) on the 8,000 training digits of the embedded sample, with each head, at 1 and 2 threads.
// One invocation is one whole epoch, so BenchmarkDotNet's "Mean" is seconds per epoch.
using BenchmarkDotNet.Attributes;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Bench;

[MemoryDiagnoser(false)]
public class EpochBenchmark
{
    InMemoryDataset train = null!, test = null!;
    ClassifierNetwork model = null!;

    [Params(HeadKind.Spinal, HeadKind.Fc)]
    public HeadKind Head { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        (train, test) = MnistFamily.LoadTensors(null, ChannelNormalization.Mnist);
        test = test.Take(1);  // evaluation is not part of the epoch being timed
        model = ModelCatalog.Get("mnist-cnn").Create(Head, 1);
    }

    [Benchmark(Description = "train one epoch (8,000 samples)")]
    public double TrainEpoch() =>
        Trainer.Train(model, train, test, new TrainingSettings(Epochs: 1, Threads: Threads))[0].TrainLoss;

    [GlobalCleanup]
    public void Cleanup()
    {
        model.Dispose();
        train.Dispose();
        test.Dispose();
    }
}
