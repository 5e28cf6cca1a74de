// Explanations (docs/serving.md §16.4): the Spinal head's per-layer shares sum to its logits for every variant of the
// layer; Grad-CAM equals PyTorch's on the committed fixture tests/fixtures/gradcam/mnist-cnn-spinal.json (made once by
// tests/fixtures/make_gradcam_fixture.py with Debian's python3-torch, weights tests/fixtures/authors/mnist-cnn-spinal.pt);
// the map changes when the weights are randomised (Adebayo et al., "Sanity Checks for Saliency Maps"); `spinalnet
// explain` writes explanations.json and the pictures.
using System.Text.Json;
using SpinalNet.Explanation;
using SpinalNet.Interop;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public sealed class ExplainTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("spinalnet-explain-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string> Variants => new()
    {
        "plain", "batch-norm", "shared", "blocks", "splits-3", "dropout", "gelu", "wide", "tanh-k1",
    };

    static SpinalConfig Variant(string name) => name switch
    {
        "plain" => new SpinalConfig(20, 4, 5, 7),
        "batch-norm" => new SpinalConfig(20, 4, 5, 7, BatchNorm: true),
        "shared" => new SpinalConfig(20, 4, 5, 7, SharedWeights: true),
        "blocks" => new SpinalConfig(20, 4, 6, 7, LayerBlocks: [0, 1, 2, 3, 2, 3]),
        "splits-3" => new SpinalConfig(20, 5, 7, 3, Splits: 3),  // s = 7: layer 2's split wraps round the input
        "dropout" => new SpinalConfig(20, 4, 5, 7, Dropout: 0.3),
        "gelu" => new SpinalConfig(20, 4, 5, 7, Activation: Activation.Gelu),
        "wide" => new SpinalConfig(20, 40, 3, 7),  // wider than the fused path takes
        "tanh-k1" => new SpinalConfig(20, 4, 3, 7, Splits: 1, Activation: Activation.Tanh),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Layer_shares_and_bias_sum_to_the_logits_for_every_spinal_variant(string variant)
    {
        torch.manual_seed(26);
        using var network = new ClassifierNetwork(nn.Flatten(), new SpinalLayer(Variant(variant)), logSoftmax: true);
        // Running statistics away from 0 and 1, so batch norm in evaluation mode is not the identity.
        network.train();
        using (torch.no_grad())
            for (int i = 0; i < 3; i++) network.call(torch.randn(16, 20) * 2 + 1);
        network.eval();
        using var x = torch.randn(6, 20);
        var shares = SpinalDecomposition.Compute(network, x)!;
        using var logits = network.Head.call(x);
        var expected = logits.data<float>().ToArray();
        int classes = (int)logits.shape[1];
        Assert.Equal(6, shares.Count);
        for (int b = 0; b < 6; b++)
        {
            Assert.Equal(Variant(variant).Layers, shares[b].Contributions.Length);
            for (int c = 0; c < classes; c++)
            {
                double sum = shares[b].Contributions.Sum(layer => layer[c]) + shares[b].Bias[c];
                Assert.True(Math.Abs(sum - expected[b * classes + c]) <= 1e-5,
                    $"{variant}: sample {b} class {c}: shares sum to {sum}, the logit is {expected[b * classes + c]}");
                Assert.Equal(expected[b * classes + c], shares[b].Logits[c], 1e-6);
            }
        }
    }

    [Fact]
    public void Shares_sum_to_the_logits_of_a_head_that_is_a_sequence_ending_in_a_spinal_layer()
    {
        torch.manual_seed(3);
        using var network = ModelCatalog.Get("cifar10-resnet18").Create(HeadKind.Spinal, 3, 10);
        network.eval();
        using var x = torch.randn(2, 3, 32, 32);
        var shares = SpinalDecomposition.Compute(network, x)!;
        using var logits = network.Head.call(network.Features(x));
        var expected = logits.data<float>().ToArray();
        for (int c = 0; c < 10; c++)
            Assert.True(Math.Abs(shares[1].Contributions.Sum(l => l[c]) + shares[1].Bias[c] - expected[10 + c]) <= 1e-5);
    }

    [Fact]
    public void A_conventional_head_has_no_decomposition() =>
        Assert.Null(SpinalDecomposition.Compute(
            ModelCatalog.Get("mnist-cnn").Create(HeadKind.Fc, 0), torch.zeros(1, 1, 28, 28)));

    static JsonElement Fixture() => JsonDocument.Parse(File.ReadAllText(FixturePath())).RootElement;

    static ClassifierNetwork FixtureNetwork()
    {
        var choice = ModelCatalog.Get("mnist-cnn").Network(HeadKind.Spinal);
        var network = choice.Create(0);
        var weights = Path.Combine(Path.GetDirectoryName(FixturePath())!, "..", "authors", "mnist-cnn-spinal.pt");
        AuthorsWeights.LoadAny(choice, network, weights);
        network.eval();
        return network;
    }

    static string FixturePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "fixtures", "gradcam", "mnist-cnn-spinal.json");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("tests/fixtures/gradcam/mnist-cnn-spinal.json");
    }

    static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    [Fact]
    public void Grad_cam_equals_pytorchs_on_the_fixture()
    {
        var fixture = Fixture();
        using var network = FixtureNetwork();
        Assert.Equal(fixture.GetProperty("layer").GetString(), GradCam.SpatialLayers(network, torch.zeros(1, 1, 28, 28))[^1]);
        foreach (var c in fixture.GetProperty("cases").EnumerateArray())
        {
            using var x = torch.tensor(Floats(c.GetProperty("input")), [1, 1, 28, 28]);
            int? target = c.GetProperty("target").ValueKind == JsonValueKind.Null ? null : c.GetProperty("target").GetInt32();
            var map = GradCam.Compute(network, x, target);
            Assert.Equal(c.GetProperty("class").GetInt32(), map.Class);
            Assert.Equal((4, 4, 28, 28), (map.CoarseHeight, map.CoarseWidth, map.Height, map.Width));
            var (coarse, full) = (Floats(c.GetProperty("coarse")), Floats(c.GetProperty("map")));
            Assert.True(coarse.Zip(map.Coarse).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, "coarse map");
            Assert.True(full.Zip(map.Map).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, "map at the input size");
            using var logits = network.Head.call(network.Features(x));
            Assert.True(Floats(c.GetProperty("logits")).Zip(logits.data<float>().ToArray())
                .Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, "logits");
        }
    }

    [Fact]
    public void Grad_cam_at_a_named_block_and_a_refused_name()
    {
        using var network = FixtureNetwork();
        using var x = torch.tensor(Floats(Fixture().GetProperty("cases")[0].GetProperty("input")), [1, 1, 28, 28]);
        var early = GradCam.Compute(network, x, layer: "backbone.conv1");
        Assert.Equal((24, 24), (early.CoarseHeight, early.CoarseWidth));
        var e = Assert.Throws<SettingException>(() => GradCam.Compute(network, x, layer: "backbone.flatten"));
        Assert.Contains("backbone.act2", e.Message);
    }

    [Fact]
    public void Sanity_check_the_map_changes_when_the_weights_are_randomised()
    {
        var fixture = Fixture();
        using var network = FixtureNetwork();
        using var x = torch.tensor(Floats(fixture.GetProperty("cases")[0].GetProperty("input")), [1, 1, 28, 28]);
        var before = GradCam.Compute(network, x, 2);
        // Cascading randomisation from the top (Adebayo et al. 2018): the head, then the head and conv2.
        torch.manual_seed(1);
        using (torch.no_grad())
            foreach (var (name, p) in network.named_parameters().Where(p => p.name.StartsWith("head.")))
                p.copy_(torch.randn_like(p) * 0.3);
        var headRandom = GradCam.Compute(network, x, 2);
        using (torch.no_grad())
            foreach (var (name, p) in network.named_parameters().Where(p => p.name.StartsWith("backbone.conv2")))
                p.copy_(torch.randn_like(p) * 0.3);
        var convRandom = GradCam.Compute(network, x, 2);
        Assert.True(Correlation(before.Map, headRandom.Map) < 0.9,
            $"map barely changed with a random head (r = {Correlation(before.Map, headRandom.Map):F3})");
        Assert.True(Correlation(before.Map, convRandom.Map) < 0.9,
            $"map barely changed with random head and conv2 (r = {Correlation(before.Map, convRandom.Map):F3})");
    }

    static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
        double va = a.Sum(v => (v - ma) * (v - ma)), vb = b.Sum(v => (v - mb) * (v - mb));
        return va == 0 || vb == 0 ? 0 : cov / Math.Sqrt(va * vb);
    }

    [Fact]
    public void Explain_writes_explanations_json_whose_shares_sum_to_the_logits_and_the_pictures()
    {
        // Two real test digits as PNG files, one of them dark on light as people draw (inverted, as predict does).
        var digits = SpinalNet.Data.MnistFamily.Load(SpinalNet.Data.MnistFamily.EmbeddedSample, SpinalNet.Data.MnistVariant.Mnist,
            SpinalNet.Data.Split.Test);
        var first = Path.Combine(folder, "seven.png");
        File.WriteAllBytes(first, SpinalNet.Data.ImageCodec.Encode(digits.ReadImage(0)));
        var drawn = digits.ReadImage(1);
        var second = Path.Combine(folder, "drawn.png");
        File.WriteAllBytes(second, SpinalNet.Data.ImageCodec.Encode(new SpinalNet.Data.Image(1, 28, 28,
            drawn.Data.Select(v => 1 - v).ToArray())));
        var weights = Path.Combine(Path.GetDirectoryName(FixturePath())!, "..", "authors", "mnist-cnn-spinal.pt");
        var output = Path.Combine(folder, "out");
        var result = CliRunner.Run("explain", "--model", "mnist-cnn", "--head", "spinal", "--weights", weights,
            "--out", output, first, second);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "explanations.json")));
        var entries = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal([first, second], entries.Select(e => e.GetProperty("image").GetString()));
        var predicted = new ModelSource(Weights: weights, Options: new RunOverrides(Model: "mnist-cnn", Head: HeadKind.Spinal))
            .Predict([first, second], 1);
        foreach (var (entry, prediction) in entries.Zip(predicted))
        {
            Assert.Equal(prediction.Top[0].Name, entry.GetProperty("predicted").GetString());
            var logits = Floats(entry.GetProperty("logits"));
            var contributions = entry.GetProperty("contributions").EnumerateArray().Select(Floats).ToArray();
            var bias = Floats(entry.GetProperty("bias"));
            Assert.Equal(6, contributions.Length);
            for (int c = 0; c < 10; c++)
                Assert.True(Math.Abs(contributions.Sum(l => (double)l[c]) + bias[c] - logits[c]) <= 1e-5);
            AssertPng(Path.Combine(output, entry.GetProperty("overlay").GetString()!), 280, 280);
            AssertPng(Path.Combine(output, entry.GetProperty("shares_chart").GetString()!), 480, 300);
        }
        Assert.True(entries[1].GetProperty("inverted").GetBoolean());

        var bad = CliRunner.Run("explain", "--model", "mnist-cnn", "--head", "spinal", "--weights", weights, "--out",
            output, "--layer", "head", first);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--layer", bad.Stderr);
    }

    [Fact]
    public void Explanations_go_into_the_run_folder_unless_a_folder_is_named()
    {
        Assert.Equal(Path.Combine("runs", "a", "explanations"), ImageExplanations.DefaultFolder(new ModelSource(Run: Path.Combine("runs", "a"))));
        Assert.Equal("explanations", ImageExplanations.DefaultFolder(new ModelSource(Weights: "w.pt")));
    }

    static void AssertPng(string path, int width, int height)
    {
        using var codec = SkiaSharp.SKCodec.Create(path);
        Assert.Equal((width, height), (codec.Info.Width, codec.Info.Height));
    }
}
