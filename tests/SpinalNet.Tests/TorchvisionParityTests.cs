// Logit parity of the newer torchvision backbones with their own heads (docs/transfer.md §11.4): torchvision 0.14's
// networks with 10 classes, their weights filled by the formula of tests/fixtures/make_pretrained_fixtures.py, gave the
// logits stored by tests/fixtures/make_torchvision_fixtures.py (one 32 px image; ViT one 224 px image); our networks,
// filled by the same formula under torchvision's names through the key map, give the same logits in eval mode.
using SpinalNet.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class TorchvisionParityTests(ITestOutputHelper log)
{
    public static TheoryData<string> Names => new(
        "densenet121", "densenet169", "densenet201", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2",
        "efficientnet_b3", "mobilenet_v3_large", "mobilenet_v3_small", "convnext_tiny", "convnext_small",
        "convnext_base", "vit_b_32", "vit_b_16");

    [Theory]
    [MemberData(nameof(Names))]
    public void Formula_weights_give_torchvisions_logits(string name)
    {
        using var network = PretrainedFixtureTests.FilledByFormula(ModelCatalog.Get(name).Network(HeadKind.Fc), name);
        var io = Interop.WeightsFile.Read(InteropFixtureTests.Fixture($"{name}.io.pt", "torchvision"));
        network.eval();
        using var noGrad = no_grad();
        double difference = network.call(io["input"]).sub(io["output"]).abs().max().item<float>();
        double scale = io["output"].abs().max().item<float>();
        log.WriteLine($"{name}: max |C# − torchvision| {difference:G3}, relative {difference / scale:G3}");
        Assert.True(difference <= 1e-4 * Math.Max(1, scale), $"{name}: max difference {difference} on logits up to {scale}");
    }
}
