// The run layer's use cases as a .NET user calls them: the recipe table as model defaults and presets, configuration
// layers with typed schedules, checks made before a run writes anything, and the command line's help.
using System.Text.Json.Nodes;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;

namespace SpinalNet.Tests;

public sealed class RunsTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static ConfigLayer Layer(string json) => new("run.json", JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void Every_network_has_a_recipe_and_every_recipe_names_known_parts()
    {
        foreach (var spec in ModelCatalog.All)
        {
            var config = Recipes.DefaultsFor(spec.Name);
            Assert.Equal(spec.Name, config.Model);
            Assert.Equal(HeadKind.Spinal, config.Head);
            Assert.Equal(0, config.Settings.ValidationFraction);  // the scripts' model selection
            Configuration.Validate(config);
        }
        foreach (var recipe in Recipes.All)
        {
            Assert.True(recipe.Data == DatasetCatalog.Embedded || DatasetCatalog.Find(recipe.Data) is not null, recipe.Name);
            Assert.Equal(0.1, recipe.Preset.Settings.ValidationFraction);
            Assert.All(recipe.AlsoFor ?? [], m => ModelCatalog.Get(m));
            // ImageNet weights other than the offline ResNet-18's are not here (TransferPresetTests).
            Configuration.Validate(recipe.Preset with { Pretrained = recipe.Preset.Pretrained && recipe.Model == "resnet18-cntk" });
        }
        Assert.Equal(Recipes.All.Count, Recipes.All.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public void A_recipe_is_its_models_defaults_and_its_variants()
    {
        var vgg = Recipes.Get("cifar10-vgg");
        Assert.Equal(vgg.Settings, Recipes.DefaultsFor("cifar10-vgg19-bn").Settings);
        Assert.Equal(vgg.Settings, Recipes.DefaultsFor("cifar10-vgg11-bn").Settings);
        Assert.Equal(new RandomOnPlateauSchedule(Power: 3), vgg.Settings.Schedule);
        // Where a network has a script per head, it trains with the Spinal script's setting.
        Assert.Equal(Recipes.Get("cifar10-cnn-spinal").Settings, Recipes.DefaultsFor("cifar10-cnn").Settings);
        var vgg5 = Configuration.Resolve(Recipes.Get("vgg5-kmnist"));
        Assert.Equal((OptimizerKind.Adam, 0.005, 100, 1L, "kmnist"),
            (vgg5.Settings.Optimizer, vgg5.Settings.LearningRate, vgg5.Settings.BatchSize, vgg5.Settings.Seed, vgg5.Data));
    }

    [Fact]
    public void Another_schedule_starts_from_its_own_defaults_and_refuses_the_old_ones_parameters()
    {
        var preset = Recipes.Get("cifar10-resnet");  // random-on-plateau, power 5
        var step = Configuration.Resolve(preset, [Layer("""{"settings": {"schedule": {"gamma": 0.5, "name": "step"}}}""")]);
        Assert.Equal(new StepSchedule(Gamma: 0.5), step.Settings.Schedule);
        var same = Configuration.Resolve(preset, [], new RunOverrides(Schedule: "random-on-plateau"));
        Assert.Equal(new RandomOnPlateauSchedule(Power: 5), same.Settings.Schedule);
        var e = Assert.Throws<ArgumentException>(() =>
            Configuration.Resolve(preset, [Layer("""{"settings": {"schedule": {"name": "step", "power": 3}}}""")]));
        Assert.Contains("'settings.schedule.power'", e.Message);
        Assert.Contains("step_size", e.Message);
        Assert.Equal("Schedule often is not one of " + string.Join(", ", Schedule.Names),
            Assert.Throws<SettingException>(() => Schedule.Default("often")).Message.Split(" (Parameter")[0]);
    }

    [Theory]
    [InlineData("""{"settings": null}""", "'settings' must be an object")]
    [InlineData("""{"model": 5}""", "'model' must be a model's name")]
    [InlineData("""{"settings": {"optimizer": "adagrad"}}""", "'settings.optimizer'")]
    public void Bad_config_values_name_the_file_and_the_key(string json, string culprit)
    {
        var e = Assert.Throws<ArgumentException>(() => Configuration.Resolve(Layer(json)));
        Assert.StartsWith("run.json: ", e.Message);
        Assert.Contains(culprit, e.Message);
    }

    [Fact]
    public void Names_of_activations_optimisers_and_devices_parse_both_ways_or_fail_naming_the_valid_ones()
    {
        Assert.All(Enum.GetValues<Activation>(), a => Assert.Equal(a, Activations.Parse(a.Name())));
        Assert.All(Enum.GetValues<OptimizerKind>(), o => Assert.Equal(o, Optimizers.Parse(o.Name())));
        Assert.Equal("\"adamw\"", RunJson.Serialize(OptimizerKind.AdamW));
        Assert.Equal("\"leaky_relu\"", RunJson.Serialize(Activation.LeakyRelu));
        Assert.Contains("sgd, adam, adamw", Assert.Throws<SettingException>(() => Optimizers.Parse("lion")).Message);
        Assert.Contains("cpu, cuda, auto", Assert.Throws<SettingException>(() => Devices.Parse("tpu")).Message);
    }

    [Fact]
    public void A_run_whose_data_is_missing_writes_nothing()
    {
        var folder = temp.Combine("run");
        var config = Recipes.DefaultsFor("mnist-cnn") with { Data = temp.Combine("nowhere") };
        var e = Assert.Throws<DataFormatException>(() => TrainingRun.Create(config, folder));
        Assert.Contains("nowhere", e.Message);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Training_run_trains_writes_its_folder_and_resumes_with_more_epochs()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 300, test: 100);
        var folder = temp.Combine("run");
        var config = Recipes.DefaultsFor("mnist-cnn") with { Data = data, Settings = new TrainingSettings(Epochs: 1, Seed: 3) };
        using (var run = TrainingRun.Create(config, folder))
            Assert.Equal(StopReason.Completed, run.Train().Outcome.Stop);
        foreach (var file in new[] { "config.json", "metrics.csv", "last.ckpt", "best.ckpt", "model.safetensors",
                     "evaluation.json", "loss.png", "confusion.png" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        RunResult resumed;
        using (var run = TrainingRun.Resume(folder, new ResumeChanges(Epochs: 2))) resumed = run.Train();
        Assert.Equal([1, 2], resumed.Outcome.History.Select(h => h.Epoch));
        Assert.Equal(2, Checkpoint.ReadState(Path.Combine(folder, "last.ckpt")).Trainer.Epoch);
        // The run's weights, opened again, give the run's own final evaluation.
        using var trained = TrainedModel.Open(folder);
        Assert.Equal(resumed.Outcome.FinalTest!.Accuracy, trained.Evaluate().Accuracy);
    }

    [Fact]
    public void Runs_written_by_the_earlier_layout_still_resume_and_open()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 200, test: 50);
        var folder = temp.Combine("run");
        var config = Recipes.DefaultsFor("mnist-cnn") with { Data = data, Settings = new TrainingSettings(Epochs: 1) };
        using (var run = TrainingRun.Create(config, folder)) run.Train();
        // The earlier layout: the loop's state beside the configuration, and an 11-field schedule bag.
        JsonNode Legacy(JsonNode config)
        {
            config["settings"]!["schedule"] = JsonNode.Parse("""
                {"name": "constant", "step_size": 7, "gamma": 0.1, "min_learning_rate": 0, "max_learning_rate": 0,
                 "pct_start": 0.3, "power": 3, "random_base": 0, "factor": 3, "start_epoch": 0, "also_after": null}
                """);
            return config;
        }
        var configFile = Path.Combine(folder, "config.json");
        File.WriteAllText(configFile, Legacy(JsonNode.Parse(File.ReadAllText(configFile))!).ToJsonString());
        using (var zip = System.IO.Compression.ZipFile.Open(Path.Combine(folder, "last.ckpt"),
                   System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("state.json")!;
            JsonObject state;
            using (var stream = entry.Open()) state = JsonNode.Parse(stream)!.AsObject();
            var flat = state["trainer"]!.AsObject().DeepClone().AsObject();
            flat["config"] = Legacy(state["config"]!.DeepClone());
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("state.json").Open());
            writer.Write(flat.ToJsonString());
        }
        Assert.Equal(1, Checkpoint.ReadState(Path.Combine(folder, "last.ckpt")).Trainer.Epoch);
        using (var resumed = TrainingRun.Resume(folder, new ResumeChanges(Epochs: 2)))
            Assert.Equal(2, resumed.Train().Outcome.History.Count);
        using var trained = TrainedModel.Open(folder);
        Assert.Equal(new ConstantSchedule(), trained.Config.Settings.Schedule);
    }

    [Fact]
    public void Compare_refuses_initial_weights_that_fit_one_head_before_training_any()
    {
        var weights = temp.Combine("spinal.safetensors");
        using (var spinal = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, 0)) WeightsFile.Save(spinal, weights);
        var config = Recipes.DefaultsFor("mnist-cnn") with { InitialWeights = weights };
        var e = Assert.Throws<InvalidDataException>(() => HeadComparison.Create(config, folder: temp.Combine("cmp")));
        Assert.Contains("spinal.safetensors", e.Message);
        Assert.False(Directory.Exists(temp.Combine("cmp")));
    }

    [Fact]
    public void Help_reads_at_120_columns_and_names_the_command()
    {
        foreach (var command in new[] { "train", "compare", "evaluate", "predict", "regress", "data show" })
        {
            var result = CliRunner.Run([.. command.Split(' '), "--help"]);
            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"  spinalnet {command} ", result.Stdout);
            Assert.DoesNotContain("SpinalNet.Cli", result.Stdout);
            var longest = result.Stdout.Split('\n').MaxBy(l => l.TrimEnd().Length)!;
            Assert.True(longest.TrimEnd().Length <= 120, $"{command} --help has a line of {longest.Length}: {longest}");
        }
    }
}
