// ImageNet weights by architecture (docs/pretrained.md §12.2–§12.5): a state dict in PyTorch's format that the test
// writes itself imports into the cache and loads strictly into the backbone only (the head as built, a missing
// num_batches_tracked started at 0); resnet18-cntk loads offline from the NuGet package; downloads go through a server on
// 127.0.0.1 and are checked against the SHA-256 prefix of torchvision's file name; and every bad input is a one-line
// error naming the culprit, with nothing written to the cache and no run folder created.
using SpinalNet.Layers;
using System.Security.Cryptography;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Pretrained;
using SpinalNet.Runs;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class PretrainedWeightsTests : IDisposable
{
    readonly TempFolder temp = new();
    string Cache => temp.Combine("cache");

    public void Dispose() => temp.Dispose();

    static readonly ModelSpec AlexNet = ModelCatalog.Get("alexnet");

    /// <summary>An AlexNet file as torchvision publishes it: the features under torchvision's names and a classifier,
    /// values from a seed.</summary>
    static Dictionary<string, Tensor> AlexNetFile(long seed = 7)
    {
        var keys = AlexNet.Network(HeadKind.Fc).AuthorsKeys;
        var shapes = AlexNet.Network(HeadKind.Fc).OnMeta(
            network => network.Backbone.state_dict().Select(p => (Key: keys.Theirs($"backbone.{p.Key}")!, p.Value.shape)).ToList());
        manual_seed(seed);
        var dict = shapes.ToDictionary(s => s.Key, s => randn(s.shape));
        dict["classifier.6.weight"] = zeros(1000, 4096);
        dict["classifier.6.bias"] = zeros(1000);
        return dict;
    }

    string Write(string name, Dictionary<string, Tensor> dict)
    {
        var path = temp.Combine(name);
        WeightsFile.Write(dict, path, WeightsFile.FormatOf(path));
        return path;
    }

    static void AssertOneLine(Exception e, params string[] parts)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (var part in parts) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void Imported_file_fills_the_backbone_only_and_leaves_the_head_as_built()
    {
        var file = AlexNetFile();
        var target = PretrainedWeights.Import(Write("alexnet-owt.pth", file), "alexnet", Cache);
        Assert.Equal(Path.Combine(Cache, "alexnet.safetensors"), target);
        Assert.Contains(PretrainedWeights.List(Cache), s => s == new PretrainedStatus("alexnet", target, "imported"));

        using var network = AlexNet.Create(HeadKind.Spinal, 3);
        using var fresh = AlexNet.Create(HeadKind.Spinal, 3);
        PretrainedWeights.Load(network, AlexNet, Cache);
        var keys = AlexNet.Network().AuthorsKeys;
        foreach (var (key, value) in network.Backbone.state_dict())
            Assert.True(value.eq(file[keys.Theirs($"backbone.{key}")!]).all().item<bool>(), key);
        Assert.All(network.Head.parameters().Zip(fresh.Head.parameters()),
            p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        Assert.All(network.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void A_file_without_num_batches_tracked_loads_as_pytorch_loads_it()
    {
        // torchvision's older files were saved before batch norms counted their batches.
        var spec = ModelCatalog.Get("resnet18-cntk");
        using var network = spec.Create(HeadKind.Fc, 0);
        var dict = CntkResNet18.ImageNetWeights();
        Assert.DoesNotContain(dict.Keys, k => k.EndsWith("num_batches_tracked"));
        PretrainedWeights.LoadBackbone(network, spec, dict, "graph");
        Assert.Equal(0, network.Backbone.state_dict()["bn1.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void Resnet18_cntk_is_pretrained_offline_when_the_run_asks()
    {
        var config = Recipes.DefaultsFor("resnet18-cntk") with { Pretrained = true };
        Assert.Contains("\"pretrained\": true", RunJson.Serialize(config));
        Assert.Equal("NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18",
            PretrainedWeights.Locate(config.Spec, Cache).Source);
        using var network = config.CreateModel(0);
        using var random = (config with { Pretrained = false }).CreateModel(0);
        var weights = CntkResNet18.ImageNetWeights();
        Assert.True(network.Backbone.state_dict()["conv1.weight"].eq(weights["conv1.weight"]).all().item<bool>());
        Assert.False(random.Backbone.state_dict()["conv1.weight"].eq(weights["conv1.weight"]).all().item<bool>());
        Assert.All(network.Head.parameters().Zip(random.Head.parameters()),
            p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "another architecture", "missing key 'conv1.weight' that resnet18's backbone needs; a state dict of another network?" },
        { "missing key", "missing key 'features.3.bias' that alexnet's backbone needs" },
        { "unexpected key", "unexpected key 'features.99.weight', not part of alexnet's backbone" },
        { "shape", "key 'features.0.bias' has shape [65] but alexnet's backbone needs [64]" },
        { "truncated", ": not a readable PyTorch state dict (torch.save zip format): " },
        { "not a zip", ": not a readable PyTorch state dict: not in torch.save's zip format" },
        { "hostile pickle", ": refused: its pickle calls posix.system, which builds neither a tensor nor a state dict; " +
            "nothing in the file was run" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_file_is_refused_in_one_line_and_nothing_reaches_the_cache(string what, string message)
    {
        const string Marker = "/tmp/spinalnet-hostile-pickle-ran";
        var dict = AlexNetFile();
        string architecture = what == "another architecture" ? "resnet18" : "alexnet";
        if (what == "missing key") dict.Remove("features.3.bias");
        if (what == "unexpected key") dict["features.99.weight"] = zeros(3);
        if (what == "shape") dict["features.0.bias"] = zeros(65);
        var path = Write("alexnet.pth", dict);
        if (what == "truncated") File.WriteAllBytes(path, File.ReadAllBytes(path)[..5000]);
        if (what == "not a zip") File.WriteAllText(path, "not a state dict");
        if (what == "hostile pickle") path = InteropFixtureTests.Fixture("hostile.pth", "pretrained");

        var error = Assert.ThrowsAny<Exception>(() => PretrainedWeights.Import(path, architecture, Cache));
        AssertOneLine(error, path, message);
        Assert.False(Directory.Exists(Cache) && Directory.EnumerateFileSystemEntries(Cache).Any());
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public void Pretrained_network_without_imagenet_weights_or_without_a_file_says_what_to_do()
    {
        var error = Assert.Throws<SettingException>(() =>
            Configuration.Validate(Recipes.DefaultsFor("mnist-cnn") with { Pretrained = true }));
        AssertOneLine(error, "Pretrained: mnist-cnn has no ImageNet weights (networks with them: resnet18, resnet18-cntk");

        var missing = Assert.Throws<FileNotFoundException>(() => PretrainedWeights.Locate(ModelCatalog.Get("vgg19_bn"), Cache));
        AssertOneLine(missing, $"--pretrained: no ImageNet weights for vgg19_bn in {Cache} (looked for vgg19_bn.safetensors " +
            "and vgg19_bn-c79401a0.pth); get them with `spinalnet weights download vgg19_bn` or `spinalnet weights import " +
            "FILE --model vgg19_bn`");
        Assert.Contains("nothing to download",
            Assert.Throws<ArgumentException>(() => PretrainedWeights.Download("resnet18-cntk", null!, Cache)).Message);
    }

    [Fact]
    public void A_bad_file_in_the_cache_stops_the_comparison_before_its_folder_exists()
    {
        Directory.CreateDirectory(Cache);
        File.WriteAllText(Path.Combine(Cache, "alexnet.safetensors"), "not safetensors");
        var folder = temp.Combine("run");
        var config = Recipes.DefaultsFor("alexnet") with { Pretrained = true, Data = "embedded", Augmentation = "mnist" };
        Environment.SetEnvironmentVariable(PretrainedWeights.FolderVariable, Cache);
        try
        {
            // compare builds both heads before it reads the data; train reads the data first, then builds the network,
            // and creates the folder after both.
            var error = Assert.ThrowsAny<Exception>(() => HeadComparison.Create(config, 1, folder));
            AssertOneLine(error, Path.Combine(Cache, "alexnet.safetensors"), "not a readable safetensors file");
        }
        finally
        {
            Environment.SetEnvironmentVariable(PretrainedWeights.FolderVariable, null);
        }
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Download_checks_the_sha256_prefix_of_the_name_and_renames_into_place()
    {
        using var server = new LoopbackServer();
        var bytes = File.ReadAllBytes(Write("alexnet.pth", AlexNetFile()));
        string prefix = Convert.ToHexStringLower(SHA256.HashData(bytes))[..8];
        var file = new TorchvisionFile("alexnet", $"alexnet-owt-{prefix}.pth");
        Assert.Equal(prefix, file.Sha256Prefix);
        server.Files[$"models/{file.Name}"] = bytes;
        Environment.SetEnvironmentVariable(PretrainedWeights.UrlVariable, server.Url("models/"));
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            var path = PretrainedWeights.Download(file, new Downloader(client), Cache);
            Assert.Equal(Path.Combine(Cache, file.Name), path);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.Equal([file.Name], Directory.GetFiles(Cache).Select(Path.GetFileName));
            Assert.Equal([$"models/{file.Name} -"], server.Requests);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PretrainedWeights.UrlVariable, null);
        }
        Assert.Equal("https://download.pytorch.org/models/vgg19_bn-c79401a0.pth",
            PretrainedWeights.Torchvision.Single(f => f.Architecture == "vgg19_bn").Url);
    }

    /// <summary>The CLI with the cache and the server of this test, never a proxy.</summary>
    CliResult Cli(string? url, params string[] args) => CliRunner.Dotnet(Path.GetTempPath(), TimeSpan.FromMinutes(2),
        new Dictionary<string, string?>
        {
            [PretrainedWeights.FolderVariable] = Cache, [PretrainedWeights.UrlVariable] = url, ["NO_PROXY"] = "127.0.0.1",
            ["HTTP_PROXY"] = null, ["HTTPS_PROXY"] = null, ["http_proxy"] = null, ["https_proxy"] = null,
        }, [CliRunner.Program, .. args]);

    [Fact]
    public void Cli_download_with_a_wrong_checksum_fails_in_one_line_and_leaves_the_cache_empty()
    {
        using var server = new LoopbackServer();
        server.Files["resnet18-f37072fd.pth"] = "not torchvision's file"u8.ToArray();
        var result = Cli(server.Url(""), "weights", "download", "resnet18");
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("resnet18-f37072fd.pth: download failed: ", result.Stderr);
        Assert.Contains("checksum mismatch: SHA-256 prefix ", result.Stderr);
        Assert.Contains(", expected f37072fd (download deleted)", result.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(Cache));
    }

    [Fact]
    public void Cli_import_list_and_pretrained_errors()
    {
        var import = Cli(null, "weights", "import", Write("alexnet-owt.pth", AlexNetFile()), "--model", "alexnet");
        Assert.Equal(0, import.ExitCode);
        Assert.Contains($"weights in {Path.Combine(Cache, "alexnet.safetensors")}", import.Stdout);

        var list = Cli(null, "weights", "list");
        Assert.Equal(0, list.ExitCode);
        var rows = list.Stdout.Split('\n');
        Assert.Contains(rows, r => r.Contains("alexnet ") && r.Contains("imported"));
        Assert.Contains(rows, r => r.Contains("resnet18-cntk") && r.Contains("NuGet package"));
        Assert.Contains(rows, r => r.Contains("wide_resnet101_2") && r.Contains("missing"));
        Assert.Contains($"cache: {Cache}", list.Stdout);

        var hostile = Cli(null, "weights", "import", InteropFixtureTests.Fixture("hostile.pth", "pretrained"), "-m", "alexnet");
        Assert.Equal(1, hostile.ExitCode);
        Assert.StartsWith("spinalnet: ", hostile.Stderr);
        Assert.Contains("refused: its pickle calls posix.system", hostile.Stderr);

        foreach (var model in new[] { "mnist-cnn", "resnet50" })
        {
            var run = temp.Combine($"run-{model}");
            var train = Cli(null, "train", "--model", model, "--pretrained", "--out", run);
            Assert.Equal(1, train.ExitCode);
            Assert.Single(train.Stderr.Trim().Split('\n'));
            Assert.Contains(model == "mnist-cnn" ? "mnist-cnn has no ImageNet weights" : "`spinalnet weights download resnet50`",
                train.Stderr);
            Assert.False(Directory.Exists(run));
        }
    }
}
