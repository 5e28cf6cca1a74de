// `spinalnet data list | download | show`: the known data sets, verified downloads, and a picture of what the
// network gets. Parses and prints only; the catalog, downloader and rendering live in the library.
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SpinalNet.Augmentation;
using SpinalNet.Data;
using static SpinalNet.Cli.Format;

namespace SpinalNet.Cli;

static class DataCommands
{
    static string Root(ParseResult r, Option<string?> root) => r.GetValue(root) ?? DatasetCatalog.DefaultRoot;

    static Argument<string> NameArgument() => new("NAME") { Description = "Data set (`spinalnet data list`)." };

    public static Command Data() => new("data", "Known data sets: list them, download them, look at their samples.")
    {
        List(), Download(), Show(),
    };

    static Command List()
    {
        var root = DataRootOption();
        var command = new Command("list", "Each known data set, whether it is present under the data root, its splits, " +
                                          "sizes and classes.") { root };
        command.SetAction(r =>
        {
            string dataRoot = Root(r, root);
            Print(["name", "present", "splits (images)", "classes", "image", "download", "description"],
                DatasetCatalog.All.Select(d => new[] { d.Name, d.IsPresent(dataRoot) ? "yes" : "no",
                    string.Join(", ", d.Sizes.Select(s => $"{s.Split} {(s.Size is int n ? Count(n) : "?")}")),
                    $"{d.Classes}", $"{d.Channels}x{d.Side}x{d.Side}", d.Files.Count > 0 ? "yes" : d.Name == DatasetCatalog.Embedded ? "shipped" : "manual", d.Description }));
            Console.WriteLine($"data root: {Path.GetFullPath(dataRoot)}");
            return 0;
        });
        return command;
    }

    static Command Download()
    {
        var root = DataRootOption();
        var name = NameArgument();
        var command = new Command("download", "Download a data set from its official source (mirror as fallback), " +
                                              "verify its checksum and unpack it under the data root.") { name, root };
        command.SetAction(r =>
        {
            var info = DatasetCatalog.Get(r.GetValue(name)!);
            var folder = Downloading((downloader, log) => DatasetInstaller.Install(info, Root(r, root), downloader, log));
            Console.WriteLine($"{info.Name} is in {folder}");
            return 0;
        });
        return command;
    }

    /// <summary>Runs a download with a progress bar per file (a line per tenth in logs and pipes).</summary>
    public static string Downloading(Func<Downloader, Action<string>, string> download)
    {
        using var client = Downloader.NewClient();
        void Log(string line) => Console.Error.WriteLine($"spinalnet: {line}");
        string Run(Action<DownloadProgress> progress) => download(new Downloader(client, progress: progress, log: Log), Log);
        return !ConsoleReporter.Interactive
            ? Run(DownloadProgress.EveryTenth(Console.WriteLine))
            : AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                    new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                .Start(context =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    return Run(p =>
                    {
                        if (!tasks.TryGetValue(p.File, out var task))
                            tasks[p.File] = task = context.AddTask(Markup.Escape(p.File));
                        task.MaxValue = p.Total ?? Math.Max(p.Received, 1);
                        task.Value = p.Received;
                    });
                });
    }

    static Command Show()
    {
        var root = DataRootOption();
        var name = NameArgument();
        var split = Defaulted("--split", "NAME", "Split to show.", "train");
        var augmented = new Option<bool>("--augmented")
        {
            Description = "Show the samples after the set's training pipeline of the paper (normalisation left out).",
        };
        var pipeline = Opt<string?>("--augmentation", "NAME", "Training pipeline to show the samples through (default " +
            "with --augmented: the set's).", "-a");
        var count = Defaulted("--count", "N", "Number of samples.", 25, "-n");
        var seed = Defaulted("--seed", "N", "Seed of the augmentation draws.", 0L, "-s");
        var strict = new Option<bool>("--strict") { Description = "Fail on an undecodable image instead of skipping it." };
        var output = Opt<string?>("--out", "FILE", "PNG file to write (default: NAME-SPLIT.png).", "-o");
        var command = new Command("show", "Write a PNG grid of samples with their labels.")
            { name, root, split, augmented, pipeline, count, seed, strict, output };
        command.SetAction(r =>
        {
            var info = DatasetCatalog.Get(r.GetValue(name)!);
            string splitName = r.GetValue(split)!;
            var chosen = r.GetValue(pipeline) ?? (r.GetValue(augmented) ? info.Pipeline : null);
            string path = r.GetValue(output) ?? $"{info.Name}-{splitName}{(chosen is null ? "" : "-augmented")}.png";
            int shown = DatasetPreview.Write(path, info, Root(r, root), splitName, r.GetValue(count), chosen,
                r.GetValue(seed), r.GetValue(strict), Commands.Warn);
            Console.WriteLine($"wrote {shown} samples of {info.Name} {splitName} to {path}");
            return 0;
        });
        return command;
    }
}
