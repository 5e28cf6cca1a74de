// Benchmarks of the SpinalNet library; results go to BenchmarkDotNet.Artifacts/ and are summarised in bench/RESULTS.md.
// Run: dotnet run -c Release --project bench/SpinalNet.Bench -- --filter '*'   (or -- --ratios: HeadRatios.cs)
// ONNX export fidelity and ONNX Runtime speed (docs/deployment.md §8.4):
//   dotnet run -c Release --project bench/SpinalNet.Bench -- onnx-fidelity   (or onnx-speed)
// In-process toolchain: the benchmarks run in this process, which already loads TorchSharp's patched natives.
// Epochs: each invocation is a whole training epoch, long enough to time on its own (monitoring strategy).
// Head steps: from microseconds to seconds; BenchmarkDotNet picks the invocation count, few iterations.
// `allreduce` (under mpiexec) times the gradient all-reduce of a data-parallel step instead (AllReduceBenchmark).
// `serve-speed [MODEL...]`: spinalnet serve --onnx over HTTP against predict --onnx in process (ServeSpeed.cs).
// `mlnet [DIGIT ROWS...] [-- REGRESSION ROWS...]` times the Spinal trainers for ML.NET against ML.NET's own (MlNetFitTimes.cs).
// `mlnet-images [ROWS [NAME PREFIX]]` times the Spinal image trainer against ML.NET's ResNet-18 featurizer + SDCA (MlNetImageFitTimes.cs).
// `memory [EPOCHS] [THREADS]` reads the resident memory after every epoch of a training run (MemoryGrowth.cs).
// `finetune-profile FOLDER [THREADS] [STEPS]` times a resnet18-cntk fine-tuning step's parts (FineTuneProfile.cs).
// `export-digits FOLDER [TRAIN] [VAL]` writes the embedded digits as PNG class folders (DigitFolders.cs, for
// bench/transfer-demo.sh).
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SpinalNet.Bench;

if (args is ["allreduce"])
{
    SpinalNet.Bench.AllReduceBenchmark.Run();
    return;
}

if (args is ["export-digits", var digitFolder, .. var counts])
{
    DigitFolders.Run(digitFolder, counts.Length > 0 ? int.Parse(counts[0]) : 1000, counts.Length > 1 ? int.Parse(counts[1]) : 300);
    return;
}

if (args is ["finetune-profile", var profileFolder, .. var profileArgs])
{
    FineTuneProfile.Run(profileFolder, profileArgs.Length > 0 ? int.Parse(profileArgs[0]) : 1,
        profileArgs.Length > 1 ? int.Parse(profileArgs[1]) : 8);
    return;
}

if (args is ["finetune-epochs", var epochsFolder, .. var epochsArgs])
{
    FineTuneProfile.Epochs(epochsFolder, epochsArgs.Length > 0 ? int.Parse(epochsArgs[0]) : 1,
        epochsArgs.Length > 1 ? int.Parse(epochsArgs[1]) : 2);
    return;
}

if (args is ["onnx-fidelity"] or ["onnx-speed"])
{
    if (args[0] == "onnx-fidelity") SpinalNet.Bench.OnnxFidelity.Run();
    else SpinalNet.Bench.OnnxSpeed.Run();
    return;
}

if (args is ["serve-speed", .. var serveModels])
{
    SpinalNet.Bench.ServeSpeed.Run(serveModels);
    return;
}

if (args is ["mlnet", .. var mlnetArgs])
{
    // Digit training sizes, then "--" and regression sizes (MlNetFitTimes.cs); no sizes at all: the defaults of both.
    int cut = Array.IndexOf(mlnetArgs, "--");
    var digitRows = (cut < 0 ? mlnetArgs : mlnetArgs[..cut]).Select(int.Parse).ToArray();
    var regressionRows = cut < 0 ? [] : mlnetArgs[(cut + 1)..].Select(int.Parse).ToArray();
    bool defaults = mlnetArgs.Length == 0;
    MlNetFitTimes.Run(defaults ? [1000, 4000, 8000] : digitRows, defaults ? [1000, 10_000, 100_000, 300_000] : regressionRows);
    return;
}

if (args is ["mlnet-images", .. var imageArgs])
{
    MlNetImageFitTimes.Run(imageArgs.Length > 0 ? int.Parse(imageArgs[0]) : 1000, imageArgs.Length > 1 ? imageArgs[1] : null);
    return;
}

if (args is ["memory", .. var memoryArgs])
{
    MemoryGrowth.Run(memoryArgs.Length > 0 ? int.Parse(memoryArgs[0]) : 12, memoryArgs.Length > 1 ? int.Parse(memoryArgs[1]) : 2);
    return;
}

if (args.Contains("--ratios"))
{
    HeadRatios.Run();
    return;
}

var epochs = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithStrategy(RunStrategy.Monitoring)
    .WithLaunchCount(1)
    .WithWarmupCount(2)
    .WithIterationCount(10);
var steps = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(2)
    .WithIterationCount(7)
    .WithIterationTime(TimeInterval.FromMilliseconds(250));
BenchmarkSwitcher.FromTypes([typeof(EpochBenchmark)]).Run(args, DefaultConfig.Instance.AddJob(epochs));
BenchmarkSwitcher.FromTypes([typeof(HeadBenchmark)]).Run(args, DefaultConfig.Instance.AddJob(steps));
