// The head search: grids parsed and checked before any training, the Pareto front on hand-made points (ties, a
// dominated conventional head), a sweep on real digits writing its table, chart and report, and a stopped sweep that
// resumes to the same table.
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;

namespace SpinalNet.Tests;

public sealed class SweepTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("4,8,16", new[] { 4, 8, 16 })]
    [InlineData("4..64x2", new[] { 4, 8, 16, 32, 64 })]
    [InlineData("2..5", new[] { 2, 3, 4, 5 })]
    [InlineData("2, 8..32x4, 2", new[] { 2, 8, 32 })]
    public void Lists_and_ranges_parse(string text, int[] expected) =>
        Assert.Equal(expected, SweepGrid.Parse(text, "Spinal.Width"));

    [Theory]
    [InlineData("", "needs at least one value")]
    [InlineData("4,x", "'x', not a number")]
    [InlineData("8..4", "empty range")]
    [InlineData("4..64x1", "empty range")]
    public void Bad_lists_are_one_line_errors(string text, string culprit)
    {
        var e = Assert.Throws<SettingException>(() => SweepGrid.Parse(text, null, null));
        Assert.Equal("Spinal.Width", e.Setting);
        Assert.Contains(culprit, e.Message);
    }

    [Fact]
    public void The_front_keeps_ties_and_drops_dominated_points()
    {
        var front = Pareto.Front([
            (100, 0.90),   // conventional head: beaten by the next point on both counts
            (50, 0.92),
            (50, 0.92),    // a tie: neither dominates the other
            (10, 0.80),
            (20, 0.80),    // same accuracy, more cost: dominated
            (200, 0.95),
        ]);
        Assert.Equal([false, true, true, true, false, true], front);
    }

    [Fact]
    public void Rows_keep_the_head_steps_spread_and_rows_of_earlier_versions_still_read()
    {
        var row = new SweepRow("spinal", 8, 6, 2, 1, 8_538, 8_480, 120.5, 0.94, 0.93, 117.25, 124.75);
        Assert.Equal(row, SweepRow.Parse(row.Csv(), "sweep.csv"));
        Assert.Equal(12, SweepRow.CsvHeader.Split(',').Length);
        // An earlier version's row: one figure, which stands for its own spread.
        var old = SweepRow.Parse("fc,,,,1,16560,16500,286.6,0.95,0.94", "old.csv");
        Assert.Equal((286.6, 286.6, 286.6), (old.HeadStepMicroseconds, old.HeadStepP10, old.HeadStepP90));
        Assert.Throws<InvalidDataException>(() => SweepRow.Parse("fc,1,2", "bad.csv"));
    }

    [Fact]
    public void Bad_grid_points_fail_before_any_training_or_writing()
    {
        var folder = temp.Combine("sweep");
        var config = Recipes.DefaultsFor("mnist-cnn");
        var e = Assert.Throws<SettingException>(() => HeadSweep.Create(config, new SweepGrid([0]), folder: folder));
        Assert.Equal("Spinal.Width", e.Setting);
        e = Assert.Throws<SettingException>(() => HeadSweep.Create(config, new SweepGrid([4], Splits: [400]), folder: folder));
        Assert.StartsWith("Spinal.Splits 400 ", e.Message);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void A_sweep_writes_its_table_and_a_stopped_one_resumes_to_the_same_table()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 300, test: 100);
        var config = Recipes.DefaultsFor("mnist-cnn") with
        {
            Data = data, Settings = new TrainingSettings(Epochs: 1, LearningRate: 0.05, Seed: 2),
        };
        var grid = new SweepGrid([4, 8], [2, 3]);
        IReadOnlyList<SweepPoint> whole;
        using (var sweep = HeadSweep.Create(config, grid, folder: temp.Combine("whole"))) whole = sweep.Run();
        Assert.Equal(5, whole.Count);  // the conventional head and four points
        foreach (var file in new[] { HeadSweep.RowsFile, SweepReport.ReportFile, SweepReport.ChartFile, HeadSweep.PlanFile })
            Assert.True(new FileInfo(Path.Combine(temp.Combine("whole"), file)).Length > 0, file);
        Assert.Contains(whole, p => p.OnMultiplicationFront);
        var fc = whole.Single(p => p.Head == "fc");
        Assert.Equal(16_560, fc.HeadParameters);
        Assert.Equal(8 * 160 + 8 + (8 * 168 + 8) * 2 + 24 * 10 + 10,
            whole.Single(p => p.Width == 8 && p.Layers == 3).HeadParameters);

        // A budget of ~0 s stops after the first point; --resume finishes the rest.
        var folder = temp.Combine("stopped");
        using (var sweep = HeadSweep.Create(config, grid, folder: folder)) sweep.Run(budgetSeconds: 1e-9);
        using (var resumed = HeadSweep.Resume(folder))
        {
            Assert.Single(resumed.Rows());
            var again = resumed.Run();
            Assert.Equal(whole.Select(p => (p.Label, p.HeadMultiplications, p.Accuracy.Mean)),
                again.Select(p => (p.Label, p.HeadMultiplications, p.Accuracy.Mean)));
        }
    }

    [Fact]
    public void Parallel_workers_give_the_table_of_a_sweep_run_point_after_point()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 200, test: 60);
        var parallel = temp.Combine("parallel");
        var cli = CliRunner.Run("sweep", "--model", "mnist-cnn", "--spinal-width", "4,8", "--spinal-layers", "2",
            "--epochs", "1", "--lr", "0.05", "--seed", "2", "--data", data, "--jobs", "2", "--threads", "2", "--out", parallel);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        Assert.Empty(Directory.GetFiles(parallel, "sweep-shard-*.csv"));
        // Each worker had one thread: the same thread count as the sequential sweep here.
        var config = Recipes.DefaultsFor("mnist-cnn") with
        {
            Data = data, Settings = new TrainingSettings(Epochs: 1, LearningRate: 0.05, Seed: 2, Threads: 1),
        };
        IReadOnlyList<SweepPoint> sequential;
        try
        {
            using var sweep = HeadSweep.Create(config, new SweepGrid([4, 8], [2]), folder: temp.Combine("sequential"));
            sequential = sweep.Run();
        }
        finally
        {
            TorchSharp.torch.set_num_threads(TestSetup.Threads);
        }
        using var done = HeadSweep.Resume(parallel);
        Assert.Equal(sequential.Select(p => (p.Label, p.Accuracy.Mean)).Order(),
            done.Rows().Select(r => (r.Head == "fc" ? "conventional" : $"w={r.Width} L={r.Layers} k={r.Splits}", r.BestAccuracy)).Order());
        Assert.Contains("front", File.ReadAllText(Path.Combine(parallel, SweepReport.ReportFile)));
    }
}
