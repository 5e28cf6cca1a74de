// Data-parallel training over MPI (docs/distributed.md §10): the tests start `mpiexec -n 2` on 127.0.0.1 themselves,
// with this test assembly (ReplicaHost) or the `spinalnet` program as the ranks. Without MPICH's mpiexec on the PATH
// they are skipped, saying so; CI installs it. Sharding and the launcher's environment are tested without MPI.
using System.Diagnostics;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class DistributedTests
{
    static readonly string? Mpiexec = Environment.GetEnvironmentVariable("PATH")?.Split(':')
        .Select(d => Path.Combine(d, "mpiexec")).FirstOrDefault(File.Exists);

    static void RequireMpi() =>
        Skip.If(Mpiexec is null, "mpiexec not found: install MPICH (apt-get install -y mpich libmpich-dev) to run the " +
                                 "distributed tests");

    static string Dll(string name) => Path.Combine(AppContext.BaseDirectory, name);

    /// <summary>mpiexec on this machine with <paramref name="launch"/> (ranks and programs).</summary>
    static CliResult Launch(string[] launch, int seconds = 120, Dictionary<string, string>? environment = null,
        Action<Process>? during = null) =>
        CliRunner.Start(Mpiexec!, ["-hosts", "127.0.0.1", .. launch], seconds, environment, during);

    static string[] Spinalnet(params string[] args) => ["dotnet", CliRunner.Program, .. args];

    static Dictionary<string, Tensor> Weights(string path) => WeightsFile.Read(path);

    /// <summary>A rank of a group that never exchanges anything, for the sharding arithmetic.</summary>
    sealed record FakeRank(int Rank, int Size) : IReplicaGroup
    {
        public void AllReduceSum(Tensor values) { }
        public void Broadcast(Tensor values) { }
    }

    [Fact]
    public void Every_global_batch_is_cut_into_equal_parts_the_first_ranks_taking_the_remainder()
    {
        Assert.Equal([(0L, 3L), (3L, 3L), (6L, 2L), (8L, 2L)],
            Enumerable.Range(0, 4).Select(r => ReplicaGroup.Shard(10, 4, r)));
        Assert.Equal([(0L, 1L), (1L, 0L)], Enumerable.Range(0, 2).Select(r => ReplicaGroup.Shard(1, 2, r)));
        // 11 samples in global batches of 5 over 2 ranks: batches [0..4] [5..9] [10]; rank 0 takes 3 of each, rank 1 2.
        var order = Enumerable.Range(0, 11).Select(i => 100L + i).ToArray();
        Assert.Equal([100L, 101, 102, 105, 106, 107, 110], ReplicaGroup.ShardBatches(order, 5, new FakeRank(0, 2)));
        Assert.Equal([103L, 104, 108, 109], ReplicaGroup.ShardBatches(order, 5, new FakeRank(1, 2)));
    }

    [Fact]
    public void Alone_the_process_trains_as_one_without_MPI()
    {
        if (Environment.GetEnvironmentVariable("PMI_SIZE") is null) Assert.Null(ReplicaGroup.Launched);
        Assert.Same(SingleProcess.Instance, ReplicaGroup.World);
        var order = Enumerable.Range(0, 10).Select(i => (long)i).ToArray();
        Assert.Same(order, ReplicaGroup.ShardBatches(order, 4, SingleProcess.Instance));
        Assert.NotEqual(ReplicaGroup.StepSeed(3, 0, 1, 0), ReplicaGroup.StepSeed(3, 1, 1, 0));
        Assert.Equal(ReplicaGroup.StepSeed(3, 1, 2, 7), ReplicaGroup.StepSeed(3, 1, 2, 7));
    }

    [SkippableFact]
    public void Two_ranks_of_32_take_the_steps_of_one_process_of_64_and_stay_identical()
    {
        RequireMpi();
        var folder = Directory.CreateTempSubdirectory("spinalnet-mpi-").FullName;
        var result = Launch(["-n", "2", "dotnet", Dll("SpinalNet.Tests.dll"), "replicas", "0", folder]);
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        using var single = ReplicaHost.Train(0, SingleProcess.Instance);
        using var untrained = ReplicaHost.Build(0);
        var expected = single.state_dict();
        double moved = expected.Max(kv => (kv.Value - untrained.state_dict()[kv.Key]).abs().max().item<float>());
        Assert.True(moved > 1e-3, $"training moved no weight by more than {moved}");
        var (rank0, rank1) = (Weights(Path.Combine(folder, "rank-0.safetensors")), Weights(Path.Combine(folder, "rank-1.safetensors")));
        double largest = 0;
        foreach (var (name, value) in expected)
        {
            Assert.True(rank0[name].eq(rank1[name]).all().item<bool>(), $"{name}: the replicas differ");
            largest = Math.Max(largest, (rank0[name] - value).abs().max().item<float>());
        }
        Assert.True(largest < 1e-5, $"2 ranks × 32 differ from 1 process × 64 by up to {largest} after 5 steps");
    }

    [SkippableFact]
    public void With_dropout_the_replicas_draw_their_own_masks_and_stay_identical()
    {
        RequireMpi();
        var folder = Directory.CreateTempSubdirectory("spinalnet-mpi-").FullName;
        var result = Launch(["-n", "2", "dotnet", Dll("SpinalNet.Tests.dll"), "replicas", "0.5", folder]);
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "rank-0.safetensors")),
            File.ReadAllBytes(Path.Combine(folder, "rank-1.safetensors")));
        // Dropout took effect: the weights are not those of the same steps without it.
        var without = Directory.CreateTempSubdirectory("spinalnet-mpi-").FullName;
        Assert.Equal(0, Launch(["-n", "2", "dotnet", Dll("SpinalNet.Tests.dll"), "replicas", "0", without]).ExitCode);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(folder, "rank-0.safetensors")),
            File.ReadAllBytes(Path.Combine(without, "rank-0.safetensors")));
    }

    static string Slice()
    {
        var data = Directory.CreateTempSubdirectory("spinalnet-mpi-data-").FullName;
        CliRunner.WriteSampleSlice(data, 256, 100);
        return data;
    }

    [SkippableFact]
    public void Rank_0_alone_writes_the_run_which_resumes_on_as_many_ranks_only()
    {
        RequireMpi();
        var data = Slice();
        var root = Directory.CreateTempSubdirectory("spinalnet-mpi-run-").FullName;
        string a = Path.Combine(root, "a"), b = Path.Combine(root, "b");
        string[] common = ["train", "--data", data, "--epochs", "1", "--batch-size", "32", "--threads", "1"];
        // One rank each, told different folders: only rank 0's may appear.
        var result = Launch(["-n", "1", .. Spinalnet([.. common, "--out", a]), ":", "-n", "1", .. Spinalnet([.. common, "--out", b])]);
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        Assert.False(Directory.Exists(b), "rank 1 wrote a run folder");
        foreach (var file in (string[])["config.json", "metrics.csv", "last.ckpt", "model.safetensors", "evaluation.json"])
            Assert.True(File.Exists(Path.Combine(a, file)), $"rank 0 did not write {file}");
        Assert.Contains("\"world_size\": 2", File.ReadAllText(Path.Combine(a, "config.json")));
        Assert.Single(result.Stdout.Split('\n'), line => line.StartsWith("completed."));

        var alone = CliRunner.Run("train", "--resume", a, "--epochs", "2");
        Assert.Equal(1, alone.ExitCode);
        Assert.Contains("trained on 2 MPI ranks, now launched on 1 process; resume it with mpiexec -n 2", alone.Stderr);
        Assert.Single(alone.Stderr.Trim().Split('\n'));

        var resumed = Launch(["-n", "2", .. Spinalnet("train", "--resume", a, "--epochs", "2")]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr + resumed.Stdout);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(a, "metrics.csv")).Length);
    }

    [SkippableFact]
    public void Compare_trains_both_heads_data_parallel_and_rank_0_writes_the_report()
    {
        RequireMpi();
        var data = Slice();
        var folder = Path.Combine(Directory.CreateTempSubdirectory("spinalnet-mpi-run-").FullName, "compare");
        var result = Launch(["-n", "2", .. Spinalnet("compare", "--data", data, "--epochs", "1", "--out", folder, "-q")]);
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        Assert.True(File.Exists(Path.Combine(folder, "report.md")));
        foreach (var head in (string[])["fc", "spinal"])
            Assert.Contains("\"world_size\": 2", File.ReadAllText(Path.Combine(folder, head, "config.json")));
    }

    [SkippableFact]
    public void Ranks_that_resolved_different_configurations_stop_before_training()
    {
        RequireMpi();
        var data = Slice();
        var folder = Path.Combine(Directory.CreateTempSubdirectory("spinalnet-mpi-run-").FullName, "run");
        string[] common = ["train", "--data", data, "--epochs", "1", "--out", folder];
        var result = Launch(["-n", "1", .. Spinalnet([.. common, "--seed", "1"]), ":", "-n", "1", .. Spinalnet([.. common, "--seed", "2"])]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("1 of 2 ranks differ from rank 0 in their configuration (this is rank 1)", result.Stderr);
        Assert.False(File.Exists(Path.Combine(folder, "metrics.csv")));
    }

    [SkippableFact]
    public void A_killed_rank_ends_the_others_with_an_error_instead_of_a_hang()
    {
        RequireMpi();
        var data = Slice();
        var folder = Path.Combine(Directory.CreateTempSubdirectory("spinalnet-mpi-run-").FullName, "run");
        string tag = Guid.NewGuid().ToString("N");
        var clock = Stopwatch.StartNew();
        var killed = TimeSpan.Zero;
        var result = Launch(["-n", "2", .. Spinalnet("train", "--data", data, "--epochs", "200", "--out", folder, "-q")],
            seconds: 90, environment: new() { ["SPINALNET_TEST_TAG"] = tag }, during: _ =>
            {
                // Rank 0 writes config.json once both ranks have agreed on the configuration; then rank 1 dies.
                while (!File.Exists(Path.Combine(folder, "config.json")) && clock.Elapsed.TotalSeconds < 60) Thread.Sleep(100);
                Thread.Sleep(1000);
                var rank1 = RankProcess(tag, 1);
                Assert.True(rank1 is not null, "rank 1 not found");
                rank1.Kill();
                killed = clock.Elapsed;
            });
        Assert.NotEqual(0, result.ExitCode);
        Assert.True(clock.Elapsed - killed < TimeSpan.FromSeconds(10), $"the job ended {clock.Elapsed - killed} after the kill");
        Assert.Contains("BAD TERMINATION", result.Stdout + result.Stderr);
        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors")));
    }

    /// <summary>Colour class folders a and b of 32 × 32 images, 48 each to train and 8 to test, with the image
    /// <paramref name="cut"/> (split/class/NN.png) cut short: only the rank whose part holds it fails. Returns the
    /// folder and the image's whole bytes.</summary>
    static (string Root, byte[] Whole) ImagesWithOneCutShort(string cut)
    {
        var root = Directory.CreateTempSubdirectory("spinalnet-mpi-images-").FullName;
        foreach (var (split, count) in new[] { ("train", 48), ("test", 8) })
        foreach (var label in new[] { "a", "b" })
        for (int i = 0; i < count; i++)
            DataTestFiles.WriteImage(Path.Combine(Directory.CreateDirectory(Path.Combine(root, split, label)).FullName,
                $"{i:D2}.png"), DataTestFiles.RandomBytes(3 * 32 * 32, i), 3, 32, 32);
        var whole = File.ReadAllBytes(Path.Combine(root, cut));
        File.WriteAllBytes(Path.Combine(root, cut), whole[..(whole.Length / 2)]);
        return (root, whole);
    }

    [SkippableFact]
    public void A_rank_that_fails_by_itself_mid_run_stops_every_rank_after_a_checkpoint_that_resumes()
    {
        RequireMpi();
        var (root, whole) = ImagesWithOneCutShort(Path.Combine("train", "b", "20.png"));
        var bad = Path.Combine(root, "train", "b", "20.png");
        var folder = Path.Combine(Directory.CreateTempSubdirectory("spinalnet-mpi-run-").FullName, "run");
        var clock = Stopwatch.StartNew();
        var failed = Launch(["-n", "2", .. Spinalnet("train", "--data", root, "--model", "cifar10-cnn", "--classes", "2",
            "--epochs", "2", "--batch-size", "16", "--threads", "1", "--out", folder, "-q")], seconds: 90);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the job took {clock.Elapsed}");
        Assert.NotEqual(0, failed.ExitCode);
        var match = System.Text.RegularExpressions.Regex.Match(failed.Stderr,
            $@"spinalnet: rank (\d) of 2 failed at epoch 1, step (\d+): {System.Text.RegularExpressions.Regex.Escape(bad)}: " +
            "cannot decode image [^\n]*; every rank stopped, the run saved before that step in ");
        Assert.True(match.Success, failed.Stderr);
        Assert.Contains($"spinalnet: rank {match.Groups[1].Value} of 2 failed at epoch 1, step {match.Groups[2].Value} " +
                        "(its error is on its own line); every rank stopped", failed.Stderr);
        Assert.Contains($"resume with --resume {folder} on 2 ranks", failed.Stderr);
        Assert.DoesNotContain("   at ", failed.Stderr);
        Assert.True(File.Exists(Path.Combine(folder, "last.ckpt")));
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors")));

        // A resume on another number of ranks is refused; fixed, the run resumes on 2 and completes.
        var alone = CliRunner.Run("train", "--resume", folder);
        Assert.Contains("trained on 2 MPI ranks, now launched on 1 process; resume it with mpiexec -n 2", alone.Stderr);
        File.WriteAllBytes(bad, whole);
        var resumed = Launch(["-n", "2", .. Spinalnet("train", "--resume", folder, "-q")]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr + resumed.Stdout);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "metrics.csv")).Length);
    }

    [SkippableFact]
    public void A_rank_that_fails_outside_a_training_step_names_itself_and_the_job_ends()
    {
        RequireMpi();
        // A test image cut short: one rank meets it in its shard of the first evaluation.
        var (root, _) = ImagesWithOneCutShort(Path.Combine("test", "b", "05.png"));
        var folder = Path.Combine(Directory.CreateTempSubdirectory("spinalnet-mpi-run-").FullName, "run");
        var result = Launch(["-n", "2", .. Spinalnet("train", "--data", root, "--model", "cifar10-cnn", "--classes", "2",
            "--epochs", "1", "--batch-size", "16", "--threads", "1", "--out", folder, "-q")], seconds: 90);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches($@"spinalnet: rank \d of 2: {System.Text.RegularExpressions.Regex.Escape(
            Path.Combine(root, "test", "b", "05.png"))}: cannot decode image", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    /// <summary>The process that mpiexec started as <paramref name="rank"/>, by its environment.</summary>
    static Process? RankProcess(string tag, int rank)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string[] environment;
            try
            {
                environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (environment.Contains($"SPINALNET_TEST_TAG={tag}") && environment.Contains($"PMI_RANK={rank}") &&
                File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("SpinalNet.Cli.dll"))
                return Process.GetProcessById(pid);
        }
        return null;
    }

    [Fact]
    public void Under_a_launcher_without_an_MPI_library_the_run_stops_in_one_line()
    {
        var result = CliRunner.Start("dotnet", [CliRunner.Program, "train", "--epochs", "1"], environment: new()
        {
            ["PMI_RANK"] = "0", ["PMI_SIZE"] = "2", ["SPINALNET_MPI_LIBRARY"] = "/nonexistent/libmpich.so.12",
        });
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("spinalnet: launched under mpiexec as rank 0 of 2, but the MPI library " +
                     "/nonexistent/libmpich.so.12 cannot be loaded: apt-get install -y mpich libmpich-dev",
            result.Stderr.Trim());
    }
}
