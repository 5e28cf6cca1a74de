// Runs the real `spinalnet` program in a child process, as a user would, capturing exit code, stdout and stderr.
using System.Diagnostics;
using SpinalNet.Data;

namespace SpinalNet.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

static class CliRunner
{
    /// <summary>The program: the CLI's build, compiled ReadyToRun into cli/ beside the tests (ReadyToRunCli.targets),
    /// so that each of the many processes the tests start skips compiling the methods it runs.</summary>
    public static string Program { get; } = Path.Combine(AppContext.BaseDirectory, "cli", "SpinalNet.Cli.dll");

    public static CliResult Run(params string[] args) => Dotnet(Path.GetTempPath(), TimeSpan.FromMinutes(3), null,
        [Program, .. args]);

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

    /// <summary>Runs a .NET program (its .dll) with <paramref name="args"/>, from the temp folder.</summary>
    public static CliResult RunProgram(string dll, params string[] args) =>
        Dotnet(Path.GetTempPath(), TimeSpan.FromMinutes(3), null, [dll, .. args]);

    /// <summary>`dotnet ARGS` in a child process; <paramref name="environment"/> sets variables (null removes one).
    /// The child gets none of the MSBuild variables of the test run's own build.</summary>
    public static CliResult Dotnet(string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        var inherited = start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase));
        foreach (var name in inherited.ToList()) start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) start.Environment.Remove(name); else start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"dotnet {string.Join(' ', args)} did not finish in {timeout.TotalMinutes} minutes");
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
