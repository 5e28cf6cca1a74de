// Bad input and faults, case by case and by surface (data files and image folders; sizes; run folders, resume and
// checkpoints; configuration files; CSV data; weights files; downloads): each ends in a typed one-line error naming
// the file, key, option or value at fault (or in the right answer), before anything on disk changes; and random bytes
// fed to every reader end the same way, never in a crash. The command line's mistakes are CliTests'.
using SpinalNet.Charts;
using SpinalNet.Layers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using SpinalNet.Data;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Regression;
using SpinalNet.Runs;
using SpinalNet.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public sealed class BadInputTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static void OneLine(Exception e, string culprit)
    {
        Assert.DoesNotContain("\n", e.Message);
        Assert.Contains(culprit, e.Message);
    }

    string Slice(int train, int test, string name = "data")
    {
        var data = temp.Folder(name);
        CliRunner.WriteSampleSlice(data, train, test);
        return data;
    }

    static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A real 2 × 2 PNG whose header is changed to declare a 16000 × 16000 image (1 GB decoded).</summary>
    string HugePng(string path)
    {
        DataTestFiles.WriteImage(path, new byte[12], 3, 2, 2);
        var bytes = File.ReadAllBytes(path);
        // The IHDR chunk follows the 8-byte signature: length (4), type (4), width, height, ..., then its CRC.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), 16000);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), 16000);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void An_image_declaring_a_huge_size_is_refused_before_its_pixels_are_allocated()
    {
        var png = HugePng(temp.Combine("huge.png"));
        OneLine(Assert.Throws<DataFormatException>(() => ImageCodec.Decode(png, 3)), "16000 x 16000 pixels, beyond the limit");
        Assert.False(ImageCodec.CanDecode(png));
        OneLine(Assert.Throws<DataFormatException>(() => ImageCodec.Decode(temp.Combine("none.png"), 1)), "image not found");
    }

    [Fact]
    public void An_image_beyond_the_pixel_limit_in_an_image_folder_is_refused_naming_the_file_and_the_limit()
    {
        var root = temp.Folder("images");
        foreach (var split in new[] { "train", "test" })
        foreach (var label in new[] { "a", "b" })
            DataTestFiles.WriteImage(Path.Combine(temp.Folder("images", split, label), "0.png"),
                DataTestFiles.RandomBytes(3 * 32 * 32, 1), 3, 32, 32);
        var huge = HugePng(Path.Combine(root, "train", "b", "1.png"));
        const string limit = "declares an image of 16000 x 16000 pixels, beyond the limit of 40,000,000 pixels";
        // A valid image refused by a limit, not an undecodable one: an error in strict mode and out of it alike.
        foreach (var strict in new[] { false, true })
            OneLine(Assert.Throws<DataFormatException>(() =>
                ImageFolder.Open(root, "train", new ImageFolderOptions(Strict: strict))), $"{huge}: {limit}");
        var run = temp.Combine("run");
        CliTests.AssertOneLineError(CliRunner.Run("train", "--data", root, "--model", "cifar10-cnn", "--classes", "2",
            "--out", run), $"{huge}: {limit}");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Sizes_beyond_memory_or_the_width_limit_fail_before_allocation()
    {
        var spec = ModelCatalog.Get("mnist-cnn");
        OneLine(Assert.Throws<SettingException>(() => spec.Create(HeadKind.Fc, 0, classes: 1_000_000_000)), "Classes");
        OneLine(Assert.Throws<ArgumentException>(() =>
            ModelCatalog.Get("cifar10-vgg19-bn").Create(HeadKind.Fc, 0, classes: 2_000_000)), "GB of memory here");
        OneLine(Assert.Throws<SettingException>(() =>
            spec.With(HeadKind.Spinal, s => s with { Width = 2_000_000_000 }).Create(0)), "Spinal.Width 2000000000 is above the limit");
        // `spinalnet summary` resolves its configuration, whose check builds the network on the meta device: refused
        // there, before its trace builds anything.
        OneLine(Assert.Throws<ArgumentException>(() => NetworkCosts.Of(Configuration.Resolve(options: new RunOverrides(
            Model: "cifar10-vgg19-bn", Head: HeadKind.Fc, Classes: 2_000_000)))), "GB of memory here");
    }

    [Fact]
    public void Data_with_no_samples_or_of_the_wrong_shape_fails_before_a_run_folder_exists()
    {
        var empty = temp.Folder("empty");
        IdxFile.Write(Path.Combine(empty, "train-images-idx3-ubyte"), new IdxArray([0, 28, 28], []), gzip: false);
        IdxFile.Write(Path.Combine(empty, "train-labels-idx1-ubyte"), new IdxArray([0], []), gzip: false);
        CliRunner.WriteSampleSlice(temp.Folder("tests"), 1, 20);
        foreach (var name in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.Copy(Path.Combine(temp.Combine("tests"), name), Path.Combine(empty, name));
        var folder = temp.Combine("run");
        OneLine(Assert.Throws<DataFormatException>(() =>
            TrainingRun.Create(Recipes.DefaultsFor("mnist-cnn") with { Data = empty }, folder)), "has no training samples");

        var grey = Recipes.DefaultsFor("cifar10-cnn") with { Data = Slice(20, 10), Augmentation = "none" };
        OneLine(Assert.Throws<DataFormatException>(() => TrainingRun.Create(grey, folder)),
            "gives samples of 3 x 28 x 28 through the 'none' pipeline, but cifar10-cnn takes 3 x 32 x 32");
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_of_another_network_and_changes_nothing()
    {
        var data = Slice(100, 50);
        var (spinal, fc) = (temp.Combine("spinal"), temp.Combine("fc"));
        var config = Recipes.DefaultsFor("mnist-cnn") with { Data = data, Settings = new TrainingSettings(Epochs: 1) };
        using (var run = TrainingRun.Create(config, spinal)) run.Train();
        using (var run = TrainingRun.Create(config with { Head = HeadKind.Fc }, fc)) run.Train();
        File.Copy(Path.Combine(fc, "last.ckpt"), Path.Combine(spinal, "last.ckpt"), overwrite: true);
        var before = Directory.GetFiles(spinal).ToDictionary(f => f, File.ReadAllBytes);
        OneLine(Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(spinal, new ResumeChanges(Epochs: 2))),
            "a checkpoint of mnist-cnn (fc head), but");
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
    }

    static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

    /// <summary>A finished one-epoch run of mnist-cnn on a slice of the sample, in its own folder.</summary>
    string TrainedRun()
    {
        var folder = temp.Combine("run");
        var config = Recipes.DefaultsFor("mnist-cnn") with { Data = Slice(100, 50), Settings = new TrainingSettings(Epochs: 1) };
        using (var run = TrainingRun.Create(config, folder)) run.Train();
        return folder;
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_without_optimizer_state_and_leaves_the_folder_byte_identical()
    {
        var folder = TrainedRun();
        using (var zip = ZipFile.Open(Path.Combine(folder, "last.ckpt"), ZipArchiveMode.Update))
            zip.GetEntry("optimizer.bin")!.Delete();
        File.WriteAllText(Path.Combine(folder, ".last.ckpt.999999999.tmp"), "half");  // kept: nothing changes
        var before = Snapshot(folder);
        OneLine(Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(folder, new ResumeChanges(Epochs: 2))),
            "last.ckpt: checkpoint has no optimizer.bin");
        var after = Snapshot(folder);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, f => Assert.Equal(f.Value, after[f.Key]));
    }

    [Fact]
    public void A_run_removes_temporary_files_of_killed_writers_and_resume_says_which()
    {
        var folder = TrainedRun();
        File.WriteAllText(Path.Combine(folder, ".last.ckpt.999999999.tmp"), "half");
        File.WriteAllText(Path.Combine(folder, ".best.ckpt.999999998.tmp"), "half");
        var live = Path.Combine(folder, $".metrics.csv.{Environment.ProcessId}.tmp");  // this process's: a live writer
        File.WriteAllText(live, "being written");
        var warnings = new List<string>();
        using (TrainingRun.Resume(folder, new ResumeChanges(Epochs: 2), warnings.Add)) { }
        Assert.Equal([$"{folder}: removed 2 temporary file(s) left by a killed writer: .best.ckpt.999999998.tmp, " +
                      ".last.ckpt.999999999.tmp"], warnings);
        Assert.Equal([live], Directory.GetFiles(folder, ".*.tmp"));
    }

    [Fact]
    public void A_diverging_first_epoch_names_no_checkpoint_that_does_not_exist()
    {
        var data = Slice(200, 50);
        var config = Recipes.DefaultsFor("mnist-cnn") with
        {
            Data = data, Settings = new TrainingSettings(Epochs: 1, LearningRate: 1e12, Momentum: 0.9),
        };
        using var run = TrainingRun.Create(config, temp.Combine("run"));
        var e = Assert.Throws<TrainingDivergedException>(() => run.Train());
        Assert.Contains("loss became", e.Message);
        Assert.DoesNotContain("last good checkpoint", e.Message);
    }

    [Fact]
    public void Temporary_files_of_killed_writers_are_removed_and_live_ones_kept()
    {
        var target = temp.Combine("last.ckpt");
        var stale = temp.Combine(".last.ckpt.999999999.tmp");
        var live = temp.Combine($".last.ckpt.{Environment.ProcessId}.other.tmp");
        File.WriteAllText(stale, "half");
        File.WriteAllText(live, "another writer's");
        AtomicFile.WriteText(target, "whole");
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.Equal("whole", File.ReadAllText(target));
    }

    [Theory]
    [InlineData("""{"data": null}""", "'data' cannot be null")]
    [InlineData("""{"settings": {"seed": 1, "seed": 2}}""", "run.json")]
    public void Config_files_with_nulls_or_duplicate_keys_name_the_file_and_key(string json, string culprit)
    {
        var file = temp.Combine("run.json");
        File.WriteAllText(file, json);
        var e = Record.Exception(() => Configuration.Resolve(ConfigLayer.FromFile(file)));
        Assert.True(e is ArgumentException or InvalidDataException, e?.GetType().Name);
        OneLine(e!, culprit);
        Assert.StartsWith(file, e!.Message);
    }

    [Fact]
    public void Csv_rows_and_columns_are_checked_before_training()
    {
        var one = temp.Combine("one.csv");
        File.WriteAllText(one, "a,y\n1,2\n");
        OneLine(Assert.Throws<DataFormatException>(() =>
            TabularRegression.Run(CsvTable.Read(one, "y"), new RegressionSettings(Epochs: 1))), "1 data row is too few");
        // 'flag' varies only in rows the seed puts outside the training part (the first 28 of the seed's permutation).
        using var generator = new TorchSharp.torch.Generator(3, TorchSharp.torch.CPU);
        var training = TorchSharp.torch.randperm(40, generator: generator).data<long>().Take(28).ToHashSet();
        var lines = Enumerable.Range(0, 40).Select(i => $"{i},{(training.Contains(i) ? 0 : i)},{i * 2}").Prepend("x,flag,y");
        var table = temp.Combine("table.csv");
        File.WriteAllLines(table, lines);
        var parsed = CsvTable.Read(table, "y");
        OneLine(Assert.Throws<DataFormatException>(() => TabularRegression.Run(parsed, new RegressionSettings(Epochs: 1, Seed: 3))),
            "column 'flag' is constant in the training part (28 of 40 rows, drawn from seed 3)");
        var unwritable = Path.Combine(one, "run");  // under a file: cannot be a folder
        OneLine(Assert.Throws<IOException>(() => CsvRegressionRun.Run(table, "y", ["x"], new RegressionSettings(Epochs: 1),
            unwritable)), $"{unwritable}: cannot create the folder, {one} is a file");
    }

    [Theory]
    [InlineData(0, "empty weights file")]
    [InlineData(64, "not a readable PyTorch state dict")]
    public void Empty_or_random_pt_files_say_what_they_are_not(int length, string culprit)
    {
        var path = temp.Combine("weights.pt");
        File.WriteAllBytes(path, DataTestFiles.RandomBytes(length, 5));
        OneLine(Assert.Throws<InvalidDataException>(() => WeightsFile.Read(path)), culprit);
    }

    [Fact]
    public void Failed_downloads_back_off_count_their_attempts_and_leave_no_empty_folder()
    {
        var log = new List<string>();
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var downloader = new Downloader(client, attemptsPerUrl: 3, log: log.Add, retryDelay: TimeSpan.FromMilliseconds(50));
        // Port 1 on the loopback interface: nothing listens there, every attempt is refused.
        const string url = "http://127.0.0.1:1/gone.gz";
        var info = DatasetCatalog.Get("mnist") with
        {
            Folder = "mnist-copy", Files = [new RemoteFile("gone.gz", [url], new string('0', 32))],
        };
        var started = DateTime.UtcNow;
        var e = Assert.ThrowsAny<IOException>(() => DatasetInstaller.Install(info, temp.Path, downloader));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(140), "50 ms, then 100 ms between attempts");
        Assert.Equal(["attempt 2 of 3", "attempt 3 of 3"],
            log.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"attempt \d of \d").Value));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(e.Message, System.Text.RegularExpressions.Regex.Escape(url)));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "mnist-copy")));
    }

    [Fact]
    public void Charts_of_a_run_that_finished_no_epoch_are_still_written()
    {
        RunCharts.RunCurves(temp.Combine("loss.png"), temp.Combine("accuracy.png"), "empty", [], 0);
        Assert.True(new FileInfo(temp.Combine("loss.png")).Length > 0);
        Assert.True(new FileInfo(temp.Combine("accuracy.png")).Length > 0);
    }

    /// <summary>Random bytes, and a valid file cut short, for every reader: a typed one-line error, never a crash.</summary>
    [Fact]
    public void Random_bytes_fed_to_every_reader_end_in_a_typed_one_line_error()
    {
        var readers = new (string File, Action<string> Read)[]
        {
            ("images-idx3-ubyte", p => IdxFile.Read(p, 3)),
            ("data_batch_1.bin", p => CifarBinary.LoadCifar10(Path.GetDirectoryName(p)!, Split.Train)),
            ("train_X.bin", p => Stl10Binary.Load(Path.GetDirectoryName(p)!, Split.Train)),
            ("train_32x32.mat", p => MatFile.Read(p)),
            ("image.png", p => ImageCodec.Decode(p, 3)),
            ("image.jpg", p => ImageCodec.Decode(p, 3)),
            ("table.csv", p => CsvTable.Read(p, "y")),
            ("weights.safetensors", p => WeightsFile.Read(p)),
            ("weights.pt", p => WeightsFile.Read(p)),
            ("last.ckpt", p => Checkpoint.ReadState(p)),
            ("config.json", p => Configuration.Resolve(ConfigLayer.FromFile(p))),
        };
        for (int seed = 0; seed < 12; seed++)
        foreach (var (file, read) in readers)
        {
            var folder = temp.Folder($"fuzz-{seed}", file.Replace('.', '-'));
            var path = Path.Combine(folder, file);
            var bytes = DataTestFiles.RandomBytes(seed * 97 % 3000 + seed, seed);
            // Half the draws start like the real thing, so readers get past their magic numbers.
            if (seed % 2 == 1) Prefix(file).CopyTo(bytes, 0);
            File.WriteAllBytes(path, bytes);
            var e = Record.Exception(() => read(path));
            if (e is null) continue;  // random bytes can be a valid file (a CSV of one column, say)
            Assert.True(e is DataFormatException or InvalidDataException or ArgumentException or IOException,
                $"{file} seed {seed}: {e.GetType().Name}: {e.Message}");
            Assert.DoesNotContain("\n", e.Message.Trim());
        }
    }

    static byte[] Prefix(string file) => file switch
    {
        "images-idx3-ubyte" => [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28],
        "train_32x32.mat" => "MATLAB 5.0 MAT-file"u8.ToArray(),
        "image.png" => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A],
        "image.jpg" => [0xFF, 0xD8, 0xFF, 0xE0],
        "table.csv" => "a,b,y\n1,2,"u8.ToArray(),
        "weights.pt" or "last.ckpt" => "PK\u0003\u0004"u8.ToArray(),
        "weights.safetensors" => [16, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'"'],
        "config.json" => "{\"settings\": "u8.ToArray(),
        _ => [],
    };
}
