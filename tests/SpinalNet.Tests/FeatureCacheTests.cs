// Cached backbone features (docs/fine-tuning.md §13.6): a frozen-backbone run whose head trains over features computed
// once equals the run that computes them every step, to float tolerance; the cache is kept, reused and invalidated by
// what the features depend on; checkpoints are the whole network's; the setting needs a frozen backbone.
using SpinalNet.Layers;
using SpinalNet.Runs;
using SpinalNet.Training;

namespace SpinalNet.Tests;

public sealed class FeatureCacheTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    RunConfig Frozen(string data, bool cache) => Configuration.Resolve(options: new RunOverrides(Data: data, Epochs: 2,
        Threads: 1, FreezeBackbone: true, CacheFeatures: cache, ValidationFraction: 0.25, LearningRate: 0.05));

    [Fact]
    public void A_head_over_cached_features_trains_as_the_frozen_run_does()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 160, test: 80);
        RunResult Train(bool cache, string name)
        {
            using var run = TrainingRun.Create(Frozen(data, cache), temp.Combine(name));
            return run.Train();
        }
        var plain = Train(false, "plain");
        var cached = Train(true, "cached");
        foreach (var (a, b) in plain.Outcome.History.Zip(cached.Outcome.History))
        {
            Assert.Equal(a.TrainLoss, b.TrainLoss, 4);
            Assert.Equal(a.TestLoss!.Value, b.TestLoss!.Value, 4);
            Assert.Equal(a.TestAccuracy!.Value, b.TestAccuracy!.Value, 3);
            Assert.Equal(a.ValidationAccuracy!.Value, b.ValidationAccuracy!.Value, 3);
        }
        Assert.Equal(plain.Outcome.FinalTest!.Loss, cached.Outcome.FinalTest!.Loss, 4);
        // The whole network's weights and checkpoints, as the frozen run writes them.
        using var a1 = TrainedModel.Open(plain.Run.Path);
        using var b1 = TrainedModel.Open(cached.Run.Path);
        foreach (var ((key, x), (_, y)) in a1.Model.state_dict().Zip(b1.Model.state_dict()))
            Assert.True(x.to_type(TorchSharp.torch.ScalarType.Float64).allclose(y.to_type(TorchSharp.torch.ScalarType.Float64),
                rtol: 1e-3, atol: 1e-5), key);
        var files = Directory.GetFiles(Path.Combine(cached.Run.Path, FeatureCache.Folder));
        Assert.Equal(3, files.Length);  // train, validation and test features
        Assert.Contains("\"cache_features\": true", File.ReadAllText(cached.Run.File(RunDirectory.ConfigFile)));
    }

    [Fact]
    public void The_cache_is_reused_for_the_same_backbone_and_data_and_not_for_other_data()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 64, test: 32);
        var config = Frozen(data, cache: true);
        var folder = temp.Combine("sweep");
        var log = new List<string>();
        using var model = config.CreateModel(config.Settings.Seed);
        using (var loaded = config.LoadData())
        using (FeatureCache.Of(model, loaded, config, folder, log.Add)) { }
        Assert.Equal(3, log.Count);
        using (var loaded = config.LoadData())
        using (FeatureCache.Of(model, loaded, config, folder, log.Add)) { }
        Assert.Equal(3, log.Count);  // all three read back
        var other = config with { Settings = config.Settings with { ValidationFraction = 0.5 } };
        using (var loaded = other.LoadData())
        using (FeatureCache.Of(model, loaded, other, folder, log.Add)) { }
        Assert.Equal(5, log.Count);  // another held-out part: train and validation again, the test split as before
    }

    [Fact]
    public void A_sweep_over_a_frozen_backbone_computes_the_features_once_for_every_point()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 64, test: 32);
        var config = Frozen(data, cache: true) with { Settings = Frozen(data, true).Settings with { ValidationFraction = 0 } };
        using var sweep = HeadSweep.Create(config, new SweepGrid([4, 8]), folder: temp.Combine("sweep"));
        Assert.Equal(3, sweep.Run().Count);
        // The conventional head and both points, one seed: one backbone, one train and one test file.
        Assert.Equal(2, Directory.GetFiles(Path.Combine(sweep.Folder, FeatureCache.Folder)).Length);
    }

    [Fact]
    public void Caching_needs_a_frozen_backbone()
    {
        var e = Assert.Throws<SettingException>(() => Configuration.Resolve(
            options: new RunOverrides(CacheFeatures: true)));
        Assert.StartsWith("CacheFeatures: needs a frozen backbone", e.Message);
        var cli = CliRunner.Run("train", "--cache-features", "--epochs", "1", "--out", temp.Combine("r"));
        CliTests.AssertOneLineError(cli, "--cache-features: needs a frozen backbone");
    }
}
