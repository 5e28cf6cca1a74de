// The known data sets as use cases, behind `spinalnet data list | download | show` (docs/data.md §6.2): the catalogue
// with what is present under a data root, a verified download from the official source (a mirror as fallback), and a
// contact sheet of one split's samples, optionally through the set's training pipeline of docs/experiments.md §3.
using SpinalNet.Augmentation;
using SpinalNet.Charts;
using SpinalNet.Data;
using SpinalNet.Layers;
using static SpinalNet.Runs.TextTable;

namespace SpinalNet.Runs;

/// <summary>How a known set gets under the data root: a verified download, shipped with the program (the embedded
/// sample), or by hand (Kaggle-only sets).</summary>
public enum DataSetSource { Download, Shipped, Manual }

/// <summary>One known data set as `spinalnet data list` shows it.</summary>
/// <param name="Present">Whether it lies under the data root listed.</param>
/// <param name="Sizes">Images per split; null where the source does not fix it.</param>
public sealed record DataSetEntry(string Name, string Description, bool Present,
    IReadOnlyList<(string Split, int? Size)> Sizes, int Classes, int Channels, int Side, DataSetSource Source);

/// <summary>The known data sets and the data root they were looked for under.</summary>
public sealed record DataSetListing(string Root, IReadOnlyList<DataSetEntry> Sets)
{
    /// <summary>Each set, whether it is present, its splits and shape, as `spinalnet data list` shows them.</summary>
    public TextTable Table => new(["name", "present", "splits (images)", "classes", "image", "download", "description"],
        Sets.Select(d => new[] { d.Name, d.Present ? "yes" : "no",
            string.Join(", ", d.Sizes.Select(s => $"{s.Split} {(s.Size is int n ? Count(n) : "?")}")),
            $"{d.Classes}", $"{d.Channels}x{d.Side}x{d.Side}", d.Source switch
            { DataSetSource.Download => "yes", DataSetSource.Shipped => "shipped", _ => "manual" }, d.Description }));
}

/// <summary>A data set in place: its catalogue name and its folder.</summary>
public sealed record InstalledDataSet(string Name, string Folder);

/// <summary>A contact sheet written: where, of which set and split, and how many samples it shows.</summary>
public sealed record SampleSheetFile(string Path, string DataSet, string Split, int Shown);

/// <summary>The known data sets: list, download, show (`spinalnet data`).</summary>
public static class DataSets
{
    /// <summary>The environment variable that sets the data root.</summary>
    public const string RootVariable = DatasetCatalog.RootVariable;

    /// <summary>The data root: $SPINALNET_DATA, else ./data.</summary>
    public static string DefaultRoot => DatasetCatalog.DefaultRoot;

    /// <summary>Every known set, and whether it is present under <paramref name="root"/> (default: the data
    /// root).</summary>
    public static DataSetListing List(string? root = null)
    {
        root ??= DefaultRoot;
        if (File.Exists(root)) throw new IOException($"{root}: a file, not a folder of data sets");
        return new DataSetListing(root, DatasetCatalog.All.Select(d => new DataSetEntry(d.Name, d.Description,
            d.IsPresent(root), d.Sizes, d.Classes, d.Channels, d.Side,
            d.Files.Count > 0 ? DataSetSource.Download
            : d.Name == DatasetCatalog.Embedded ? DataSetSource.Shipped : DataSetSource.Manual)).ToList());
    }

    /// <summary>Downloads the set called <paramref name="name"/>, verifies its checksums and unpacks it under
    /// <paramref name="root"/>; a set already in place is left alone. <paramref name="progress"/> hears of the bytes
    /// received, <paramref name="log"/> of each file verified or unpacked.</summary>
    public static InstalledDataSet Download(string name, string? root = null,
        Action<DownloadProgress>? progress = null, Action<string>? log = null)
    {
        var info = DatasetCatalog.Get(name);
        return new InstalledDataSet(info.Name, Downloading(progress, log,
            downloader => DatasetInstaller.Install(info, root ?? DefaultRoot, downloader, log)));
    }

    /// <summary>Runs <paramref name="download"/> with a verified, resumable downloader of its own.</summary>
    internal static T Downloading<T>(Action<DownloadProgress>? progress, Action<string>? log,
        Func<Downloader, T> download)
    {
        using var client = Downloader.NewClient();
        return download(new Downloader(client, progress: progress, log: log));
    }

    /// <summary>Writes a PNG contact sheet of <paramref name="count"/> samples spread over <paramref name="split"/> of
    /// the set called <paramref name="name"/>, each captioned with its label.</summary>
    /// <param name="pipeline">The training pipeline to send the samples through (normalisation left out); null:
    /// the set's own when <paramref name="augmented"/>, else none.</param>
    /// <param name="seed">The seed of the pipeline's per-sample draws.</param>
    /// <param name="strict">Fail on an undecodable image instead of skipping it (and telling
    /// <paramref name="warn"/>).</param>
    /// <param name="path">The PNG file (default: runs/NAME-SPLIT.png, runs/NAME-SPLIT-augmented.png through a
    /// pipeline), returned with the sheet.</param>
    public static SampleSheetFile Show(string name, string? root = null, string split = "train", int count = 25,
        string? pipeline = null, bool augmented = false, long seed = 0, bool strict = false, string? path = null,
        Action<string>? warn = null)
    {
        if (count < 1) throw new SettingException("Count", count, "must be at least 1");
        var info = DatasetCatalog.Get(name);
        pipeline ??= augmented ? info.Pipeline : null;
        path ??= Path.Combine("runs", $"{info.Name}-{split}{(pipeline is null ? "" : "-augmented")}.png");
        var transform = pipeline is null ? null : Pipelines.Get(pipeline).Train;
        var source = DatasetCatalog.Open(info, root ?? DefaultRoot, split, warn, strict);
        try
        {
            var png = DatasetPreview.Render(source, count, transform, seed);
            AtomicFile.Write(path, temp => File.WriteAllBytes(temp, png));
            return new SampleSheetFile(path, info.Name, split, Math.Min(count, source.Count));
        }
        finally
        {
            (source as IDisposable)?.Dispose();
        }
    }
}
