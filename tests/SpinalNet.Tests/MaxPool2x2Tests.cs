// MaxPool2x2 (docs/performance.md §9.5) against libtorch's max_pool2d(2, 2): the same values and the same gradient,
// bit for bit, on random inputs of even and odd sizes, with ties (integer values: the first position of a window
// takes the gradient) and NaN, on one and two threads; and the fallback for other types.
using SpinalNet.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class MaxPool2x2Tests
{
    public static IEnumerable<object[]> Inputs() =>
    [
        ["rows of 8 windows", new long[] { 3, 4, 8, 16 }, false],
        ["odd width and height, rows of 8 windows", new long[] { 2, 3, 7, 17 }, false],
        ["rows of 17 windows (the last eight overlap), odd height, ties", new long[] { 2, 3, 7, 35 }, true],
        ["three dimensions", new long[] { 20, 24, 24 }, false],
        ["large enough to share among threads, ties", new long[] { 64, 10, 24, 24 }, true],
        ["narrow planes (libtorch's)", new long[] { 4, 5, 6, 6 }, true],
    ];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Values_and_gradients_equal_max_pool2d(string what, long[] shape, bool ties)
    {
        try
        {
            foreach (int t in new[] { 1, 2 })
            {
                torch.set_num_threads(t);
                torch.manual_seed(shape.Sum());
                var x = ties ? torch.randint(0, 3, shape).to(ScalarType.Float32) : torch.randn(shape);
                var (expected, expectedGrad) = Run(x, v => nn.functional.max_pool2d(v, 2, 2));
                var (actual, actualGrad) = Run(x, new MaxPool2x2().call);
                Assert.Equal(shape[^1] >= 16, MaxPool2x2.Takes(x));
                Assert.True(Same(expected, actual), $"{what}: values ({t} threads)");
                Assert.True(Same(expectedGrad, actualGrad), $"{what}: gradient ({t} threads)");
            }
        }
        finally { torch.set_num_threads(TestSetup.Threads); }
    }

    [Fact]
    public void NaN_propagates_and_takes_the_gradient_as_in_max_pool2d()
    {
        torch.manual_seed(4);
        var x = torch.randn(1, 1, 2, 16);
        foreach (var (row, column) in new[] { (0, 1), (1, 4), (1, 5), (0, 8), (1, 9), (0, 14), (0, 15), (1, 14) })
            x[0, 0, row, column] = float.NaN;
        Assert.True(MaxPool2x2.Takes(x));
        var (expected, expectedGrad) = Run(x, v => nn.functional.max_pool2d(v, 2, 2));
        var (actual, actualGrad) = Run(x, new MaxPool2x2().call);
        Assert.True(Same(expected.isnan(), actual.isnan()));
        Assert.True(Same(expectedGrad, actualGrad));
    }

    [Fact]
    public void Other_types_and_inputs_without_gradients_take_the_same_values()
    {
        var x = torch.randn(2, 3, 6, 5, dtype: ScalarType.Float64);
        Assert.True(Same(nn.functional.max_pool2d(x, 2, 2), new MaxPool2x2().call(x)));
        using var noGrad = torch.no_grad();
        var y = torch.randn(2, 3, 6, 5);
        Assert.True(Same(nn.functional.max_pool2d(y, 2, 2), new MaxPool2x2().call(y)));
        Assert.Throws<ArgumentException>(() => new MaxPool2x2().call(torch.randn(4, 5)));
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static (Tensor Output, Tensor Gradient) Run(Tensor x, Func<Tensor, Tensor> pool)
    {
        var input = x.clone().requires_grad_();
        var output = pool(input);
        // Every output weighted differently, so a gradient sent to the wrong position shows.
        (output * torch.arange(output.numel()).reshape(output.shape).to(ScalarType.Float32)).sum().backward();
        return (output.detach(), input.grad!);
    }
}
