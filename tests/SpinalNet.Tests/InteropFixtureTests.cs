// State dicts saved by PyTorch (torch.save(model.state_dict())) from definitions of the authors' modules load into
// our networks and reproduce PyTorch's outputs in evaluation mode, batch-norm running statistics included; our
// weights exported under the authors' names load back. Fixtures: tests/fixtures/authors, made once by
// tests/fixtures/make_fixtures.py with Debian's python3-torch 1.13; the settings below mirror its NETWORKS table.
using SpinalNet.Interop;
using SpinalNet.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class InteropFixtureTests(ITestOutputHelper log)
{
    internal static readonly int[][] Vgg5Blocks = [[4, 4], [8, 8], [8, 8, 8], [8, 8, 8]];
    internal static readonly int[] CnnChannels = [4, 4, 8, 8, 8, 8];
    const int M = VggFeatures.Pool;
    static readonly int[] VggCfg = [4, 4, M, 8, 8, M, 8, 8, 8, 8, M, 16, 16, 16, 16, M, 16, 16, 16, 16, M];

    internal static readonly Dictionary<string, (Func<nn.Module<Tensor, Tensor>> Build, AuthorsKeys Keys)> Networks = new()
    {
        ["mnist-cnn-fc"] = (() => MnistCnn.Create(Choice("mnist-cnn", HeadKind.Fc)), MnistCnn.Keys(HeadKind.Fc)),
        ["mnist-cnn-spinal"] = (() => MnistCnn.Create(Choice("mnist-cnn", HeadKind.Spinal)), MnistCnn.Keys(HeadKind.Spinal)),
        ["arch2-spinal-w4"] = (() => Arch2.Create(Choice("arch2-mnist", HeadKind.Spinal, 4)), Arch2.Keys(HeadKind.Spinal)),
        ["vgg5-fc-small"] = (() => Vgg5.Create(Choice("vgg5", HeadKind.Fc, 4, 5), new Vgg5Config(Vgg5Blocks, 6)), Vgg5.Keys(HeadKind.Fc)),
        ["vgg5-spinal-small"] = (() => Vgg5.Create(Choice("vgg5", HeadKind.Spinal, 4, 5), new Vgg5Config(Vgg5Blocks, 6)),
            Vgg5.Keys(HeadKind.Spinal)),
        ["cifar-cnn-fc-small"] = (() => CifarCnn.Create(Choice("cifar10-cnn", HeadKind.Fc, 6, 5), new CifarCnnConfig(CnnChannels, [12, 10])),
            CifarCnn.Keys(HeadKind.Fc)),
        ["cifar-cnn-spinal-small"] = (() => CifarCnn.Create(Choice("cifar10-cnn", HeadKind.Spinal, 6, 5),
            new CifarCnnConfig(CnnChannels, [12, 10])), CifarCnn.Keys(HeadKind.Spinal)),
        ["cifar-vgg19-fc-small"] = (() => CifarVgg.Create(Choice("cifar10-vgg19-bn", HeadKind.Fc, 6, 5), new CifarVggConfig(19, 12, VggCfg)),
            CifarVgg.Keys(HeadKind.Fc)),
        ["cifar-vgg19-spinal-small"] = (() => CifarVgg.Create(Choice("cifar10-vgg19-bn", HeadKind.Spinal, 6, 5), new CifarVggConfig(19, 12, VggCfg)),
            CifarVgg.Keys(HeadKind.Spinal)),
        ["cifar-resnet18-fc-small"] = (() => CifarResNet.Create(Choice("cifar10-resnet18", HeadKind.Fc, 6, 5),
            new CifarResNetConfig(CifarResNetConfig.ResNet18, 2)), CifarResNet.Keys(HeadKind.Fc)),
        ["cifar-resnet18-spinal-small"] = (() => CifarResNet.Create(Choice("cifar10-resnet18", HeadKind.Spinal, 6, 5),
            new CifarResNetConfig(CifarResNetConfig.ResNet18, 2)), CifarResNet.Keys(HeadKind.Spinal)),
        ["cifar-resnet34-spinal-small"] = (() => CifarResNet.Create(Choice("cifar10-resnet34", HeadKind.Spinal, 6, 5),
            new CifarResNetConfig(CifarResNetConfig.ResNet34, 2)), CifarResNet.Keys(HeadKind.Spinal)),
    };

    public static TheoryData<string> Names => new(Networks.Keys);

    /// <summary>The catalogue's <paramref name="model"/> with <paramref name="head"/>, its Spinal head
    /// <paramref name="width"/> wide (null: the paper's), and <paramref name="classes"/> outputs (null: its own).</summary>
    internal static NetworkChoice Choice(string model, HeadKind head, int? width = null, int? classes = null) =>
        ModelCatalog.Get(model).With(head, s => s with { Width = width ?? s.Width }, classes);

    internal static string Fixture(string file, string folder = "authors")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "fixtures", folder, file);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"fixture {file} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Largest |ours − PyTorch's| on the fixture's input, with <paramref name="model"/> in eval mode.</summary>
    internal static double MaxDifference(nn.Module<Tensor, Tensor> model, string name, string folder = "authors")
    {
        var io = WeightsFile.Read(Fixture($"{name}.io.pt", folder));
        model.eval();
        using var noGrad = no_grad();
        return model.call(io["input"]).sub(io["output"]).abs().max().item<float>();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Authors_state_dict_reproduces_pytorch_outputs(string name)
    {
        var (build, keys) = Networks[name];
        using var model = build();
        AuthorsWeights.Load(model, keys, WeightsFile.Read(Fixture($"{name}.pt")), name, name);
        double difference = MaxDifference(model, name);
        log.WriteLine($"{name}: max |C# − PyTorch| = {difference:G3}");
        Assert.True(difference < 1e-5, $"{name}: max difference {difference}");
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    public static TheoryData<string, WeightsFormat> Exports()
    {
        var data = new TheoryData<string, WeightsFormat>();
        foreach (var name in Networks.Keys) data.Add(name, WeightsFormat.Pt);
        data.Add("vgg5-spinal-small", WeightsFormat.Safetensors);
        return data;
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public void Exported_weights_load_back_under_the_authors_names(string name, WeightsFormat format)
    {
        var (build, keys) = Networks[name];
        using var source = build();
        AuthorsWeights.Load(source, keys, WeightsFile.Read(Fixture($"{name}.pt")), name, name);
        // Kept in the temp folder so make_fixtures.py --check can load them in PyTorch.
        var path = Path.Combine(Path.GetTempPath(), "spinalnet-export-check",
            $"{name}{(format == WeightsFormat.Pt ? ".pt" : ".safetensors")}");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AuthorsWeights.Save(source, keys, path, format);
        Assert.Equal(WeightsFile.Read(Fixture($"{name}.pt")).Keys.Order(), WeightsFile.Read(path).Keys.Order());

        using var copy = build();
        AuthorsWeights.Load(copy, keys, WeightsFile.Read(path), path, name);
        Assert.True(MaxDifference(copy, name) < 1e-5);
    }
}
