// 2×2 max pooling with stride 2 (the pool of the MNIST CNN and of every VGG block, docs/networks.md §2), computed in
// managed loops over the tensors' memory on the CPU (docs/performance.md §9.5). libtorch's NCHW max_pool2d kernel
// takes 1.8 ms forward for the MNIST CNN's first pool (64×10×24×24, one thread), a third of the network's whole
// training step, where these loops take 40 µs (eight windows per vector instruction). The function is max_pool2d's
// exactly, gradient included: each window is scanned row by row and a value replaces the maximum when it is greater
// or NaN (so ties go to the first position and NaN propagates, as in libtorch), the gradient goes to that one
// position, and odd sizes drop the last row or column (floor mode). Narrow planes, other types and devices use
// libtorch's max_pool2d.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Layers;

/// <summary>MaxPool2d(kernel 2, stride 2) on [N, C, H, W] (or [C, H, W]) with a fast CPU path.</summary>
public sealed class MaxPool2x2 : nn.Module<Tensor, Tensor>
{
    public MaxPool2x2() : base(nameof(MaxPool2x2)) { }

    /// <summary>Whether the managed loop computes this input: float32 on the CPU, rows of at least 8 windows (16
    /// columns, one vector of results; narrower planes are libtorch's, which is fast enough there), 256-bit
    /// vectors.</summary>
    public static bool Takes(Tensor x) => x.dtype == ScalarType.Float32 && x.device_type == DeviceType.CPU &&
                                          x.shape[^1] >= 16 && Vector256.IsHardwareAccelerated;

    public override Tensor forward(Tensor x)
    {
        if (x.dim() is not (3 or 4) || x.shape[^1] < 2 || x.shape[^2] < 2)
            throw new ArgumentException(
                $"2x2 max pooling needs [N, C, H, W] or [C, H, W] with H, W >= 2, not [{string.Join(", ", x.shape)}]",
                nameof(x));
        if (!Takes(x)) return nn.functional.max_pool2d(x, 2, 2);
        var input = x.is_contiguous() ? x : x.contiguous();
        return is_grad_enabled() && input.requires_grad ? MaxPool2x2Function.apply(input)
            : MaxPool2x2Function.Compute(input, null);
    }
}

/// <summary>The autograd node: saves which of the four positions each maximum came from.</summary>
sealed class MaxPool2x2Function : autograd.SingleTensorFunction<MaxPool2x2Function>
{
    public override string Name => "MaxPool2x2";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var shape = x.shape;
        var where = empty(OutputShape(shape), dtype: ScalarType.Byte);
        var y = Compute(x, where);
        ctx.save_for_backward([where]);
        ctx.save_data("shape", shape);
        return y;
    }

    public override unsafe List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var where = ctx.get_saved_variables()[0];
        var shape = (long[])ctx.get_data("shape");
        var dy = gradOutput.is_contiguous() ? gradOutput : gradOutput.contiguous();
        var dx = zeros(shape);
        var (planes, h, w) = Dimensions(shape);
        float* src = TensorMemory.Of<float>(dy), dst = TensorMemory.Of<float>(dx);
        byte* at = TensorMemory.Of<byte>(where);
        Scatter(src, at, dst, h, w, planes);
        return [dx];
    }

    /// <summary>The pooled values; where not null, also which position of each window held the maximum (0 to 3,
    /// row by row).</summary>
    internal static unsafe Tensor Compute(Tensor x, Tensor? where)
    {
        var shape = x.shape;
        var y = empty(OutputShape(shape));
        var (planes, h, w) = Dimensions(shape);
        float* src = TensorMemory.Of<float>(x), dst = TensorMemory.Of<float>(y);
        byte* at = where is null ? null : TensorMemory.Of<byte>(where);
        Pool(src, dst, at, h, w, planes);
        return y;
    }

    /// <summary>The planes of x into y, and where each maximum was (when at is not null): eight windows at a
    /// time in vectors, each row's pairs first and then the two rows, which picks the same position as libtorch's scan
    /// (top left, top right, bottom left, bottom right; a greater value or NaN replaces).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Pool(float* src, float* dst, byte* at, long h, long w, long planes)
    {
        long ho = h / 2, wo = w / 2;
        for (long plane = 0; plane < planes; plane++)
            for (long i = 0; i < ho; i++)
            {
                float* top = src + (plane * h + 2 * i) * w, bottom = top + w;
                long o = (plane * ho + i) * wo;
                // Eight windows at a time; the row's last eight may overlap the previous ones (the same values).
                for (long j = 0; j < wo; j += 8)
                {
                    long start = Math.Min(j, wo - 8);
                    Eight(top + 2 * start, bottom + 2 * start, dst + o + start, at == null ? null : at + o + start);
                }
            }
    }

    /// <summary>Eight windows: 16 values of the top row and of the bottom row into 8 maxima and their positions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Eight(float* top, float* bottom, float* dst, byte* at)
    {
        var (t, tk) = PairMax(Vector256.Load(top), Vector256.Load(top + 8));
        var (b, bk) = PairMax(Vector256.Load(bottom), Vector256.Load(bottom + 8));
        var lower = Vector256.GreaterThan(b, t) | ~Vector256.Equals(b, b);
        Vector256.ConditionalSelect(lower, b, t).Store(dst);
        if (at == null) return;
        var where = Vector256.ConditionalSelect(lower, bk + Vector256.Create(2f), tk);
        for (int lane = 0; lane < 8; lane++) at[lane] = (byte)where.GetElement(lane);
    }

    /// <summary>Of 8 adjacent pairs (16 values of a row): the larger of each pair (the second where greater or NaN)
    /// and which one it was (0 or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector256<float> Max, Vector256<float> Which) PairMax(Vector256<float> a, Vector256<float> b)
    {
        var evens = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        // Each vector's even lanes to its lower half, odd lanes to its upper half.
        var pa = Vector256.Shuffle(a, evens);
        var pb = Vector256.Shuffle(b, evens);
        var first = Vector256.Create(pa.GetLower(), pb.GetLower());
        var second = Vector256.Create(pa.GetUpper(), pb.GetUpper());
        var replace = Vector256.GreaterThan(second, first) | ~Vector256.Equals(second, second);
        return (Vector256.ConditionalSelect(replace, second, first), replace & Vector256.Create(1f));
    }

    /// <summary>The gradient of the planes: each output's to the position its maximum came from (dx is zero
    /// elsewhere).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Scatter(float* src, byte* at, float* dst, long h, long w, long planes)
    {
        long ho = h / 2, wo = w / 2;
        for (long plane = 0; plane < planes; plane++)
            for (long i = 0; i < ho; i++)
            {
                float* top = dst + (plane * h + 2 * i) * w;
                long o = (plane * ho + i) * wo;
                for (long j = 0; j < wo; j++)
                {
                    int k = at[o + j];
                    top[(k >> 1) * w + 2 * j + (k & 1)] = src[o + j];
                }
            }
    }

    static long[] OutputShape(long[] shape)
    {
        var result = (long[])shape.Clone();
        result[^2] /= 2;
        result[^1] /= 2;
        return result;
    }

    static (long Planes, long H, long W) Dimensions(long[] shape) =>
        (shape.Take(shape.Length - 2).Aggregate(1L, (a, b) => a * b), shape[^2], shape[^1]);
}
