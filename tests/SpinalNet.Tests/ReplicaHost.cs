// The program `mpiexec` starts for the distributed tests (docs/distributed.md §10): this test assembly run as a
// command, `dotnet SpinalNet.Tests.dll replicas DROPOUT OUT_DIR`, trains a small Spinal network for one epoch of five
// global batches of 64 on the embedded digits, data-parallel over the ranks it was launched with, and every rank saves
// its weights as OUT_DIR/rank-R.safetensors so the test can compare the replicas with each other and with one process.
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

static class ReplicaHost
{
    public const int Samples = 320, BatchSize = 64;

    public static readonly TrainingSettings Settings = new(Epochs: 1, BatchSize: BatchSize, TestBatchSize: 50,
        LearningRate: 0.05, Momentum: 0.5, Seed: 3, Threads: 1);

    public static int Main(string[] args)
    {
        if (args is not ["replicas", var dropout, var folder])
        {
            Console.Error.WriteLine("usage: SpinalNet.Tests replicas DROPOUT OUT_DIR (the test runner runs the tests)");
            return 2;
        }
        var group = ReplicaGroup.World;
        using var model = Train(double.Parse(dropout, System.Globalization.CultureInfo.InvariantCulture), group);
        WeightsFile.Save(model, Path.Combine(folder, $"rank-{group.Rank}.safetensors"));
        return 0;
    }

    /// <summary>The network, trained for one epoch on <paramref name="group"/>.</summary>
    public static ClassifierNetwork Train(double dropout, IReplicaGroup group)
    {
        var (fullTrain, fullTest) = MnistFamily.LoadTensors(null, ChannelNormalization.Mnist);
        using var train = fullTrain.Take(Samples);
        using var test = fullTest.Take(100);
        fullTrain.Dispose();
        fullTest.Dispose();
        var model = Build(dropout);
        Trainer.Run(model, new TrainingData(train, test), Settings, replicas: group);
        return model;
    }

    /// <summary>The untrained network: conv 1→4 k5, max-pool 4, a Spinal head of 3 layers of 8.</summary>
    public static ClassifierNetwork Build(double dropout)
    {
        torch.manual_seed(Settings.Seed);
        var backbone = nn.Sequential(nn.Conv2d(1, 4, 5), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten());
        var head = new SpinalLayer(new SpinalConfig(InputWidth: 144, Width: 8, Layers: 3, Outputs: 10,
            Dropout: dropout));
        return new ClassifierNetwork(backbone, head, logSoftmax: false);
    }
}
