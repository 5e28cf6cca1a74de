// `spinalnet data list/show/download` run as a user runs them (the CLI assembly in a child process): list marks a
// set placed by hand as present, show writes a PNG grid of labelled samples, bad names end as one line with exit 1.
using SpinalNet.Augmentation;
using SpinalNet.Charts;
using SpinalNet.Data;

namespace SpinalNet.Tests;

[Collection(OtherProcesses.Name)]
public class DataCommandTests
{
    static (int Code, string Out, string Err) Cli(string workingDirectory, params string[] args)
    {
        var result = CliRunner.Dotnet(workingDirectory, TimeSpan.FromMinutes(3),
            new Dictionary<string, string?> { [DatasetCatalog.RootVariable] = null },
            [CliRunner.Program, .. args]);
        return (result.ExitCode, result.Stdout, result.Stderr);
    }

    static void WriteCifar10Test(string root, int count)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "cifar10", CifarBinary.Cifar10Folder)).FullName;
        var records = Enumerable.Range(0, count)
            .SelectMany(i => new[] { (byte)(i % 10) }.Concat(DataTestFiles.RandomBytes(3072, i))).ToArray();
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), records);
    }

    [Fact]
    public void ListShowAndErrors()
    {
        using var dir = new TempFolder();
        WriteCifar10Test(dir.Combine("data"), 12);

        var list = Cli(dir.Path, "data", "list");
        Assert.Equal(0, list.Code);
        Assert.Matches(@"cifar10\s+│\s+yes", list.Out);
        Assert.Matches(@"cifar100\s+│\s+no", list.Out);

        var show = Cli(dir.Path, "data", "show", "cifar10", "--split", "test", "--augmented", "--count", "9",
            "--out", "grid.png");
        Assert.Equal(0, show.Code);
        using var png = SkiaSharp.SKBitmap.Decode(dir.Combine("grid.png"));
        Assert.Equal((3 * (96 + 6) + 6, 3 * (96 + 16 + 6) + 6), (png.Width, png.Height));

        var unknown = Cli(dir.Path, "data", "show", "cifar11");
        Assert.Equal(1, unknown.Code);
        Assert.StartsWith("spinalnet: unknown data set 'cifar11' (known: embedded, mnist,", unknown.Err);
        Assert.Single(unknown.Err.TrimEnd().Split('\n'));

        var missing = Cli(dir.Path, "data", "show", "cifar10", "--data-root", dir.Combine("elsewhere"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("data folder not found", missing.Err);
        Assert.Single(missing.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void ShowWritesUnderRunsAndSaysWhere()
    {
        using var dir = new TempFolder();
        var show = Cli(dir.Path, "data", "show", "embedded", "--count", "4");
        Assert.True(show.Code == 0, show.Err);
        var written = Path.Combine("runs", "embedded-train.png");
        Assert.Contains($"wrote 4 samples of embedded train to {written}", show.Out);
        Assert.True(File.Exists(dir.Combine(written)));
        Assert.Equal(["runs"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SampleSheetCaptionsEverySampleAndDropsNormalisation()
    {
        var set = new LabelledImages(DataTestFiles.RandomBytes(5 * 784, 3), [0, 1, 2, 3, 4], 1, 28, 28,
            ClassNames.FashionMnist, "five");
        var png = DatasetPreview.Render(set, 5, Pipelines.Get("fashion-arch2").Train, seed: 1);
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal(3 * (84 + 6) + 6, bitmap.Width); // 3 columns of 28 x 3 pixel tiles
        var stripped = (Compose)DatasetPreview.WithoutNormalization(Pipelines.Get("fashion-arch2").Train);
        Assert.Equal([typeof(RandomRotation), typeof(RandomResizedCrop)], stripped.Steps.Select(s => s.GetType()));
    }

    [Fact]
    public void EveryCatalogSetNamesAKnownPipeline()
    {
        foreach (var d in DatasetCatalog.All) Assert.NotNull(Pipelines.Get(d.Pipeline));
    }
}
