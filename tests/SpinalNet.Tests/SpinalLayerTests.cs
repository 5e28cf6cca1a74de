// The Spinal layer against the hand-written reference (docs/spinal-layer.md §1.2, §1.4), its validation, and its
// structure.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class SpinalLayerTests
{
    static readonly Dictionary<string, Func<Tensor, Tensor>> References = new()
    {
        ["relu"] = t => t.relu(),
        ["leaky_relu"] = t => nn.functional.leaky_relu(t, 0.01),
        ["tanh"] = t => t.tanh(),
        ["gelu"] = t => nn.functional.gelu(t),
        ["sigmoid"] = t => t.sigmoid(),
        ["identity"] = t => t,
    };

    [Theory]
    [InlineData(320, 2, 8, 6, 10, "relu")]      // the MNIST head: halves, A B A B A B
    [InlineData(200, 4, 30, 15, 7, "relu")]     // docs/spinal-layer.md §1.4's customizable example, L > k
    [InlineData(10, 3, 4, 5, 3, "tanh")]        // N not divisible by k: s = 3, splits wrap round x
    [InlineData(7, 2, 5, 1, 2, "gelu")]         // L = 1; s = round(3.5) = 4
    [InlineData(12, 5, 3, 3, 4, "leaky_relu")]  // L < k: the tail of x is never read
    [InlineData(9, 9, 2, 11, 2, "sigmoid")]     // s = 1, many laps round x
    [InlineData(10, 4, 3, 6, 2, "relu")]        // s = round(2.5) = 2: contiguous splits wrap without straddling
    [InlineData(6, 2, 3, 4, 5, "identity")]
    public void Equals_hand_written_reference(int n, int k, int w, int l, int c, string activation)
    {
        torch.manual_seed(n * 1000 + k);
        using var layer = new SpinalLayer(new SpinalConfig(n, w, l, c, k, Activations.Parse(activation)));
        layer.eval();
        var x = torch.randn(5, n);
        var expected = SpinalReference.Forward(x, SpinalReference.StateOf(layer), n, k, l, References[activation]);
        var actual = layer.call(x);
        Assert.Equal(new long[] { 5, c }, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6), $"max diff {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Split_width_rounds_half_to_even_like_numpy()
    {
        Assert.Equal(160, new SpinalConfig(320, 8, 6, 10).SplitWidth);
        Assert.Equal(2, new SpinalConfig(5, 1, 1, 1, Splits: 2).SplitWidth);   // 2.5 -> 2
        Assert.Equal(4, new SpinalConfig(7, 1, 1, 1, Splits: 2).SplitWidth);   // 3.5 -> 4
        Assert.Equal(3, new SpinalConfig(10, 1, 1, 1, Splits: 3).SplitWidth);  // 3.33 -> 3
        Assert.Equal(50, new SpinalConfig(200, 1, 1, 1, Splits: 4).SplitWidth);
    }

    [Fact]
    public void Layers_alternate_first_half_then_second_half()
    {
        var config = new SpinalConfig(8, 2, 4, 1);
        Assert.Equal([0, 1, 2, 3], Enumerable.Range(0, 4).Select(j => config.InputIndex(0, j)));
        Assert.Equal([4, 5, 6, 7], Enumerable.Range(0, 4).Select(j => config.InputIndex(1, j)));
        Assert.Equal([0, 1, 2, 3], Enumerable.Range(0, 4).Select(j => config.InputIndex(2, j)));
        Assert.Equal([4, 5, 6, 7], Enumerable.Range(0, 4).Select(j => config.InputIndex(3, j)));
    }

    [Fact]
    public void One_split_and_one_layer_is_linear_activation_linear()
    {
        torch.manual_seed(3);
        using var layer = new SpinalLayer(new SpinalConfig(6, 4, 1, 3, Splits: 1, Activation: Activation.Tanh));
        var p = SpinalReference.StateOf(layer);
        using var mlp = nn.Sequential(nn.Linear(6, 4), nn.Tanh(), nn.Linear(4, 3));
        using (torch.no_grad())
        {
            var q = mlp.parameters().ToArray();
            q[0].copy_(p["layers.0.linear.weight"]);
            q[1].copy_(p["layers.0.linear.bias"]);
            q[2].copy_(p["output.linear.weight"]);
            q[3].copy_(p["output.linear.bias"]);
        }
        var x = torch.randn(4, 6);
        Assert.True(layer.call(x).allclose(mlp.call(x), rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public void Batch_norm_sits_after_each_linear_map_and_before_the_activation()
    {
        torch.manual_seed(5);
        using var layer = new SpinalLayer(new SpinalConfig(10, 4, 3, 2, BatchNorm: true));
        using (torch.no_grad())
            foreach (var (name, buffer) in layer.named_buffers())
                if (name.EndsWith("running_mean")) buffer.copy_(torch.randn(4));
                else if (name.EndsWith("running_var")) buffer.copy_(torch.rand(4) + 0.5);
        layer.eval();
        var x = torch.randn(6, 10);
        var expected = SpinalReference.Forward(x, SpinalReference.StateOf(layer), 10, 2, 3, t => t.relu(),
            batchNorm: true);
        Assert.True(layer.call(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Optional_parts_are_identity_modules_in_the_documented_places()
    {
        using var plain = new SpinalLayer(new SpinalConfig(10, 4, 3, 2));
        using var full = new SpinalLayer(new SpinalConfig(10, 4, 3, 2, Dropout: 0.5, BatchNorm: true));
        string Kinds(nn.Module m, string prefix) => string.Join(" ",
            m.named_modules().Where(x => x.name.StartsWith(prefix) && x.name.Count(ch => ch == '.') == prefix.Count(ch => ch == '.') + 1)
                .Select(x => $"{x.name[(prefix.Length + 1)..]}:{x.module.GetType().Name}"));
        Assert.Equal("dropout:Identity linear:Linear norm:Identity act:ReLU", Kinds(plain, "layers.1"));
        Assert.Equal("dropout:Dropout linear:Linear norm:BatchNorm1d act:ReLU", Kinds(full, "layers.1"));
        Assert.Equal("dropout:Dropout linear:Linear", Kinds(full, "output"));
        Assert.Equal("dropout:Identity linear:Linear", Kinds(plain, "output"));
    }

    [Fact]
    public void Dropout_is_active_in_training_and_off_in_evaluation()
    {
        torch.manual_seed(9);
        using var layer = new SpinalLayer(new SpinalConfig(10, 6, 3, 2, Dropout: 0.5));
        var x = torch.randn(8, 10);
        layer.train();
        Assert.False(layer.call(x).allclose(layer.call(x)));
        layer.eval();
        var expected = SpinalReference.Forward(x, SpinalReference.StateOf(layer), 10, 2, 3, t => t.relu());
        Assert.True(layer.call(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Shared_weights_reuse_one_block_for_every_layer_after_the_first()
    {
        torch.manual_seed(11);
        using var layer = new SpinalLayer(new SpinalConfig(16, 5, 6, 3, Splits: 4, SharedWeights: true));
        var p = SpinalReference.StateOf(layer);
        Assert.Equal(["layers.0.linear.bias", "layers.0.linear.weight", "layers.1.linear.bias", "layers.1.linear.weight",
            "output.linear.bias", "output.linear.weight"], p.Keys.Order());
        var x = torch.randn(3, 16);
        var expected = SpinalReference.Forward(x, p, 16, 4, 6, t => t.relu(), i => Math.Min(i, 1));
        Assert.True(layer.call(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Gradients_reach_every_parameter()
    {
        torch.manual_seed(2);
        using var layer = new SpinalLayer(new SpinalConfig(12, 4, 5, 3, Splits: 3, Activation: Activation.Tanh, BatchNorm: true));
        layer.call(torch.randn(7, 12)).pow(2).sum().backward();
        foreach (var (name, parameter) in layer.named_parameters())
        {
            Assert.NotNull(parameter.grad);
            Assert.True(parameter.grad!.abs().sum().item<float>() > 0, $"no gradient reaches {name}");
        }
    }

    [Fact]
    public void State_dict_has_only_weights_no_derived_index()
    {
        using var layer = new SpinalLayer(new SpinalConfig(320, 8, 6, 10));
        Assert.Equal(14, layer.state_dict().Count);
        Assert.DoesNotContain(layer.state_dict().Keys, k => k.Contains("index"));
    }

    [Theory]
    [InlineData(10, 4, 2, 3, 11, 0.0, "Splits", "11")]      // k > N
    [InlineData(10, 4, 2, 3, 0, 0.0, "Splits", "0")]
    [InlineData(10, 0, 2, 3, 2, 0.0, "Width", "0")]    // w < 1
    [InlineData(10, 4, 0, 3, 2, 0.0, "Layers", "0")]        // L < 1
    [InlineData(10, 4, 2, -1, 2, 0.0, "Outputs", "-1")]
    [InlineData(10, 4, 2, 3, 2, 1.0, "Dropout", "1")]       // dropout outside [0, 1)
    [InlineData(10, 4, 2, 3, 2, -0.1, "Dropout", "-0.1")]
    public void Invalid_configuration_names_the_parameter_and_the_value(
        int n, int w, int l, int c, int k, double dropout, string parameter, string value)
    {
        var e = Assert.Throws<SettingException>(() => new SpinalLayer(new SpinalConfig(n, w, l, c, k, Dropout: dropout)));
        Assert.Equal(parameter, e.Setting);
        Assert.StartsWith($"{parameter} {value} ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Without_an_output_layer_the_stack_returns_every_layer_in_order()
    {
        torch.manual_seed(4);
        using var full = new SpinalLayer(new SpinalConfig(12, 3, 4, 2));
        using var stack = new SpinalLayer(new SpinalConfig(12, 3, 4, 0));
        using (torch.no_grad())
            foreach (var (name, q) in stack.named_parameters()) q.copy_(full.get_parameter(name)!);
        var x = torch.randn(5, 12);
        var hidden = stack.call(x);
        Assert.Equal([5L, 12], hidden.shape);
        var p = SpinalReference.StateOf(full);
        var expected = hidden.matmul(p["output.linear.weight"].t()) + p["output.linear.bias"];
        Assert.True(full.call(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.DoesNotContain(stack.state_dict().Keys, k => k.StartsWith("output"));
    }

    [Fact]
    public void Unknown_activation_lists_the_valid_names()
    {
        var e = Assert.Throws<ArgumentException>(() => Activations.Parse("swish"));
        Assert.Contains("'swish'", e.Message);
        Assert.Contains("leaky_relu", e.Message);
    }

    [Fact]
    public void Input_of_the_wrong_width_is_rejected_with_both_widths()
    {
        using var layer = new SpinalLayer(new SpinalConfig(10, 4, 2, 3));
        var e = Assert.Throws<ArgumentException>(() => layer.call(torch.randn(2, 9)));
        Assert.Contains("[2, 9]", e.Message);
        Assert.Contains("N = 10", e.Message);
    }
}
