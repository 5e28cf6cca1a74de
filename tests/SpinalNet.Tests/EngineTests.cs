// The one training engine (docs/architecture.md §14.4): the only loop in src/ that steps an optimiser and the only
// setter of torch's threads; the objectives' losses and evaluations against hand computations; the best epoch's
// weights kept; a run without a split to select on; a last batch of one sample left out where batch norm cannot train
// on it; the caller's thread count restored; and the ML.NET regression trainer, which trains through the engine, held
// out and selected on small data.
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.ML;
using SpinalNet.Models;
using SpinalNet.Regression;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class EngineTests
{
    static IEnumerable<string> SourceFiles() => Directory.EnumerateFiles(
        Path.Combine(ArchitectureTests.RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));

    static List<string> FilesMatching(string pattern) => SourceFiles()
        .Where(f => Regex.IsMatch(File.ReadAllText(f), pattern)).Select(Path.GetFileName).OfType<string>().ToList();

    [Fact]
    public void Only_the_trainer_steps_an_optimizer_and_only_the_thread_policy_sets_threads()
    {
        // The benchmark times single steps (bench may); every other step of an optimiser is the engine's.
        Assert.Equal(["Benchmark.cs", "Trainer.cs"], FilesMatching(@"\.step\(\)").Order());
        Assert.Equal(["ThreadPolicy.cs"], FilesMatching(@"set_num_threads\("));
        Assert.Equal(["HoldOut.cs"], FilesMatching(@"randperm\(").Where(f => f != "Trainer.cs"));
    }

    static ClassifierNetwork Linear(int inputs, int outputs, long seed)
    {
        torch.manual_seed(seed);
        return new ClassifierNetwork(nn.Identity(), nn.Linear(inputs, outputs), logSoftmax: false);
    }

    [Fact]
    public void Binary_and_regression_objectives_match_hand_computations()
    {
        using var model = Linear(4, 1, 3);
        var x = torch.randn(25, 4, generator: new Generator(5));
        var target = (torch.rand(25, 1, generator: new Generator(6)) > 0.5).to_type(ScalarType.Float32);
        using var binary = new InMemoryDataset(x.clone(), target.clone(), 2, "binary rows");
        var e = Objective.Binary.Evaluate(model, binary, batchSize: 7);
        using (torch.no_grad())
        {
            var logits = model.call(x);
            Assert.Equal(nn.functional.binary_cross_entropy_with_logits(logits, target).item<float>(), e.Loss, 5);
            Assert.Equal(logits.gt(0).eq(target.gt(0.5)).sum().item<long>() / 25.0, e.Accuracy, 12);
        }
        Assert.Equal(-e.Loss, Objective.Binary.Score(e));

        // A [n, 3] target broadcasts against [n, 1] predictions: the MSE over all elements (the regression script's).
        var wide = torch.randn(25, 3, generator: new Generator(7));
        using var regression = new InMemoryDataset(x.clone(), wide.clone(), 0, "regression rows");
        var r = Objective.Regression.Evaluate(model, regression, batchSize: 4);
        using (torch.no_grad())
            Assert.Equal((model.call(x) - wide).square().mean().item<float>(), r.Loss, 5);
        Assert.True(double.IsNaN(r.Accuracy));
        Assert.Equal(r.Loss, Objective.MeanSquaredError(model.call(x), wide).item<float>(), 5);
    }

    [Fact]
    public void Regression_ends_with_the_weights_of_its_best_validation_epoch()
    {
        var (x, y) = SyntheticRegression.Generate(Target.SinSum, 300, 0, broadcastNoise: false);
        var (vx, vy) = SyntheticRegression.Generate(Target.SinSum, 100, 1, broadcastNoise: false);
        torch.manual_seed(0);
        using var model = new RegressionNetwork(RegressionNet.Spinal, SyntheticRegression.Inputs);
        // A large rate makes the validation loss wander, so the best epoch is seldom the last.
        var history = RegressionTrainer.Train(model, x, y, new RegressionSettings(Epochs: 12, LearningRate: 0.05),
            (vx, vy));
        Assert.Equal(12, history.Count);
        double best = history.Min(e => e.ValidationLoss!.Value);
        Assert.True(history[^1].ValidationLoss > best, "the last epoch is the best: the test would show nothing");
        Assert.Equal(best, RegressionTrainer.Evaluate(model, vx, vy), 5);
        Assert.All(history, e => Assert.True(e.LastBatchLoss >= e.MinLastBatchLoss));
        Assert.Equal(history.Min(e => e.LastBatchLoss), history[^1].MinLastBatchLoss);
    }

    static (InMemoryDataset Train, InMemoryDataset Test) Digits(int train, int test)
    {
        var (fullTrain, fullTest) = MnistFamily.LoadTensors(null, ChannelNormalization.Mnist);
        using (fullTrain)
        using (fullTest)
            return (fullTrain.Take(train), fullTest.Take(test));
    }

    sealed class StepCounter : ITrainingObserver
    {
        public readonly List<(int Epoch, long Step, int Threads)> Steps = [];
        public void OnStep(StepProgress p) => Steps.Add((p.Epoch, p.Step, torch.get_num_threads()));
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 3)]
    public void A_last_batch_of_one_sample_is_left_out_where_batch_norm_cannot_train_on_it(bool batchNorm, int steps)
    {
        var (train, _) = Digits(101, 10);
        using (train)
        {
            torch.manual_seed(1);
            using var model = new ClassifierNetwork(nn.Flatten(),
                new SpinalLayer(new SpinalConfig(784, 8, 2, 10, BatchNorm: batchNorm)), logSoftmax: false);
            var counter = new StepCounter();
            var outcome = Trainer.Run(model, new TrainingData(train, null), new TrainingSettings(Epochs: 2, BatchSize: 50),
                observer: counter);
            Assert.Equal(2 * steps, counter.Steps.Count);
            Assert.Equal(2, outcome.History.Count);
        }
    }

    [Fact]
    public void A_run_without_a_split_to_select_on_keeps_its_last_epoch_and_tests_nothing()
    {
        var (train, _) = Digits(200, 10);
        using (train)
        {
            using var model = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, 2);
            int before = torch.get_num_threads();
            var counter = new StepCounter();
            var outcome = Trainer.Run(model, new TrainingData(train, null),
                new TrainingSettings(Epochs: 2, BatchSize: 100, Threads: 1, KeepBest: true), observer: counter);
            Assert.Equal(2, outcome.BestEpoch);
            Assert.Null(outcome.FinalTest);
            Assert.All(outcome.History, m => Assert.Null(m.TestAccuracy));
            // The run's threads while it trains, the caller's after.
            Assert.All(counter.Steps, s => Assert.Equal(1, s.Threads));
            Assert.Equal(before, torch.get_num_threads());
        }
    }

    sealed class RegressionRow
    {
        [LoadColumn(0)] public float Label;
        [LoadColumn(1, 10), VectorType(10)] public float[] Features = [];
    }

    /// <summary>A small noisy linear problem: 10 features, a target whose noise caps R² near 0.6.</summary>
    static string SmallRegressionCsv(int rows, int seed)
    {
        var random = new Random(seed);
        double[] weights = [0.8, -0.5, 0.3, 0.0, 0.6, -0.2, 0.0, 0.4, 0.1, -0.3];
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var lines = Enumerable.Range(0, rows).Select(_ =>
        {
            var x = weights.Select(_ => Gaussian()).ToArray();
            double y = 150 + 40 * (x.Zip(weights, (a, w) => a * w).Sum() + 0.9 * Gaussian());
            return string.Join(",", x.Prepend(y).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        });
        var path = Path.Combine(Path.GetTempPath(), $"spinal-small-{rows}-{seed}-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void The_ml_net_regression_trainer_holds_out_and_selects_on_small_data()
    {
        var ml = new MLContext(seed: 1);
        string trainFile = SmallRegressionCsv(330, 1), testFile = SmallRegressionCsv(110, 2);
        try
        {
            var train = ml.Data.LoadFromTextFile<RegressionRow>(trainFile, separatorChar: ',');
            var test = ml.Data.LoadFromTextFile<RegressionRow>(testFile, separatorChar: ',');
            var trainer = ml.Regression.Trainers.Spinal();
            var model = trainer.Fit(train);
            double r2 = ml.Regression.Evaluate(model.Transform(test)).RSquared;
            var sdca = ml.Regression.Evaluate(ml.Regression.Trainers.Sdca().Fit(train).Transform(test)).RSquared;
            Console.WriteLine($"small regression 330/110: R² spinal {r2:0.####}, sdca {sdca:0.####}, " +
                              $"{trainer.LastHistory.Count} epochs");
            // A fifth held out, so every epoch has a validation loss, and early stopping ends long before the cap.
            Assert.All(trainer.LastHistory, e => Assert.NotNull(e.ValidationLoss));
            Assert.True(trainer.LastHistory.Count < 100, $"{trainer.LastHistory.Count} epochs");
            Assert.True(r2 > 0.4, $"R² {r2} (sdca {sdca})");
        }
        finally
        {
            File.Delete(trainFile);
            File.Delete(testFile);
        }
    }
}
