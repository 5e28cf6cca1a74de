// PyTorch parity of the ImageNet networks with the authors' transfer heads (docs/pretrained.md §12.6): torchvision's
// ResNet(BasicBlock, [2, 2, 2, 3]) with SpinalNet_ResNet at .fc and torchvision's vgg16_bn with SpinalNet_VGG as
// .classifier, their weights filled by the formula of tests/fixtures/make_pretrained_fixtures.py (stored fixtures:
// the state-dict keys and the logits on a 2 x 3 x 64 x 64 input), load into our networks through the key map and give
// PyTorch's logits; `spinalnet export --format pt` writes exactly torchvision's and the authors' keys (the generator's
// --check loads the files this test leaves in the temp folder with load_state_dict(strict=True)).
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Runs;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class PretrainedFixtureTests(ITestOutputHelper log)
{
    /// <summary>The fixtures' networks: our model and the Spinal width of the generator's head.</summary>
    static readonly Dictionary<string, NetworkChoice> Networks = new()
    {
        ["resnet18-cntk-spinal"] = ModelCatalog.Get("resnet18-cntk").With(HeadKind.Spinal, s => s with { Width = 128 }),
        ["vgg16_bn-spinal"] = ModelCatalog.Get("vgg16_bn").With(HeadKind.Spinal, s => s with { Width = 64 }),
    };

    public static TheoryData<string> Names => new(Networks.Keys);

    static string Fixture(string file) => InteropFixtureTests.Fixture(file, "pretrained");

    /// <summary>make_pretrained_fixtures.py's weights(): u in [-1, 1] from the element index and the key's position in
    /// the sorted key list, scaled by what the key names; integer and single float64 steps, as on the Python side.</summary>
    internal static Tensor Formula(string key, int index, long[] shape)
    {
        if (key.EndsWith("num_batches_tracked")) return zeros(shape, ScalarType.Int64);
        long n = shape.Aggregate(1L, (a, d) => a * d);
        using var scope = NewDisposeScope();
        var u = arange(n, ScalarType.Int64).mul(7919).add(index * 104729L).remainder(2003).sub(1001)
            .to(ScalarType.Float64).div(1001.0);
        var v = key.EndsWith("running_var") ? u.mul(0.25).add(0.75)
            : key.EndsWith("running_mean") ? u.mul(0.1)
            : shape.Length >= 2 ? u.mul(Math.Sqrt(6.0 / (n / shape[0])))
            : key.EndsWith("weight") ? u.mul(0.25).add(1.0)
            : u.mul(0.1);
        return v.to(ScalarType.Float32).reshape(shape).MoveToOuterDisposeScope();
    }

    static (ModelSpec Spec, ClassifierNetwork Network) Filled(string name) =>
        (Networks[name].Spec, FilledByFormula(Networks[name], name));

    /// <summary>The network of <paramref name="choice"/> with every tensor set by <see cref="Formula"/> under its
    /// PyTorch name (the key map's), as the generators fill theirs.</summary>
    internal static ClassifierNetwork FilledByFormula(NetworkChoice choice, string name)
    {
        var network = choice.Create(0);
        var keys = choice.AuthorsKeys;
        var state = network.state_dict().ToDictionary(p => keys.Theirs(p.Key)!, p => p.Value);
        var order = state.Keys.Order(StringComparer.Ordinal).ToList();
        // Swin's relative_position_index is a fixed table of the architecture, not a weight: it keeps its value.
        var theirs = state.ToDictionary(p => p.Key, p => p.Key.EndsWith("relative_position_index")
            ? p.Value.clone() : Formula(p.Key, order.IndexOf(p.Key), p.Value.shape));
        AuthorsWeights.Load(network, keys, theirs, name, name);
        foreach (var t in theirs.Values) t.Dispose();
        return network;
    }

    static double MaxDifference(nn.Module<Tensor, Tensor> network, string name) =>
        InteropFixtureTests.MaxDifference(network, name, "pretrained");

    [Theory]
    [MemberData(nameof(Names))]
    public void Formula_weights_loaded_through_the_key_map_give_pytorchs_logits(string name)
    {
        var (_, network) = Filled(name);
        using (network)
        {
            double difference = MaxDifference(network, name);
            log.WriteLine($"{name}: max |C# − PyTorch| logit difference {difference:G3}");
            Assert.True(difference < 1e-4, $"{name}: max difference {difference}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Export_writes_torchvisions_and_the_authors_keys_and_loads_back(string name)
    {
        var (spec, network) = Filled(name);
        using var temp = new TempFolder();
        var run = new RunDirectory(temp.Combine("run"));
        run.WriteConfig(Recipes.DefaultsFor(spec.Name) with { Head = HeadKind.Spinal, Spinal = Networks[name].Spinal });
        using (network) WeightsFile.Save(network, run.File(RunDirectory.WeightsFile));

        var path = TrainedModel.Export(run.Path, "pt");
        var exported = WeightsFile.Read(path);
        Assert.Equal(File.ReadAllLines(Fixture($"{name}.keys.txt")).Order(), exported.Keys.Order());
        // Kept for `make_pretrained_fixtures.py --check`.
        var check = Path.Combine(Path.GetTempPath(), "spinalnet-export-check", $"{name}.pt");
        Directory.CreateDirectory(Path.GetDirectoryName(check)!);
        File.Copy(path, check, overwrite: true);

        using var copy = Networks[name].Create(1);
        AuthorsWeights.Load(Networks[name], copy, path);
        Assert.True(MaxDifference(copy, name) < 1e-4);
    }
}
