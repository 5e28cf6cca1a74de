// Benchmarks of the SpinalNet library; results go to BenchmarkDotNet.Artifacts/ and are summarised in bench/RESULTS.md.
// Run: dotnet run -c Release --project bench/SpinalNet.Bench -- --filter '*'
// In-process toolchain: the benchmarks run in this process, which already loads TorchSharp's patched natives.
// Monitoring strategy: each invocation is a whole training epoch, long enough to time on its own.
// `allreduce` (under mpiexec) times the gradient all-reduce of a data-parallel step instead (AllReduceBenchmark).
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args is ["allreduce"])
{
    SpinalNet.Bench.AllReduceBenchmark.Run();
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
