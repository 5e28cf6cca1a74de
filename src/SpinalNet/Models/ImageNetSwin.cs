// torchvision's Swin Transformers swin_t, swin_s and swin_b (docs/transfer.md §11.4): one configuration record per
// variant (embedding width, blocks and heads per stage), with torchvision's names (features.0.0 patch convolution,
// features.0.2 LayerNorm, features.S.B.norm1 / attn.qkv / attn.proj / attn.relative_position_bias_table /
// attn.relative_position_index / norm2 / mlp.0 / mlp.3, features.S.reduction and .norm of the patch merging, norm, and
// `head` for the head):
//   patches   conv 4×4/4 3→C, channels last, LayerNorm
//   block     x + attention(LayerNorm(x)), then + MLP(LayerNorm(x)) (Linear C→4C → GELU → Linear 4C→C), behind
//             stochastic depth; attention within 7×7 windows (the map padded to a multiple of 7), every second block
//             on windows shifted by 3 (cyclic roll, tokens from different regions masked with −100), with a learned
//             bias per head and relative position ((2·7 − 1)² entries, indexed by a fixed buffer)
//   merging   the 2×2 neighbours side by side (padded to even) → LayerNorm(4C) → Linear 4C→2C without bias
//   end       LayerNorm → global average pool → flatten → `head` Linear(8C → classes)
// Layer norms have eps 1e-5. A window larger than the (padded) map is not shifted, as in torchvision.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>One torchvision Swin Transformer: embedding width, blocks and heads per stage, last stochastic depth.</summary>
public sealed record ImageNetSwinConfig(int Embedding, int[] Blocks, int[] Heads, double StochasticDepth)
{
    /// <summary>The side of the attention windows.</summary>
    public const int Window = 7;

    /// <summary>The features the head reads: the last stage's width.</summary>
    public int Features => Embedding << (Blocks.Length - 1);
}

/// <summary>torchvision's ShiftedWindowAttention: qkv and proj, the relative position bias table and its index.</summary>
public sealed class ShiftedWindowAttention : nn.Module<Tensor, Tensor>, SpinalNet.Layers.IMultiplies
{
    readonly nn.Module<Tensor, Tensor> qkv, proj;
    readonly TorchSharp.Modules.Parameter relative_position_bias_table;
    readonly Tensor relative_position_index;
    readonly int heads, shift;
    const int W = ImageNetSwinConfig.Window;

    public ShiftedWindowAttention(int width, int heads, int shift) : base(nameof(ShiftedWindowAttention))
    {
        qkv = nn.Linear(width, 3 * width);
        proj = nn.Linear(width, width);
        relative_position_bias_table = new TorchSharp.Modules.Parameter(torch.zeros((2 * W - 1) * (2 * W - 1), heads));
        using (torch.no_grad()) ImageNetConvNeXt.TruncatedNormal(relative_position_bias_table, 0.02);
        // Entry (i, j) of the 49 × 49 index: (hᵢ − hⱼ + 6) · 13 + (wᵢ − wⱼ + 6), tokens i, j in row-major order.
        var index = new long[W * W * W * W];
        for (int i = 0; i < W * W; i++)
            for (int j = 0; j < W * W; j++)
                index[i * W * W + j] = (i / W - j / W + W - 1) * (2 * W - 1) + (i % W - j % W + W - 1);
        relative_position_index = torch.tensor(index);
        this.heads = heads;
        this.shift = shift;
        RegisterComponents();
    }

    /// <summary>qkv and proj count themselves; per window of 49 tokens, 2 · 49² · C for the two products (the padded
    /// windows included, as they are computed).</summary>
    public long Multiplications(Tensor output)
    {
        long h = (output.shape[1] + W - 1) / W * W, w = (output.shape[2] + W - 1) / W * W, c = output.shape[3];
        return h * w / (W * W) * 2 * (W * W) * (W * W) * c;
    }

    /// <summary>[N, H, W, C] → [N, H, W, C].</summary>
    public override Tensor forward(Tensor input)
    {
        long batch = input.shape[0], height = input.shape[1], width = input.shape[2], c = input.shape[3];
        long padH = (height + W - 1) / W * W, padW = (width + W - 1) / W * W;
        var x = nn.functional.pad(input, [0, 0, 0, padW - width, 0, padH - height]);
        long shiftH = W >= padH ? 0 : shift, shiftW = W >= padW ? 0 : shift;
        if (shiftH + shiftW > 0) x = x.roll([-shiftH, -shiftW], [1, 2]);
        long windows = padH / W * (padW / W), tokens = W * W, side = c / heads;
        x = x.view(batch, padH / W, W, padW / W, W, c).permute(0, 1, 3, 2, 4, 5).reshape(batch * windows, tokens, c);
        var qkvs = qkv.call(x).reshape(batch * windows, tokens, 3, heads, side).permute(2, 0, 3, 1, 4);
        var attention = qkvs[0].mul(Math.Pow(side, -0.5)).matmul(qkvs[1].transpose(-2, -1));
        var bias = relative_position_bias_table.index_select(0, relative_position_index).view(tokens, tokens, -1)
            .permute(2, 0, 1).unsqueeze(0);
        attention = attention.add(bias);
        if (shiftH + shiftW > 0)
        {
            var mask = Mask(padH, padW, shiftH, shiftW, input.device).view(windows, 1, tokens, tokens);
            attention = attention.view(batch, windows, heads, tokens, tokens).add(mask.unsqueeze(0))
                .view(-1, heads, tokens, tokens);
        }
        x = attention.softmax(-1).matmul(qkvs[2]).transpose(1, 2).reshape(batch * windows, tokens, c);
        x = proj.call(x).view(batch, padH / W, padW / W, W, W, c).permute(0, 1, 3, 2, 4, 5).reshape(batch, padH, padW, c);
        if (shiftH + shiftW > 0) x = x.roll([shiftH, shiftW], [1, 2]);
        return x.narrow(1, 0, height).narrow(2, 0, width).contiguous();
    }

    /// <summary>torchvision's attention mask of the shifted windows: the padded map cut into 3 × 3 regions at −W and
    /// −shift from each end; tokens of different regions in one window get −100.</summary>
    static Tensor Mask(long padH, long padW, long shiftH, long shiftW, Device device)
    {
        var region = new float[padH * padW];
        long Band(long i, long size, long s) => i < size - W ? 0 : i < size - s ? 1 : 2;
        for (long i = 0; i < padH; i++)
            for (long j = 0; j < padW; j++)
                region[i * padW + j] = Band(i, padH, shiftH) * 3 + Band(j, padW, shiftW);
        var windows = torch.tensor(region, device: device).view(padH / W, W, padW / W, W).permute(0, 2, 1, 3)
            .reshape(-1, W * W);
        var difference = windows.unsqueeze(1).sub(windows.unsqueeze(2));
        return difference.ne(0).to(ScalarType.Float32).mul(-100f);
    }
}

/// <summary>torchvision's SwinTransformerBlock.</summary>
public sealed class SwinBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> norm1, attn, stochastic_depth, norm2, mlp;

    public SwinBlock(int width, int heads, int shift, double stochasticDepth) : base(nameof(SwinBlock))
    {
        norm1 = nn.LayerNorm(width);
        attn = new ShiftedWindowAttention(width, heads, shift);
        stochastic_depth = new StochasticDepth(stochasticDepth);
        norm2 = nn.LayerNorm(width);
        mlp = VggFeatures.Numbered([nn.Linear(width, 4 * width), nn.GELU(), nn.Dropout(0), nn.Linear(4 * width, width),
            nn.Dropout(0)]);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = x.add(stochastic_depth.call(attn.call(norm1.call(x))));
        return x.add(stochastic_depth.call(mlp.call(norm2.call(x))));
    }
}

/// <summary>torchvision's PatchMerging: 2×2 neighbours side by side, LayerNorm, Linear 4C → 2C.</summary>
public sealed class PatchMerging : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> reduction, norm;

    public PatchMerging(int width) : base(nameof(PatchMerging))
    {
        reduction = nn.Linear(4 * width, 2 * width, hasBias: false);
        norm = nn.LayerNorm(4 * width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = nn.functional.pad(x, [0, 0, 0, x.shape[2] % 2, 0, x.shape[1] % 2]);
        TensorIndex Even = TensorIndex.Slice(0, null, 2), Odd = TensorIndex.Slice(1, null, 2);
        var merged = torch.cat([x[TensorIndex.Colon, Even, Even], x[TensorIndex.Colon, Odd, Even],
            x[TensorIndex.Colon, Even, Odd], x[TensorIndex.Colon, Odd, Odd]], -1);
        return reduction.call(norm.call(merged));
    }
}

/// <summary>The torchvision Swin backbones: features, LayerNorm, channels first, global average pool, flatten.</summary>
public static class ImageNetSwin
{
    /// <summary>torchvision's variants by name.</summary>
    public static readonly IReadOnlyDictionary<string, ImageNetSwinConfig> Variants =
        new Dictionary<string, ImageNetSwinConfig>
        {
            ["swin_t"] = new(96, [2, 2, 6, 2], [3, 6, 12, 24], 0.2),
            ["swin_s"] = new(96, [2, 2, 18, 2], [3, 6, 12, 24], 0.3),
            ["swin_b"] = new(128, [2, 2, 18, 2], [4, 8, 16, 32], 0.5),
        };

    /// <summary>[batch, 3, H, W] → [batch, features].</summary>
    public static nn.Module<Tensor, Tensor> Backbone(ImageNetSwinConfig config)
    {
        var features = new List<nn.Module<Tensor, Tensor>>
        {
            VggFeatures.Numbered([nn.Conv2d(3, config.Embedding, 4, stride: 4), new Permute(0, 2, 3, 1),
                nn.LayerNorm(config.Embedding)]),
        };
        int total = config.Blocks.Sum(), index = 0;
        for (int stage = 0; stage < config.Blocks.Length; stage++)
        {
            int width = config.Embedding << stage;
            features.Add(VggFeatures.Numbered(Enumerable.Range(0, config.Blocks[stage]).Select(b => new SwinBlock(width,
                config.Heads[stage], b % 2 == 0 ? 0 : ImageNetSwinConfig.Window / 2,
                config.StochasticDepth * index++ / (total - 1.0))).ToList()));
            if (stage < config.Blocks.Length - 1) features.Add(new PatchMerging(width));
        }
        var backbone = nn.Sequential(("features", VggFeatures.Numbered(features)), ("norm", nn.LayerNorm(config.Features)),
            ("permute", new Permute(0, 3, 1, 2)), ("avgpool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()));
        ImageNetConvNeXt.TruncatedNormal(backbone);
        return backbone;
    }
}
