// `spinalnet data list | download | show`: the known data sets, verified downloads, and a picture of what the
// network gets. Parses and prints only; the use cases are Runs/Data/DataSets.cs.
using System.CommandLine;
using Spectre.Console;
using SpinalNet.Data;
using SpinalNet.Runs;
using static SpinalNet.Cli.Format;

namespace SpinalNet.Cli;

static class DataCommands
{
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
            var listing = DataSets.List(r.GetValue(root));
            Print(listing.Table);
            Console.WriteLine($"data root: {Path.GetFullPath(listing.Root)}");
        });
        return command;
    }

    static Command Download()
    {
        var (root, name) = (DataRootOption(), NameArgument());
        var command = new Command("download", "Download a data set from its official source (mirror as fallback), " +
                                              "verify its checksum and unpack it under the data root.") { name, root };
        command.SetAction(r =>
        {
            var set = Downloading((progress, log) => DataSets.Download(r.GetValue(name)!, r.GetValue(root), progress, log));
            Console.WriteLine($"{set.Name} is in {set.Folder}");
        });
        return command;
    }

    /// <summary>Runs a download with a progress bar per file (a line per tenth in logs and pipes).</summary>
    public static T Downloading<T>(Func<Action<DownloadProgress>, Action<string>, T> download)
    {
        void Log(string line) => Console.Error.WriteLine($"spinalnet: {line}");
        return !ConsoleReporter.Interactive
            ? download(DownloadProgress.EveryTenth(Console.WriteLine), Log)
            : AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                    new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                .Start(context =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    return download(p =>
                    {
                        if (!tasks.TryGetValue(p.File, out var task))
                            tasks[p.File] = task = context.AddTask(Markup.Escape(p.File));
                        task.MaxValue = p.Total ?? Math.Max(p.Received, 1);
                        task.Value = p.Received;
                    }, Log);
                });
    }

    static Command Show()
    {
        var (root, name) = (DataRootOption(), NameArgument());
        var split = Defaulted("--split", "NAME", "Split to show.", "train");
        var augmented = new Option<bool>("--augmented") { Description = "Show the samples after the set's training " +
            "pipeline of the paper (normalisation left out)." };
        var pipeline = Opt<string?>("--augmentation", "NAME", "Training pipeline to show the samples through (default " +
            "with --augmented: the set's).", "-a");
        var count = Defaulted("--count", "N", "Number of samples.", 25, "-n");
        var seed = Defaulted("--seed", "N", "Seed of the augmentation draws.", 0L, "-s");
        var strict = new Option<bool>("--strict") { Description = "Fail on an undecodable image instead of skipping it." };
        var output = Opt<string?>("--out", "FILE", "PNG file to write (default: runs/NAME-SPLIT.png).", "-o");
        var command = new Command("show", "Write a PNG grid of samples with their labels.")
            { name, root, split, augmented, pipeline, count, seed, strict, output };
        command.SetAction(r =>
        {
            var sheet = DataSets.Show(r.GetValue(name)!, r.GetValue(root), r.GetValue(split)!, r.GetValue(count),
                r.GetValue(pipeline), r.GetValue(augmented), r.GetValue(seed), r.GetValue(strict), r.GetValue(output),
                Commands.Warn);
            Console.WriteLine($"wrote {sheet.Shown} samples of {sheet.DataSet} {sheet.Split} to {sheet.Path}");
        });
        return command;
    }
}
