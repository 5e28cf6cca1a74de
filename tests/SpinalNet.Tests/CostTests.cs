// Parameter and multiplication counts (docs/spinal-layer.md §1.5): the MNIST figures, and the closed-form formulas as
// properties.
using CsCheck;
using SpinalNet.Cost;
using SpinalNet.Layers;
using SpinalNet.Models;

namespace SpinalNet.Tests;

public class CostTests
{
    [Theory]
    [InlineData("mnist-cnn", HeadKind.Spinal, 8_538, 8_480, 13_818)]
    [InlineData("mnist-cnn", HeadKind.Fc, 16_560, 16_500, 21_840)]
    [InlineData("emnist-digits-cnn", HeadKind.Spinal, 10_770, 10_700, 16_050)]
    [InlineData("emnist-digits-cnn", HeadKind.Fc, 16_560, 16_500, 21_840)]
    public void Mnist_cnn_counts_match_the_reference(string name, HeadKind head, long headParameters,
        long headMultiplications, long wholeParameters)
    {
        var spec = ModelCatalog.Get(name);
        using var model = spec.Create(head, 0);
        var cost = CostReport.Measure(model, spec.InputShape);
        Assert.Equal(headParameters, cost.Part("head").Parameters);
        Assert.Equal(headMultiplications, cost.Part("head").Multiplications);
        Assert.Equal(wholeParameters, cost.Parameters);
        Assert.Equal(5_280, cost.Part("backbone").Parameters);
        Assert.Equal(model.parameters().Sum(p => p.numel()), cost.Parameters);
    }

    [Fact]
    public void Convolution_multiplications_are_per_output_element()
    {
        using var model = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, 0);
        var cost = CostReport.Measure(model, 1, 28, 28);
        var conv1 = cost.Layers.Single(l => l.Name == "backbone.conv1");
        var conv2 = cost.Layers.Single(l => l.Name == "backbone.conv2");
        Assert.Equal([10L, 24, 24], conv1.OutputShape);
        Assert.Equal(10L * 24 * 24 * 25, conv1.Multiplications);
        Assert.Equal(20L * 8 * 8 * 10 * 25, conv2.Multiplications);
    }

    static readonly Gen<SpinalConfig> SpinalConfigs =
        from n in Gen.Int[1, 60]
        from k in Gen.Int[1, n]
        from w in Gen.Int[1, 12]
        from l in Gen.Int[1, 9]
        from c in Gen.Int[1, 6]
        from bn in Gen.Bool
        select new SpinalConfig(n, w, l, c, k, BatchNorm: bn);

    [Fact]
    public void Spinal_counts_follow_the_closed_form()
    {
        SpinalConfigs.Sample(config =>
        {
            long s = config.SplitWidth, w = config.Width, l = config.Layers, c = config.Outputs;
            long parameters = (s * w + w) + (l - 1) * ((s + w) * w + w) + (l * w * c + c) + (config.BatchNorm ? 2 * w * l : 0);
            long multiplications = s * w + (l - 1) * (s + w) * w + l * w * c;
            using var layer = new SpinalLayer(config);
            var cost = CostReport.Measure(layer, config.InputWidth);
            return cost.Parameters == parameters && cost.Multiplications == multiplications;
        }, iter: 60, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    static readonly Gen<FullyConnectedConfig> FcConfigs =
        from n in Gen.Int[1, 50]
        from hidden in Gen.Int[1, 30].Array[0, 3]
        from c in Gen.Int[1, 6]
        select new FullyConnectedConfig(n, hidden, c);

    [Fact]
    public void Fully_connected_counts_follow_the_closed_form()
    {
        FcConfigs.Sample(config =>
        {
            var widths = config.Hidden.Prepend(config.InputWidth).Append(config.Outputs).Select(x => (long)x).ToArray();
            long multiplications = widths.Zip(widths.Skip(1), (a, b) => a * b).Sum();
            long parameters = multiplications + widths.Skip(1).Sum();
            using var head = new FullyConnectedHead(config);
            var cost = CostReport.Measure(head, config.InputWidth);
            return cost.Parameters == parameters && cost.Multiplications == multiplications;
        }, iter: 40, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Shared_layers_count_parameters_once_and_multiplications_per_use()
    {
        var config = new SpinalConfig(16, 5, 6, 3, Splits: 4, SharedWeights: true);
        using var layer = new SpinalLayer(config);
        var cost = CostReport.Measure(layer, 16);
        Assert.Equal((4 * 5 + 5) + ((4 + 5) * 5 + 5) + (30 * 3 + 3), cost.Parameters);
        Assert.Equal(4 * 5 + 5 * (4 + 5) * 5 + 30 * 3, cost.Multiplications);
    }
}
