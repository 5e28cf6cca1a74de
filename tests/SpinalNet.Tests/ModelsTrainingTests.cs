// Every architecture of the catalogue, both heads, trains one epoch on a tiny slice of seeded random data of its input
// shape (28×28×1 or 32×32×3): the loss is finite, and every weight tensor moved (biases just before a batch norm
// get no gradient, as in PyTorch, so they are not checked).
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class ModelsTrainingTests
{
    public static TheoryData<string, HeadKind> Networks()
    {
        var data = new TheoryData<string, HeadKind>();
        // One network per architecture (the other catalog entries differ only in class count or VGG depth, which the
        // parameter-count tests pin); the biggest backbones on a few 32×32 images.
        foreach (var name in new[] { "mnist-cnn", "arch2-mnist", "vgg5", "cifar10-cnn", "cifar10-vgg19-bn",
                     "cifar10-resnet18", "cifar100-resnet34" })
        foreach (var head in new[] { HeadKind.Fc, HeadKind.Spinal })
            data.Add(name, head);
        return data;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Trains_one_epoch_on_a_tiny_slice(string name, HeadKind head)
    {
        var spec = ModelCatalog.Get(name);
        using var train = RandomData(spec, 4, seed: 1);
        using var test = RandomData(spec, 2, seed: 2);
        using var model = spec.Create(head, seed: 3);
        var before = model.parameters().Select(p => p.detach().clone()).ToList();

        var history = Trainer.Train(model, train, test,
            Recipes.DefaultsFor(name).Settings with { Epochs = 1, BatchSize = 2, TestBatchSize = 2, LearningRate = 1e-3, Momentum = 0.5 });

        var metrics = Assert.Single(history);
        Assert.True(double.IsFinite(metrics.TrainLoss) && metrics.TrainLoss > 0, $"train loss {metrics.TrainLoss}");
        Assert.True(metrics.TestLoss is double loss && double.IsFinite(loss), $"test loss {metrics.TestLoss}");
        var unchanged = model.named_parameters().Zip(before)
            .Where(p => p.First.name.EndsWith("weight") && p.First.parameter.eq(p.Second).all().item<bool>())
            .Select(p => p.First.name).ToList();
        Assert.Empty(unchanged);
        foreach (var t in before) t.Dispose();
    }

    internal static InMemoryDataset RandomData(ModelSpec spec, long count, long seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        var images = torch.randn([count, .. spec.InputShape], generator: generator);
        var labels = torch.randint(spec.Classes, [count], generator: generator);
        return new InMemoryDataset(images, labels, spec.Classes, "random");
    }
}
