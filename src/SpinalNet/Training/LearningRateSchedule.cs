// Learning-rate schedules (reference §3): the usual step, cosine and one-cycle, and the authors' accuracy-driven rules,
// by name. The authors' rules react to the selection accuracy after each epoch:
//   random-on-plateau    when the accuracy fails to improve, lr ← base·U^power (VGG-5 and CIFAR VGG: U³; CIFAR ResNet: U⁵)
//   divide-on-plateau    when the accuracy fails to improve, lr ← lr / factor (CIFAR-100 CNN: 3)
//   random-every-epoch   after start_epoch, every epoch lr ← base·U^power (Arch2 MNIST: base 0.05, from epoch 101)
//   divide-every-epoch   after start_epoch, and after each epoch listed in also_after, lr ← lr / factor
//                        (CIFAR-10 CNN default: after epoch 2 and every epoch past 20)
// U is a fresh Uniform(0, 1) draw from the schedule's own generator, seeded from the run's seed and saved in
// checkpoints, so a run and its resumed continuation draw the same sequence.
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Training;

/// <param name="Name">constant, step, cosine, one-cycle, random-on-plateau, divide-on-plateau, random-every-epoch.</param>
/// <param name="StepSize">step: epochs between decays.</param>
/// <param name="Gamma">step: decay factor.</param>
/// <param name="MinLearningRate">cosine: the final rate.</param>
/// <param name="MaxLearningRate">one-cycle: the peak rate (0: ten times the base rate).</param>
/// <param name="PctStart">one-cycle: share of the steps spent rising.</param>
/// <param name="Power">random rules: the exponent p of U^p.</param>
/// <param name="RandomBase">random rules: the base the draws scale (0: the run's learning rate).</param>
/// <param name="Factor">divide-on-plateau: the divisor.</param>
/// <param name="StartEpoch">accuracy-driven and per-epoch rules act only on epochs after this one.</param>
/// <param name="AlsoAfter">divide-every-epoch: further epochs (1-based) after which the rate is divided.</param>
public sealed record ScheduleSettings(
    string Name = "constant",
    int StepSize = 7,
    double Gamma = 0.1,
    double MinLearningRate = 0,
    double MaxLearningRate = 0,
    double PctStart = 0.3,
    double Power = 3,
    double RandomBase = 0,
    double Factor = 3,
    int StartEpoch = 0,
    int[]? AlsoAfter = null)
{
    public static readonly string[] Names =
        ["constant", "step", "cosine", "one-cycle", "random-on-plateau", "divide-on-plateau", "random-every-epoch",
            "divide-every-epoch"];

    public void Validate()
    {
        TrainingSettings.Require(Names.Contains(Name), "schedule", Name, $"is not one of {string.Join(", ", Names)}");
        TrainingSettings.Require(StepSize >= 1, "schedule step_size", StepSize, "must be at least 1");
        TrainingSettings.Require(Gamma > 0, "schedule gamma", Gamma, "must be positive");
        TrainingSettings.Require(Factor > 0, "schedule factor", Factor, "must be positive");
        TrainingSettings.Require(PctStart > 0 && PctStart < 1, "schedule pct_start", PctStart, "must be in (0, 1)");
    }
}

/// <summary>What a checkpoint keeps of a schedule: the current rate of the reactive rules and the generator state.</summary>
public sealed record ScheduleState(double CurrentRate, byte[] GeneratorState);

public sealed class LearningRateSchedule : IDisposable
{
    readonly ScheduleSettings settings;
    readonly double baseRate;
    readonly int epochs;
    readonly long stepsPerEpoch;
    readonly torch.Generator draws;
    double currentRate;

    public LearningRateSchedule(ScheduleSettings settings, double baseRate, int epochs, long stepsPerEpoch, long seed)
    {
        settings.Validate();
        this.settings = settings;
        this.baseRate = baseRate;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        currentRate = baseRate;
        // A stream of its own, apart from the batch order's and dropout's.
        draws = new torch.Generator((ulong)seed + 0x5eed, torch.CPU);
    }

    /// <summary>The rate for step <paramref name="step"/> (0-based) of epoch <paramref name="epoch"/> (0-based).</summary>
    public double RateAt(int epoch, long step)
    {
        double progress = (epoch * (double)stepsPerEpoch + step) / Math.Max(1, epochs * (double)stepsPerEpoch - 1);
        return settings.Name switch
        {
            "step" => baseRate * Math.Pow(settings.Gamma, epoch / settings.StepSize),
            "cosine" => settings.MinLearningRate + (baseRate - settings.MinLearningRate) * (1 + Math.Cos(Math.PI * epoch / epochs)) / 2,
            "one-cycle" => OneCycle(Math.Min(progress, 1)),
            _ => currentRate,
        };
    }

    // PyTorch's OneCycleLR with cosine annealing: from max/25 up to max over pct_start, then down to max/25e4.
    double OneCycle(double progress)
    {
        double peak = settings.MaxLearningRate > 0 ? settings.MaxLearningRate : 10 * baseRate;
        double initial = peak / 25, final = initial / 1e4;
        static double Anneal(double from, double to, double t) => to + (from - to) * (1 + Math.Cos(Math.PI * t)) / 2;
        return progress < settings.PctStart
            ? Anneal(initial, peak, progress / settings.PctStart)
            : Anneal(peak, final, (progress - settings.PctStart) / (1 - settings.PctStart));
    }

    /// <summary>Tells the accuracy-driven rules how epoch <paramref name="epoch"/> (1-based) went.</summary>
    public void EndEpoch(int epoch, bool improved)
    {
        if (settings.Name == "divide-every-epoch" && (settings.AlsoAfter ?? []).Contains(epoch))
            currentRate /= settings.Factor;
        if (epoch <= settings.StartEpoch) return;
        double randomBase = settings.RandomBase > 0 ? settings.RandomBase : baseRate;
        currentRate = settings.Name switch
        {
            "random-on-plateau" when !improved => randomBase * Math.Pow(Uniform(), settings.Power),
            "divide-on-plateau" when !improved => currentRate / settings.Factor,
            "random-every-epoch" => randomBase * Math.Pow(Uniform(), settings.Power),
            "divide-every-epoch" when !(settings.AlsoAfter ?? []).Contains(epoch) => currentRate / settings.Factor,
            _ => currentRate,
        };
    }

    double Uniform() => torch.rand(1, generator: draws).item<float>();

    public ScheduleState State => new(currentRate, draws.get_state().data<byte>().ToArray());

    public void Restore(ScheduleState state)
    {
        currentRate = state.CurrentRate;
        draws.set_state(torch.tensor(state.GeneratorState, dtype: ScalarType.Byte));
    }

    public void Dispose() => draws.Dispose();
}
