// The network a run builds is one resolved value (docs/architecture.md §14): the defaults record every Spinal setting,
// every override path (a config file, an option, a resume change, a sweep point) goes through the one merge, a sweep
// keeps the run's own head settings beside the swept ones, and a resumed run builds the network its config.json says.
using System.Reflection;
using System.Text.Json.Nodes;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;

namespace SpinalNet.Tests;

public sealed class NetworkChoiceTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_default_configuration_records_the_resolved_head()
    {
        var saved = JsonNode.Parse(RunJson.Serialize(Recipes.DefaultsFor("mnist-cnn")))!;
        var spinal = saved["spinal"]!;
        Assert.Equal((8, 6, 2), (spinal["width"]!.GetValue<int>(), spinal["layers"]!.GetValue<int>(),
            spinal["splits"]!.GetValue<int>()));
        Assert.Equal(10, saved["classes"]!.GetValue<int>());
        // Read back unchanged.
        Assert.Equal(RunJson.Serialize(Recipes.DefaultsFor("mnist-cnn")),
            RunJson.Serialize(Configuration.Read(saved.AsObject(), "config.json")));
    }

    [Fact]
    public void A_file_an_option_and_a_resume_change_go_through_the_same_merge()
    {
        var file = ConfigLayer.Parse("""{"spinal": {"width": 16, "dropout": 0.25}}""", "run.json");
        var config = Configuration.Resolve(null, [file], new RunOverrides(SpinalLayers: 3, Epochs: 2));
        Assert.Equal(new SpinalSettings(16, 3, 2, 0.25), config.Spinal);
        Assert.Equal(2, config.Settings.Epochs);
        // A null in a file stands for the model's own value; an option over it wins.
        var own = Configuration.Resolve(ConfigLayer.Parse("""{"spinal": {"width": null}}""", "old.json"));
        Assert.Equal(8, own.Spinal.Width);
        Assert.Equal(12, new ResumeChanges(Epochs: 12).Layer.ApplyTo(config).Settings.Epochs);
        Assert.Equal(config.Spinal, new ResumeChanges(Epochs: 12).Layer.ApplyTo(config).Spinal);
    }

    [Fact]
    public void Only_the_configuration_layer_merges_configurations()
    {
        // Every method that takes a configuration and returns one: the merge (ConfigLayer.ApplyTo), the check
        // (Configuration.Validate, which returns what it was given) and the thread default (ThisProcess.DecideThreads,
        // a layer applied through the merge). A second merge would show up here.
        var merges = typeof(RunConfig).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static |
                                          BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(RunConfig) && !m.IsSpecialName && !m.Name.Contains('<') &&
                        m.GetParameters().Any(p => p.ParameterType == typeof(RunConfig)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Order().ToList();
        Assert.Equal(["ConfigLayer.ApplyTo", "Configuration.Validate", "ThisProcess.DecideThreads"], merges);
        Assert.DoesNotContain(typeof(RunConfig).Assembly.GetTypes(), t => t.Name.EndsWith("Overrides") &&
            t.GetMethods().Any(m => m.Name.StartsWith("Apply")));
    }

    [Fact]
    public void A_sweep_of_a_head_with_dropout_and_batch_norm_keeps_both_in_every_point()
    {
        // As a transfer preset's SpinalNet_VGG head: dropout 0.5 and batch norm, swept over widths.
        var config = Configuration.Resolve(ConfigLayer.Parse("""{"spinal": {"dropout": 0.5, "batch_norm": true}}""",
            "preset.json"));
        var plan = new SweepPlan(config, new SweepGrid([4, 16]), 1);
        var points = plan.Points(config.Settings.Seed).ToList();
        Assert.Equal([HeadKind.Fc, HeadKind.Spinal, HeadKind.Spinal], points.Select(p => p.Head));
        foreach (var (point, width) in points.Skip(1).Zip(new[] { 4, 16 }))
        {
            Assert.Equal(config.Spinal with { Width = width }, point.Spinal);
            // s = 160, L = 6, k = 2; batch norm adds 2·w per layer; the output layer 6w → 10.
            long w = width, expected = (160 * w + w) + 5 * ((160 + w) * w + w) + 6 * 2 * w + (6 * w * 10 + 10);
            Assert.Equal(expected, point.Network.OnMeta(n => n.Head.parameters().Sum(p => p.numel())));
        }
        Assert.Equal("w=4 L=6 k=2", SweepRow.Label(points[1].Spinal.Width, points[1].Spinal.Layers, points[1].Spinal.Splits));
    }

    [Fact]
    public void A_sweep_trains_the_runs_own_head_settings_and_records_the_values_used()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 120, test: 60);
        var config = Configuration.Resolve(null, [ConfigLayer.Parse("""{"spinal": {"dropout": 0.5, "batch_norm": true}}""",
            "preset.json")], new RunOverrides(Data: data, Epochs: 1));
        using var sweep = HeadSweep.Create(config, new SweepGrid([4]), folder: temp.Combine("sweep"));
        var points = sweep.Run();
        var spinal = points.Single(p => p.Head == "spinal");
        Assert.Equal((4, 6, 2), (spinal.Width, spinal.Layers, spinal.Splits));
        Assert.Equal((160 * 4 + 4) + 5 * (164 * 4 + 4) + 6 * 2 * 4 + (24 * 10 + 10), spinal.HeadParameters);
        Assert.Contains("| Spinal | 4 | 6 | 2 |", File.ReadAllText(Path.Combine(sweep.Folder, SweepReport.ReportFile)));
        Assert.Contains("1 epoch,", File.ReadAllText(Path.Combine(sweep.Folder, SweepReport.ReportFile)));
    }

    [Fact]
    public void A_resumed_run_builds_the_network_its_configuration_records()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 64, test: 32);
        var config = Configuration.Resolve(options: new RunOverrides(Data: data, Epochs: 1, SpinalWidth: 5, SpinalSplits: 4,
            SpinalBatchNorm: true));
        var folder = temp.Combine("run");
        using (var run = TrainingRun.Create(config, folder)) run.Train();
        using var resumed = TrainingRun.Resume(folder, new ResumeChanges(Epochs: 2));
        Assert.Equal(config.Network, resumed.Config.Network);
        Assert.Equal(config.Network.OnMeta(n => n.parameters().Sum(p => p.numel())),
            resumed.Model.parameters().Sum(p => p.numel()));
        Assert.Equal(2, resumed.Config.Settings.Epochs);
    }
}
