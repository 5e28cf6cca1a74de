// `spinalnet data list | download | show`: the known data sets, verified downloads, and a picture of what the
// network gets. Parses and prints only; the catalog, downloader and rendering live in the library.
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SpinalNet.Augmentation;
using SpinalNet.Data;

namespace SpinalNet.Cli;

static class DataCommands
{
    static Option<string?> RootOption() => new("--data-root")
    {
        Description = $"Folder holding the known data sets, each in DIR/NAME (default: ${DatasetCatalog.RootVariable}, " +
                      "else ./data).",
        HelpName = "DIR",
    };

    static string Root(ParseResult r, Option<string?> root) => r.GetValue(root) ?? DatasetCatalog.DefaultRoot;

    static Argument<string> NameArgument() => new("NAME") { Description = "Data set (`spinalnet data list`)." };

    public static Command Data() => new("data", "Known data sets: list them, download them, look at their samples.")
    {
        List(), Download(), Show(),
    };

    static Command List()
    {
        var root = RootOption();
        var command = new Command("list", "Each known data set, whether it is present under the data root, its splits, " +
                                          "sizes and classes.") { root };
        command.SetAction(r =>
        {
            string dataRoot = Root(r, root);
            var table = new Table().AddColumns("name", "present", "splits (images)", "classes", "image", "download",
                "description");
            foreach (var d in DatasetCatalog.All)
                table.AddRow(d.Name, d.IsPresent(dataRoot) ? "[green]yes[/]" : "no",
                    string.Join(", ", d.Sizes.Select(s => $"{s.Split} {(s.Size is int n ? N(n) : "?")}")),
                    d.Classes.ToString(CultureInfo.InvariantCulture), $"{d.Channels}x{d.Side}x{d.Side}",
                    d.Files.Count > 0 ? "yes" : "manual", Markup.Escape(d.Description));
            AnsiConsole.Write(table);
            Console.WriteLine($"data root: {Path.GetFullPath(dataRoot)}");
            return 0;
        });
        return command;
    }

    static Command Download()
    {
        var root = RootOption();
        var name = NameArgument();
        var command = new Command("download", "Download a data set from its official source (mirror as fallback), " +
                                              "verify its checksum and unpack it under the data root.") { name, root };
        command.SetAction(r =>
        {
            var info = DatasetCatalog.Get(r.GetValue(name)!);
            using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.UserAgent.ParseAdd("spinalnet-data/1.0"); // some hosts refuse anonymous clients
            void Log(string line) => Console.Error.WriteLine($"spinalnet: {line}");
            string folder;
            if (ConsoleReporter.Interactive)
            {
                folder = AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                        new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                    .Start(context =>
                    {
                        var tasks = new Dictionary<string, ProgressTask>();
                        var downloader = new Downloader(client, progress: p =>
                        {
                            if (!tasks.TryGetValue(p.File, out var task))
                                tasks[p.File] = task = context.AddTask(Markup.Escape(p.File));
                            task.MaxValue = p.Total ?? Math.Max(p.Received, 1);
                            task.Value = p.Received;
                        }, log: Log);
                        return DatasetInstaller.Install(info, Root(r, root), downloader, Log);
                    });
            }
            else
            {
                var reported = new Dictionary<string, int>();
                var downloader = new Downloader(client, progress: p =>
                {
                    if (p.Total is not long total || total == 0) return;
                    int tenth = (int)(10 * p.Received / total);
                    if (reported.GetValueOrDefault(p.File, -1) == tenth) return;
                    reported[p.File] = tenth;
                    Console.WriteLine($"{p.File}: {10 * tenth}% of {N(total)} bytes");
                }, log: Log);
                folder = DatasetInstaller.Install(info, Root(r, root), downloader, Log);
            }
            Console.WriteLine($"{info.Name} is in {folder}");
            return 0;
        });
        return command;
    }

    static Command Show()
    {
        var root = RootOption();
        var name = NameArgument();
        var split = new Option<string>("--split")
        {
            Description = "Split to show.", DefaultValueFactory = _ => "train", HelpName = "NAME",
        };
        var augmented = new Option<bool>("--augmented")
        {
            Description = "Show the samples after the set's training pipeline of the paper (normalisation left out).",
        };
        var pipeline = new Option<string?>("--augmentation", "-a")
        {
            Description = "Training pipeline to show the samples through (default with --augmented: the set's).",
            HelpName = "NAME",
        };
        var count = new Option<int>("--count", "-n")
        {
            Description = "Number of samples.", DefaultValueFactory = _ => 25, HelpName = "N",
        };
        var seed = new Option<long>("--seed", "-s")
        {
            Description = "Seed of the augmentation draws.", DefaultValueFactory = _ => 0, HelpName = "N",
        };
        var strict = new Option<bool>("--strict") { Description = "Fail on an undecodable image instead of skipping it." };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "PNG file to write (default: NAME-SPLIT.png).", HelpName = "FILE",
        };
        var command = new Command("show", "Write a PNG grid of samples with their labels.")
        {
            name, root, split, augmented, pipeline, count, seed, strict, output,
        };
        command.SetAction(r =>
        {
            var info = DatasetCatalog.Get(r.GetValue(name)!);
            string splitName = r.GetValue(split)!;
            var source = DatasetCatalog.Open(info, Root(r, root), splitName, Commands.Warn, r.GetValue(strict));
            try
            {
                IImageTransform? transform = r.GetValue(augmented) || r.GetValue(pipeline) is not null
                    ? Pipelines.Get(r.GetValue(pipeline) ?? info.Pipeline).Train
                    : null;
                var png = SampleSheet.Render(source, r.GetValue(count), transform, r.GetValue(seed));
                string path = r.GetValue(output) ?? $"{info.Name}-{splitName}{(transform is null ? "" : "-augmented")}.png";
                AtomicFile.Write(path, temp => File.WriteAllBytes(temp, png));
                Console.WriteLine($"wrote {Math.Min(r.GetValue(count), source.Count)} samples of {info.Name} " +
                                  $"{splitName} to {path}");
            }
            finally
            {
                (source as IDisposable)?.Dispose();
            }
            return 0;
        });
        return command;
    }

    static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
