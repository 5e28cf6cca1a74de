// The regression experiment (docs/regression.md §4): targets, network costs, the script's two bugs as options, training
// on tabular data made here, and every way a CSV file can be unusable.
using SpinalNet.Cost;
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Regression;
using SpinalNet.Runs;
using TorchSharp;

namespace SpinalNet.Tests;

public sealed class RegressionTests : IDisposable
{
    readonly TempFolder temp = new();
    string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Targets_equal_a_hand_computation()
    {
        var x = torch.tensor(new float[] { 1, 2, -1, 0.5f, 1, 1, 2, -0.5f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f }, [2, 8]);
        double[] sums = [1 + 2 - 1 + 0.5 + 1 + 1 + 2 - 0.5, 3.6], products = [1 * 2 * -1 * 0.5 * 1 * 1 * 2 * -0.5, 0.1 * 0.2 * 0.3 * 0.4 * 0.5 * 0.6 * 0.7 * 0.8];
        double[] Of(Target t) => SyntheticRegression.Function(t, x).flatten().data<float>().Select(v => (double)v).ToArray();
        Assert.Equal(sums, Of(Target.Sum), new Close(1e-5));
        Assert.Equal(sums.Select(Math.Sin), Of(Target.SinSum), new Close(1e-5));
        Assert.Equal(products, Of(Target.Product), new Close(1e-7));
        Assert.Equal(products.Select(Math.Sin), Of(Target.SinProduct), new Close(1e-7));
    }

    sealed class Close(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= epsilon;
        public int GetHashCode(double value) => 0;
    }

    [Fact]
    public void Noise_is_per_sample_by_default_and_broadcast_in_the_script_mode()
    {
        var (x, y) = SyntheticRegression.Generate(Target.Sum, 50, 0, broadcastNoise: false);
        var (xb, yb) = SyntheticRegression.Generate(Target.Sum, 50, 0, broadcastNoise: true);
        Assert.Equal([50L, 8], x.shape);
        Assert.Equal([50L, 1], y.shape);
        Assert.Equal([50L, 50], yb.shape);
        Assert.True(x.eq(xb).all().item<bool>());
        var noise = (y - x.sum(1, keepdim: true)).flatten();
        Assert.InRange(noise.min().item<float>(), 0, 0.2);
        Assert.InRange(noise.max().item<float>(), 0, 0.2);
        // Row i of the broadcast target is f(x_i) + every sample's noise draw.
        var rows = yb - x.sum(1, keepdim: true);
        Assert.True(rows[3].allclose(noise, atol: 1e-5) && rows[40].allclose(noise, atol: 1e-5));
    }

    [Theory]
    [InlineData(RegressionNet.Conventional, false, 22_001, 21_700, 22_001)]
    [InlineData(RegressionNet.Spinal, false, 14_301, 14_000, 14_301)]
    [InlineData(RegressionNet.Spinal, true, 14_301, 14_000, 8_801)]  // the script: layers 5, 6 reuse 3, 4
    public void Costs_and_trained_parameters(RegressionNet net, bool reuse, long parameters, long multiplications, long used)
    {
        using var model = new RegressionNetwork(net, 8, reuse);
        var cost = CostReport.Measure(model, 8);
        Assert.Equal((parameters, multiplications), (cost.Parameters, cost.Multiplications));
        var (x, y) = SyntheticRegression.Generate(Target.Sum, 16, 0, false);
        Assert.Equal(used, RegressionTrainer.UsedParameters(model, x, y));
    }

    [Fact]
    public void Layer_blocks_reuse_the_named_layers()
    {
        torch.manual_seed(8);
        using var layer = new SpinalLayer(new SpinalConfig(8, 5, 6, 1, Activation: Activation.LeakyRelu, LayerBlocks: [0, 1, 2, 3, 2, 3]));
        var x = torch.randn(4, 8);
        int[] map = [0, 1, 2, 3, 2, 3];
        var expected = SpinalReference.Forward(x, SpinalReference.StateOf(layer), 8, 2, 6,
            t => torch.nn.functional.leaky_relu(t, 0.01), i => map[i]);
        Assert.True(layer.call(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.Equal("LayerBlocks", Assert.Throws<SettingException>(() =>
            new SpinalLayer(new SpinalConfig(8, 5, 3, 1, LayerBlocks: [0, 0, 1]))).Setting);
    }

    [Fact]
    public void Short_table_one_run_learns_the_sum()
    {
        var rows = TableOne.Run(Target.Sum, new RegressionSettings(Epochs: 30), new TableOneOptions());
        Assert.All(rows, r =>
        {
            Assert.Equal(30, r.History.Count);
            Assert.True(r.MinLossAtEnd <= r.MinLossAtHalf);
            // The target's variance is 8: predicting the mean would cost about 8.
            Assert.True(r.TestMse < 0.1, $"{r.Net}: test MSE {r.TestMse}");
        });
        var script = TableOne.Run(Target.Product, new RegressionSettings(Epochs: 2), new TableOneOptions(true, true));
        Assert.Null(script[1].TestMse);
        Assert.Equal(8_801, script[1].UsedParameters);
    }

    string Csv(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A tabular set in the style of a physics lab: the period of a pendulum from its length and the local
    /// gravity, with measurement noise, and a column that does not matter.</summary>
    string Pendulum(int rows)
    {
        var random = new Random(11);
        var lines = new List<string> { "length_m,gravity,colour_code,period_s" };
        for (int i = 0; i < rows; i++)
        {
            double length = 0.2 + 1.8 * random.NextDouble(), gravity = 9.0 + 1.6 * random.NextDouble();
            double period = 2 * Math.PI * Math.Sqrt(length / gravity) * (1 + 0.01 * (random.NextDouble() - 0.5));
            lines.Add(FormattableString.Invariant($"{length:F4},{gravity:F4},{random.Next(5)},{period:F5}"));
        }
        return Csv("pendulum.csv", string.Join("\n", lines));
    }

    [Fact]
    public void Tabular_regression_beats_predicting_the_mean_by_far()
    {
        var table = CsvTable.Read(Pendulum(600), "period_s");
        Assert.Equal(["length_m", "gravity", "colour_code"], table.FeatureNames);
        var results = TabularRegression.Run(table, new RegressionSettings(Epochs: 40));
        Assert.All(results, r =>
        {
            Assert.Equal(90, r.True.Length);  // 15% test part
            Assert.True(r.R2 > 0.95, $"{r.Net}: R² {r.R2}");
            Assert.True(r.Mae < 0.1, $"{r.Net}: MAE {r.Mae} s");
        });
        var chosen = CsvTable.Read(Pendulum(50), "period_s", ["length_m"]);
        Assert.Equal(["length_m"], chosen.FeatureNames);
    }

    [Theory]
    [InlineData("a,b,y\n1,2,3\n", "weight", "no target column 'weight'")]
    [InlineData("a,b,y\n1,2,3\n4,x5,6\n", "y", "line 3, column 'b': 'x5' is not a number")]
    [InlineData("", "y", "empty file")]
    [InlineData("a,b,y\n", "y", "no data rows")]
    [InlineData("a,a,y\n1,2,3\n1,5,6\n", "y", "column name 'a' appears 2 times in the header")]
    [InlineData("a,b,y\n1,2,3\n4,5,NaN\n", "y", "line 3, column 'y': NaN in the target")]
    [InlineData("a,b,y\n1,2,3\n4,5\n", "y", "line 3 has 2 fields")]
    [InlineData("a,b,y\n1,2,3\n4,,6\n", "y", "line 3, column 'b': empty cell")]
    public void Unusable_csv_is_one_line_naming_row_and_column(string text, string target, string problem)
    {
        var path = Csv("bad.csv", text);
        var e = Assert.Throws<DataFormatException>(() => CsvTable.Read(path, target));
        Assert.Contains("bad.csv", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Cli_prints_table_one_next_to_the_paper_and_runs_csv_data()
    {
        var synthetic = CliRunner.Run("regress", "--target", "sin-product", "--epochs", "4");
        Assert.True(synthetic.ExitCode == 0, synthetic.Stderr);
        var spinal = synthetic.Stdout.Split('\n').Single(l => l.Contains("Spinal 6 × 50"));
        Assert.Contains("0.910", spinal);  // the paper's value beside ours
        Assert.Contains("14,301", spinal);
        Assert.Contains("35.48% fewer", synthetic.Stdout);

        var run = Path.Combine(folder, "run");
        var csv = CliRunner.Run("regress", "--data", Pendulum(200), "--target-column", "period_s", "--epochs", "5", "--out", run);
        Assert.True(csv.ExitCode == 0, csv.Stderr);
        Assert.Contains("test R²", csv.Stdout);
        Assert.Contains($"run folders in {run}", csv.Stdout);
        foreach (var file in new[] { "config.json", "metrics.csv", "model.safetensors", "loss.png", "scatter.png" })
            Assert.True(File.Exists(Path.Combine(run, "spinal", file)), $"{file} missing");
        Assert.Equal(6, File.ReadAllLines(Path.Combine(run, "fc", "metrics.csv")).Length);

        var bad = CliRunner.Run("regress", "--data", Csv("x.csv", "a,y\n1,2\n2,oops\n"), "--target-column", "y");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Single(bad.Stderr.Trim().Split('\n'));
        Assert.Contains("line 3, column 'y'", bad.Stderr);
    }

    [Fact]
    public void Csv_regression_run_exports_as_onnx_taking_raw_features_and_giving_target_units()
    {
        var run = Path.Combine(folder, "onnx-run");
        var results = SpinalNet.Runs.CsvRegressionRun.Run(Pendulum(200), "period_s", null,
            new RegressionSettings(Epochs: 3), run).Networks;
        var cli = CliRunner.Run("export", "--run", Path.Combine(run, "spinal"), "--format", "onnx");
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        foreach (var net in new[] { RegressionNet.Conventional, RegressionNet.Spinal })
        {
            var netFolder = Path.Combine(run, SpinalNet.Runs.CsvRegressionRun.Id(net));
            var path = SpinalNet.Runs.TrainedModel.ExportOnnxRun(netFolder, Path.Combine(folder, $"{net}.onnx"));
            var config = System.Text.Json.JsonSerializer.Deserialize<SpinalNet.Runs.RegressionRunConfig>(
                File.ReadAllText(Path.Combine(netFolder, "config.json")), SpinalNet.Runs.RunJson.Options)!;
            var s = config.Standardisation!;
            using var model = new RegressionNetwork(net, 3);
            SpinalNet.Interop.WeightsFile.Load(model, Path.Combine(netFolder, "model.safetensors"));
            model.eval();
            torch.manual_seed(4);
            using var raw = torch.rand(7, 3) * 2;
            using var noGrad = torch.no_grad();
            using var expected = model.call((raw - torch.tensor(s.FeatureMean)) / torch.tensor(s.FeatureStd)) *
                s.TargetStd + s.TargetMean;
            using var session = SpinalNet.Onnx.OnnxSession.Open(path, threads: 1);
            using var actual = session.Forward(raw);
            Assert.True(expected.sub(actual).abs().max().item<float>() < 1e-5);
            Assert.Equal("target", session.Metadata["output"]);
            Assert.Equal("[\"length_m\",\"gravity\",\"colour_code\"]", session.Metadata["features"]);
        }
        Assert.Equal(2, results.Count);
    }
}
