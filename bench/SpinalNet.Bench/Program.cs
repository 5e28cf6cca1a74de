// Benchmarks of the SpinalNet library; results go to BenchmarkDotNet.Artifacts/ and are summarised in bench/RESULTS.md.
// Run: dotnet run -c Release --project bench/SpinalNet.Bench -- --filter '*'
// ONNX export fidelity and ONNX Runtime speed (docs/deployment.md §8.4):
//   dotnet run -c Release --project bench/SpinalNet.Bench -- onnx-fidelity   (or onnx-speed)
// In-process toolchain: the benchmarks run in this process, which already loads TorchSharp's patched natives.
// Monitoring strategy: each invocation is a whole training epoch, long enough to time on its own.
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args is ["onnx-fidelity"] or ["onnx-speed"])
{
    if (args[0] == "onnx-fidelity") SpinalNet.Bench.OnnxFidelity.Run();
    else SpinalNet.Bench.OnnxSpeed.Run();
    return;
}

var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithStrategy(RunStrategy.Monitoring)
    .WithLaunchCount(1)
    .WithWarmupCount(2)
    .WithIterationCount(10);
// HeadBenchmark steps are short: BenchmarkDotNet picks its own invocation count there.
BenchmarkSwitcher.FromAssembly(typeof(SpinalNet.Bench.EpochBenchmark).Assembly)
    .Run(args, DefaultConfig.Instance.AddJob(job));
