// A regression network with its data's standardisation around it (docs/regression.md §4): features scaled with the
// training part's mean and standard deviation on the way in, the prediction brought back to the target's units on the
// way out, y = net((x − mean) / std) · target_std + target_mean. This is what a CSV regression run serves: raw
// feature values in, target values out (and what its ONNX export computes).
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Regression;

/// <summary>The training part's statistics that TabularRegression standardises with.</summary>
public sealed record Standardisation(float[] FeatureMean, float[] FeatureStd, float TargetMean, float TargetStd);

/// <summary>A regression network with its standardisation inside: raw features in, the target in its units out.</summary>
public sealed class StandardisedRegression : nn.Module<Tensor, Tensor>
{
    readonly RegressionNetwork net;
    // Buffers, so that they travel in the state dict (and in an ONNX export's initializers).
    readonly Tensor feature_mean, feature_std, target_mean, target_std;

    public StandardisedRegression(RegressionNetwork net, Standardisation scaling) : base(nameof(StandardisedRegression))
    {
        if (scaling.FeatureMean.Length != scaling.FeatureStd.Length)
            throw new ArgumentException("standardisation: as many feature means as standard deviations are needed");
        this.net = net;
        feature_mean = tensor(scaling.FeatureMean);
        feature_std = tensor(scaling.FeatureStd);
        target_mean = tensor(new[] { scaling.TargetMean });
        target_std = tensor(new[] { scaling.TargetStd });
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        net.call((x - feature_mean) / feature_std) * target_std + target_mean;
}
