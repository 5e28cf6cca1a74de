// Training progress on the terminal: a live bar with loss and samples/s when stdout is an interactive terminal,
// plain log lines (one per epoch) when it is redirected to a file or a pipe.
using Spectre.Console;
using SpinalNet.Runs;
using SpinalNet.Training;

namespace SpinalNet.Cli;

sealed class ConsoleReporter(string label, ProgressTask? bar) : ITrainingObserver
{
    // In plain mode, long epochs still show signs of life: a progress line at most this often.
    static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    readonly System.Diagnostics.Stopwatch sinceLine = System.Diagnostics.Stopwatch.StartNew();

    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with a reporter per label, inside a live progress display if interactive,
    /// with none if quiet.</summary>
    public static T Run<T>(bool quiet, Func<Func<string, ITrainingObserver?>, T> work)
    {
        if (quiet) return work(_ => null);
        if (!Interactive) return work(label => new ConsoleReporter(label, null));
        return AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => work(label => new ConsoleReporter(label, context.AddTask(label))));
    }

    public void OnStep(StepProgress p)
    {
        if (bar is null)
        {
            if (sinceLine.Elapsed < PlainInterval || p.Step == p.Steps) return;
            sinceLine.Restart();
            Console.WriteLine($"{label} epoch {p.Epoch}/{p.Epochs}: step {p.Step}/{p.Steps}, {Loss(p, ", ")}" +
                              $"{p.SamplesPerSecond:F0} samples/s");
            return;
        }
        bar.MaxValue = (double)p.Steps * p.Epochs;
        bar.Value = (double)(p.Epoch - 1) * p.Steps + p.Step;
        bar.Description = Markup.Escape(
            $"{label} epoch {p.Epoch}/{p.Epochs}  {Loss(p, "  ")}{p.SamplesPerSecond:F0} samples/s");
    }

    // No loss is shown before the epoch's first read of it (Trainer.LossReadInterval).
    static string Loss(StepProgress p, string separator) => p.Loss is { } loss ? $"loss {loss:F4}{separator}" : "";

    public void OnEpoch(EpochMetrics m)
    {
        // The split that picks the best epoch comes first.
        var validation = m.ValidationAccuracy is double accuracy
            ? $"validation loss {m.ValidationLoss:F4}, validation accuracy {TextTable.Percent(accuracy)}, " : "";
        var line = $"{label} epoch {m.Epoch}: train loss {m.TrainLoss:F4}, {validation}test loss {m.TestLoss:F4}, " +
                   $"test accuracy {TextTable.Percent(m.TestAccuracy ?? double.NaN)}, {m.TrainSeconds:F2} s training, " +
                   $"{m.EvalSeconds:F2} s evaluation, {m.SamplesPerSecond:F0} samples/s";
        sinceLine.Restart();
        if (bar is null) Console.WriteLine(line);
        else AnsiConsole.MarkupLine(Markup.Escape(line));
    }
}
