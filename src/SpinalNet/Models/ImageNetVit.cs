// torchvision's Vision Transformers ViT-B/16, ViT-B/32 and ViT-L/16 (docs/transfer.md §11.4): one configuration record
// per variant (patch, layers, heads, hidden width, MLP width), with torchvision's names (conv_proj, class_token,
// encoder.pos_embedding, encoder.layers.encoder_layer_N.ln_1 / self_attention.in_proj_weight / out_proj / ln_2 /
// mlp.0 / mlp.3, encoder.ln, and `heads.head` for the head):
//   patches   conv P×P/P 3→D, flattened to (H/P)·(W/P) tokens, the class token in front, position embeddings added
//   encoder   per layer: x + attention(LayerNorm(x)), then + MLP(LayerNorm) with MLP Linear D→M → GELU → Linear M→D;
//             attention is multi-head self-attention with one in_proj (3D × D) and out_proj, as nn.MultiheadAttention
//   end       LayerNorm (eps 1e-6) → the class token's D features → `heads` (Linear D → C as `heads.head`)
// The position embeddings are learned for 224 × 224 inputs, so the network takes 224 px only (no interpolation).
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Models;

/// <summary>One torchvision ViT: patch side, encoder layers, attention heads, hidden and MLP widths.</summary>
public sealed record ImageNetVitConfig(int Patch, int Layers, int Heads, int Hidden, int Mlp)
{
    /// <summary>The only input side: the one the position embeddings were learned for.</summary>
    public const int ImageSize = 224;

    /// <summary>Tokens: one per patch, plus the class token.</summary>
    public int Tokens => (ImageSize / Patch) * (ImageSize / Patch) + 1;
}

/// <summary>nn.MultiheadAttention's self-attention (batch first): in_proj_weight/in_proj_bias for the queries, keys and
/// values at once, then out_proj.</summary>
public sealed class SelfAttention : nn.Module<Tensor, Tensor>, SpinalNet.Layers.IMultiplies
{
    readonly TorchSharp.Modules.Parameter in_proj_weight, in_proj_bias;
    readonly nn.Module<Tensor, Tensor> out_proj;
    readonly int heads;

    /// <summary>D, the token width.</summary>
    public long Width => out_proj is TorchSharp.Modules.Linear l ? l.in_features : 0;

    /// <summary>The attention heads, each D / heads wide.</summary>
    public int Heads => heads;

    public SelfAttention(int width, int heads) : base(nameof(SelfAttention))
    {
        in_proj_weight = new TorchSharp.Modules.Parameter(torch.empty(3 * width, width));
        in_proj_bias = new TorchSharp.Modules.Parameter(torch.zeros(3 * width));
        out_proj = nn.Linear(width, width);
        this.heads = heads;
        using (torch.no_grad()) nn.init.xavier_uniform_(in_proj_weight);
        RegisterComponents();
    }

    /// <summary>The input projection, 3·D² per token, and the two T²·D products (out_proj counts itself).</summary>
    public long Multiplications(Tensor output)
    {
        long tokens = output.shape[1], width = output.shape[2];
        return tokens * 3 * width * width + 2 * tokens * tokens * width;
    }

    /// <summary>[batch, tokens, D] → [batch, tokens, D].</summary>
    public override Tensor forward(Tensor x)
    {
        long batch = x.shape[0], tokens = x.shape[1], width = x.shape[2], side = width / heads;
        var qkv = nn.functional.linear(x, in_proj_weight, in_proj_bias)
            .reshape(batch, tokens, 3, heads, side).permute(2, 0, 3, 1, 4);
        var attention = qkv[0].matmul(qkv[1].transpose(-2, -1)).mul(1.0 / Math.Sqrt(side)).softmax(-1);
        return out_proj.call(attention.matmul(qkv[2]).transpose(1, 2).reshape(batch, tokens, width));
    }
}

/// <summary>torchvision's EncoderBlock.</summary>
public sealed class VitEncoderBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> ln_1, self_attention, ln_2, mlp;

    public VitEncoderBlock(ImageNetVitConfig config) : base(nameof(VitEncoderBlock))
    {
        ln_1 = nn.LayerNorm(config.Hidden, eps: 1e-6);
        self_attention = new SelfAttention(config.Hidden, config.Heads);
        ln_2 = nn.LayerNorm(config.Hidden, eps: 1e-6);
        mlp = VggFeatures.Numbered([nn.Linear(config.Hidden, config.Mlp), nn.GELU(), nn.Dropout(0),
            nn.Linear(config.Mlp, config.Hidden), nn.Dropout(0)]);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = self_attention.call(ln_1.call(x)).add(x);
        return mlp.call(ln_2.call(x)).add(x);
    }
}

/// <summary>torchvision's Encoder: position embeddings, the layers, the final LayerNorm.</summary>
public sealed class VitEncoder : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.Parameter pos_embedding;
    readonly nn.Module<Tensor, Tensor> layers, ln;

    public VitEncoder(ImageNetVitConfig config) : base(nameof(VitEncoder))
    {
        pos_embedding = new TorchSharp.Modules.Parameter(torch.empty(1, config.Tokens, config.Hidden));
        using (torch.no_grad()) pos_embedding.normal_(0, 0.02);
        layers = nn.Sequential(Enumerable.Range(0, config.Layers)
            .Select(i => ($"encoder_layer_{i}", (nn.Module<Tensor, Tensor>)new VitEncoderBlock(config))).ToArray());
        ln = nn.LayerNorm(config.Hidden, eps: 1e-6);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => ln.call(layers.call(x.add(pos_embedding)));
}

/// <summary>A torchvision ViT up to the class token's features: [batch, 3, 224, 224] → [batch, D].</summary>
public sealed class VitBackbone : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv_proj, encoder;
    readonly TorchSharp.Modules.Parameter class_token;

    public VitBackbone(ImageNetVitConfig config) : base(nameof(VitBackbone))
    {
        conv_proj = nn.Conv2d(3, config.Hidden, config.Patch, stride: config.Patch);
        class_token = new TorchSharp.Modules.Parameter(torch.zeros(1, 1, config.Hidden));
        encoder = new VitEncoder(config);
        RegisterComponents();
        using var noGrad = torch.no_grad();
        var weight = ((TorchSharp.Modules.Conv2d)conv_proj).weight!;
        ImageNetConvNeXt.TruncatedNormal(weight, Math.Sqrt(1.0 / (3 * config.Patch * config.Patch)));
        ((TorchSharp.Modules.Conv2d)conv_proj).bias!.zero_();
    }

    public override Tensor forward(Tensor x)
    {
        if (x.shape[2] != ImageNetVitConfig.ImageSize || x.shape[3] != ImageNetVitConfig.ImageSize)
            throw new ArgumentException(
                $"a ViT takes {ImageNetVitConfig.ImageSize} x {ImageNetVitConfig.ImageSize} images, not {x.shape[2]} x {x.shape[3]}");
        var patches = conv_proj.call(x).flatten(2).transpose(1, 2);
        var tokens = torch.cat([class_token.expand(x.shape[0], -1, -1), patches], 1);
        return encoder.call(tokens).select(1, 0);
    }
}

/// <summary>The torchvision ViT variants.</summary>
public static class ImageNetVit
{
    /// <summary>torchvision's variants by name.</summary>
    public static readonly IReadOnlyDictionary<string, ImageNetVitConfig> Variants =
        new Dictionary<string, ImageNetVitConfig>
        {
            ["vit_b_16"] = new(16, 12, 12, 768, 3072),
            ["vit_b_32"] = new(32, 12, 12, 768, 3072),
            ["vit_l_16"] = new(16, 24, 16, 1024, 4096),
        };
}
