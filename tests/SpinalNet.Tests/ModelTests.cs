// Every network the paper trains from scratch (reference §2): whole-network parameter counts as PyTorch counts them
// (trainable parameters), equal to the authors' modules, and one epoch of training on a tiny slice of data.
using SpinalNet.Cost;
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class ModelTests
{
    [Theory]
    [InlineData("mnist-cnn", HeadKind.Fc, null, null, 21_840)]
    [InlineData("mnist-cnn", HeadKind.Spinal, null, null, 13_818)]
    [InlineData("emnist-digits-cnn", HeadKind.Spinal, null, null, 16_050)]
    [InlineData("arch2", HeadKind.Spinal, null, 30, 395_120)]            // MNIST
    [InlineData("arch2", HeadKind.Spinal, null, 300, 5_761_640)]         // Fashion-MNIST
    [InlineData("vgg5", HeadKind.Fc, null, null, 3_646_154)]
    [InlineData("vgg5", HeadKind.Spinal, null, null, 3_629_770)]
    [InlineData("vgg5", HeadKind.Fc, 62, null, 3_672_830)]               // the authors' EMNIST-letters script
    [InlineData("vgg5", HeadKind.Spinal, 62, null, 3_656_446)]
    [InlineData("cifar-cnn", HeadKind.Fc, null, null, 5_852_170)]
    [InlineData("cifar-cnn", HeadKind.Spinal, null, null, 2_230_282)]
    [InlineData("cifar-cnn", HeadKind.Fc, 100, null, 5_898_340)]
    [InlineData("cifar-cnn", HeadKind.Spinal, 100, null, 3_524_196)]
    [InlineData("cifar-resnet18", HeadKind.Fc, null, null, 3_141_674)]
    [InlineData("cifar-resnet18", HeadKind.Spinal, null, null, 3_609_130)]
    [InlineData("cifar-resnet34", HeadKind.Fc, 100, null, 5_693_700)]
    [InlineData("cifar-resnet34", HeadKind.Spinal, 100, null, 7_185_668)]
    [InlineData("cifar-vgg19", HeadKind.Fc, null, null, 38_958_922)]
    [InlineData("cifar-vgg19", HeadKind.Spinal, null, null, 21_368_650)]
    [InlineData("cifar-vgg19", HeadKind.Fc, 100, null, 39_327_652)]
    [InlineData("cifar-vgg19", HeadKind.Spinal, 100, null, 21_553_060)]
    public void Parameter_count_equals_the_authors_module(string name, HeadKind head, int? classes, int? width, long expected)
    {
        using var model = ModelCatalog.Get(name).Create(head, 0, new SpinalOverrides(Width: width), classes);
        Assert.Equal(expected, model.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [InlineData("vgg5", HeadKind.Fc, 137_738, 136_192)]
    [InlineData("vgg5", HeadKind.Spinal, 121_354, 119_808)]
    [InlineData("cifar-cnn", HeadKind.Fc, 4_725_258, 4_723_712)]
    [InlineData("cifar-cnn", HeadKind.Spinal, 1_103_370, 1_102_848)]
    [InlineData("cifar-vgg19", HeadKind.Fc, 18_923_530, 18_915_328)]
    [InlineData("cifar-vgg19", HeadKind.Spinal, 1_333_258, 1_331_200)]
    [InlineData("cifar-resnet18", HeadKind.Fc, 2_570, 2_560)]
    [InlineData("cifar-resnet18", HeadKind.Spinal, 470_026, 468_992)]
    public void Head_cost_equals_the_reference_table(string name, HeadKind head, long parameters, long multiplications)
    {
        var spec = ModelCatalog.Get(name);
        using var model = spec.Create(head, 0);
        var cost = CostReport.Measure(model, spec.InputShape).Part("head");
        Assert.Equal((parameters, multiplications), (cost.Parameters, cost.Multiplications));
    }

    [Fact]
    public void Customizable_example_of_the_reference_has_38707_parameters()
    {
        using var layer = new SpinalLayer(new SpinalConfig(200, 30, 15, 7, Splits: 4));
        Assert.Equal(38_707, layer.parameters().Sum(p => p.numel()));
        var names = layer.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape))).ToList();
        Assert.Contains(("layers.0.linear.weight", "30x50"), names);
        Assert.Contains(("layers.14.linear.weight", "30x80"), names);
        Assert.Contains(("output.linear.weight", "7x450"), names);
    }

    [Fact]
    public void Resnet_spinal_head_reads_the_four_positions_of_the_pooled_map_in_turn()
    {
        using var model = ModelCatalog.Get("cifar-resnet18").Create(HeadKind.Spinal, 0);
        var head = model.Head;
        head.eval();
        // A 256×4×4 map whose 2×2 max-pool has position p filled with the value p + 1 in every channel.
        var map = torch.zeros(1, 256, 4, 4);
        for (int y = 0; y < 2; y++)
        for (int x = 0; x < 2; x++)
            map[.., .., (2 * y)..(2 * y + 2), (2 * x)..(2 * x + 2)] = torch.tensor((float)(2 * y + x + 1));
        var spinal = (SpinalLayer)head.named_modules().Single(m => m.name == "spinal").module;
        var positions = head.named_modules().Single(m => m.name == "positions").module;
        var pooled = ((nn.Module<Tensor, Tensor>)positions).call(nn.functional.max_pool2d(map, 2, 2));
        Assert.Equal(4 * 256, pooled.shape[1]);
        for (int p = 0; p < 4; p++)
            Assert.True(pooled[0, (p * 256)..((p + 1) * 256)].eq(p + 1).all().item<bool>(), $"split {p} is not position {p}");
        Assert.Equal(4, spinal.Config.Splits);
    }

    public static TheoryData<string, HeadKind> Every
    {
        get
        {
            var data = new TheoryData<string, HeadKind>();
            foreach (var m in ModelCatalog.All)
            {
                data.Add(m.Name, HeadKind.Fc);
                data.Add(m.Name, HeadKind.Spinal);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Trains_one_epoch_on_a_tiny_slice(string name, HeadKind head)
    {
        var spec = ModelCatalog.Get(name);
        torch.manual_seed(3);
        long[] shape = [6, .. spec.InputShape];
        using var train = new ImageDataset(torch.randn(shape), torch.randint(0, spec.Classes, [6]), spec.Classes, "random");
        using var test = new ImageDataset(torch.randn(shape), torch.randint(0, spec.Classes, [6]), spec.Classes, "random");
        using var model = spec.Create(head, 1);
        var before = model.parameters().Select(p => p.clone()).ToList();
        var history = Trainer.Train(model, train, test, spec.Defaults with { Epochs = 1, BatchSize = 3, TestBatchSize = 6 });
        Assert.Single(history);
        Assert.True(double.IsFinite(history[0].TrainLoss));
        Assert.Contains(model.parameters().Zip(before), pair => !pair.First.eq(pair.Second).all().item<bool>());
    }
}
