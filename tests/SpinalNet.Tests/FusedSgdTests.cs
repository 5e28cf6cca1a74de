// SGD over one flat buffer (docs/performance.md §9.2) against torch.optim.SGD: the same weights after 20 steps of the
// MNIST CNN, with and without weight decay, and a save / load of its state in the middle continuing exactly.
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class FusedSgdTests
{
    internal static ClassifierNetwork Model() => ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, 3);

    /// <summary>Steps on random batches seeded by the step number, so every optimiser sees the same ones.</summary>
    internal static void Steps(ClassifierNetwork model, OptimizerHelper optimizer, int from, int to)
    {
        model.train();
        for (int i = from; i < to; i++)
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(100 + i);   // the same batch and dropout masks for every optimiser
            var x = torch.randn(16, 1, 28, 28);
            var y = torch.randint(0, 10, [16]);
            optimizer.zero_grad();
            model.Loss(model.call(x), y, nn.Reduction.Mean).backward();
            optimizer.step();
        }
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.9, 0.01)]
    [InlineData(0.0, 0.0)]
    public void Twenty_steps_equal_torch_sgd(double momentum, double decay)
    {
        using var expected = Model();
        using var actual = Model();
        using (var sgd = torch.optim.SGD(expected.parameters(), 0.05, momentum, weight_decay: decay))
            Steps(expected, sgd, 0, 20);
        using (var fused = new FusedSgd(actual.parameters().ToList(), 0.05, momentum, decay))
            Steps(actual, fused, 0, 20);
        foreach (var ((name, a), (_, b)) in expected.state_dict().Zip(actual.state_dict()))
            Assert.True(a.allclose(b, rtol: 0, atol: 1e-6), $"{name}: max difference {(a - b).abs().max().item<float>()}");
    }

    [Fact]
    public void Saved_state_continues_exactly() =>
        AssertSavedStateContinues(model => new FusedSgd(model.parameters().ToList(), 0.05, 0.5, 0));

    /// <summary>20 steps uninterrupted against 10 steps, the weights and the optimiser's state saved, a new network
    /// and optimiser loaded from them, and 10 more steps: every weight equal.</summary>
    internal static void AssertSavedStateContinues(Func<ClassifierNetwork, OptimizerHelper> optimizerFor)
    {
        using var uninterrupted = Model();
        using (var optimizer = optimizerFor(uninterrupted))
            Steps(uninterrupted, optimizer, 0, 20);

        var weights = Path.GetTempFileName();
        var state = new MemoryStream();
        using var resumed = Model();
        using (var optimizer = optimizerFor(resumed))
        {
            Steps(resumed, optimizer, 0, 10);
            using var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(writer);
        }
        resumed.save(weights);
        using var continued = Model();
        continued.load(weights);
        File.Delete(weights);
        using (var optimizer = optimizerFor(continued))
        {
            state.Position = 0;
            using var reader = new BinaryReader(state);
            optimizer.load_state_dict(reader);
            Steps(continued, optimizer, 10, 20);
        }
        foreach (var ((name, a), (_, b)) in uninterrupted.state_dict().Zip(continued.state_dict()))
            Assert.True(a.eq(b).all().item<bool>(), $"{name} differs from the uninterrupted run");
    }
}
