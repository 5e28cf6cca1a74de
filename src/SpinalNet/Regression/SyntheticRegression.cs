// The paper's regression experiment (docs/regression.md §4, Table I): eight inputs drawn from N(0, 1), a target that is
// the sum, sin of the sum, product or sin of the product of the inputs, plus 0.2·U(0, 1) noise; 1,000 samples, seed 0.
//
// The authors' script builds the target as a (1000 × 1) column plus a (1000,) noise vector, which broadcasts to a
// 1000 × 1000 matrix: every sample's target becomes the row f(x_i) + 0.2·U_j for all j, and the MSE averages over all
// noise draws (an irreducible 0.2²/12 ≈ 3.3e-3 for the product). The default here adds each sample its own noise;
// BroadcastNoise reproduces the script.
using TorchSharp;
using static TorchSharp.torch;

using SpinalNet.Layers;

namespace SpinalNet.Regression;

/// <summary>The synthetic targets of the regression experiment.</summary>
public enum Target { Sum, SinSum, Product, SinProduct }

/// <summary>The synthetic data of the paper's regression experiment.</summary>
public static class SyntheticRegression
{
    public const int Inputs = 8;
    public const double NoiseScale = 0.2;

    public static IReadOnlyList<string> Names => ["sum", "sin-sum", "product", "sin-product"];

    public static Target Parse(string name) => name switch
    {
        "sum" => Target.Sum,
        "sin-sum" => Target.SinSum,
        "product" => Target.Product,
        "sin-product" => Target.SinProduct,
        _ => throw new SettingException("Target", name, $"is not one of {string.Join(", ", Names)}"),
    };

    /// <summary>The noiseless target of each row of x [n, 8]: a column [n, 1].</summary>
    public static Tensor Function(Target target, Tensor x) => target switch
    {
        Target.Sum => x.sum(1, keepdim: true),
        Target.SinSum => x.sum(1, keepdim: true).sin(),
        Target.Product => x.prod(1, keepdim: true),
        _ => x.prod(1, keepdim: true).sin(),
    };

    /// <summary>Inputs [n, 8] and targets: [n, 1] with one noise draw per sample, or [n, n] as the script's
    /// broadcast builds it.</summary>
    public static (Tensor X, Tensor Y) Generate(Target target, int samples, long seed, bool broadcastNoise)
    {
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        var x = torch.randn([samples, Inputs], generator: generator);
        var noise = NoiseScale * torch.rand([samples], generator: generator);
        var clean = Function(target, x);
        return (x, broadcastNoise ? clean + noise : clean + noise.unsqueeze(1));
    }
}
