// Learning-rate rules produce their documented sequences, and configuration layers resolve in order with unknown keys
// refused by name.
using System.Text.Json.Nodes;
using SpinalNet.Models;
using SpinalNet.Runs;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Tests;

public class ScheduleAndConfigTests
{
    static double[] EpochRates(Schedule settings, double baseRate, int epochs, bool[] improved)
    {
        using var schedule = new LearningRateSchedule(settings, baseRate, epochs, stepsPerEpoch: 10, seed: 7);
        var rates = new double[epochs];
        for (int e = 0; e < epochs; e++)
        {
            rates[e] = schedule.RateAt(e, 0);
            schedule.EndEpoch(e + 1, improved[e]);
        }
        return rates;
    }

    static readonly bool[] Mixed = [true, false, true, false, false, true, false, true];

    [Fact]
    public void Constant_and_step_and_cosine_follow_their_formulas()
    {
        Assert.All(EpochRates(new ConstantSchedule(), 0.01, 8, Mixed), r => Assert.Equal(0.01, r));
        Assert.Equal([0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001],
            EpochRates(new StepSchedule(StepSize: 3, Gamma: 0.1), 0.1, 8, Mixed), new Tolerance(1e-15));
        var cosine = EpochRates(new CosineSchedule(MinLearningRate: 0.001), 0.1, 8, Mixed);
        for (int e = 0; e < 8; e++)
            Assert.Equal(0.001 + 0.099 * (1 + Math.Cos(Math.PI * e / 8)) / 2, cosine[e], 12);
    }

    [Fact]
    public void One_cycle_rises_to_the_peak_then_anneals_far_below_the_start()
    {
        using var schedule = new LearningRateSchedule(new OneCycleSchedule(MaxLearningRate: 0.1), 0.01, 10, 10, 1);
        var rates = Enumerable.Range(0, 100).Select(i => schedule.RateAt(i / 10, i % 10)).ToArray();
        Assert.Equal(0.1 / 25, rates[0], 12);
        Assert.Equal(0.1, rates.Max(), 3);
        Assert.InRange(Array.IndexOf(rates, rates.Max()), 28, 31);
        Assert.Equal(0.1 / 25 / 1e4, rates[^1], 9);
    }

    [Fact]
    public void Random_on_plateau_draws_base_times_u_cubed_only_when_accuracy_fails_to_improve()
    {
        var rates = EpochRates(new RandomOnPlateauSchedule(Power: 3), 0.005, 8, Mixed);
        // The documented rule, replayed with the schedule's own generator (seed + 0x5eed).
        using var draws = new torch.Generator(7 + 0x5eed, torch.CPU);
        double current = 0.005;
        for (int e = 0; e < 8; e++)
        {
            Assert.Equal(current, rates[e], 15);
            if (!Mixed[e]) current = 0.005 * Math.Pow(torch.rand(1, generator: draws).item<float>(), 3);
        }
        Assert.True(rates.Distinct().Count() > 3, "the rate changed on each plateau");
        Assert.All(rates, r => Assert.InRange(r, 0, 0.005));
    }

    [Fact]
    public void Divide_on_plateau_and_random_every_epoch_after_a_start_epoch()
    {
        Assert.Equal([0.3, 0.3, 0.1, 0.1, 0.1 / 3, 0.1 / 9, 0.1 / 9, 0.1 / 27],
            EpochRates(new DivideOnPlateauSchedule(Factor: 3), 0.3, 8, Mixed), new Tolerance(1e-15));
        var rates = EpochRates(new RandomEveryEpochSchedule(Power: 3, RandomBase: 0.05, StartEpoch: 4), 0.01, 8, Mixed);
        Assert.All(rates[..5], r => Assert.Equal(0.01, r));
        Assert.All(rates[5..], r => Assert.InRange(r, 0, 0.05));
        Assert.Equal(3, rates[5..].Distinct().Count());
    }

    [Fact]
    public void Divide_every_epoch_after_a_start_epoch_and_after_listed_epochs()
    {
        var rates = EpochRates(new DivideEveryEpochSchedule(Factor: 3, StartEpoch: 5, AlsoAfter: [2]), 0.9, 8, Mixed);
        Assert.Equal([0.9, 0.9, 0.3, 0.3, 0.3, 0.3, 0.1, 0.1 / 3], rates, new Tolerance(1e-15));
    }

    internal sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= epsilon;
        public int GetHashCode(double value) => 0;
    }

    static ConfigLayer Layer(string source, string json) => new(source, JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void Layers_apply_in_order_over_the_model_defaults()
    {
        var config = Configuration.Resolve(
            Layer("file.json", """{"head": "fc", "settings": {"learning_rate": 0.5, "epochs": 3, "schedule": {"name": "step", "gamma": 0.5}}}"""),
            Layer("options", """{"settings": {"epochs": 5}}"""));
        Assert.Equal(HeadKind.Fc, config.Head);
        Assert.Equal(0.5, config.Settings.LearningRate);
        Assert.Equal(5, config.Settings.Epochs);
        Assert.Equal(0.5, config.Settings.Momentum);  // the model's default survives
        Assert.Equal(new StepSchedule(Gamma: 0.5), config.Settings.Schedule);
        Assert.Equal(64, config.Settings.BatchSize);
    }

    [Fact]
    public void Unknown_key_is_named_with_its_source_and_the_valid_keys()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Configuration.Resolve(Layer("run.json", """{"settings": {"learning_rat": 0.1}}""")));
        Assert.Contains("run.json", e.Message);
        Assert.Contains("'settings.learning_rat'", e.Message);
        Assert.Contains("learning_rate", e.Message);
    }

    [Fact]
    public void Wrongly_typed_or_invalid_values_are_refused()
    {
        var typed = Assert.Throws<ArgumentException>(() =>
            Configuration.Resolve(Layer("run.json", """{"settings": {"epochs": "many"}}""")));
        Assert.Contains("settings.epochs", typed.Message);
        var invalid = Assert.Throws<ArgumentException>(() =>
            Configuration.Resolve(Layer("run.json", """{"settings": {"schedule": {"name": "sometimes"}}}""")));
        Assert.Contains("sometimes", invalid.Message);
        Assert.Throws<ArgumentException>(() => Configuration.Resolve(Layer("run.json", """{"model": "alexnet-9"}""")));
    }

    [Fact]
    public void Resolved_config_round_trips_through_its_saved_json()
    {
        var config = Configuration.Resolve(Layer("options", """{"spinal": {"width": 12}, "settings": {"optimizer": "adam"}}"""));
        var saved = System.Text.Json.JsonSerializer.Serialize(config, RunJson.Options);
        var again = Configuration.Resolve(Layer("config.json", saved));
        Assert.Equal(saved, System.Text.Json.JsonSerializer.Serialize(again, RunJson.Options));
        Assert.Equal(12, again.Spinal.Width);
    }
}
