// The `spinalnet` command line end to end: training on a slice of the embedded sample, evaluation of what it wrote,
// the head comparison, the cost summary, help texts, one-line errors for bad input, and the nearest command, option or
// name suggested for a mistake.
using System.Globalization;
using System.Text.Json;

namespace SpinalNet.Tests;

[Collection(OtherProcesses.Name)]
public sealed class CliTests : IDisposable
{
    readonly TempFolder temp = new();
    string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    string DataSlice()
    {
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        CliRunner.WriteSampleSlice(data, train: 2000, test: 500);
        return data;
    }

    [Fact]
    public void Train_writes_metrics_config_and_weights_that_evaluate_to_the_same_accuracy()
    {
        var data = DataSlice();
        var run = Path.Combine(folder, "run");
        var train = CliRunner.Run("train", "--model", "mnist-cnn", "--head", "spinal", "--epochs", "2", "--data", data,
            "--out", run, "--threads", "2", "--seed", "7", "--lr", "0.05");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("spinal epoch 2:", train.Stdout);  // plain log lines when stdout is not a terminal

        var lines = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal("epoch,train_loss,validation_loss,validation_accuracy,test_loss,test_accuracy," +
                     "test_top5_accuracy,learning_rate,train_seconds,eval_seconds,samples_per_second", lines[0]);
        Assert.Equal(3, lines.Length);
        var last = lines[2].Split(',').Select(v => v == "" ? double.NaN : double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, last[0]);
        Assert.True(double.IsNaN(last[2]) && double.IsNaN(last[3]), "no validation split was asked for");
        double accuracy = last[5];
        Assert.True(accuracy > 0.6, $"test accuracy {accuracy} after 2 epochs on 2,000 digits is not well above chance");
        Assert.True(last[6] >= accuracy, "top-5 accuracy is at least top-1 accuracy");
        Assert.True(last[1] < 2.0 && last[4] < 1.5, $"losses {last[1]}, {last[4]}");
        foreach (var file in new[] { "last.ckpt", "best.ckpt", "evaluation.json", "confusion.csv", "metrics.json", "classes.json" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} was not written");
        AssertPng(Path.Combine(run, "loss.png"), 800, 500);
        AssertPng(Path.Combine(run, "accuracy.png"), 800, 500);
        AssertPng(Path.Combine(run, "confusion.png"), 700, 600);

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal("mnist-cnn", config.RootElement.GetProperty("model").GetString());
        Assert.Equal("spinal", config.RootElement.GetProperty("head").GetString());
        // The head it trained, resolved: the paper's w = 8, L = 6, k = 2 (docs/architecture.md §14.1).
        var spinal = config.RootElement.GetProperty("spinal");
        Assert.Equal((8, 6, 2), (spinal.GetProperty("width").GetInt32(), spinal.GetProperty("layers").GetInt32(),
            spinal.GetProperty("splits").GetInt32()));
        Assert.Equal(7, config.RootElement.GetProperty("settings").GetProperty("seed").GetInt64());
        Assert.Equal(0.05, config.RootElement.GetProperty("settings").GetProperty("learning_rate").GetDouble());
        Assert.Equal(0.5, config.RootElement.GetProperty("settings").GetProperty("momentum").GetDouble());
        Assert.Empty(Directory.GetFiles(run, "*.tmp"));

        var evaluate = CliRunner.Run("evaluate", "--model", "mnist-cnn", "--head", "spinal", "--weights",
            Path.Combine(run, "model.safetensors"), "--data", data);
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        Assert.Contains($"({Math.Round(accuracy * 500)}/500)", evaluate.Stdout);

        // evaluate --json: the metrics agree with the confusion matrix they come with (docs/serving.md §16.1).
        var metricsFile = Path.Combine(folder, "metrics-detail.json");
        var detailed = CliRunner.Run("evaluate", "--run", run, "--data", data, "--json", metricsFile);
        Assert.True(detailed.ExitCode == 0, detailed.Stderr);
        Assert.Contains("macro F1", detailed.Stdout);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(metricsFile)))
        {
            var root = metrics.RootElement;
            var confusion = root.GetProperty("confusion").EnumerateArray()
                .Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
            Assert.Equal(500, confusion.Sum(r => r.Sum()));
            Assert.Equal(Math.Round(accuracy * 500), Enumerable.Range(0, 10).Sum(c => confusion[c][c]));
            Assert.Equal(accuracy, root.GetProperty("accuracy").GetDouble(), 6);
            var perClass = root.GetProperty("per_class").EnumerateArray().ToArray();
            Assert.Equal(10, perClass.Length);
            Assert.Equal(confusion.Select(r => r.Sum()), perClass.Select(c => c.GetProperty("support").GetInt64()));
            Assert.InRange(root.GetProperty("macro_roc_auc").GetDouble(), 0.8, 1.0);
            Assert.InRange(root.GetProperty("expected_calibration_error").GetDouble(), 0, 0.5);
        }
        Assert.Contains("| class | precision | recall | F1 | support |", File.ReadAllText(Path.Combine(run, "report.md")));

        // Predict on real test digits saved as PNG files, as a user would pass them.
        var digits = SpinalNet.Data.MnistFamily.Load(data, SpinalNet.Data.MnistVariant.Mnist, SpinalNet.Data.Split.Test);
        var files = Enumerable.Range(0, 4).Select(i =>
        {
            var file = Path.Combine(folder, $"digit{i}.png");
            File.WriteAllBytes(file, SpinalNet.Data.ImageCodec.Encode(digits.ReadImage(i)));
            return file;
        }).ToArray();
        var predict = CliRunner.Run(["predict", "--run", run, "--top", "2", .. files]);
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var predicted = predict.Stdout.Trim().Split('\n');
        Assert.Equal(4, predicted.Length);
        int right = predicted.Select((line, i) => line.Split(": ")[1].StartsWith($"{digits.Label(i)} ") ? 1 : 0).Sum();
        Assert.True(right >= 3, $"only {right} of 4 digits predicted right:\n{predict.Stdout}");
        var shares = predicted[0].Split(": ")[1].Split(", ").Select(p => double.Parse(p.Split(' ')[1].TrimEnd('%'), CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, shares.Length);
        Assert.True(shares[0] >= shares[1] && shares.Sum() <= 100.01);
        AssertOneLineError(CliRunner.Run("predict", "--run", Path.Combine(folder, "nowhere"), files[0]), "nowhere");

        // The same weights under the authors' PyTorch names predict the same, without the run folder.
        var export = CliRunner.Run("export", "--run", run, "--format", "pt");
        Assert.True(export.ExitCode == 0, export.Stderr);
        var fromPt = CliRunner.Run(["predict", "--weights", Path.Combine(run, "authors.pt"), "--model", "mnist-cnn",
            "--head", "spinal", "--top", "2", .. files]);
        Assert.True(fromPt.ExitCode == 0, fromPt.Stderr);
        Assert.Equal(predict.Stdout, fromPt.Stdout);

        var wrongHead = CliRunner.Run("evaluate", "--model", "mnist-cnn", "--head", "fc", "--weights",
            Path.Combine(run, "model.safetensors"), "--data", data);
        AssertOneLineError(wrongHead, "model.safetensors");
    }

    [Fact]
    public void Compare_trains_both_heads_and_prints_one_table()
    {
        var data = DataSlice();
        var result = CliRunner.Run("compare", "--model", "mnist-cnn", "--epochs", "1", "--data", data,
            "--out", Path.Combine(folder, "cmp"), "--threads", "2");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var fc = result.Stdout.Split('\n').Single(l => l.Contains("│ fc "));
        var spinal = result.Stdout.Split('\n').Single(l => l.Contains("│ spinal "));
        Assert.Contains("21,840", fc);
        Assert.Contains("16,560", fc);
        Assert.Contains("13,818", spinal);
        Assert.Contains("8,480", spinal);
        Assert.True(File.Exists(Path.Combine(folder, "cmp", "fc", "metrics.csv")));
        Assert.True(File.Exists(Path.Combine(folder, "cmp", "spinal", "model.safetensors")));
        var report = File.ReadAllText(Path.Combine(folder, "cmp", "report.md"));
        Assert.Contains("| Spinal | 13,818 | 472,480 | 8,538 | 8,480 |", report);
        Assert.Contains("Best epoch picked on the test split", report);
        Assert.Contains("![Test accuracy per epoch](accuracy.png)", report);
        Assert.Contains("Per-class test metrics of the Spinal head", report);
        AssertPng(Path.Combine(folder, "cmp", "accuracy.png"), 800, 500);
        AssertPng(Path.Combine(folder, "cmp", "spinal", "confusion.png"), 700, 600);
    }

    static void AssertPng(string path, int width, int height)
    {
        var image = SpinalNet.Data.ImageCodec.Decode(path, 3);
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.True(image.Data.Distinct().Count() > 10, $"{path} is blank");
    }

    [Fact]
    public void Compare_with_repeats_reports_mean_and_standard_deviation_over_seeds()
    {
        var data = DataSlice();
        var result = CliRunner.Run("compare", "--epochs", "1", "--repeats", "2", "--seed", "3", "--data", data,
            "--out", Path.Combine(folder, "rep"), "--threads", "2", "--validation-fraction", "0.1", "--quiet");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("±", result.Stdout.Split('\n').Single(l => l.Contains("│ spinal ")));
        var report = File.ReadAllText(Path.Combine(folder, "rep", "report.md"));
        Assert.Contains("seeds 3, 4", report);
        Assert.Contains("validation split of 10%", report);
        Assert.Equal(4, report.Split('\n').Count(l => (l.StartsWith("| 3 |") || l.StartsWith("| 4 |")) && l.Contains('%')));
        Assert.True(File.Exists(Path.Combine(folder, "rep", "seed-4", "fc", "last.ckpt")));
    }

    [Fact]
    public void Summary_prints_the_per_layer_table_and_totals()
    {
        var result = CliRunner.Run("summary", "--model", "mnist-cnn", "--head", "spinal");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("head.layers.5.linear", result.Stdout);
        var head = result.Stdout.Split('\n').Single(l => l.Contains("head total"));
        Assert.Contains("8,538", head);
        Assert.Contains("8,480", head);
        Assert.Contains("13,818", result.Stdout.Split('\n').Single(l => l.Contains("│ total")));
    }

    [Fact]
    public void Models_lists_every_network_with_its_cost()
    {
        var result = CliRunner.Run("models");
        Assert.True(result.ExitCode == 0, result.Stderr);
        string Row(string name, string head) => result.Stdout.Split('\n').Single(l => l.StartsWith($"│ {name} ") && l.Contains($"│ {head} "));
        foreach (var (name, head, number) in new[]
                 {
                     ("mnist-cnn", "spinal", "13,818"), ("cifar10-vgg19-bn", "fc", "38,958,922"),
                     ("cifar10-resnet18", "spinal", "3,609,130"), ("regression-fc", "fc", "22,001"),
                     ("regression-spinal", "spinal", "14,301"), ("regression-spinal", "spinal", "14,000"),
                     // The newer backbones (docs/transfer.md §11.4), torchvision's counts with 10 classes.
                     ("densenet121", "fc", "6,964,106"), ("efficientnet_b0", "fc", "4,020,358"),
                     ("mobilenet_v3_large", "fc", "4,214,842"), ("convnext_tiny", "fc", "27,827,818"),
                     ("swin_t", "fc", "27,527,044"), ("vit_b_16", "fc", "85,806,346"),
                     ("vit_l_16", "spinal", "303,344,682"),
                 })
            Assert.Contains(number, Row(name, head));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("evaluate")]
    [InlineData("compare")]
    [InlineData("summary")]
    [InlineData("models")]
    public void Every_command_has_help(string command)
    {
        var result = CliRunner.Run(command, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout);
        if (command != "models")
        {
            Assert.Contains("layer_width", result.Stdout);
            Assert.Contains("Half_width", result.Stdout);
        }
    }

    internal static void AssertOneLineError(CliResult result, string culprit)
    {
        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{result.Stderr}");
        Assert.Contains(culprit, lines[0]);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Fine_tuning_options_reach_the_run_and_a_too_small_image_is_one_line_before_any_folder()
    {
        var data = Path.Combine(folder, "digits");
        var digits = SpinalNet.Data.MnistFamily.Load(SpinalNet.Data.MnistFamily.EmbeddedSample,
            SpinalNet.Data.MnistVariant.Mnist, SpinalNet.Data.Split.Train);
        SpinalNet.Data.ImageFolder.Write(digits, data, "train", Enumerable.Range(0, 40));
        SpinalNet.Data.ImageFolder.Write(digits, data, "val", Enumerable.Range(40, 10));
        var run = Path.Combine(folder, "run");
        var result = CliRunner.Run("train", "--model", "cifar10-cnn", "--data", data, "--augmentation", "none",
            "--image-size", "32", "--freeze-backbone", "--head-lr", "0.05", "--epochs", "1", "--out", run, "--quiet");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        var settings = config.RootElement.GetProperty("settings");
        Assert.Equal(32, config.RootElement.GetProperty("image_size").GetInt32());
        Assert.True(settings.GetProperty("freeze_backbone").GetBoolean());
        Assert.Equal(0.05, settings.GetProperty("head_learning_rate").GetDouble());

        var small = Path.Combine(folder, "small");
        AssertOneLineError(CliRunner.Run("train", "--model", "alexnet", "--image-size", "8", "--out", small),
            "--image-size 8 is too small for alexnet: the smallest image size it takes is 63");
        Assert.False(Directory.Exists(small));
    }

    [Fact]
    public void Missing_data_folder_is_one_line()
    {
        var missing = Path.Combine(folder, "nowhere");
        AssertOneLineError(CliRunner.Run("train", "--data", missing, "--out", Path.Combine(folder, "r")), missing);
    }

    [Fact]
    public void Missing_weights_file_is_one_line() =>
        AssertOneLineError(CliRunner.Run("evaluate", "--weights", Path.Combine(folder, "none.safetensors")), "none.safetensors");

    [Fact]
    public void Corrupt_weights_file_is_one_line()
    {
        var path = Path.Combine(folder, "junk.safetensors");
        File.WriteAllText(path, "not a safetensors file");
        AssertOneLineError(CliRunner.Run("evaluate", "--weights", path), "junk.safetensors");
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs 0")]
    [InlineData("--lr", "-1", "--lr -1")]
    [InlineData("--momentum", "1.5", "--momentum 1.5")]
    [InlineData("--spinal-width", "0", "--spinal-width 0 must be at least 1")]
    [InlineData("--splits", "400", "--spinal-splits 400 must be between 1 and the input width N = 320")]
    [InlineData("--head", "wide", "wide")]
    [InlineData("--model", "resnet-9000", "resnet-9000")]
    [InlineData("--epochs", "many", "many")]
    [InlineData("--spinal-width", "2000000000", "above the limit")]
    [InlineData("--classes", "1000000000", "--classes 1000000000")]
    [InlineData("--head-lr", "-1", "--head-lr -1")]
    public void Bad_option_value_is_one_line(string option, string value, string culprit) =>
        AssertOneLineError(CliRunner.Run("train", option, value, "--out", Path.Combine(folder, "r")), culprit);

    [Fact]
    public void Config_file_is_layered_under_options_and_unknown_keys_are_one_line()
    {
        var data = DataSlice();
        var file = Path.Combine(folder, "run.json");
        File.WriteAllText(file, """{"head": "fc", "settings": {"epochs": 3, "learning_rate": 0.05, "optimizer": "sgd"}}""");
        var run = Path.Combine(folder, "run");
        var result = CliRunner.Run("train", "--config", file, "--epochs", "1", "--data", data, "--out", run, "--quiet");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.DoesNotContain("epoch 1:", result.Stdout);  // --quiet
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal("fc", config.RootElement.GetProperty("head").GetString());
        Assert.Equal(1, config.RootElement.GetProperty("settings").GetProperty("epochs").GetInt32());
        Assert.Equal(0.05, config.RootElement.GetProperty("settings").GetProperty("learning_rate").GetDouble());

        File.WriteAllText(file, """{"settings": {"epoch": 3}}""");
        AssertOneLineError(CliRunner.Run("train", "--config", file, "--out", run), "'settings.epoch'");
        AssertOneLineError(CliRunner.Run("train", "--config", Path.Combine(folder, "none.json")), "none.json");
    }

    [Theory]
    [InlineData("INT")]   // Ctrl+C
    [InlineData("TERM")]  // what a scheduler or `kill` sends
    public async Task A_stop_signal_leaves_a_checkpoint_that_resume_completes(string signal)
    {
        var data = DataSlice();
        var run = Path.Combine(folder, "run");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { CliRunner.Program, "train", "--epochs", "200",
                     "--data", data, "--out", run, "--threads", "2" })
            start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(Path.Combine(run, "last.ckpt")) && DateTime.UtcNow < deadline) Thread.Sleep(100);
        System.Diagnostics.Process.Start("kill", [$"-{signal}", process.Id.ToString()])!.WaitForExit();
        // A stopped run still writes its checkpoint, evaluation and charts: minutes on a loaded machine (the suite runs
        // process tests side by side).
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(4)), $"the run did not stop after SIG{signal}");
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("resume with --resume", await stdout);

        var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        int done = state.RootElement.GetArrayLength();
        Assert.InRange(done, 1, 199);
        var resumed = CliRunner.Run("train", "--resume", run, "--epochs", (done + 1).ToString());
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("completed", resumed.Stdout);
        Assert.Equal(done + 2, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);

        AssertOneLineError(CliRunner.Run("train", "--resume", run, "--lr", "0.5"), "--lr");
        var evaluate = CliRunner.Run("evaluate", "--run", run);
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        Assert.Contains("test accuracy", evaluate.Stdout);
    }

    [Fact]
    public void Unknown_option_is_one_line() =>
        AssertOneLineError(CliRunner.Run("train", "--colour", "blue"), "--colour");

    /// <summary>Mistakes get the nearest command, option or name and the value expected, never a .NET type.</summary>
    [Theory]
    [InlineData("trian", "unknown command 'trian'; did you mean train? (commands: train, evaluate,")]
    [InlineData("train --epoch 1", "unknown option '--epoch'; did you mean --epochs? (`spinalnet train --help`")]
    [InlineData("train --lr abc", "spinalnet: --lr abc: expected a number such as 0.01")]
    [InlineData("train --epochs 1.5", "spinalnet: --epochs 1.5: expected a whole number such as 10")]
    [InlineData("train --model mnist_cnn", "); did you mean mnist-cnn?")]
    [InlineData("train --preset mnist-cnn-spinl", "); did you mean mnist-cnn-spinal?")]
    [InlineData("data shwo", "unknown command 'shwo'; did you mean show? (commands: list, download, show)")]
    [InlineData("data", "spinalnet: give a command: list, download, show (`spinalnet data --help`")]
    public void Mistakes_get_the_nearest_name_and_the_value_expected(string line, string message)
    {
        string[] args = line.Split(' ');
        var result = CliRunner.Run(args[0] == "train" ? [.. args, "--out", Path.Combine(folder, "r")] : args);
        AssertOneLineError(result, message);
        Assert.DoesNotContain("System.", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(folder, "r")));
    }

    [Fact]
    public void Output_under_a_regular_file_is_one_line_naming_the_file()
    {
        var file = Path.Combine(folder, "notes.txt");
        File.WriteAllText(file, "a file");
        var result = CliRunner.Run("train", "--epochs", "1", "--out", Path.Combine(file, "run"));
        AssertOneLineError(result, $"{Path.Combine(file, "run")}: cannot create the folder, {file} is a file");
        AssertOneLineError(CliRunner.Run("train", "--epochs", "1", "--out", file), $"{file}: a file, not a folder");
        Assert.Equal("a file", File.ReadAllText(file));
    }

    [Fact]
    public void The_nearest_name_folds_case_and_underscores_and_leaves_far_names_alone()
    {
        string[] names = ["mnist-cnn", "cifar10-cnn", "cifar100-cnn", "train", "evaluate"];
        Assert.Equal("mnist-cnn", SpinalNet.Data.NearestName.Of("MNIST_CNN", names));
        Assert.Equal("train", SpinalNet.Data.NearestName.Of("trian", names));
        Assert.Equal("cifar10-cnn", SpinalNet.Data.NearestName.Of("cifar10_cn", names));
        Assert.Null(SpinalNet.Data.NearestName.Of("resnet50", names));
        Assert.Equal("", SpinalNet.Data.NearestName.Suggestion("xyz", names));
    }
}
