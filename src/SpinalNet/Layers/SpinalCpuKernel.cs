// The fused Spinal layer's CPU kernel (docs/performance.md §9.1): the same node as FusedSpinal.cs, forward and
// backward, but computed in managed SIMD loops over the tensors' memory instead of libtorch operations. At the
// paper's head sizes (the MNIST CNN's: N = 320, w = 8, L = 6) a step's arithmetic is about 1.6 M multiply-adds, tens
// of microseconds, while each libtorch operation costs a native call, dispatch and a tensor handle (1–5 µs); the node
// on libtorch operations still issues some 70 of them. Here a step issues only the allocations of its results.
//
// Every product is one shape, C[p, ·] += Σ_q A(p, q) · B[q, ·], vectorised along the contiguous rows of B and C
// (MulAdd); A is read with any strides, so A·B, Aᵀ·B and, with a transposed copy of B, A·Bᵀ are all this loop.
// The formulas are FusedSpinal.cs's (layer i: z_i = U_i·split_i + V_i·h_{i−1} + b_i, h_i = φ(z_i); output
// y = W_out·[h_0; …; h_{L−1}] + b_out), with ∂ as there. Float32 tensors on the CPU only; the node on libtorch
// operations serves the rest (other types, other devices, wide layers where libtorch's matrix products win).
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace SpinalNet.Layers;

static unsafe class SpinalCpuKernel
{
    /// <summary>The widest layers the kernel takes: beyond, the products are large enough for libtorch's
    /// multithreaded matrix products to win (bench/RESULTS.md).</summary>
    internal const int UpToWidth = 32;

    /// <summary>Whether the kernel computes this call (inputs as the node's): narrow layers, x and the parameters
    /// contiguous float32 tensors on the CPU.</summary>
    internal static bool Takes(FusedSpinalPlan plan, Tensor x, object[] inputs)
    {
        if (plan.Config.Width > UpToWidth) return false;
        for (int k = 1; k < inputs.Length; k++)
            if (inputs[k] is Tensor t && (t.dtype != ScalarType.Float32 || t.device_type != TorchSharp.DeviceType.CPU ||
                                          !t.is_contiguous()))
                return false;
        return true;
    }

    /// <summary>The parameters' memory, in the order of the node's inputs: blocks' weight and bias, then the
    /// output layer's.</summary>
    internal readonly struct Weights(float*[] weight, float*[] bias, float* outWeight, float* outBias)
    {
        public readonly float*[] Weight = weight, Bias = bias;
        public readonly float* OutWeight = outWeight, OutBias = outBias;
    }

    /// <summary>Forward: h [batch, L·w] (the layers' outputs side by side) and y [batch, C] (C = 0: a copy of h).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward(FusedSpinalPlan plan, float* x, int batch, in Weights p, float* h, float* y)
    {
        var c = plan.Config;
        int n = c.InputWidth, s = c.SplitWidth, w = c.Width, l = c.Layers, lw = l * w, outputs = c.Outputs;
        int maxGroup = plan.Groups.Max(g => g.Steps.Length) * w;
        var scratch = ArrayPool<float>.Shared.Rent(s * maxGroup + batch * maxGroup + w * w + lw * Math.Max(outputs, 1));
        try
        {
            fixed (float* area = scratch)
            {
                float* ut = area, term = ut + s * maxGroup, vt = term + batch * maxGroup, outT = vt + w * w;
                foreach (var group in plan.Groups)
                {
                    // term [batch, g·w] = split · [U_{i0}; U_{i1}; …]ᵀ + bias, from a transposed copy of the stacked U.
                    int gw = group.Steps.Length * w;
                    for (int t = 0; t < group.Steps.Length; t++)
                    {
                        int block = plan.BlockOfStep[group.Steps[t]], stride = block == 0 ? s : s + w;
                        Transpose(p.Weight[block], stride, w, s, ut + t * w, gw);
                        for (int b = 0; b < batch; b++)
                            new ReadOnlySpan<float>(p.Bias[block], w).CopyTo(new Span<float>(term + b * gw + t * w, w));
                    }
                    var (first, second) = Segments(c, group.Start);
                    MulAdd(x + group.Start, n, 1, ut, gw, term, gw, batch, first, gw);
                    if (second > 0) MulAdd(x, n, 1, ut + first * gw, gw, term, gw, batch, second, gw);
                    // The lateral chain of the group's layers runs below, in layer order; keep each layer's term in
                    // its h columns until then.
                    for (int t = 0; t < group.Steps.Length; t++)
                        for (int b = 0; b < batch; b++)
                            new ReadOnlySpan<float>(term + b * gw + t * w, w)
                                .CopyTo(new Span<float>(h + b * lw + group.Steps[t] * w, w));
                }
                for (int i = 0; i < l; i++)
                {
                    float* hi = h + i * w;
                    if (i > 0)
                    {
                        int block = plan.BlockOfStep[i];
                        Transpose(p.Weight[block] + s, s + w, w, w, vt, w);   // Vᵀ [w, w]
                        MulAdd(hi - w, lw, 1, vt, w, hi, lw, batch, w, w);
                    }
                    for (int b = 0; b < batch; b++) Activate(new Span<float>(hi + b * lw, w), c.Activation);
                }
                if (outputs == 0)
                {
                    new ReadOnlySpan<float>(h, batch * lw).CopyTo(new Span<float>(y, batch * lw));
                    return;
                }
                Transpose(p.OutWeight, lw, outputs, lw, outT, outputs);
                for (int b = 0; b < batch; b++)
                    new ReadOnlySpan<float>(p.OutBias, outputs).CopyTo(new Span<float>(y + b * outputs, outputs));
                MulAdd(h, lw, 1, outT, outputs, y, outputs, batch, lw, outputs);
            }
        }
        finally { ArrayPool<float>.Shared.Return(scratch); }
    }

    /// <summary>Backward from ∂y: adds the parameters' gradients into grads (as autograd accumulates them) and, when
    /// dx is not null, writes ∂x (its memory need not be initialised).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Backward(FusedSpinalPlan plan, float* x, int batch, in Weights p, float* h, float* dy,
        in Weights grads, float* dx)
    {
        var c = plan.Config;
        int n = c.InputWidth, s = c.SplitWidth, w = c.Width, l = c.Layers, lw = l * w, outputs = c.Outputs;
        var scratch = ArrayPool<float>.Shared.Rent(batch * lw);
        try
        {
            fixed (float* delta = scratch)
            {
                if (dx != null) new Span<float>(dx, batch * n).Clear();
                // ∂[h_0; …; h_{L−1}] = ∂y · W_out; ∂W_out = ∂yᵀ · h; ∂b_out = Σ_batch ∂y.
                if (outputs == 0) new ReadOnlySpan<float>(dy, batch * lw).CopyTo(new Span<float>(delta, batch * lw));
                else
                {
                    new Span<float>(delta, batch * lw).Clear();
                    MulAdd(dy, outputs, 1, p.OutWeight, lw, delta, lw, batch, outputs, lw);
                    MulAdd(dy, 1, outputs, h, lw, grads.OutWeight, lw, outputs, batch, lw);
                    ColumnSums(dy, batch, outputs, outputs, grads.OutBias);
                }
                // δ_i = (∂h_i + δ_{i+1} · V_{i+1}) ⊙ φ'(h_i), last layer first.
                for (int i = l - 1; i >= 0; i--)
                {
                    float* di = delta + i * w;
                    if (i < l - 1) MulAdd(di + w, lw, 1, p.Weight[plan.BlockOfStep[i + 1]] + s, s + w, di, lw, batch, w, w);
                    for (int b = 0; b < batch; b++)
                        MultiplySlope(new Span<float>(di + b * lw, w), new ReadOnlySpan<float>(h + i * w + b * lw, w),
                            c.Activation);
                }
                for (int i = 0; i < l; i++)
                {
                    int block = plan.BlockOfStep[i], stride = block == 0 ? s : s + w, start = c.InputIndex(i, 0);
                    var (first, second) = Segments(c, start);
                    float* di = delta + i * w, gw = grads.Weight[block];
                    // ∂U += δ_iᵀ · split_i, ∂V += δ_iᵀ · h_{i−1}, ∂b += Σ_batch δ_i.
                    MulAdd(di, 1, lw, x + start, n, gw, stride, w, batch, first);
                    if (second > 0) MulAdd(di, 1, lw, x, n, gw + first, stride, w, batch, second);
                    if (i > 0) MulAdd(di, 1, lw, h + (i - 1) * w, lw, gw + s, stride, w, batch, w);
                    ColumnSums(di, batch, w, lw, grads.Bias[block]);
                    // ∂split_i += δ_i · U_i, into split_i's columns of ∂x.
                    if (dx == null) continue;
                    MulAdd(di, lw, 1, p.Weight[block], stride, dx + start, n, batch, w, first);
                    if (second > 0) MulAdd(di, lw, 1, p.Weight[block] + first, stride, dx, n, batch, w, second);
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(scratch); }
    }

    /// <summary>The split starting at column start, as at most two runs of columns: start.. and, where it straddles
    /// the end of x, 0.. (the second run's length, else 0).</summary>
    static (int First, int Second) Segments(SpinalConfig c, int start)
    {
        int first = Math.Min(c.SplitWidth, c.InputWidth - start);
        return (first, c.SplitWidth - first);
    }

    /// <summary>dst[j, r] = src[r, j] for r &lt; rows, j &lt; cols; src rows srcStride apart, dst rows dstStride apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Transpose(float* src, int srcStride, int rows, int cols, float* dst, int dstStride)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = src + r * srcStride;
            for (int j = 0; j < cols; j++) dst[j * dstStride + r] = row[j];
        }
    }

    /// <summary>sums[j] += Σ_b a[b·stride + j], b &lt; rows, j &lt; cols.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ColumnSums(float* a, int rows, int cols, int stride, float* sums)
    {
        var total = new Span<float>(sums, cols);
        for (int b = 0; b < rows; b++)
            System.Numerics.Tensors.TensorPrimitives.Add(total, new ReadOnlySpan<float>(a + b * stride, cols), total);
    }

    /// <summary>C[p, j] += Σ_q A[p·a0 + q·a1] · B[q·bStride + j] for p &lt; rows, q &lt; depth, j &lt; cols (C rows
    /// cStride apart): the one product shape of the kernel. Four rows of C at a time, by blocks of three, two or one
    /// vectors of columns, so that 4 to 12 independent sums hide the latency of the multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MulAdd(float* a, int a0, int a1, float* b, int bStride, float* cMat, int cStride,
        int rows, int depth, int cols)
    {
        int v = Vector<float>.Count, p = 0;
        for (; p + 3 < rows; p += 4)
        {
            float* a_ = a + p * a0, c_ = cMat + p * cStride;
            int j = 0;
            for (; j + 3 * v <= cols; j += 3 * v) Block4x3(a_, a0, a1, b + j, bStride, c_ + j, cStride, depth);
            for (; j + v <= cols; j += v) Block4x1(a_, a0, a1, b + j, bStride, c_ + j, cStride, depth);
            for (int r = 0; r < 4; r++)
                for (int jj = j; jj < cols; jj++) c_[r * cStride + jj] += Dot(a_ + r * a0, a1, b + jj, bStride, depth);
        }
        for (; p < rows; p++) MulAddRow(a + p * a0, a1, b, bStride, cMat + p * cStride, depth, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Block4x3(float* a, int a0, int a1, float* b, int bStride, float* c, int cStride, int depth)
    {
        int v = Vector<float>.Count;
        float* c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
        var x0 = Vector.Load(c); var x1 = Vector.Load(c + v); var x2 = Vector.Load(c + 2 * v);
        var y0 = Vector.Load(c1); var y1 = Vector.Load(c1 + v); var y2 = Vector.Load(c1 + 2 * v);
        var z0 = Vector.Load(c2); var z1 = Vector.Load(c2 + v); var z2 = Vector.Load(c2 + 2 * v);
        var u0 = Vector.Load(c3); var u1 = Vector.Load(c3 + v); var u2 = Vector.Load(c3 + 2 * v);
        for (int q = 0; q < depth; q++)
        {
            float* bq = b + q * bStride, aq = a + q * a1;
            var b0 = Vector.Load(bq); var b1 = Vector.Load(bq + v); var b2 = Vector.Load(bq + 2 * v);
            var s = new Vector<float>(aq[0]);
            x0 = Vector.FusedMultiplyAdd(s, b0, x0); x1 = Vector.FusedMultiplyAdd(s, b1, x1); x2 = Vector.FusedMultiplyAdd(s, b2, x2);
            s = new Vector<float>(aq[a0]);
            y0 = Vector.FusedMultiplyAdd(s, b0, y0); y1 = Vector.FusedMultiplyAdd(s, b1, y1); y2 = Vector.FusedMultiplyAdd(s, b2, y2);
            s = new Vector<float>(aq[2 * a0]);
            z0 = Vector.FusedMultiplyAdd(s, b0, z0); z1 = Vector.FusedMultiplyAdd(s, b1, z1); z2 = Vector.FusedMultiplyAdd(s, b2, z2);
            s = new Vector<float>(aq[3 * a0]);
            u0 = Vector.FusedMultiplyAdd(s, b0, u0); u1 = Vector.FusedMultiplyAdd(s, b1, u1); u2 = Vector.FusedMultiplyAdd(s, b2, u2);
        }
        x0.Store(c); x1.Store(c + v); x2.Store(c + 2 * v);
        y0.Store(c1); y1.Store(c1 + v); y2.Store(c1 + 2 * v);
        z0.Store(c2); z1.Store(c2 + v); z2.Store(c2 + 2 * v);
        u0.Store(c3); u1.Store(c3 + v); u2.Store(c3 + 2 * v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Block4x1(float* a, int a0, int a1, float* b, int bStride, float* c, int cStride, int depth)
    {
        float* c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
        var x = Vector.Load(c); var y = Vector.Load(c1); var z = Vector.Load(c2); var u = Vector.Load(c3);
        for (int q = 0; q < depth; q++)
        {
            var bq = Vector.Load(b + q * bStride);
            float* aq = a + q * a1;
            x = Vector.FusedMultiplyAdd(new Vector<float>(aq[0]), bq, x);
            y = Vector.FusedMultiplyAdd(new Vector<float>(aq[a0]), bq, y);
            z = Vector.FusedMultiplyAdd(new Vector<float>(aq[2 * a0]), bq, z);
            u = Vector.FusedMultiplyAdd(new Vector<float>(aq[3 * a0]), bq, u);
        }
        x.Store(c); y.Store(c1); z.Store(c2); u.Store(c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float Dot(float* a, int a1, float* b, int bStride, int depth)
    {
        float sum = 0;
        for (int q = 0; q < depth; q++) sum = MathF.FusedMultiplyAdd(a[q * a1], b[q * bStride], sum);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MulAddRow(float* a, int a1, float* b, int bStride, float* c0, int depth, int cols)
    {
        int v = Vector<float>.Count, j = 0;
        for (; j + 4 * v <= cols; j += 4 * v)
        {
            var x0 = Vector.Load(c0 + j); var x1 = Vector.Load(c0 + j + v);
            var x2 = Vector.Load(c0 + j + 2 * v); var x3 = Vector.Load(c0 + j + 3 * v);
            for (int q = 0; q < depth; q++)
            {
                var s0 = new Vector<float>(a[q * a1]);
                float* bq = b + q * bStride + j;
                x0 = Vector.FusedMultiplyAdd(s0, Vector.Load(bq), x0);
                x1 = Vector.FusedMultiplyAdd(s0, Vector.Load(bq + v), x1);
                x2 = Vector.FusedMultiplyAdd(s0, Vector.Load(bq + 2 * v), x2);
                x3 = Vector.FusedMultiplyAdd(s0, Vector.Load(bq + 3 * v), x3);
            }
            x0.Store(c0 + j); x1.Store(c0 + j + v); x2.Store(c0 + j + 2 * v); x3.Store(c0 + j + 3 * v);
        }
        for (; j + v <= cols; j += v)
        {
            var x0 = Vector.Load(c0 + j);
            for (int q = 0; q < depth; q++)
                x0 = Vector.FusedMultiplyAdd(new Vector<float>(a[q * a1]), Vector.Load(b + q * bStride + j), x0);
            x0.Store(c0 + j);
        }
        for (; j < cols; j++) c0[j] += Dot(a, a1, b + j, bStride, depth);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Activate(Span<float> z, Activation activation)
    {
        switch (activation)
        {
            case Activation.Relu: System.Numerics.Tensors.TensorPrimitives.Max(z, 0f, z); break;
            case Activation.LeakyRelu: for (int j = 0; j < z.Length; j++) if (z[j] < 0) z[j] *= 0.01f; break;
            case Activation.Tanh: System.Numerics.Tensors.TensorPrimitives.Tanh(z, z); break;
            case Activation.Sigmoid: System.Numerics.Tensors.TensorPrimitives.Sigmoid(z, z); break;
            case Activation.Identity: break;
            default: throw new NotSupportedException($"the fused Spinal kernel has no {activation.Name()}");
        }
    }

    /// <summary>d ⊙= φ'(z), φ' read from h = φ(z) as in FusedSpinal.cs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplySlope(Span<float> d, ReadOnlySpan<float> h, Activation activation)
    {
        switch (activation)
        {
            case Activation.Relu: for (int j = 0; j < d.Length; j++) if (h[j] <= 0) d[j] = 0; break;
            case Activation.LeakyRelu: for (int j = 0; j < d.Length; j++) if (h[j] <= 0) d[j] *= 0.01f; break;
            case Activation.Tanh: for (int j = 0; j < d.Length; j++) d[j] *= 1 - h[j] * h[j]; break;
            case Activation.Sigmoid: for (int j = 0; j < d.Length; j++) d[j] *= h[j] * (1 - h[j]); break;
        }
    }
}

/// <summary>The fused node on the CPU kernel (docs/performance.md §9.1). Its autograd inputs are x and a constant
/// anchor only; the parameters travel as data, and backward adds their gradients into their .grad itself, in place
/// (as autograd's own accumulation would: gradient accumulation and flat gradient buffers behave the same). The engine
/// then runs one node for the head instead of one per parameter tensor, which at the paper's sizes is a quarter of
/// the step (bench/RESULTS.md); Megatron-LM's gradient-accumulation fusion skips autograd's accumulation the same way.
/// What this path does not give: torch.autograd.grad with respect to the head's parameters, and hooks on them; a
/// layer with PreferFused = false runs the plain path, which does.</summary>
sealed class SpinalCpuFunction : autograd.SingleTensorFunction<SpinalCpuFunction>
{
    public override string Name => "SpinalCpu";

    // An input that requires gradients, so that the node is in the graph when x does not (a frozen backbone's
    // features); its gradient is never defined.
    static readonly Tensor Anchor = zeros(1).requires_grad_().DetachFromDisposeScope();

    /// <summary>The layer's output for the node's inputs (the plan, x, each block's weight and bias, the output
    /// layer's weight and bias): through the node when gradients are wanted, else the computation alone.</summary>
    internal static Tensor Run(object[] inputs)
    {
        var x = (Tensor)inputs[1];
        var parameters = inputs.Skip(2).Cast<Tensor>().ToArray();
        var trained = parameters.Select(p => p.requires_grad).ToArray();
        if (!is_grad_enabled() || (!x.requires_grad && !trained.Contains(true))) return Compute(inputs, out _);
        return apply(inputs[0], x, Anchor, parameters, trained);
    }

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var inputs = NodeInputs(vars);
        var y = Compute(inputs, out var h);
        ctx.save_for_backward([(Tensor)vars[1], h]);
        ctx.save_data("vars", vars);
        return y;
    }

    /// <summary>The apply arguments back in the order of the node's inputs.</summary>
    static object[] NodeInputs(object[] vars) => [vars[0], vars[1], .. (Tensor[])vars[3]];

    /// <summary>The forward computation, without the autograd node: what inference (no gradients) runs.</summary>
    internal static unsafe Tensor Compute(object[] inputs, out Tensor h)
    {
        var plan = (FusedSpinalPlan)inputs[0];
        var x = (Tensor)inputs[1];
        var c = plan.Config;
        long batch = x.shape[0], lw = (long)c.Layers * c.Width;
        h = empty(batch, lw);
        var y = empty(batch, c.Outputs > 0 ? c.Outputs : lw);
        SpinalCpuKernel.Forward(plan, TensorMemory.Of<float>(x), (int)batch, WeightsOf(plan, inputs.Skip(2).Cast<Tensor>()),
            TensorMemory.Of<float>(h), TensorMemory.Of<float>(y));
        return y;
    }

    public override unsafe List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var vars = (object[])ctx.get_data("vars");
        var plan = (FusedSpinalPlan)vars[0];
        var (parameters, trained) = ((Tensor[])vars[3], (bool[])vars[4]);
        var saved = ctx.get_saved_variables();
        var (x, h) = (saved[0], saved[1]);
        var dy = gradOutput.is_contiguous() ? gradOutput : gradOutput.contiguous();
        // Into each trained parameter's .grad (created at zero where there is none yet); a frozen one's gradient is
        // computed into a scratch tensor and dropped.
        var sums = new Tensor[parameters.Length];
        using (no_grad())
            for (int k = 0; k < parameters.Length; k++)
            {
                var p = parameters[k];
                if (!trained[k]) sums[k] = zeros_like(p);
                else if (p.grad is { } g) sums[k] = g;
                else
                {
                    p.grad = zeros_like(p);
                    sums[k] = p.grad!;
                }
            }
        var dx = x.requires_grad ? empty_like(x) : null;
        SpinalCpuKernel.Backward(plan, TensorMemory.Of<float>(x), (int)x.shape[0], WeightsOf(plan, parameters),
            TensorMemory.Of<float>(h), TensorMemory.Of<float>(dy), WeightsOf(plan, sums),
            dx is null ? null : TensorMemory.Of<float>(dx));
        return [null!, dx!, null!, null!, null!];
    }

    static unsafe SpinalCpuKernel.Weights WeightsOf(FusedSpinalPlan plan, IEnumerable<Tensor> tensors)
    {
        var t = tensors.ToArray();
        int blocks = plan.BlockOfStep.Max() + 1;
        var weight = new float*[blocks];
        var bias = new float*[blocks];
        for (int b = 0; b < blocks; b++)
        {
            weight[b] = TensorMemory.Of<float>(t[2 * b]);
            bias[b] = TensorMemory.Of<float>(t[2 * b + 1]);
        }
        bool output = plan.Config.Outputs > 0;
        return new SpinalCpuKernel.Weights(weight, bias, output ? TensorMemory.Of<float>(t[2 * blocks]) : null,
            output ? TensorMemory.Of<float>(t[2 * blocks + 1]) : null);
    }
}
