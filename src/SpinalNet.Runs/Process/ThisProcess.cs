// The process a program that runs the use cases lives in: torch's CPU threads, one per physical core unless a run says
// otherwise (libtorch's own default counts hardware threads; docs/performance.md §9.3); whether it is the replica that
// reports (rank 0 of a data-parallel launch, docs/distributed.md §10.1); Ctrl+C and SIGTERM as a request to stop after
// the current step, leaving a checkpoint; and a copy of the program as a worker process (a sweep's `--jobs`).
using SpinalNet.Layers;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Runs;

/// <summary>Process-wide settings and signals of a program that trains or times networks.</summary>
public static class ThisProcess
{
    /// <summary>False in every replica but rank 0 of a data-parallel launch, which alone reports.</summary>
    public static bool Reports => ReplicaGroup.Launched is not { Rank: > 0 };

    /// <summary>Networks as small as the regression ones (docs/regression.md §4) train fastest on one thread: their
    /// steps are too short to share.</summary>
    public const int SmallNetworkThreads = 1;


    /// <summary>The configuration with its thread count decided where it names none (Threads 0), as the spinalnet
    /// command trains: the physical cores free now (Training/ThreadPolicy.cs), recorded with the run. Where that is
    /// fewer than all, <paramref name="busy"/> is the warning to give once the run exists (so that a refused run
    /// prints its one error line alone). Unchanged where the configuration names a count, or in a data-parallel launch
    /// (each replica takes its share of the cores, so all ranks resolve alike).</summary>
    public static RunConfig DecideThreads(RunConfig config, out string? busy)
    {
        busy = null;
        if (config.Settings.Threads > 0 || ReplicaGroup.Launched is { Size: > 1 }) return config;
        var (threads, fewer) = ThreadPolicy.Choose();
        if (fewer)
            busy = $"the CPU is busy: {threads} of {CpuCores.Physical} cores free, so training on {threads} " +
                   $"thread{(threads == 1 ? "" : "s")} (more would wait for each other); a thread count given " +
                   "explicitly is used as it is";
        return ConfigLayer.Of("thread default", [("settings.threads", threads)]).ApplyTo(config);
    }

    /// <summary>A cancellation that Ctrl+C or SIGTERM requests (runs stop after the current step, leaving a
    /// checkpoint), telling <paramref name="stopping"/>; a second signal ends the process at once.</summary>
    public static CancellationTokenSource StopOnSignals(Action stopping)
    {
        var source = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            if (source.IsCancellationRequested) return;
            context.Cancel = true;
            source.Cancel();
            stopping();
        }
        Signals = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)];
        return source;
    }

    // Kept alive for the process's lifetime: a collected registration stops handling its signal.
    static PosixSignalRegistration[] Signals = [];

    /// <summary>This program again with <paramref name="args"/>, as a worker process (through `dotnet` when it runs as
    /// a .dll).</summary>
    public static Process StartWorker(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!);
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }
}
