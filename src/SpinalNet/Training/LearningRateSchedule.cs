// Learning-rate schedules (docs/experiments.md §3.6): the usual step, cosine and one-cycle, and the authors'
// accuracy-driven rules, each a record of its own parameters. The authors' rules react to the selection accuracy after
// each epoch:
//   random-on-plateau    when the accuracy fails to improve, lr ← base·U^power (VGG-5 and CIFAR VGG: U³; CIFAR ResNet: U⁵)
//   divide-on-plateau    when the accuracy fails to improve, lr ← lr / factor (CIFAR-100 CNN: 3)
//   random-every-epoch   after start_epoch, every epoch lr ← base·U^power (Arch2 MNIST: base 0.05, from epoch 101)
//   divide-every-epoch   after start_epoch, and after each epoch listed in also_after, lr ← lr / factor
//                        (CIFAR-10 CNN default: after epoch 2 and every epoch past 20)
// The transfer scripts' stages (docs/fine-tuning.md §13.2) are one rule too: each stage its own rate, a StepLR inside it,
// and a fresh optimiser at its start.
// U is a fresh Uniform(0, 1) draw from the schedule's own generator, seeded from the run's seed and saved in
// checkpoints, so a run and its resumed continuation draw the same sequence.
//
// In JSON a schedule is an object whose "name" says which rule it is, e.g. {"name": "step", "gamma": 0.5}; the names
// are the JsonDerivedType attributes below, the one list of them.
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

using SpinalNet.Layers;

namespace SpinalNet.Training;

/// <summary>What a schedule knows of the run: the base rate and the length of the run.</summary>
public sealed record ScheduleClock(double BaseRate, int Epochs, long StepsPerEpoch)
{
    /// <summary>Share of the run done at step <paramref name="step"/> of epoch <paramref name="epoch"/> (0-based).</summary>
    public double Progress(int epoch, long step) =>
        Math.Min(1, (epoch * (double)StepsPerEpoch + step) / Math.Max(1, Epochs * (double)StepsPerEpoch - 1));
}

/// <summary>A learning-rate rule and its parameters.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "name")]
[JsonDerivedType(typeof(ConstantSchedule), "constant")]
[JsonDerivedType(typeof(StepSchedule), "step")]
[JsonDerivedType(typeof(CosineSchedule), "cosine")]
[JsonDerivedType(typeof(OneCycleSchedule), "one-cycle")]
[JsonDerivedType(typeof(RandomOnPlateauSchedule), "random-on-plateau")]
[JsonDerivedType(typeof(DivideOnPlateauSchedule), "divide-on-plateau")]
[JsonDerivedType(typeof(RandomEveryEpochSchedule), "random-every-epoch")]
[JsonDerivedType(typeof(DivideEveryEpochSchedule), "divide-every-epoch")]
[JsonDerivedType(typeof(StagesSchedule), "stages")]
public abstract record Schedule
{
    static readonly (string Name, Type Type)[] Kinds = typeof(Schedule).GetCustomAttributes<JsonDerivedTypeAttribute>()
        .Select(a => ((string)a.TypeDiscriminator!, a.DerivedType)).ToArray();

    public static IReadOnlyList<string> Names => Kinds.Select(k => k.Name).ToArray();

    /// <summary>The rule of that name with its default parameters; null for an unknown name.</summary>
    public static Schedule? Find(string name) => Kinds.Any(k => k.Name == name)
        ? JsonSerializer.Deserialize<Schedule>($$"""{"name": "{{name}}"}""")
        : null;

    /// <summary>The rule of that name with its default parameters, or a one-line error listing the names.</summary>
    public static Schedule Default(string name) => Find(name)
        ?? throw new SettingException("Schedule", name, $"is not one of {string.Join(", ", Names)}");

    [JsonIgnore]
    public string Name => Kinds.Single(k => k.Type == GetType()).Name;

    /// <summary>The rate at a step, for rules that follow the clock; null for rules that keep the current rate.</summary>
    public virtual double? RateAt(ScheduleClock clock, int epoch, long step) => null;

    /// <summary>The current rate after epoch <paramref name="epoch"/> (1-based) ended, for rules that react to it.</summary>
    public virtual double AfterEpoch(int epoch, bool improved, double current, double baseRate, Func<double> uniform) =>
        current;

    /// <summary>Whether the optimiser starts afresh (no momentum or moment estimates) at the start of epoch
    /// <paramref name="epoch"/> (0-based), as a script that builds a new optimiser there.</summary>
    public virtual bool RestartsOptimizerAt(int epoch) => false;

    public virtual void Validate() { }

    protected static void Require(bool ok, string parameter, object value, string rule) =>
        SettingException.Require(ok, $"Schedule.{parameter}", value, rule);
}

/// <summary>The learning rate stays as it is.</summary>
public sealed record ConstantSchedule : Schedule;

/// <param name="StepSize">Epochs between decays.</param>
/// <param name="Gamma">The decay factor.</param>
public sealed record StepSchedule(int StepSize = 7, double Gamma = 0.1) : Schedule
{
    public override double? RateAt(ScheduleClock clock, int epoch, long step) =>
        clock.BaseRate * Math.Pow(Gamma, epoch / StepSize);

    public override void Validate()
    {
        Require(StepSize >= 1, "step_size", StepSize, "must be at least 1");
        Require(Gamma > 0, "gamma", Gamma, "must be positive");
    }
}

/// <param name="MinLearningRate">The final rate.</param>
public sealed record CosineSchedule(double MinLearningRate = 0) : Schedule
{
    public override double? RateAt(ScheduleClock clock, int epoch, long step) => MinLearningRate +
        (clock.BaseRate - MinLearningRate) * (1 + Math.Cos(Math.PI * epoch / clock.Epochs)) / 2;
}

/// <summary>PyTorch's OneCycleLR with cosine annealing: from max/25 up to max over pct_start, then down to max/25e4.</summary>
/// <param name="MaxLearningRate">The peak rate (0: ten times the base rate).</param>
/// <param name="PctStart">Share of the steps spent rising.</param>
public sealed record OneCycleSchedule(double MaxLearningRate = 0, double PctStart = 0.3) : Schedule
{
    public override double? RateAt(ScheduleClock clock, int epoch, long step)
    {
        double progress = clock.Progress(epoch, step);
        double peak = MaxLearningRate > 0 ? MaxLearningRate : 10 * clock.BaseRate;
        double initial = peak / 25, final = initial / 1e4;
        static double Anneal(double from, double to, double t) => to + (from - to) * (1 + Math.Cos(Math.PI * t)) / 2;
        return progress < PctStart
            ? Anneal(initial, peak, progress / PctStart)
            : Anneal(peak, final, (progress - PctStart) / (1 - PctStart));
    }

    public override void Validate() => Require(PctStart > 0 && PctStart < 1, "pct_start", PctStart, "must be in (0, 1)");
}

/// <param name="Power">The exponent p of U^p.</param>
/// <param name="RandomBase">The base the draws scale (0: the run's learning rate).</param>
/// <param name="StartEpoch">The rule acts only after this epoch.</param>
public sealed record RandomOnPlateauSchedule(double Power = 3, double RandomBase = 0, int StartEpoch = 0) : Schedule
{
    public override double AfterEpoch(int epoch, bool improved, double current, double baseRate, Func<double> uniform) =>
        epoch > StartEpoch && !improved ? (RandomBase > 0 ? RandomBase : baseRate) * Math.Pow(uniform(), Power) : current;
}

/// <param name="Factor">The divisor.</param>
public sealed record DivideOnPlateauSchedule(double Factor = 3, int StartEpoch = 0) : Schedule
{
    public override double AfterEpoch(int epoch, bool improved, double current, double baseRate, Func<double> uniform) =>
        epoch > StartEpoch && !improved ? current / Factor : current;

    public override void Validate() => Require(Factor > 0, "factor", Factor, "must be positive");
}

/// <summary>The authors' rule: lr = lr0·U^p, drawn afresh every epoch.</summary>
public sealed record RandomEveryEpochSchedule(double Power = 3, double RandomBase = 0, int StartEpoch = 0) : Schedule
{
    public override double AfterEpoch(int epoch, bool improved, double current, double baseRate, Func<double> uniform) =>
        epoch > StartEpoch ? (RandomBase > 0 ? RandomBase : baseRate) * Math.Pow(uniform(), Power) : current;
}

/// <param name="AlsoAfter">Further epochs (1-based) after which the rate is divided.</param>
public sealed record DivideEveryEpochSchedule(double Factor = 3, int StartEpoch = 0, int[]? AlsoAfter = null) : Schedule
{
    public override double AfterEpoch(int epoch, bool improved, double current, double baseRate, Func<double> uniform) =>
        (AlsoAfter ?? []).Contains(epoch) || epoch > StartEpoch ? current / Factor : current;

    public override void Validate() => Require(Factor > 0, "factor", Factor, "must be positive");
}

/// <summary>One stage of <see cref="StagesSchedule"/>: its epochs and its rate as a multiple of the run's.</summary>
public sealed record ScheduleStage(int Epochs, double Scale = 1);

/// <summary>The transfer scripts' stages (docs/fine-tuning.md §13.2): train_model called once per stage with a new
/// SGD at the stage's rate and a StepLR(step_size, gamma) stepped once per epoch inside the stage. In epoch e of a stage
/// that starts at epoch e0 the rate is lr0 · scale · gamma^⌊(e − e0) / step_size⌋; the optimiser starts afresh at each
/// stage after the first (momentum buffers dropped, as the scripts' new optimiser has none). Epochs past the last stage
/// continue it.</summary>
/// <param name="Stages">The stages in order; 1e-2 × 5 then 1e-3 × 5 is lr0 = 1e-2 with [{5, 1}, {5, 0.1}].</param>
public sealed record StagesSchedule(ScheduleStage[]? Stages = null, int StepSize = 7, double Gamma = 0.1) : Schedule
{
    /// <summary>The stages from one rate per stage, all relative to the first: (1e-2, 5), (1e-3, 5) gives 1e-2 × 5
    /// then 1e-3 × 5 with lr0 = 1e-2.</summary>
    public static StagesSchedule Of(params (double Rate, int Epochs)[] stages) =>
        new(stages.Select(s => new ScheduleStage(s.Epochs, s.Rate / stages[0].Rate)).ToArray());

    /// <summary>Epochs over all stages.</summary>
    [JsonIgnore]
    public int TotalEpochs => (Stages ?? []).Sum(s => s.Epochs);

    public override double? RateAt(ScheduleClock clock, int epoch, long step)
    {
        var (stage, start) = StageAt(epoch);
        return clock.BaseRate * stage.Scale * Math.Pow(Gamma, (epoch - start) / StepSize);
    }

    public override bool RestartsOptimizerAt(int epoch) => epoch > 0 && StageAt(epoch).Start == epoch;

    // Stages compare by value, as the other rules' parameters do.
    public bool Equals(StagesSchedule? other) => other is not null && StepSize == other.StepSize &&
                                                 Gamma == other.Gamma && (Stages ?? []).SequenceEqual(other.Stages ?? []);

    public override int GetHashCode() => HashCode.Combine(StepSize, Gamma, (Stages ?? []).Length);

    (ScheduleStage Stage, int Start) StageAt(int epoch)
    {
        var stages = Stages!;
        int start = 0, i = 0;
        for (; i < stages.Length - 1 && epoch >= start + stages[i].Epochs; i++) start += stages[i].Epochs;
        return (stages[i], start);
    }

    public override void Validate()
    {
        Require(Stages is { Length: > 0 }, "stages", "(none)", "must list at least one stage ({\"epochs\": N, \"scale\": F})");
        foreach (var stage in Stages!)
        {
            Require(stage.Epochs >= 1, "stages.epochs", stage.Epochs, "must be at least 1");
            Require(stage.Scale > 0 && double.IsFinite(stage.Scale), "stages.scale", stage.Scale, "must be positive");
        }
        Require(StepSize >= 1, "step_size", StepSize, "must be at least 1");
        Require(Gamma > 0, "gamma", Gamma, "must be positive");
    }
}

/// <summary>What a checkpoint keeps of a schedule: the current rate of the reactive rules and the generator state.</summary>
public sealed record ScheduleState(double CurrentRate, byte[] GeneratorState);

/// <summary>A schedule running over one training run: the rule, its clock, its current rate and its random draws.</summary>
public sealed class LearningRateSchedule : IDisposable
{
    readonly Schedule rule;
    readonly ScheduleClock clock;
    readonly torch.Generator draws;
    double currentRate;

    public LearningRateSchedule(Schedule rule, double baseRate, int epochs, long stepsPerEpoch, long seed)
    {
        rule.Validate();
        this.rule = rule;
        clock = new ScheduleClock(baseRate, epochs, stepsPerEpoch);
        currentRate = baseRate;
        // A stream of its own, apart from the batch order's and dropout's.
        draws = new torch.Generator((ulong)seed + 0x5eed, torch.CPU);
    }

    /// <summary>The rate for step <paramref name="step"/> (0-based) of epoch <paramref name="epoch"/> (0-based).</summary>
    public double RateAt(int epoch, long step) => rule.RateAt(clock, epoch, step) ?? currentRate;

    /// <summary>Tells the accuracy-driven rules how epoch <paramref name="epoch"/> (1-based) went.</summary>
    public void EndEpoch(int epoch, bool improved) =>
        currentRate = rule.AfterEpoch(epoch, improved, currentRate, clock.BaseRate, Uniform);

    double Uniform() => torch.rand(1, generator: draws).item<float>();

    public ScheduleState State => new(currentRate, draws.get_state().data<byte>().ToArray());

    public void Restore(ScheduleState state)
    {
        currentRate = state.CurrentRate;
        draws.set_state(torch.tensor(state.GeneratorState, dtype: ScalarType.Byte));
    }

    public void Dispose() => draws.Dispose();
}
