// `spinalnet bench` and the library call behind it (Runs/Costs/Benchmark.cs, docs/performance.md §9.4): both heads, their
// costs, positive timings, the plain-path timing for the Spinal head only, the JSON file's names.
using System.Text.Json;
using SpinalNet.Runs;

namespace SpinalNet.Tests;

public class BenchmarkTests
{
    [Fact]
    public void Measures_both_heads_with_their_costs()
    {
        var config = Recipes.DefaultsFor("mnist-cnn");
        config = config with { Settings = config.Settings with { BatchSize = 8, TestBatchSize = 16 } };
        var report = Benchmark.Run(config, secondsPerMeasurement: 0.02);
        Assert.Equal(["fc", "spinal"], report.Heads.Select(h => h.Head));
        var (fc, spinal) = (report.Heads[0], report.Heads[1]);
        Assert.Equal((16_500, 16_560, 480_500), (fc.HeadMultiplications, fc.HeadParameters, fc.Multiplications));
        Assert.Equal((8_480, 8_538, 13_818), (spinal.HeadMultiplications, spinal.HeadParameters, spinal.Parameters));
        Assert.Null(fc.HeadPlainStepUs);
        Assert.True(spinal.HeadPlainStepUs > 0);
        foreach (var h in report.Heads)
        {
            Assert.True(h.HeadStepUs > 0 && h.NetworkStepMs > 0 && h.InferenceImagesPerS > 0 &&
                        h.InferenceImagesPerSBatch1 > 0 && h.PeakResidentBytes > 0, h.ToString());
            // The median of the interleaved rounds, within its spread.
            Assert.True(h.HeadStepP10Us <= h.HeadStepUs && h.HeadStepUs <= h.HeadStepP90Us, h.ToString());
            Assert.True(h.NetworkStepP10Ms <= h.NetworkStepMs && h.NetworkStepMs <= h.NetworkStepP90Ms, h.ToString());
        }
        Assert.Equal(spinal.HeadStepUs / fc.HeadStepUs, report.SpinalOverFcHeadStep, 12);
        Assert.Equal((8, 16), (report.BatchSize, report.TestBatchSize));
    }

    [Fact]
    public void Times_a_head_that_is_more_than_a_spinal_layer_on_the_backbones_own_features()
    {
        // The CIFAR ResNet's heads pool the 4 × 4 feature map first: their input is the backbone's output, not a width.
        var config = Recipes.DefaultsFor("cifar10-resnet18");
        config = config with { Settings = config.Settings with { BatchSize = 2, TestBatchSize = 2 } };
        var report = Benchmark.Run(config, secondsPerMeasurement: 0.01);
        Assert.Equal((2_570, 470_026), (report.Heads[0].HeadParameters, report.Heads[1].HeadParameters));
        Assert.All(report.Heads, h => Assert.True(h.HeadStepUs > 0, h.ToString()));
    }

    [Fact]
    public void Bench_command_prints_the_table_and_writes_json()
    {
        var json = Path.Combine(Path.GetTempPath(), $"spinalnet-bench-{Guid.NewGuid():N}.json");
        try
        {
            var result = CliRunner.Run("bench", "--model", "mnist-cnn", "--batch-size", "8", "--test-batch-size", "16",
                "--threads", "1", "--time", "0.02", "--json", json);
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Contains("Spinal head step / fc head step", result.Stdout);
            Assert.Contains("8,480", result.Stdout);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var heads = doc.RootElement.GetProperty("heads");
            Assert.Equal(["fc", "spinal"], heads.EnumerateArray().Select(h => h.GetProperty("head").GetString()));
            foreach (var name in new[] { "head_step_us", "head_step_p10_us", "head_step_p90_us", "network_step_ms",
                         "inference_images_per_s" })
                Assert.True(heads[1].GetProperty(name).GetDouble() > 0, name);
            Assert.Equal(1, doc.RootElement.GetProperty("threads").GetInt32());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Bad_time_is_a_one_line_error()
    {
        var result = CliRunner.Run("bench", "--time", "0");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--time 0", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
