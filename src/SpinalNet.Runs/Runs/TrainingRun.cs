// Training one network as a run: the use case behind `spinalnet train`. Create checks the configuration, loads the data
// and builds the network (from its initial weights, if the configuration names some) before anything is written; Train
// then trains with checkpoints in the run folder and leaves the trained weights, the final evaluation and the charts.
// Resume continues a stopped run from its last checkpoint with its saved configuration, so it ends with the weights an
// uninterrupted run would have (same seed and thread count); only the number of epochs, the time limit and the thread
// count may change. Launched by mpiexec, the run trains data-parallel over the processes (docs/distributed.md §10):
// every rank loads the data and builds the network, the ranks check that they resolved the same configuration, and
// rank 0 alone writes the run folder; a resumed run needs as many ranks as the run had.
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;

namespace SpinalNet.Runs;

/// <summary>What may change when a stopped run continues (null: as saved).</summary>
public sealed record ResumeChanges(int? Epochs = null, double? MaxTimeSeconds = null, int? Threads = null)
{
    /// <summary>The changes as a configuration layer over the saved configuration.</summary>
    public ConfigLayer Layer => ConfigLayer.Of("resume",
        [("settings.epochs", Epochs), ("settings.max_time_seconds", MaxTimeSeconds), ("settings.threads", Threads)]);

    /// <summary>The changes of a run's options (a command line's), or a <see cref="SettingException"/> naming the first
    /// option that a resumed run, which continues its saved configuration, cannot take.</summary>
    public static ResumeChanges Of(RunOverrides options)
    {
        var kept = options with { Epochs = null, MaxTimeSeconds = null, Threads = null };
        if (kept != new RunOverrides())
        {
            var changed = typeof(RunOverrides).GetProperties()
                .First(p => p.GetIndexParameters().Length == 0 && p.PropertyType != typeof(ConfigLayer) &&
                            !Equals(p.GetValue(kept), null));
            throw new SettingException(changed.Name, changed.GetValue(kept) is bool ? null : changed.GetValue(kept),
                "cannot change when resuming: a resumed run continues its saved configuration, changing only its " +
                "epochs, time limit and threads");
        }
        return new ResumeChanges(options.Epochs, options.MaxTimeSeconds, options.Threads);
    }
}

/// <summary>A finished run: its folder, its configuration and what training produced.</summary>
public sealed record RunResult(RunDirectory Run, RunConfig Config, TrainingOutcome Outcome)
{
    /// <summary>How the run ended, in one line: why it stopped, its best and final accuracy, where its weights are.</summary>
    public string Summary
    {
        get
        {
            var settings = Config.Settings;
            string why = Outcome.Stop switch
            {
                StopReason.Cancelled => $"stopped on request; resume with --resume {Run.Path}",
                StopReason.TimeLimit => $"stopped at the time limit; resume with --resume {Run.Path}",
                StopReason.EarlyStopped => $"stopped early after {settings.Patience} epochs without improvement",
                _ => "completed",
            };
            if (Outcome.History.Count == 0) return $"{why}; no epoch finished";
            var best = Outcome.History.Single(h => h.Epoch == Outcome.BestEpoch);
            return $"{why}. Best epoch {best.Epoch} by {settings.SelectionSplit} accuracy: test accuracy " +
                   $"{100 * best.TestAccuracy:F2}%; final test accuracy {100 * Outcome.FinalTest!.Accuracy:F2}% " +
                   $"(top-5 {100 * Outcome.FinalTest.Top5Accuracy:F2}%); weights {Run.File(RunDirectory.WeightsFile)}";
        }
    }
}

/// <summary>One network trained as a run, in a run folder (`spinalnet train`): create or resume, then train.</summary>
public sealed class TrainingRun : IDisposable
{
    readonly bool resume;

    public RunConfig Config { get; }
    public RunDirectory Run { get; }
    public TrainingData Data { get; }
    public ClassifierNetwork Model { get; }

    readonly IReplicaGroup group;

    TrainingRun(RunConfig config, string folder, bool resume, Action<string>? warn, IReplicaGroup group)
    {
        Configuration.Validate(config);
        group.RequireSame("configuration", RunJson.Serialize(config));
        Config = config;
        this.group = group;
        this.resume = resume;
        if (!resume && group.IsRoot) RunDirectory.CheckWritable(folder);  // before the data is read
        Data = config.LoadData(warn);
        try
        {
            Model = config.CreateModel(config.Settings.Seed, initialWeights: !resume);
            // The whole checkpoint, weights and optimiser state, must fit before the folder is touched.
            if (resume)
            {
                using var optimizer = Optimizers.Create(config.Settings, FineTuning.Groups(Model, config.Settings));
                Checkpoint.Restore(Path.Combine(folder, RunDirectory.LastCheckpoint), Model, optimizer);
            }
        }
        catch
        {
            Model?.Dispose();
            Data.Dispose();
            throw;
        }
        Run = new RunDirectory(folder, create: group.IsRoot);
        if (!group.IsRoot) return;
        // Files that writers killed mid-write left behind (docs/architecture.md §14.7).
        if (AtomicFile.RemoveStale(folder) is { Count: > 0 } stale)
            warn?.Invoke($"{folder}: removed {stale.Count} temporary file(s) left by a killed writer: " +
                         string.Join(", ", stale));
        Run.WriteConfig(config);
        if (Data.ClassNames is { } names) Run.WriteClassNames(names);
    }

    /// <summary>What is about to be trained, on what, in one line.</summary>
    public string Description => $"training {Config.Model} ({Config.Head.Id()} head) on {Data.Train.Count} samples, " +
                                 $"selecting on the {Config.Settings.SelectionSplit} split, testing on {Data.Test!.Count}; " +
                                 $"run folder {Run.Path}";

    /// <summary>The default run folder of a name: runs/NAME-yyyyMMdd-HHmmss.</summary>
    public static string DefaultFolder(string name) => Path.Combine("runs", $"{name}-{DateTime.Now:yyyyMMdd-HHmmss}");

    /// <summary>A new run of <paramref name="config"/> in <paramref name="folder"/> (null: runs/MODEL-HEAD-TIME), on
    /// the <paramref name="replicas"/> (null: the processes this one was launched with, see ReplicaGroup.World).</summary>
    public static TrainingRun Create(RunConfig config, string? folder = null, Action<string>? warn = null,
        IReplicaGroup? replicas = null)
    {
        var group = replicas ?? ReplicaGroup.World;
        return new(config with { WorldSize = group.Size }, folder ?? DefaultFolder($"{config.Model}-{config.Head.Id()}"),
            resume: false, warn, group);
    }

    /// <summary>The stopped run in <paramref name="folder"/>, to continue from its last checkpoint.</summary>
    public static TrainingRun Resume(string folder, ResumeChanges? changes = null, Action<string>? warn = null,
        IReplicaGroup? replicas = null)
    {
        var group = replicas ?? ReplicaGroup.World;
        var run = RunDirectory.Open(folder);
        var saved = Checkpoint.ReadState(run.File(RunDirectory.LastCheckpoint)).Config;
        // Each rank's part of every batch and its dropout draws depend on the number of ranks.
        if (saved.WorldSize != group.Size)
            throw new InvalidOperationException(
                $"{folder}: trained on {Ranks(saved.WorldSize)}, now launched on {Ranks(group.Size)}; resume it " +
                (saved.WorldSize == 1 ? "without mpiexec" : $"with mpiexec -n {saved.WorldSize}") +
                ", or start a new run from its weights (--weights RUN/model.safetensors)");
        // The checkpoint must be this run's: the same network as its config.json.
        var written = run.ReadConfig();
        if (written.Network != saved.Network)
            throw new InvalidDataException($"{run.File(RunDirectory.LastCheckpoint)}: a checkpoint of {saved.Model} " +
                                           $"({saved.Head.Id()} head), but {run.File(RunDirectory.ConfigFile)} is " +
                                           $"{written.Model} ({written.Head.Id()} head); not resuming");
        return new TrainingRun(changes?.Layer.ApplyTo(saved) ?? saved, folder, resume: true, warn, group);
    }

    static string Ranks(int n) => n == 1 ? "1 process" : $"{n} MPI ranks";

    /// <summary>Trains to the end (or to early stopping, the time limit or cancellation), leaving checkpoints, metrics,
    /// weights, evaluation and charts in the run folder.</summary>
    public RunResult Train(ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        TrainingOutcome outcome;
        try
        {
            outcome = FeatureCache.Train(Model, Data, Config, Run.Path, new RunCheckpoints(Run, Config, resume),
                group.IsRoot ? TensorboardLog.Around(Config, Run.Path, observer) : null, cancel, group);
        }
        catch (ReplicaFailedException e)
        {
            throw new ReplicaFailedException($"{e.Message}; once that is fixed, resume with --resume {Run.Path} on " +
                                             $"{group.Size} ranks (mpiexec -n {group.Size})", e.InnerException);
        }
        catch (Exception e) when (group.Size > 1 && e is not (TrainingDivergedException or ReplicaMismatchException))
        {
            // Outside a training step a rank fails alone and the launcher ends the others (docs/distributed.md §10.5):
            // its line says which rank it was.
            throw new ReplicaFailedException($"rank {group.Rank} of {group.Size}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        if (group.IsRoot)
        {
            Run.SaveWeights(Model);
            Run.WriteOutcome($"{Config.Model}, {Config.Head.Title()} head", outcome);
        }
        return new RunResult(Run, Config, outcome);
    }

    public void Dispose()
    {
        Model.Dispose();
        Data.Dispose();
    }
}
