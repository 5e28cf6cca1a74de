// Every option of every `spinalnet` command, given a value it cannot take, is refused with one line that names it
// (docs/architecture.md §14.3): the test walks the command tree the CLI builds and runs each command line in this
// process, so a new option without a refusal naming it fails here. The values are refused before any training starts
// (most before any data is read), so the walk takes seconds.
using System.CommandLine;
using SpinalNet.Cli;
using SpinalNet.Data;
using SpinalNet.Models;
using SpinalNet.Runs;

namespace SpinalNet.Tests;

public sealed class CliOptionTests : IClassFixture<CliOptionTests.Files>
{
    /// <summary>What the commands need besides the option under test: a run folder (config.json and untrained
    /// weights of mnist-cnn, no training), an image, a CSV file, and a path no file can be written at.</summary>
    public sealed class Files : IDisposable
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("spinalnet-options-").FullName;
        public string Run => Path.Combine(Folder, "run");
        public string Image => Path.Combine(Folder, "digit.png");
        public string Csv => Path.Combine(Folder, "table.csv");
        public string Unwritable => Path.Combine(Image, "below-a-file", "x");  // a folder where a file is

        public Files()
        {
            var run = new RunDirectory(Run);
            var config = Recipes.DefaultsFor("mnist-cnn");
            run.WriteConfig(config);
            using (var model = config.CreateModel(0)) run.SaveWeights(model);
            File.WriteAllBytes(Image, ImageCodec.Encode(new Image(1, 28, 28, new float[28 * 28])));
            File.WriteAllLines(Csv, ["x,y", .. Enumerable.Range(0, 20).Select(i => $"{i},{2 * i}")]);
        }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    readonly Files files;

    public CliOptionTests(Files files) => this.files = files;

    /// <summary>Options that cannot be given a wrong value, each with the reason.</summary>
    static readonly Dictionary<string, string> Exempt = new()
    {
        ["--help"] = "a switch: asks for help", ["--version"] = "a switch: asks for the version",
        ["--quiet"] = "a switch: prints less", ["--tensorboard"] = "a switch: writes event files too",
        ["--freeze-backbone"] = "a switch: trains the head alone",
        ["--cache-features"] = "a switch (its conflicts are --freeze-backbone's: FeatureCacheTests)",
        ["--pretrained"] = "a switch (a model without ImageNet weights is refused naming --pretrained: CliTests)",
        ["--augmented"] = "a switch: shows augmented samples", ["--strict"] = "a switch: fails on an undecodable image",
        ["--script-layer-reuse"] = "a switch: reproduces the script's bug",
        ["--script-broadcast-target"] = "a switch: reproduces the script's bug",
    };

    /// <summary>Options whose value is a file, folder or column: the message names that value (the path or the
    /// column the user typed), which is the culprit the user looks for.</summary>
    static readonly HashSet<string> NamedByValue =
        ["--config", "--data", "--data-root", "--weights", "--run", "--onnx", "--json", "--out", "--resume",
            "--target-column", "--features"];

    /// <summary>The command line that gives <paramref name="option"/> of <paramref name="command"/> a value it cannot
    /// take, with what else the command needs to reach the check; null where the option has no such value.</summary>
    string[]? Invalid(string command, string option)
    {
        string[] model = command is "evaluate" or "predict" or "explain" or "serve" ? ["--run", files.Run] : [];
        string[] image = command is "predict" or "explain" ? [files.Image] : [];
        string[] With(params string[] value) => [option, .. value, .. model, .. image];
        return (command, option) switch
        {
            (_, "--model") when command.StartsWith("weights") => [option, "no-such-arch", files.Image],
            ("regress", "--data") => [option, Path.Combine(files.Folder, "none.csv"), "--target-column", "y"],
            ("regress", "--target-column") => ["--data", files.Csv, option, "no-such-column"],
            ("regress", "--features") => ["--data", files.Csv, "--target-column", "y", option, "no-such-column"],
            ("regress", "--out") => ["--data", files.Csv, "--target-column", "y", option, files.Unwritable],
            ("regress", "--target") => [option, "no-such-target"],
            ("regress", _) => [option, option is "--seed" ? "many" : "0", "--target", "sum"],
            ("sweep", "--spinal-width" or "--spinal-splits") => [option, "4..x"],
            ("sweep", "--shard") => [option, "3/2"],
            ("sweep", "--jobs") => [option, "0"],
            ("sweep", "--budget-seconds") => [option, "-1"],
            ("data show", "--split") => ["embedded", option, "no-such-split"],
            ("data show", "--augmentation") => ["embedded", option, "no-such-pipeline"],
            ("data show", "--count") => ["embedded", option, "0"],
            ("data show", "--seed") => ["embedded", option, "many"],
            ("data show", "--out") => ["embedded", option, files.Unwritable],
            ("data show" or "data download", "--data-root") => ["mnist", option, files.Unwritable],
            ("data list", "--data-root") => [option, files.Image],
            ("weights download", "--out") => ["resnet18", option, files.Unwritable],
            ("weights import", "--out") => [files.Image, "--model", "resnet18", option, files.Unwritable],
            ("bench", "--json") => [option, files.Unwritable, "--time", "0.01"],
            ("evaluate", "--json") => With(files.Unwritable),
            ("export", "--run") => [option, Path.Combine(files.Folder, "no-such-run")],
            ("export", "--format") => ["--run", files.Run, option, "xx"],
            ("export", "--out") => ["--run", files.Run, option, files.Unwritable],
            (_, "--run" or "--resume") => [option, Path.Combine(files.Folder, "no-such-run"), .. image],
            (_, "--weights" or "--config" or "--onnx") => [option, Path.Combine(files.Folder, "none.safetensors"), .. image],
            (_, "--out") => [option, files.Unwritable, .. model, .. image],
            (_, "--data") => With(Path.Combine(files.Folder, "no-such-data")),
            (_, "--data-root") => With(files.Unwritable, "--data", "mnist"),
            (_, "--model" or "--preset" or "--augmentation" or "--optimizer" or "--schedule" or "--device" or "--head"
                or "--layer" or "--host" or "--invert") => With("no-such-" + option.TrimStart('-')),
            (_, "--spinal-batch-norm" or "--seed") => With("maybe"),
            (_, "--spinal-dropout" or "--momentum" or "--validation-fraction") => With("1.5"),
            (_, "--lr" or "--head-lr" or "--weight-decay" or "--max-time" or "--threads" or "--patience"
                or "--queue-limit") => With("-1"),
            (_, "--port") => With("70000"),
            (_, "--class") => With("99"),
            _ => With("0"),
        };
    }

    public static TheoryData<string, string> Options()
    {
        var data = new TheoryData<string, string>();
        void Walk(Command command, string path)
        {
            foreach (var option in command.Options) data.Add(path, option.Name);
            foreach (var sub in command.Subcommands) Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}");
        }
        foreach (var command in Program.Root(new RunOptions()).Subcommands) Walk(command, command.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void A_value_an_option_cannot_take_is_refused_in_one_line_naming_it(string command, string option)
    {
        if (Exempt.ContainsKey(option)) return;
        var args = Invalid(command, option)!;
        var errors = new StringWriter();
        int exit = Program.Run([.. command.Split(' '), .. args], errors);
        var message = errors.ToString().TrimEnd();
        Assert.True(exit != 0, $"`spinalnet {command} {string.Join(' ', args)}` was accepted");
        Assert.DoesNotContain('\n', message);
        string value = args[Array.IndexOf(args, option) + 1];
        Assert.True(message.Contains(option) || NamedByValue.Contains(option) &&
                    (message.Contains(value) || message.Contains(Path.GetDirectoryName(value)!)),
            $"`spinalnet {command} {string.Join(' ', args)}` said: {message}");
    }

    [Fact]
    public void The_exempt_options_are_the_switches()
    {
        static IEnumerable<Command> Flatten(Command c) => c.Subcommands.SelectMany(Flatten).Prepend(c);
        var switches = Flatten(Program.Root(new RunOptions())).SelectMany(c => c.Options)
            .Where(o => o.Arity.MaximumNumberOfValues == 0 || o.ValueType == typeof(bool)).Select(o => o.Name);
        Assert.Equal(Exempt.Keys.Order(), switches.Distinct().Order());
    }

    [Fact]
    public void Evaluate_with_nothing_to_evaluate_names_both_sources()
    {
        var errors = new StringWriter();
        Assert.Equal(1, Program.Run(["evaluate"], errors));
        Assert.Contains("--run or --weights", errors.ToString());
    }
}
