// Every preset resolves to a valid configuration and runs training steps on a tiny slice of data of its data set's
// shape: 28×28 grey images as an IDX folder, 32×32 colour images as a CIFAR binary release.
using System.Text.Json.Nodes;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;

namespace SpinalNet.Tests;

public sealed class PresetTests : IDisposable
{
    readonly TempFolder temp = new();
    string root => temp.Path;

    public void Dispose() => temp.Dispose();

    /// <summary>The from-scratch presets; the transfer presets, on ImageNet backbones at 224 px, are tested on tiny
    /// image folders by their own tests.</summary>
    public static TheoryData<string> Names =>
        new(Recipes.All.Where(p => ModelCatalog.Get(p.Model).ImageNet is null).Select(p => p.Name));

    static byte[] Pixels(int count, int size, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[count * size];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A tiny stand-in for the preset's data set, in the real on-disk format; returns the data layer.</summary>
    JsonObject TinyData(string dataset, int classes)
    {
        const int train = 12, test = 6;
        var info = DatasetCatalog.All.FirstOrDefault(d => d.Name == dataset);
        if (info is { Channels: 3, Format: DataFormat.CifarBinary })
        {
            bool hundred = info.Name == "cifar100";
            var folder = Path.Combine(info.Path(root), hundred ? CifarBinary.Cifar100Folder : CifarBinary.Cifar10Folder);
            Directory.CreateDirectory(folder);
            int labelBytes = hundred ? 2 : 1;
            byte[] Records(int count, int seed) => Enumerable.Range(0, count).SelectMany(i =>
                Enumerable.Repeat((byte)(i % classes), labelBytes).Concat(Pixels(1, CifarBinary.ImageBytes, seed + i))).ToArray();
            if (hundred)
            {
                File.WriteAllBytes(Path.Combine(folder, "train.bin"), Records(train, 1));
                File.WriteAllBytes(Path.Combine(folder, "test.bin"), Records(test, 100));
            }
            else
            {
                for (int b = 1; b <= 5; b++) File.WriteAllBytes(Path.Combine(folder, $"data_batch_{b}.bin"), Records(train / 4, b * 10));
                File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Records(test, 100));
            }
            return new JsonObject { ["data"] = dataset, ["data_root"] = root };
        }
        var idx = Path.Combine(root, "idx");
        Directory.CreateDirectory(idx);
        foreach (var (prefix, count) in new[] { ("train", train), ("t10k", test) })
        {
            IdxFile.Write(Path.Combine(idx, $"{prefix}-images-idx3-ubyte"), new IdxArray([count, 28, 28], Pixels(count, 784, count)), gzip: false);
            IdxFile.Write(Path.Combine(idx, $"{prefix}-labels-idx1-ubyte"),
                new IdxArray([count], Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray()), gzip: false);
        }
        return new JsonObject { ["data"] = idx };
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Preset_resolves_and_trains_on_a_tiny_slice(string name)
    {
        var preset = Recipes.Get(name);
        var config = Configuration.Resolve(preset);
        var spec = ModelCatalog.Get(config.Model);
        var overrides = TinyData(config.Data, spec.Classes);
        overrides["settings"] = new JsonObject { ["epochs"] = 1, ["batch_size"] = 4, ["validation_fraction"] = 0.25 };
        var tiny = Configuration.Resolve(preset, [new ConfigLayer("test", overrides)]);
        Assert.Equal(config.Settings.Optimizer, tiny.Settings.Optimizer);
        Assert.Equal(config.Settings.LearningRate, tiny.Settings.LearningRate);

        using var data = tiny.LoadData();
        using var model = tiny.Network.Create(tiny.Settings.Seed);
        var outcome = Trainer.Run(model, data, tiny.Settings);
        Assert.Single(outcome.History);
        Assert.True(double.IsFinite(outcome.History[0].TrainLoss));
        Assert.NotNull(outcome.History[0].ValidationAccuracy);
    }

    [Fact]
    public void Unknown_preset_lists_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => Recipes.Get("mnist-cnn-wide"));
        Assert.Contains("mnist-cnn-spinal", e.Message);
    }
}
