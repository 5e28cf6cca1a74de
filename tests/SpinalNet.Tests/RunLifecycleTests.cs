// A run's life: checkpoints that resume to the same weights as an uninterrupted run, a failed checkpoint write that
// leaves the previous checkpoint whole, early stopping, the time limit, a clean stop on a diverging loss, and the
// TensorBoard events a run writes when asked.
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Tests;

public sealed class RunLifecycleTests : IDisposable
{
    readonly TempFolder temp = new();
    string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    static TrainingData Slice(int train, int test, double validation = 0)
    {
        var (fullTrain, fullTest) = MnistFamily.LoadTensors(null, ChannelNormalization.Mnist);
        using (fullTrain)
        using (fullTest)
        {
            var part = fullTrain.Take(train);
            if (validation == 0) return new TrainingData(part, fullTest.Take(test));
            using (part)
            {
                var (remaining, held) = HoldOut.Split(part, validation, 5);
                return new TrainingData(remaining, fullTest.Take(test), held);
            }
        }
    }

    // Adam and a random-on-plateau schedule: every piece of state a checkpoint must carry is exercised.
    static readonly TrainingSettings Settings = new(Epochs: 3, BatchSize: 40, TestBatchSize: 200, Optimizer: OptimizerKind.Adam,
        LearningRate: 0.002, Seed: 4) { Schedule = new RandomOnPlateauSchedule() };

    static RunConfig ConfigFor(TrainingSettings settings) =>
        Recipes.DefaultsFor("mnist-cnn") with { Settings = settings };

    static ClassifierNetwork NewModel() => ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, Settings.Seed);

    /// <summary>Cancels the run once it has taken a given number of steps in total.</summary>
    internal sealed class StopAfter(int steps, CancellationTokenSource source) : ITrainingObserver
    {
        int taken;

        public void OnStep(StepProgress progress)
        {
            if (++taken == steps) source.Cancel();
        }
    }

    static void AssertSameWeights(ClassifierNetwork expected, ClassifierNetwork actual)
    {
        foreach (var ((name, a), (_, b)) in expected.state_dict().Zip(actual.state_dict()))
            Assert.True(a.eq(b).all().item<bool>(), $"{name} differs from the uninterrupted run");
    }

    [Theory]
    [InlineData(17)]  // mid-epoch: 15 steps per epoch, stopped inside the second
    [InlineData(30)]  // just as the second epoch ends, before its evaluation
    public void Interrupted_and_resumed_run_ends_with_the_weights_of_an_uninterrupted_run(int stopAfterSteps)
    {
        using var data = Slice(600, 200, validation: 0);
        using var uninterrupted = NewModel();
        var reference = Trainer.Run(uninterrupted, data, Settings);

        var run = new RunDirectory(Path.Combine(folder, "run"));
        using (var first = NewModel())
        using (var cancel = new CancellationTokenSource())
        {
            var stopped = Trainer.Run(first, data, Settings, new RunCheckpoints(run, ConfigFor(Settings)),
                new StopAfter(stopAfterSteps, cancel), cancel.Token);
            Assert.Equal(StopReason.Cancelled, stopped.Stop);
        }
        // Whatever ran in between must not matter: the checkpoint carries the generators' states.
        torch.manual_seed(12345);
        torch.rand(100);

        using var resumed = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, seed: 999);
        var outcome = Trainer.Run(resumed, data, Settings, new RunCheckpoints(run, ConfigFor(Settings), Resume: true));
        Assert.Equal(StopReason.Completed, outcome.Stop);
        AssertSameWeights(uninterrupted, resumed);
        Assert.Equal(reference.History.Select(h => (h.Epoch, h.TrainLoss, h.TestAccuracy, h.LearningRate)),
            outcome.History.Select(h => (h.Epoch, h.TrainLoss, h.TestAccuracy, h.LearningRate)));
    }

    [Fact]
    public void A_failed_checkpoint_write_leaves_the_previous_checkpoint_whole()
    {
        using var data = Slice(200, 100);
        var run = new RunDirectory(folder);
        using var model = NewModel();
        Trainer.Run(model, data, Settings with { Epochs = 1 }, new RunCheckpoints(run, ConfigFor(Settings)));
        var path = run.File(RunDirectory.LastCheckpoint);
        var before = File.ReadAllBytes(path);

        // The write dies half-way, as on a full disk.
        Assert.Throws<IOException>(() => AtomicFile.Write(path, temp =>
        {
            File.WriteAllBytes(temp, before[..(before.Length / 2)]);
            throw new IOException("No space left on device");
        }));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "last.ckpt" }, Directory.GetFiles(folder, "*ckpt*").Select(Path.GetFileName).Where(f => f!.StartsWith("last") || f.StartsWith(".last")));
        var state = Checkpoint.ReadState(path);
        Assert.Equal(1, state.Trainer.Epoch);
        using var reloaded = NewModel();
        Checkpoint.Restore(path, reloaded, null);
        AssertSameWeights(model, reloaded);
    }

    [Fact]
    public void Checkpoint_of_another_architecture_is_refused_in_one_line()
    {
        using var data = Slice(100, 50);
        var run = new RunDirectory(folder);
        using var spinal = NewModel();
        Trainer.Run(spinal, data, Settings with { Epochs = 1 }, new RunCheckpoints(run, ConfigFor(Settings)));
        using var fc = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Fc, 0);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Restore(run.File(RunDirectory.LastCheckpoint), fc, null));
        Assert.Contains("last.ckpt", e.Message);
        Assert.DoesNotContain("\n", e.Message);

        File.WriteAllText(run.File("junk.ckpt"), "not a zip");
        var junk = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadState(run.File("junk.ckpt")));
        Assert.Contains("junk.ckpt", junk.Message);
    }

    [Fact]
    public void Patience_stops_when_the_selection_accuracy_stops_improving()
    {
        using var data = Slice(300, 100, validation: 0.2);
        using var model = NewModel();
        // A rate this small cannot move the validation accuracy for long.
        var outcome = Trainer.Run(model, data, new TrainingSettings(Epochs: 30, BatchSize: 60, LearningRate: 1e-7,
            Patience: 2, Seed: 2, ValidationFraction: 0.2));
        Assert.Equal(StopReason.EarlyStopped, outcome.Stop);
        Assert.True(outcome.History.Count < 30);
        int last = outcome.History[^1].Epoch;
        Assert.Equal(last - 2, outcome.BestEpoch);
        Assert.All(outcome.History, h => Assert.NotNull(h.ValidationAccuracy));
    }

    [Fact]
    public void Time_limit_stops_with_a_resumable_checkpoint()
    {
        using var data = Slice(400, 100);
        var run = new RunDirectory(folder);
        using var model = NewModel();
        var outcome = Trainer.Run(model, data, Settings with { Epochs = 5000, MaxTimeSeconds = 0.5 },
            new RunCheckpoints(run, ConfigFor(Settings)));
        Assert.Equal(StopReason.TimeLimit, outcome.Stop);
        Assert.True(outcome.History.Count < 5000);
        var state = Checkpoint.ReadState(run.File(RunDirectory.LastCheckpoint));
        Assert.True(state.Trainer.Epoch * 10 + state.Trainer.Step > 0, "the checkpoint records where the run stopped");
    }

    [Fact]
    public void Diverging_loss_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint()
    {
        using var data = Slice(400, 100);
        var run = new RunDirectory(folder);
        using var model = NewModel();
        var settings = new TrainingSettings(Epochs: 1, BatchSize: 50, LearningRate: 0.01, Seed: 1);
        Trainer.Run(model, data, settings, new RunCheckpoints(run, ConfigFor(settings)));
        var good = File.ReadAllBytes(run.File(RunDirectory.LastCheckpoint));

        using var exploding = NewModel();
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Run(exploding, data,
            settings with { Epochs = 2, LearningRate = 1e12, Momentum = 0.9 }, new RunCheckpoints(run, ConfigFor(settings))));
        Assert.Contains("loss became", e.Message);
        Assert.Contains("last.ckpt", e.Message);
        Assert.Equal(good, File.ReadAllBytes(run.File(RunDirectory.LastCheckpoint)));
    }

    [Fact]
    public void Run_folder_holds_well_formed_metrics_and_evaluation()
    {
        using var data = Slice(300, 200, validation: 0.1);
        var run = new RunDirectory(folder);
        using var model = NewModel();
        var settings = Settings with { Epochs = 2, ValidationFraction = 0.1 };
        var outcome = Trainer.Run(model, data, settings, new RunCheckpoints(run, ConfigFor(settings)));
        run.WriteEvaluation(outcome.FinalTest!);

        var csv = File.ReadAllLines(run.File(RunDirectory.MetricsCsv));
        Assert.Equal(3, csv.Length);
        Assert.All(csv.Skip(1), line => Assert.Equal(11, line.Split(',').Length));
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(run.File(RunDirectory.MetricsJson)));
        Assert.Equal(2, metrics.RootElement.GetArrayLength());
        // Training and evaluation time apart: samples/s is over the training time alone.
        var first = metrics.RootElement[0];
        Assert.True(first.GetProperty("train_seconds").GetDouble() > 0 && first.GetProperty("eval_seconds").GetDouble() > 0);
        Assert.Equal(270 / first.GetProperty("train_seconds").GetDouble(), first.GetProperty("samples_per_second").GetDouble(), 6);
        Assert.True(metrics.RootElement[1].GetProperty("validation_accuracy").GetDouble() > 0);

        var confusion = File.ReadAllLines(run.File(RunDirectory.ConfusionCsv));
        Assert.Equal(11, confusion.Length);
        long total = confusion.Skip(1).Sum(l => l.Split(',').Skip(1).Sum(long.Parse));
        Assert.Equal(200, total);
        long diagonal = confusion.Skip(1).Select((l, c) => long.Parse(l.Split(',')[c + 1])).Sum();
        Assert.Equal(outcome.FinalTest!.Accuracy, diagonal / 200.0, 9);
        using var evaluation = System.Text.Json.JsonDocument.Parse(File.ReadAllText(run.File(RunDirectory.EvaluationFile)));
        Assert.Equal(10, evaluation.RootElement.GetProperty("per_class_accuracy").GetArrayLength());
    }

    [Fact]
    public void Tensorboard_events_are_written_when_asked_for()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, 100, 20);
        var config = Recipes.DefaultsFor("mnist-cnn") with
        {
            Data = data, Settings = new TrainingSettings(Epochs: 1), Tensorboard = true,
        };
        using (var run = TrainingRun.Create(config, temp.Combine("run"))) run.Train();
        var events = Directory.GetFiles(temp.Combine("run", TensorboardLog.Folder), "*", SearchOption.AllDirectories);
        Assert.Contains(events, f => Path.GetFileName(f).StartsWith("events.out.tfevents") && new FileInfo(f).Length > 0);
    }
}
