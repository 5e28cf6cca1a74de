// Logit parity of the newer torchvision backbones with their own heads (docs/transfer.md §11.4): torchvision 0.14's
// networks with 10 classes, their weights filled by the formula of tests/fixtures/make_pretrained_fixtures.py, gave the
// logits stored by tests/fixtures/make_torchvision_fixtures.py (one 32 px image; ViT one 224 px image); our networks,
// filled by the same formula under torchvision's names through the key map, give the same logits in eval mode; a
// state dict under torchvision's names gives torchvision's probabilities through `predict --weights` (ImageNet
// normalisation, an image already at the input size not resized).
using System.Globalization;
using SpinalNet.Interop;
using SpinalNet.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class TorchvisionParityTests(ITestOutputHelper log)
{
    public static TheoryData<string> Names => new(
        "densenet121", "densenet169", "densenet201", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2",
        "efficientnet_b3", "mobilenet_v3_large", "mobilenet_v3_small", "convnext_tiny", "convnext_small",
        "convnext_base", "swin_t", "swin_s", "swin_b", "vit_b_32");
    // vit_b_16's fixture is stored too (the same modules as vit_b_32 with 196 patches); it is left out of the suite
    // for time, as vit_l_16 (303M parameters) is.

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

    [Fact]
    public void Torchvision_named_weights_give_torchvisions_probabilities_through_predict()
    {
        const string name = "mobilenet_v3_small";
        using var temp = new TempFolder();
        var weights = temp.Combine($"{name}.pth");
        var choice = ModelCatalog.Get(name).Network(HeadKind.Fc);
        using (var network = PretrainedFixtureTests.FilledByFormula(choice, name))
            AuthorsWeights.Save(choice, network, weights, WeightsFormat.Pt);
        var image = InteropFixtureTests.Fixture("pattern-32.png", "torchvision");
        var result = CliRunner.Run("predict", "--model", name, "--head", "fc", "--weights", weights, "--image-size", "32",
            "--top", "10", image);
        Assert.True(result.ExitCode == 0, result.Stderr);
        log.WriteLine(result.Stdout);
        var ours = result.Stdout.Trim().Split(": ")[1].Split(", ").Select(p => p.Split(' '))
            .ToDictionary(p => p[0], p => double.Parse(p[1].TrimEnd('%'), CultureInfo.InvariantCulture) / 100);
        foreach (var line in File.ReadAllLines(InteropFixtureTests.Fixture($"{name}.predict.txt", "torchvision")))
        {
            var parts = line.Split(' ');
            double theirs = double.Parse(parts[1], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(ours[parts[0]] - theirs) < 1e-4, $"class {parts[0]}: {ours[parts[0]]} against {theirs}");
        }
    }
}
