// What a training run leaves behind: the resolved configuration (config.json), per-epoch metrics (metrics.csv and
// metrics.json, rewritten after every epoch), checkpoints (last.ckpt, best.ckpt), the final test evaluation with
// per-class accuracy and confusion matrix (evaluation.json, confusion.csv) and the trained weights (model.safetensors,
// a format PyTorch reads).
using System.Globalization;
using System.Text;
using System.Text.Json;
using SpinalNet.Charts;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Training;
using static TorchSharp.torch;

namespace SpinalNet.Runs;

/// <summary>A run folder and the files a run leaves in it.</summary>
public sealed class RunDirectory
{
    public const string ConfigFile = "config.json", MetricsCsv = "metrics.csv", MetricsJson = "metrics.json",
        WeightsFile = "model.safetensors", LastCheckpoint = "last.ckpt", BestCheckpoint = "best.ckpt",
        EvaluationFile = "evaluation.json", ConfusionCsv = "confusion.csv", ClassesFile = "classes.json",
        ReportFile = "report.md";

    public string Path { get; }

    /// <param name="create">Create the folder (false: a replica other than rank 0, which writes nothing).</param>
    public RunDirectory(string path, bool create = true)
    {
        Path = path;
        if (create) AtomicFile.CreateFolder(path);
    }

    /// <summary>Fails in one line, before any work, when <paramref name="path"/> cannot be created or written; leaves
    /// nothing behind.</summary>
    public static void CheckWritable(string path)
    {
        bool existed = Directory.Exists(path);
        var probe = System.IO.Path.Combine(path, $".write-test.{Environment.ProcessId}");
        try
        {
            AtomicFile.CreateFolder(path);   // a file in the way: its own one-line error
            System.IO.File.WriteAllText(probe, "");
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !e.Message.StartsWith(path))
        {
            throw new IOException($"{path}: cannot write the run folder ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        finally
        {
            if (!existed && Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
                Directory.Delete(path);
        }
    }

    /// <summary>An existing run folder, for reading.</summary>
    public static RunDirectory Open(string path) => Directory.Exists(path)
        ? new RunDirectory(path)
        : throw new DirectoryNotFoundException($"{path}: run folder not found");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void WriteConfig(RunConfig config) =>
        AtomicFile.WriteText(File(ConfigFile), RunJson.Serialize(config));

    public RunConfig ReadConfig()
    {
        var path = File(ConfigFile);
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"{path}: not found (is {Path} a run folder?)", path);
        // The run's own resolved configuration, read back as saved (Configuration.Read: older runs' files too).
        return Configuration.Validate(Configuration.Read(ConfigLayer.Parse(System.IO.File.ReadAllText(path), path).Values,
            path));
    }

    public void WriteClassNames(IReadOnlyList<string> names) =>
        AtomicFile.WriteText(File(ClassesFile), RunJson.Serialize(names));

    /// <summary>The class names saved with the run, else "0", "1", ....</summary>
    public IReadOnlyList<string> ReadClassNames(int classes) => System.IO.File.Exists(File(ClassesFile))
        ? JsonSerializer.Deserialize<string[]>(System.IO.File.ReadAllText(File(ClassesFile)))!
        : ClassNames.Digits(classes);

    public void WriteMetrics(IReadOnlyList<EpochMetrics> history)
    {
        var csv = new StringBuilder("epoch,train_loss,validation_loss,validation_accuracy,test_loss,test_accuracy," +
                                    "test_top5_accuracy,learning_rate,train_seconds,eval_seconds,samples_per_second\n");
        foreach (var m in history)
            csv.AppendLine(Csv(m.Epoch, m.TrainLoss, m.ValidationLoss, m.ValidationAccuracy, m.TestLoss, m.TestAccuracy,
                m.TestTop5Accuracy, m.LearningRate, m.TrainSeconds, m.EvalSeconds, m.SamplesPerSecond));
        AtomicFile.WriteText(File(MetricsCsv), csv.ToString());
        AtomicFile.WriteText(File(MetricsJson), RunJson.Serialize(history));
    }

    /// <summary>What a finished (or stopped) run leaves: the evaluation files, the loss and accuracy curves and the
    /// confusion matrix picture.</summary>
    public void WriteOutcome(string title, TrainingOutcome outcome)
    {
        var test = outcome.FinalTest!;  // a run always has its test split
        WriteEvaluation(test);
        RunCharts.RunCurves(File(RunCharts.LossPng), File(RunCharts.AccuracyPng), title, outcome.History, outcome.BestEpoch);
        var names = ReadClassNames(test.Confusion.Length);
        RunCharts.Confusion(File(RunCharts.ConfusionPng), $"{title}: test confusion matrix", test.Confusion,
            names);
        AtomicFile.WriteText(File(ReportFile), $"# {title}\n\nFinal test evaluation: accuracy " +
            $"{100 * test.Accuracy:F2}%, top-5 {100 * test.Top5Accuracy:F2}%, loss " +
            $"{test.Loss:F4} ({test.Samples} samples).\n\n" +
            DetailedEvaluation.PerClassMarkdown(ClassificationMetrics.FromConfusion(test.Confusion, names)) +
            $"\n![Test confusion matrix]({RunCharts.ConfusionPng})\n");
    }

    /// <summary>The final test evaluation: evaluation.json (with per-class accuracy) and confusion.csv.</summary>
    public void WriteEvaluation(Evaluation evaluation)
    {
        AtomicFile.WriteText(File(EvaluationFile), RunJson.Serialize(new
        {
            evaluation.Loss, evaluation.Accuracy, evaluation.Top5Accuracy, evaluation.Samples,
            PerClassAccuracy = evaluation.PerClassAccuracy.Select(a => double.IsNaN(a) ? (double?)null : a),
            evaluation.Confusion,
        }));
        var csv = new StringBuilder("true\\predicted," + string.Join(",", Enumerable.Range(0, evaluation.Confusion.Length)) + "\n");
        for (int c = 0; c < evaluation.Confusion.Length; c++)
            csv.AppendLine(c + "," + string.Join(",", evaluation.Confusion[c]));
        AtomicFile.WriteText(File(ConfusionCsv), csv.ToString());
    }

    static string Csv(params object?[] values) =>
        string.Join(",", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    public void SaveWeights(nn.Module model) => Interop.WeightsFile.Save(model, File(WeightsFile));
}
