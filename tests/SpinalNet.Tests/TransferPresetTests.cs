// The transfer scripts and notebooks as presets (docs/fine-tuning.md §13.4): each resolves (its image size checked
// against its backbone), counts the scripts' parameters on the meta device where they are known, feeds its backbone the
// input size it declares through its own pipeline, names its script and, where the script has a bug, says what the
// preset does instead; `spinalnet presets` lists them; two of them train a step on tiny stand-ins of their data.
using System.Text.Json.Nodes;
using SpinalNet.Augmentation;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;

namespace SpinalNet.Tests;

public sealed class TransferPresetTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static readonly string[] Expected =
    [
        "tl-stl10", "tl-bird225", "tl-cifar10", "tl-cifar100", "tl-cinic10", "tl-caltech101", "tl-fruits360", "tl-mnist",
        "tl-oxford102", "tl-svhn", "tl-stanford-cars", "tl-hymenoptera", "nb-fashion-tl", "nb-cifar10", "nb-cifar100",
        "nb-stl10", "nb-caltech101", "nb-monkey", "nb-stl10-customizable", "nb-stl10-shared", "resnet18-cntk-digits",
        "digits-convnets", "digits-vit",
    ];

    static IEnumerable<Recipe> Transfer => Recipes.All.Where(r => ModelCatalog.Get(r.Model).ImageNet is not null);

    /// <summary>The preset from a random initialisation: the ImageNet weights of the backbones are not here offline
    /// (only resnet18-cntk's, from its package).</summary>
    static RunConfig Resolve(Recipe recipe, JsonObject? layer = null)
    {
        layer ??= [];
        layer["pretrained"] = recipe.Model == "resnet18-cntk";
        return Configuration.Resolve(recipe, [new ConfigLayer("test", layer)]);
    }

    [Fact]
    public void Every_transfer_preset_resolves_with_its_script_s_setting()
    {
        Assert.Equal(Expected, Transfer.Select(r => r.Name));
        foreach (var recipe in Transfer)
        {
            Assert.True(recipe.Preset.Pretrained, $"{recipe.Name} starts from ImageNet weights");
            var config = Resolve(recipe);
            var s = config.Settings;
            Assert.True(DatasetCatalog.Find(config.Data) is not null, $"{recipe.Name}: data {config.Data}");
            Assert.True(config.Classes >= DatasetCatalog.Get(config.Data).Classes, recipe.Name);
            Assert.Equal((OptimizerKind.Sgd, 0.9, 0.1), (s.Optimizer, s.Momentum, s.ValidationFraction));
            Assert.False(s.FreezeBackbone);   // the paper trains the whole network
            if (recipe.Script == "this project's demonstration") continue;
            var stages = Assert.IsType<StagesSchedule>(s.Schedule);
            Assert.Equal((7, 0.1, s.Epochs), (stages.StepSize, stages.Gamma, stages.TotalEpochs));
            Assert.Matches(@"\.(py|ipynb)$|notebook$", recipe.Script);
        }
        // Where a committed script has a bug, the preset follows the paper and says so.
        Assert.Contains("the script loads vgg19_bn and puts the head on .fc", Recipes.Get("tl-cifar10").Description);
        Assert.Contains("vgg19_bn with the head on .fc", Recipes.Get("tl-svhn").Description);
        Assert.Contains("ToTensor twice", Recipes.Get("tl-svhn").Description);
        Assert.Contains("Linear baseline committed", Recipes.Get("tl-caltech101").Description);
        Assert.Contains("points at CIFAR-10", Recipes.Get("tl-cifar100").Description);
        Assert.Equal("wide_resnet101_2", Recipes.Get("tl-svhn").Model);
    }

    [Fact]
    public void Stages_and_heads_are_the_scripts()
    {
        static (double, int)[] Stages(string name)
        {
            var s = Recipes.Get(name).Settings;
            return ((StagesSchedule)s.Schedule).Stages!.Select(t => (Math.Round(s.LearningRate * t.Scale, 12), t.Epochs)).ToArray();
        }
        Assert.Equal([(1e-2, 20), (1e-3, 20)], Stages("tl-cinic10"));
        Assert.Equal([(1e-3, 25), (1e-4, 25)], Stages("tl-stanford-cars"));
        Assert.Equal([(1e-2, 10), (1e-3, 10)], Stages("tl-mnist"));
        Assert.Equal([(1e-2, 5), (1e-3, 5), (1e-4, 5)], Stages("nb-cifar100"));
        Assert.Equal([(1e-2, 10), (1e-2, 10)], Stages("nb-monkey"));
        Assert.Equal([(1e-3, 20)], Stages("tl-stl10"));

        var hymenoptera = Resolve(Recipes.Get("tl-hymenoptera"));
        Assert.Equal(new SpinalSettings(5, 6, 2, 0, false, Layers.Activation.LeakyRelu, false), hymenoptera.Spinal);
        Assert.Equal(2, hymenoptera.Classes);
        var shared = Resolve(Recipes.Get("nb-stl10-shared")).Spinal;
        Assert.Equal((20, 8, 8, true), (shared.Width, shared.Layers, shared.Splits, shared.SharedWeights));
        Assert.Equal(Layers.Activation.Identity, Resolve(Recipes.Get("nb-fashion-tl")).Spinal.Activation);
        // A network's own recipe is its script's; the networks without one share the hymenoptera script's training.
        Assert.Equal("tl-stl10", Recipes.RecipeFor("wide_resnet101_2").Name);
        Assert.Equal("tl-mnist", Recipes.RecipeFor("vgg19_bn").Name);
        Assert.Equal("nb-monkey", Recipes.RecipeFor("alexnet").Name);
        Assert.Equal("resnet18-cntk-digits", Recipes.RecipeFor("resnet18-cntk").Name);
        Assert.Equal("tl-hymenoptera", Recipes.RecipeFor("resnet50").Name);
        // A network's defaults record its own classes, resolved (docs/architecture.md §14.1).
        Assert.Equal((10, false), (Recipes.DefaultsFor("resnet50").Classes, Recipes.DefaultsFor("resnet18-cntk").Pretrained));
    }

    [Fact]
    public void Parameter_counts_are_the_scripts_on_the_meta_device()
    {
        (long Total, long Head) Count(string preset)
        {
            var c = Resolve(Recipes.Get(preset));
            return (c.Network.CountParameters(), c.Network.OnMeta(n => n.Head.parameters().Sum(p => p.numel())));
        }
        // Wide-ResNet-101-2 with the STL-10 head (s = 1024, w = 512, BN, dropout): 124,858,186 − 20,490 + 2,910,218.
        Assert.Equal((127_747_914L, 2_910_218L), Count("tl-stl10"));
        // VGG-19-bn with the MNIST Spinal classifier (s = 12,544, w = 1024, BN, dropout): 139,622,218 − 119,586,826 + 54,579,210.
        Assert.Equal((74_614_602L, 54_579_210L), Count("tl-mnist"));
        // SpinalNet_ResNet w = 20 on 2,048 features, 10 classes: 1024·20 + 3·(1044·20) + 80·10 + 4·20 + 10 biases.
        Assert.Equal(84_010L, Count("tl-cifar10").Head);
    }

    [Fact]
    public void Each_pipeline_gives_the_input_size_its_preset_declares()
    {
        foreach (var recipe in Transfer)
        {
            var config = Resolve(recipe);
            var info = DatasetCatalog.Get(config.Data);
            var pipeline = Pipelines.Get(config.Augmentation);
            var image = new Image(info.Channels, info.Side, info.Side,
                Enumerable.Range(0, info.Channels * info.Side * info.Side).Select(i => i % 7 / 7f).ToArray());
            foreach (var steps in new[] { pipeline.Train, pipeline.Eval })
            {
                var fitted = Pipelines.Fitted(steps, config.ImageSize, config.InputShape[0] == 3 && info.Channels == 1);
                var output = fitted.Apply(image, PerSampleRandom.For(1, 0, 0));
                Assert.True(config.InputShape.SequenceEqual([output.Channels, output.Height, output.Width]),
                    $"{recipe.Name}: {output.Channels} x {output.Height} x {output.Width}");
            }
        }
    }

    [Fact]
    public void Presets_lists_them()
    {
        var listed = CliRunner.Run("presets");
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        foreach (var name in Expected) Assert.Contains($" {name} ", listed.Stdout);
    }

    [Fact]
    public void Two_presets_train_a_step_on_tiny_stand_ins_of_their_data()
    {
        // tl-mnist: vgg19_bn on grey IDX digits, repeated to RGB; 32 px, batch 2.
        var mnist = temp.Folder("mnist");
        CliRunner.WriteSampleSlice(mnist, 4, 2);
        Train("tl-mnist", new JsonObject { ["data"] = mnist });

        // tl-cinic10: Wide-ResNet-101-2 on PNG class folders under the data root (train/, valid/, test/).
        var root = temp.Path;
        var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, Split.Train);
        foreach (var (split, first) in new[] { ("train", 0), ("valid", 4), ("test", 6) })
            ImageFolder.Write(digits, Path.Combine(root, "cinic10"), split, Enumerable.Range(first, split == "train" ? 4 : 2));
        Train("tl-cinic10", new JsonObject { ["data_root"] = root });
    }

    void Train(string preset, JsonObject data)
    {
        data["image_size"] = 32;
        data["settings"] = new JsonObject
        {
            ["epochs"] = 1, ["batch_size"] = 2, ["test_batch_size"] = 2, ["validation_fraction"] = 0,
        };
        var config = Resolve(Recipes.Get(preset), data);
        // The loop alone: a run folder would write a checkpoint of up to 1 GB (weights and momentum) after every epoch.
        using var training = config.LoadData();
        using var model = config.CreateModel(config.Settings.Seed);
        var outcome = Trainer.Run(model, training, config.Settings);
        Assert.True(double.IsFinite(outcome.History.Single().TrainLoss), preset);
    }
}
