// Bad weights files a state dict of another architecture or width, a missing or extra key, a wrong
// shape, a corrupt or non-state-dict file: one-line errors naming the file and the first key that does not fit, and
// the network left untouched.
using SpinalNet.Interop;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class InteropBadInputTests : IDisposable
{
    readonly TempFolder temp = new();
    string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    static readonly ModelSpec MnistCnnSpec = ModelCatalog.Get("mnist-cnn");

    static string Fixture(string file) => InteropFixtureTests.Fixture(file);

    static Exception LoadFails(ModelSpec spec, HeadKind head, string path)
    {
        using var model = spec.Create(head, 0);
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        var error = Assert.ThrowsAny<Exception>(() => AuthorsWeights.Load(spec.Network(head), model, path));
        Assert.DoesNotContain('\n', error.Message);
        Assert.All(model.parameters().Zip(before), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        return error;
    }

    string Write(string name, Dictionary<string, Tensor> dict)
    {
        var path = Path.Combine(folder, name);
        TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(path, dict);
        return path;
    }

    [Fact]
    public void Authors_fixture_loads_through_the_catalog()
    {
        using var model = MnistCnnSpec.Create(HeadKind.Spinal, 0);
        AuthorsWeights.Load(MnistCnnSpec.Network(), model, Fixture("mnist-cnn-spinal.pt"));
        Assert.True(InteropFixtureTests.MaxDifference(model, "mnist-cnn-spinal") < 1e-5);
    }

    [Fact]
    public void State_dict_of_another_architecture_names_the_first_missing_key()
    {
        var path = Fixture("vgg5-spinal-small.pt");
        var error = LoadFails(MnistCnnSpec, HeadKind.Spinal, path);
        Assert.IsType<InvalidDataException>(error);
        Assert.Equal($"{path}: missing key 'conv1.weight' that mnist-cnn (spinal head) needs; a state dict of another network?",
            error.Message);
    }

    [Fact]
    public void State_dict_of_the_other_head_is_refused()
    {
        var error = LoadFails(MnistCnnSpec, HeadKind.Fc, Fixture("mnist-cnn-spinal.pt"));
        Assert.Contains("key 'fc1.weight' has shape [8, 160] but mnist-cnn (fc head) needs [50, 320]", error.Message);
    }

    [Fact]
    public void State_dict_of_another_width_names_the_key_and_both_shapes()
    {
        // mnist-cnn's Spinal head has w = 8, emnist-digits-cnn's w = 10.
        var error = LoadFails(ModelCatalog.Get("emnist-digits-cnn"), HeadKind.Spinal, Fixture("mnist-cnn-spinal.pt"));
        Assert.IsType<InvalidDataException>(error);
        Assert.Contains("key 'fc1.weight' has shape [8, 160] but emnist-digits-cnn (spinal head) needs [10, 160]",
            error.Message);
    }

    [Fact]
    public void Missing_key_is_named()
    {
        var dict = WeightsFile.Read(Fixture("mnist-cnn-spinal.pt"));
        dict.Remove("fc1_3.bias");
        var error = LoadFails(MnistCnnSpec, HeadKind.Spinal, Write("missing.pt", dict));
        Assert.Contains("missing key 'fc1_3.bias'", error.Message);
    }

    [Fact]
    public void Extra_key_is_named()
    {
        var dict = WeightsFile.Read(Fixture("mnist-cnn-spinal.pt"));
        dict["fc1_6.weight"] = zeros(8, 168);
        var error = LoadFails(MnistCnnSpec, HeadKind.Spinal, Write("extra.pt", dict));
        Assert.Contains("unexpected key 'fc1_6.weight', not part of mnist-cnn (spinal head)", error.Message);
    }

    [Fact]
    public void Wrong_shape_is_named()
    {
        var dict = WeightsFile.Read(Fixture("mnist-cnn-spinal.pt"));
        dict["conv2.bias"] = zeros(21);
        var error = LoadFails(MnistCnnSpec, HeadKind.Spinal, Write("shape.pt", dict));
        Assert.Contains("key 'conv2.bias' has shape [21] but mnist-cnn (spinal head) needs [20]", error.Message);
    }

    [Theory]
    [InlineData("garbage.pt")]
    [InlineData("truncated.pt")]
    [InlineData("garbage.safetensors")]
    public void Corrupt_file_is_one_line_invalid_data(string name)
    {
        var path = Path.Combine(folder, name);
        var bytes = name.StartsWith("truncated")
            ? File.ReadAllBytes(Fixture("mnist-cnn-spinal.pt"))[..4000]
            : "this is not a weights file"u8.ToArray();
        File.WriteAllBytes(path, bytes);
        var error = LoadFails(MnistCnnSpec, HeadKind.Spinal, path);
        Assert.IsType<InvalidDataException>(error);
        Assert.StartsWith($"{path}: not a readable ", error.Message);
    }

    [Fact]
    public void Missing_file_and_unknown_extension_are_refused()
    {
        Assert.IsType<FileNotFoundException>(LoadFails(MnistCnnSpec, HeadKind.Spinal, Path.Combine(folder, "none.pt")));
        Assert.IsType<ArgumentException>(LoadFails(MnistCnnSpec, HeadKind.Spinal, Path.Combine(folder, "weights.txt")));
    }

    [Fact]
    public void Checkpoint_holding_more_than_a_state_dict_is_refused()
    {
        var path = Path.Combine(folder, "checkpoint.pt");
        TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(path,
            new System.Collections.Hashtable { ["model"] = new System.Collections.Hashtable(), ["epoch"] = 3 });
        var error = LoadFails(MnistCnnSpec, HeadKind.Spinal, path);
        Assert.Contains("is not a tensor", error.Message);
    }

    [Theory]
    [InlineData(WeightsFormat.Pt)]
    [InlineData(WeightsFormat.Safetensors)]
    public void Run_export_writes_the_authors_names_and_loads_back(WeightsFormat format)
    {
        var spec = ModelCatalog.Get("vgg5");
        var run = new RunDirectory(Path.Combine(folder, "run"));
        var network = spec.With(HeadKind.Spinal, s => s with { Width = 16 });
        run.WriteConfig(Recipes.DefaultsFor(spec.Name) with { Spinal = network.Spinal });
        using var trained = network.Create(5);
        WeightsFile.Save(trained, run.File(RunDirectory.WeightsFile));

        var path = TrainedModel.ExportRun(run.Path, format);

        Assert.Equal(format == WeightsFormat.Pt ? "authors.pt" : "authors.safetensors", Path.GetFileName(path));
        var dict = WeightsFile.Read(path);
        Assert.Contains("l3.4.running_mean", dict.Keys);
        Assert.Equal([16, 128], dict["fc_spinal_layer1.1.weight"].shape);
        Assert.Equal([16, 144], dict["fc_spinal_layer2.1.weight"].shape);
        Assert.Contains("fc_out.1.bias", dict.Keys);
        using var copy = network.Create(6);
        AuthorsWeights.Load(network, copy, path);
        trained.eval();
        copy.eval();
        using var x = randn(2, 1, 28, 28);
        Assert.True(trained.call(x).eq(copy.call(x)).all().item<bool>());
    }

    [Fact]
    public void Load_any_tells_our_checkpoints_from_the_authors_state_dicts()
    {
        // The CLI's --weights: a run's model.safetensors (our names), an authors' .pt, an authors' safetensors.
        using var reference = MnistCnnSpec.Create(HeadKind.Spinal, 0);
        AuthorsWeights.Load(MnistCnnSpec.Network(), reference, Fixture("mnist-cnn-spinal.pt"));
        var ours = Path.Combine(folder, "model.safetensors");
        WeightsFile.Save(reference, ours);
        var theirs = Path.Combine(folder, "authors.safetensors");
        AuthorsWeights.Save(MnistCnnSpec.Network(), reference, theirs, WeightsFormat.Safetensors);

        foreach (var path in new[] { ours, theirs, Fixture("mnist-cnn-spinal.pt") })
        {
            using var model = MnistCnnSpec.Create(HeadKind.Spinal, 1);
            AuthorsWeights.LoadAny(MnistCnnSpec.Network(), model, path);
            Assert.True(InteropFixtureTests.MaxDifference(model, "mnist-cnn-spinal") < 1e-5, path);
        }
    }

    [Fact]
    public void Saving_over_a_larger_file_leaves_a_readable_state_dict()
    {
        // PyBridge's PickleStateDict(path) keeps the old file's tail; Save must not.
        var path = Path.Combine(folder, "over.pt");
        using var big = ModelCatalog.Get("arch2-mnist").Create(HeadKind.Spinal, 0);
        AuthorsWeights.Save(ModelCatalog.Get("arch2-mnist").Network(), big, path, WeightsFormat.Pt);
        using var small = MnistCnnSpec.Create(HeadKind.Spinal, 0);
        AuthorsWeights.Save(MnistCnnSpec.Network(), small, path, WeightsFormat.Pt);
        using var copy = MnistCnnSpec.Create(HeadKind.Spinal, 1);
        AuthorsWeights.Load(MnistCnnSpec.Network(), copy, path);
        Assert.All(copy.parameters().Zip(small.parameters()), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
    }

    [Fact]
    public void Export_of_a_folder_without_a_run_is_refused()
    {
        var error = Assert.Throws<FileNotFoundException>(() => TrainedModel.ExportRun(folder, WeightsFormat.Pt));
        Assert.Contains("is " + folder + " a run folder?", error.Message);
    }
}
