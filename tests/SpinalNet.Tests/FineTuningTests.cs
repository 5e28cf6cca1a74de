// Fine-tuning modes and the transfer scripts' stages (docs/fine-tuning.md §13.1, §13.2): a frozen backbone ends
// bit-identical after real steps, batch-norm statistics included; a head at its own rate moves as a network trained at
// that rate and the schedule scales both; runs in either mode, over a stage boundary, resume to the weights of an
// uninterrupted run; the stages' rates are the hand-computed ones and a stage starts with a new optimiser.
using SpinalNet.Layers;
using System.Text.Json.Nodes;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public sealed class FineTuningTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static TrainingData Digits(int train, int test)
    {
        var (fullTrain, fullTest) = MnistFamily.LoadTensors(null, ChannelNormalization.Mnist);
        using (fullTrain)
        using (fullTest)
            return new TrainingData(fullTrain.Take(train), fullTest.Take(test));
    }

    /// <summary>Random 3 × 32 × 32 images in two classes, for a backbone with batch norm.</summary>
    static TrainingData Colour(int train, int test)
    {
        using var generator = new torch.Generator(5);
        InMemoryDataset Set(int n, string name) => new(torch.randn([n, 3, 32, 32], generator: generator),
            torch.randint(0, 2, [n], generator: generator), 2, name);
        return new TrainingData(Set(train, "random train"), Set(test, "random test"));
    }

    static Dictionary<string, Tensor> Copy(nn.Module module) =>
        module.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

    static bool Same(Tensor a, Tensor b) => a.eq(b).all().item<bool>();

    static readonly TrainingSettings Sgd = new(Epochs: 1, BatchSize: 4, TestBatchSize: 8, LearningRate: 0.05,
        Momentum: 0.9, Seed: 2);

    [Fact]
    public void A_frozen_backbone_is_bit_identical_after_training_batch_norm_statistics_included()
    {
        using var data = Colour(8, 4);
        var spec = ModelCatalog.Get("cifar10-vgg11-bn");
        using var model = spec.Create(HeadKind.Spinal, 1);
        var (backbone, head) = (Copy(model.Backbone), Copy(model.Head));
        Assert.Contains(backbone.Keys, k => k.EndsWith("running_mean"));

        var settings = Sgd with { FreezeBackbone = true };
        Trainer.Run(model, data, settings);
        foreach (var (name, value) in model.Backbone.state_dict())
            Assert.True(Same(backbone[name], value), $"backbone.{name} changed");
        Assert.Contains(model.Head.state_dict(), p => !Same(head[p.Key], p.Value));
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));   // trainable again afterwards

        // The optimiser holds the head alone; without freezing, the same steps move the backbone's statistics.
        var groups = FineTuning.Groups(model, settings);
        Assert.Equal(model.Head.parameters().Sum(p => p.numel()), groups.Single().Parameters.Sum(p => p.numel()));
        using var free = spec.Create(HeadKind.Spinal, 1);
        Trainer.Run(free, data, Sgd);
        Assert.Contains(free.Backbone.state_dict(), p => p.Key.EndsWith("running_mean") && !Same(backbone[p.Key], p.Value));
    }

    [Fact]
    public void A_head_at_its_own_rate_moves_as_a_network_trained_at_that_rate()
    {
        using var data = Digits(4, 4);   // one step
        var spec = ModelCatalog.Get("mnist-cnn");
        using var split = spec.Create(HeadKind.Spinal, 3);
        using var slow = spec.Create(HeadKind.Spinal, 3);
        using var fast = spec.Create(HeadKind.Spinal, 3);
        Trainer.Run(split, data, Sgd with { LearningRate = 0.01, HeadLearningRate = 0.2 });
        Trainer.Run(slow, data, Sgd with { LearningRate = 0.01 });
        Trainer.Run(fast, data, Sgd with { LearningRate = 0.2 });
        foreach (var (name, value) in split.Backbone.state_dict())
            Assert.True(Same(slow.Backbone.state_dict()[name], value), $"backbone.{name} is not at the backbone's rate");
        foreach (var (name, value) in split.Head.state_dict())
            Assert.True(Same(fast.Head.state_dict()[name], value), $"head.{name} is not at the head's rate");

        // A schedule's rate scales both groups alike.
        var settings = Sgd with { LearningRate = 0.01, HeadLearningRate = 0.05 };
        using var optimizer = Optimizers.Create(settings, FineTuning.Groups(split, settings));
        Optimizers.SetLearningRate(optimizer, 0.001, settings.LearningRate);
        Assert.Equal([0.001, 0.005], optimizer.ParamGroups.Select(g => g.LearningRate), new ScheduleAndConfigTests.Tolerance(1e-15));
    }

    [Theory]
    [InlineData(false, 3)]   // mid-epoch, inside the first stage
    [InlineData(false, 5)]   // just after the stage boundary's new optimiser took its first step
    [InlineData(true, 4)]    // at the stage boundary, before the new stage's first step
    public void Runs_with_a_head_rate_or_a_frozen_backbone_over_stages_resume_exactly(bool freeze, int stopAfterSteps)
    {
        using var data = Digits(16, 8);   // 4 steps per epoch
        var settings = Sgd with
        {
            Epochs = 3, LearningRate = 0.02, HeadLearningRate = 0.1, FreezeBackbone = freeze,
            Schedule = new StagesSchedule([new(1, 1), new(2, 0.1)], StepSize: 1, Gamma: 0.5),
        };
        var config = Recipes.DefaultsFor("mnist-cnn") with { Settings = settings };
        var spec = ModelCatalog.Get("mnist-cnn");
        using var uninterrupted = spec.Create(HeadKind.Spinal, 7);
        var reference = Trainer.Run(uninterrupted, data, settings);

        var run = new RunDirectory(temp.Combine("run"));
        using (var first = spec.Create(HeadKind.Spinal, 7))
        using (var cancel = new CancellationTokenSource())
            Assert.Equal(StopReason.Cancelled, Trainer.Run(first, data, settings, new RunCheckpoints(run, config),
                new RunLifecycleTests.StopAfter(stopAfterSteps, cancel), cancel.Token).Stop);
        using var resumed = spec.Create(HeadKind.Spinal, 99);
        var outcome = Trainer.Run(resumed, data, settings, new RunCheckpoints(run, config, Resume: true));
        foreach (var ((name, a), (_, b)) in uninterrupted.state_dict().Zip(resumed.state_dict()))
            Assert.True(Same(a, b), $"{name} differs from the uninterrupted run");
        Assert.Equal(reference.History.Select(h => (h.TrainLoss, h.LearningRate)),
            outcome.History.Select(h => (h.TrainLoss, h.LearningRate)));
        Assert.Equal([0.02, 0.002, 0.001], outcome.History.Select(h => h.LearningRate), new ScheduleAndConfigTests.Tolerance(1e-15));
    }

    [Fact]
    public void A_stage_starts_with_a_new_optimiser_and_nothing_else_changes()
    {
        using var data = Digits(8, 4);
        var spec = ModelCatalog.Get("mnist-cnn");
        var twoStages = new StagesSchedule([new(1, 1), new(1, 1)]);
        Dictionary<string, Tensor> Trained(Schedule schedule, double momentum)
        {
            using var model = spec.Create(HeadKind.Spinal, 4);
            Trainer.Run(model, data, Sgd with { Epochs = 2, Momentum = momentum, Schedule = schedule });
            return Copy(model);
        }
        // Without momentum the restart is invisible; with it, the second stage loses the first stage's velocity.
        var (staged, constant) = (Trained(twoStages, 0), Trained(new ConstantSchedule(), 0));
        Assert.All(staged, p => Assert.True(Same(p.Value, constant[p.Key]), p.Key));
        (staged, constant) = (Trained(twoStages, 0.9), Trained(new ConstantSchedule(), 0.9));
        Assert.Contains(staged, p => !Same(p.Value, constant[p.Key]));
    }

    [Fact]
    public void Stage_rates_are_the_hand_computed_ones()
    {
        static double[] Rates(StagesSchedule rule, double baseRate, int epochs)
        {
            using var schedule = new LearningRateSchedule(rule, baseRate, epochs, stepsPerEpoch: 3, seed: 1);
            return Enumerable.Range(0, epochs).Select(e => schedule.RateAt(e, 2)).ToArray();
        }
        // 1e-2 × 5 then 1e-3 × 5 (CINIC-10-like, StepLR(7) never fires inside a 5-epoch stage).
        var two = StagesSchedule.Of((1e-2, 5), (1e-3, 5));
        Assert.Equal([1e-2, 1e-2, 1e-2, 1e-2, 1e-2, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3], Rates(two, 1e-2, 10), new ScheduleAndConfigTests.Tolerance(1e-15));
        // Stanford Cars: 1e-3 × 25 then 1e-4 × 25, StepLR(7, 0.1) inside each stage.
        var cars = Rates(StagesSchedule.Of((1e-3, 25), (1e-4, 25)), 1e-3, 52);
        (int Epoch, double Rate)[] expected =
        [
            (0, 1e-3), (6, 1e-3), (7, 1e-4), (13, 1e-4), (14, 1e-5), (21, 1e-6), (24, 1e-6),
            (25, 1e-4), (31, 1e-4), (32, 1e-5), (46, 1e-7), (49, 1e-7), (51, 1e-7),   // past the end: the last stage goes on
        ];
        foreach (var (epoch, rate) in expected) Assert.Equal(rate, cars[epoch], 1e-18);
        // The notebooks' three stages, 1e-2, 1e-3, 1e-4 × 5.
        var three = StagesSchedule.Of((1e-2, 5), (1e-3, 5), (1e-4, 5));
        Assert.Equal([1e-2, 1e-3, 1e-4], Rates(three, 1e-2, 15).Where((_, e) => e % 5 == 0), new ScheduleAndConfigTests.Tolerance(1e-16));
        Assert.Equal([5, 10], Enumerable.Range(0, 20).Where(three.RestartsOptimizerAt));
        Assert.Equal(15, three.TotalEpochs);
    }

    [Fact]
    public void Stages_come_from_a_config_file_by_name_and_bad_stages_are_named()
    {
        var config = Configuration.Resolve(new ConfigLayer("run.json", JsonNode.Parse("""
            {"settings": {"freeze_backbone": true, "head_learning_rate": 0.1,
             "schedule": {"name": "stages", "stages": [{"epochs": 2, "scale": 1}, {"epochs": 3, "scale": 0.1}]}}}
            """)!.AsObject()));
        Assert.Equal(new StagesSchedule([new(2, 1), new(3, 0.1)]), config.Settings.Schedule);
        Assert.True(config.Settings.FreezeBackbone);
        Assert.Equal(0.1, config.Settings.HeadLearningRate);
        var saved = RunJson.Serialize(config);
        Assert.Contains("\"name\": \"stages\"", saved);
        Assert.Equal(saved, RunJson.Serialize(Configuration.Resolve(new ConfigLayer("config.json",
            JsonNode.Parse(saved)!.AsObject()))));

        var none = Assert.Throws<SettingException>(() => Configuration.Resolve(options: new RunOverrides(Schedule: "stages")));
        Assert.Contains("Schedule.stages (none) must list at least one stage", none.Message);
        var bad = Assert.Throws<SettingException>(() => (Sgd with
        {
            Schedule = new StagesSchedule([new(0, 1)]),
        }).Validate());
        Assert.Equal("Schedule.stages.epochs 0 must be at least 1 (Parameter 'Schedule.stages.epochs')", bad.Message);
        Assert.Contains("HeadLearningRate -1 must be a positive number",
            Assert.Throws<SettingException>(() => (Sgd with { HeadLearningRate = -1 }).Validate()).Message);
    }
}
