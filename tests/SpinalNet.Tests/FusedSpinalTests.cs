// The fused Spinal path (docs/performance.md §9.1) against the plain one: outputs and every gradient (input, weights,
// biases) equal within 1e-5 over random configurations, in training and evaluation mode, on both fused nodes (float32
// on the CPU: the managed kernel, SpinalCpuKernel.cs; float64: the node on libtorch operations, FusedSpinal.cs); the
// kernel's own gradient accumulation; and which path forward takes.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class FusedSpinalTests
{
    static readonly Activation[] Fusable =
        [Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid, Activation.Identity];

    /// <summary>Random configurations: k from 1 to 5 (k > 2, splits that straddle the end of x), L from 1, bare
    /// stacks (C = 0), shared weights and other block patterns, dropout and batch norm.</summary>
    public static IEnumerable<object[]> Configurations()
    {
        var random = new Random(12);
        for (int case_ = 0; case_ < 24; case_++)
        {
            int n = random.Next(3, 40), k = random.Next(1, Math.Min(n, 5) + 1), l = random.Next(1, 7);
            int[]? blocks = null;
            bool shared = false;
            if (case_ % 4 == 1) shared = true;
            if (case_ % 4 == 2 && l > 2) blocks = Enumerable.Range(0, l).Select(i => i == 0 ? 0 : 1 + (i - 1) % 2).ToArray();
            var config = new SpinalConfig(n, random.Next(1, 9), l, case_ % 5 == 3 ? 0 : random.Next(1, 6), k,
                Fusable[random.Next(Fusable.Length)], Dropout: case_ % 3 == 0 ? 0.3 : 0,
                BatchNorm: case_ % 6 == 5, SharedWeights: shared, LayerBlocks: blocks);
            yield return [case_, config];
        }
        // The networks' heads: the MNIST CNN's, and one whose splits straddle the end of x.
        yield return [100, new SpinalConfig(320, 8, 6, 10)];
        yield return [101, new SpinalConfig(10, 3, 5, 3, 3, Activation.Tanh)];
        yield return [102, new SpinalConfig(7, 5, 1, 2, 2)];
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Fused_equals_plain_in_outputs_and_gradients(int case_, SpinalConfig config)
    {
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        foreach (bool training in new[] { true, false })
        {
            torch.manual_seed(case_);
            using var layer = new SpinalLayer(config);
            layer.to(dtype);
            layer.train(training);
            var x = torch.randn(6, config.InputWidth, dtype: dtype);
            var (plainOut, plainGrads) = Run(layer, x, case_, layer.ForwardPlain);
            var (fusedOut, fusedGrads) = Run(layer, x, case_, layer.forward);
            AssertClose(plainOut, fusedOut, $"case {case_} output (training {training})");
            foreach (var (name, grad) in plainGrads)
                AssertClose(grad, fusedGrads[name], $"case {case_} gradient of {name} (training {training})");
            Assert.Equal(!config.BatchNorm && (config.Dropout == 0 || !training), layer.UsesFusedPath);
        }
    }

    [Fact]
    public void Kernel_gradients_accumulate_skip_frozen_parameters_and_need_no_input_gradient()
    {
        // The CPU kernel adds into .grad itself: a second backward doubles every gradient, as autograd's
        // accumulation does; a frozen parameter gets none; features without gradients (a frozen backbone) still
        // train the head.
        var config = new SpinalConfig(21, 5, 4, 3, Splits: 3);
        torch.manual_seed(8);
        using var fused = new SpinalLayer(config);
        using var plain = new SpinalLayer(config);
        plain.load_state_dict(fused.state_dict());
        var frozen = fused.named_parameters().First().name;
        fused.get_parameter(frozen)!.requires_grad = false;
        plain.get_parameter(frozen)!.requires_grad = false;
        var x = torch.randn(9, 21);
        var weights = torch.linspace(-1, 2, 27).reshape(9, 3);
        for (int pass = 0; pass < 2; pass++)
        {
            (fused.forward(x) * weights).sum().backward();
            (plain.ForwardPlain(x) * weights).sum().backward();
        }
        Assert.True(fused.UsesFusedPath);
        Assert.Null(fused.get_parameter(frozen)!.grad);
        foreach (var (name, p) in plain.named_parameters().Where(p => p.name != frozen))
            AssertClose(p.grad!, fused.get_parameter(name)!.grad!, $"twice-accumulated gradient of {name}");
    }

    [Fact]
    public void Forward_takes_the_fused_path_only_where_it_covers_the_mode()
    {
        using var plain = new SpinalLayer(new SpinalConfig(20, 4, 3, 2, Dropout: 0.5));
        Assert.True(plain.UsesFusedPath == false);   // training mode with active dropout
        plain.eval();
        Assert.True(plain.UsesFusedPath);
        using var gelu = new SpinalLayer(new SpinalConfig(20, 4, 3, 2, Activation: Activation.Gelu));
        Assert.False(gelu.UsesFusedPath);
        Assert.Throws<InvalidOperationException>(() => gelu.ForwardFused(torch.randn(2, 20)));
    }

    [Fact]
    public void Inference_without_gradients_equals_the_plain_path()
    {
        torch.manual_seed(5);
        using var layer = new SpinalLayer(new SpinalConfig(30, 6, 5, 4, Splits: 4, Dropout: 0.5));
        layer.eval();
        var x = torch.randn(7, 30);
        using var noGrad = torch.no_grad();
        Assert.True(layer.UsesFusedPath);
        AssertClose(layer.ForwardPlain(x), layer.call(x), "output without gradients");
    }

    [Fact]
    public void Fused_training_steps_follow_the_plain_ones()
    {
        // Five SGD steps through each path from the same weights end at the same weights.
        var config = new SpinalConfig(24, 4, 4, 3, Splits: 3, SharedWeights: true);
        torch.manual_seed(3);
        using var a = new SpinalLayer(config);
        using var b = new SpinalLayer(config);
        b.load_state_dict(a.state_dict());
        var x = torch.randn(8, 24);
        var y = torch.randint(0, 3, [8]);
        foreach (var (layer, forward) in new[] { (a, (Func<Tensor, Tensor>)a.ForwardPlain), (b, b.ForwardFused) })
        {
            using var sgd = torch.optim.SGD(layer.parameters(), 0.1, 0.9);
            for (int i = 0; i < 5; i++)
            {
                sgd.zero_grad();
                nn.functional.cross_entropy(forward(x), y).backward();
                sgd.step();
            }
        }
        foreach (var (name, p) in a.named_parameters())
            AssertClose(p, b.get_parameter(name)!, name);
    }

    static (Tensor Output, Dictionary<string, Tensor> Grads) Run(SpinalLayer layer, Tensor x, int seed,
        Func<Tensor, Tensor> forward)
    {
        layer.zero_grad();
        var input = x.clone().requires_grad_();
        torch.manual_seed(seed + 1000);   // the same dropout masks for both paths
        var output = forward(input);
        // A loss that weighs every output differently, so that every gradient path is exercised.
        var weights = torch.linspace(-1, 2, output.numel()).reshape(output.shape);
        (output * weights).sum().backward();
        var grads = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        grads["input"] = input.grad!.clone();
        return (output.detach(), grads);
    }

    static void AssertClose(Tensor expected, Tensor actual, string what) =>
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5),
            $"{what}: max difference {(actual - expected).abs().max().to(ScalarType.Float64).item<double>()}");
}
