// The knobs of one training run (reference §3: optimiser, learning rate, batch sizes, epochs, seed). Defaults are
// the authors' MNIST setting: SGD, lr 0.01, momentum 0.5, batch 64 (test 1000), 8 epochs, seed 1.
namespace SpinalNet.Training;

/// <param name="Threads">Torch intra-op threads; 0 leaves libtorch's default (one per core).</param>
public sealed record TrainingSettings(
    int Epochs = 8,
    int BatchSize = 64,
    int TestBatchSize = 1000,
    double LearningRate = 0.01,
    double Momentum = 0.5,
    long Seed = 1,
    int Threads = 0)
{
    public void Validate()
    {
        Require(Epochs >= 1, "epochs", Epochs, "must be at least 1");
        Require(BatchSize >= 1, "batch-size", BatchSize, "must be at least 1");
        Require(TestBatchSize >= 1, "test-batch-size", TestBatchSize, "must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "lr", LearningRate, "must be a positive number");
        Require(Momentum >= 0 && Momentum < 1, "momentum", Momentum, "must be in [0, 1)");
        Require(Threads >= 0, "threads", Threads, "must be 0 (all cores) or more");
    }

    static void Require(bool ok, string option, object value, string rule)
    {
        if (!ok) throw new ArgumentException($"--{option} {value} {rule}", option);
    }
}
