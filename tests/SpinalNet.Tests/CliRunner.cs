// Runs the real `spinalnet` program in a child process, as a user would, capturing exit code, stdout and stderr.
using System.Diagnostics;
using SpinalNet.Data;

namespace SpinalNet.Tests;

sealed record CliResult(int ExitCode, string Stdout, string Stderr);

static class CliRunner
{
    public static CliResult Run(params string[] args) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "SpinalNet.Cli.dll"), .. args], seconds: 180);

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> and <paramref name="environment"/>
    /// added, for at most <paramref name="seconds"/>; <paramref name="during"/> runs while it does.</summary>
    public static CliResult Start(string program, string[] args, int seconds = 120,
        Dictionary<string, string>? environment = null, Action<Process>? during = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        during?.Invoke(process);
        if (!process.WaitForExit(TimeSpan.FromSeconds(seconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {seconds} s");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Writes the first samples of the embedded sample, uncompressed, as an MNIST-format folder.</summary>
    public static void WriteSampleSlice(string folder, int train, int test)
    {
        foreach (var (prefix, count) in new[] { ("train", train), ("t10k", test) })
        {
            var images = IdxFile.Read(Path.Combine(MnistFamily.EmbeddedSample, $"{prefix}-images-idx3-ubyte.gz"), 3);
            var labels = IdxFile.Read(Path.Combine(MnistFamily.EmbeddedSample, $"{prefix}-labels-idx1-ubyte.gz"), 1);
            IdxFile.Write(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"),
                new IdxArray([count, 28, 28], images.Data[..(count * 784)]), gzip: false);
            IdxFile.Write(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"),
                new IdxArray([count], labels.Data[..count]), gzip: false);
        }
    }
}
