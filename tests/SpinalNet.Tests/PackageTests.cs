// The library as a user gets it (README "Install", docs/platform.md §7.6): every package packed into a temporary feed,
// restored by projects made from scratch (nothing in them but their references) and by the examples (examples/), then
// built, tested, published and run on this machine, where the core's buildTransitive targets make torch load on
// Debian 12 (docs/platform.md §7.1). One consumer takes the core alone (the layer in a network of its own), one each
// optional package alone, and a console app takes TorchSharp and its CPU backend alone, the floor the core's bin folder
// is measured against. The test project references the core only through a class library, as a program gets it
// through another package. Offline: the feed and the machine's NuGet cache are the only package sources. One pack and
// one build serve every test of the class.
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SpinalNet.Tests;

/// <summary>The packages in a temporary feed, and the consumer projects built against it.</summary>
public sealed class PackedLibrary : IDisposable
{
#if DEBUG
    const string Configuration = "Debug";
#else
    const string Configuration = "Release";
#endif
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(8);

    /// <summary>The library's packages, core first (the tool, SpinalNet.Cli, is packed by build/pack-local.sh).</summary>
    public static readonly string[] Packages = [.. ArchitectureTests.Packages, "SpinalNet.ML"];

    /// <summary>The consumer of each optional package and what its program prints when it works.</summary>
    public static readonly Dictionary<string, string> OptionalConsumers = new()
    {
        ["SpinalNet.Onnx"] = "onnx: exported and ran a Spinal head, output 1x10",
        ["SpinalNet.Pretrained"] = "pretrained: resnet18-cntk from NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18",
        ["SpinalNet.Distributed"] = "distributed: rank 0 of 1",
        ["SpinalNet.Charts"] = "charts: scatter.png and a contact sheet of 2 digits",
        ["SpinalNet.Runs"] = "runs: mnist-cnn, 2 epochs",
        ["SpinalNet.ML"] = "difference 0",
    };

    public string Root { get; } = Directory.CreateTempSubdirectory("spinalnet-package-").FullName;
    public string Feed => Path.Combine(Root, "feed");
    public string Consumers => Path.Combine(Root, "consumers");

    /// <summary>The version in Directory.Build.props with a suffix of this run: a package of that exact version was
    /// never extracted into any NuGet cache before, so the consumers get this build of the library.</summary>
    public string Version { get; } = $"{PackageFacts.Version}-test.{DateTime.UtcNow:yyyyMMddHHmmss}";

    public string PackageOf(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");
    public string Package => PackageOf("SpinalNet");
    public string Symbols => Path.Combine(Feed, $"SpinalNet.{Version}.snupkg");
    public CliResult Pack { get; } = new(-1, "", "not packed");
    public CliResult Build { get; } = new(-1, "", "not built: the pack failed");

    public static string ConsumerName(string package) => "Consumer." + package.Replace("SpinalNet.", "");

    public PackedLibrary()
    {
        foreach (var package in Packages)
        {
            string project = Path.Combine(ArchitectureTests.RepositoryRoot, "src", package, package + ".csproj");
            Pack = Dotnet(Root, "pack", project, "--no-build", "-c", Configuration, "-o", Feed,
                $"-p:PackageVersion={Version}");
            if (Pack.ExitCode != 0) return;
        }

        Directory.CreateDirectory(Consumers);
        File.WriteAllText(Path.Combine(Consumers, "nuget.config"), $"""
            <configuration>
              <packageSources><clear /><add key="feed" value="{Feed}" /></packageSources>
              <fallbackPackageFolders><clear /><add key="machine" value="{PackageFacts.MachineCache}" /></fallbackPackageFolders>
            </configuration>
            """);
        var spinalNet = ("SpinalNet", Version);
        var backend = ("libtorch-cpu-linux-x64", PackageFacts.Property("LibTorchCpuVersion"));
        var torchSharp = ("TorchSharp", PackageFacts.CoreVersionOf("TorchSharp"));
        WriteProject("Consumer.Steps", "", TrainStep, [spinalNet]);
        WriteProject("Consumer", "<OutputType>Exe</OutputType>", TrainStep + ConsumerProgram, [spinalNet, backend]);
        WriteProject("TorchSharpAlone", "<OutputType>Exe</OutputType>", TorchSharpAloneProgram, [torchSharp, backend]);
        // Only the ONNX consumer runs torch (it exports a network); the others use no tensor, so they build without a
        // backend and their bin folders stay small.
        foreach (var (package, _) in OptionalConsumers)
            WriteProject(ConsumerName(package), "<OutputType>Exe</OutputType>", OptionalPrograms[package],
                package switch
                {
                    "SpinalNet.Onnx" or "SpinalNet.Runs" => [(package, Version), backend],
                    "SpinalNet.ML" => [(package, Version), ("Microsoft.ML", "6.0.0"), backend],
                    _ => [(package, Version)],
                });
        // The test packages of this test project, so that the machine's cache has them.
        var testPackages = new[] { "Microsoft.NET.Test.Sdk", "xunit", "xunit.runner.visualstudio" }
            .Select(id => (id, PackageFacts.TestProjectVersionOf(id)));
        WriteProject("Consumer.Tests", "<IsPackable>false</IsPackable>", ConsumerTest, [backend, .. testPackages],
            "Consumer.Steps");
        foreach (var example in PackageFacts.Examples)
        {
            var target = Directory.CreateDirectory(Path.Combine(Consumers, example)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(PackageFacts.ExamplesFolder, example)))
            {
                string text = File.ReadAllText(file);
                if (file.EndsWith(".csproj")) text = text.Replace(PackageFacts.SpinalNetReference(PackageFacts.Version),
                    PackageFacts.SpinalNetReference(Version));
                File.WriteAllText(Path.Combine(target, Path.GetFileName(file)), text);
            }
        }
        string[] projects = ["Consumer.Steps/Consumer.Steps.csproj", "Consumer/Consumer.csproj",
            "Consumer.Tests/Consumer.Tests.csproj", "TorchSharpAlone/TorchSharpAlone.csproj",
            .. OptionalConsumers.Keys.Select(p => $"{ConsumerName(p)}/{ConsumerName(p)}.csproj"),
            .. PackageFacts.Examples.Select(e => $"{e}/{e}.csproj")];
        File.WriteAllText(Path.Combine(Consumers, "consumers.slnx"),
            $"<Solution>{string.Concat(projects.Select(p => $"<Project Path=\"{p}\" />"))}</Solution>");
        Build = Dotnet(Consumers, "build", "consumers.slnx");
    }

    /// <summary>`dotnet ...` with a cache of the consumers' own (the packages are extracted there), no build servers
    /// left behind, and no package audit (it would need the registry).</summary>
    public CliResult Dotnet(string workingDirectory, params string[] args) =>
        CliRunner.Dotnet(workingDirectory, Patience, new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["UseSharedCompilation"] = "false",
            ["NuGetAudit"] = "false",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        }, args);

    public string Output(string project) => Path.Combine(Consumers, project, "bin", "Debug", "net10.0");

    /// <summary>Bytes of every file under <paramref name="folder"/>.</summary>
    public static long SizeOf(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    void WriteProject(string name, string property, string code, (string Id, string Version)[] packages,
        string? project = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Consumers, name)).FullName;
        var references = packages.Select(r => $"""    <PackageReference Include="{r.Id}" Version="{r.Version}" />""")
            .Concat(project is null ? [] : [$"""    <ProjectReference Include="../{project}/{project}.csproj" />"""]);
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                {property}
              </PropertyGroup>
              <ItemGroup>
            {string.Join('\n', references)}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Code.cs"), code);
    }

    // One SGD step of a Spinal head on the first 64 embedded digits: the loss on that batch goes down.
    const string TrainStep = """
        using SpinalNet.Data;
        using SpinalNet.Layers;
        using static TorchSharp.torch;

        public static class Step
        {
            public static (float Before, float After) Train()
            {
                manual_seed(1);
                var (train, test) = MnistFamily.LoadTensors(null, ChannelNormalization.Mnist);
                var images = train.Images.narrow(0, 0, 64).flatten(1);
                var labels = train.Labels.narrow(0, 0, 64);
                var head = new SpinalLayer(new SpinalConfig(InputWidth: 784, Width: 16, Layers: 4, Outputs: 10));
                using var optimizer = optim.SGD(head.parameters(), 0.1);
                var loss = nn.functional.cross_entropy(head.call(images), labels);
                loss.backward();
                optimizer.step();
                var after = nn.functional.cross_entropy(head.call(images), labels);
                return (loss.item<float>(), after.item<float>());
            }
        }
        """;

    const string ConsumerProgram = """

        static class Program
        {
            static int Main()
            {
                var (before, after) = Step.Train();
                bool fallback = Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu"));
                Console.WriteLine($"trained a step: loss {before:F4} -> {after:F4}; fallback copy: {fallback}");
                return after < before && !fallback ? 0 : 1;
            }
        }
        """;

    const string TorchSharpAloneProgram = """
        Console.WriteLine($"torch: {TorchSharp.torch.ones(2, 3).sum().item<float>()}");
        """;

    // A tiny program per optional package, each using what the package adds (and the core it brings).
    static readonly Dictionary<string, string> OptionalPrograms = new()
    {
        ["SpinalNet.Onnx"] = """
            using SpinalNet.Layers;
            using SpinalNet.Onnx;

            var head = new SpinalLayer(new SpinalConfig(InputWidth: 784, Width: 16, Layers: 4, Outputs: 10));
            head.eval();
            OnnxExport.Write(head, [784], "head.onnx");
            using var session = OnnxSession.Open("head.onnx");
            var (values, shape) = session.Run(new float[784], [1, 784]);
            Console.WriteLine($"onnx: exported and ran a Spinal head, output {string.Join("x", shape)}");
            """,
        ["SpinalNet.Pretrained"] = """
            using SpinalNet.Interop;
            using SpinalNet.Pretrained;

            CntkResNet18.Register();
            var status = PretrainedWeights.List().Single(s => s.Architecture == PretrainedWeights.Offline);
            if (!status.File!.StartsWith(AppContext.BaseDirectory)) throw new Exception($"not beside the app: {status.File}");
            Console.WriteLine($"pretrained: {status.Architecture} from {status.Source}");
            """,
        ["SpinalNet.Distributed"] = """
            using SpinalNet.Distributed;
            using SpinalNet.Training;

            MpiReplicaGroup.Register();
            var group = ReplicaGroup.World;
            Console.WriteLine($"distributed: rank {group.Rank} of {group.Size}");
            """,
        ["SpinalNet.Charts"] = """
            using SpinalNet.Charts;
            using SpinalNet.Data;

            RunCharts.Scatter("scatter.png", "predictions", [1, 2, 3], [1.1, 1.9, 3.2]);
            var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, Split.Test);
            var sheet = ContactSheet.Render([(digits.ReadImage(0), "a"), (digits.ReadImage(1), "b")]);
            if (!File.Exists("scatter.png") || sheet.Length < 100) throw new Exception("no pictures");
            Console.WriteLine("charts: scatter.png and a contact sheet of 2 digits");
            """,
        ["SpinalNet.Runs"] = """
            using SpinalNet.Runs;

            var config = Configuration.Resolve(ConfigLayer.Of("example", [("model", "mnist-cnn"), ("settings.epochs", 2)]));
            Console.WriteLine($"runs: {config.Model}, {config.Settings.Epochs} epochs");
            """,
        // Issue 24's acceptance: a CSV the program has never seen, through an ordinary ML.NET pipeline, the Spinal
        // trainer within 2 points of SdcaMaximumEntropy or better, and model.zip reloading with identical scores.
        ["SpinalNet.ML"] = """
            using System.Globalization;
            using Microsoft.ML;
            using Microsoft.ML.Data;
            using SpinalNet.Data;
            using SpinalNet.ML;

            var digits = MnistFamily.Load(MnistFamily.EmbeddedSample, MnistVariant.Mnist, Split.Train);
            using (var file = new StreamWriter("digits.csv"))
                for (int i = 0; i < 1200; i++)
                    file.WriteLine(digits.Labels[i] + "," + string.Join(',', digits.Pixels.Skip(i * 784).Take(784)
                        .Select(p => p.ToString(CultureInfo.InvariantCulture))));
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromTextFile("digits.csv",
                [new TextLoader.Column("Label", DataKind.String, 0), new TextLoader.Column("Features", DataKind.Single, 1, 784)],
                separatorChar: ',');
            var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 1);
            IEstimator<ITransformer> Pipeline(IEstimator<ITransformer> trainer) => ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.NormalizeMinMax("Features")).Append(trainer);
            var model = Pipeline(ml.MulticlassClassification.Trainers.Spinal(epochs: 10)).Fit(split.TrainSet);
            double spinal = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet)).MicroAccuracy;
            double sdca = ml.MulticlassClassification.Evaluate(Pipeline(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
                .Fit(split.TrainSet).Transform(split.TestSet)).MicroAccuracy;
            ml.Model.Save(model, data.Schema, "model.zip");
            var loaded = new MLContext().Model.Load("model.zip", out _);
            var before = model.Transform(split.TestSet).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
            var after = loaded.Transform(split.TestSet).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
            double difference = before.Zip(after).Max(p => Math.Abs(p.First - p.Second));
            Console.WriteLine($"mlnet: spinal {spinal:0.0000} sdca {sdca:0.0000} difference {difference:g3}");
            return spinal >= sdca - 0.02 && difference <= 1e-5 && before.Length == after.Length ? 0 : 1;
            """,
    };

    const string ConsumerTest = """

        public class StepTests
        {
            [Xunit.Fact]
            public void A_step_lowers_the_loss()
            {
                var (before, after) = Step.Train();
                Xunit.Assert.True(after < before, $"loss {before} -> {after}");
            }
        }
        """;

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[Collection(OtherProcesses.Name)]
public class PackageTests(PackedLibrary packed) : IClassFixture<PackedLibrary>
{
    static string Describe(CliResult r) => $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}";

    void AssertBuilt()
    {
        Assert.True(packed.Pack.ExitCode == 0, "dotnet pack: " + Describe(packed.Pack));
        Assert.True(packed.Build.ExitCode == 0, "dotnet build of the consumers: " + Describe(packed.Build));
    }

    CliResult RunProgram(string folder, string dll) => packed.Dotnet(folder, Path.Combine(folder, dll));

    static XElement Metadata(ZipArchive zip)
    {
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    static Dictionary<string, string> Dependencies(XElement metadata) =>
        metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!);

    [Fact]
    public void Package_holds_readme_docs_licence_targets_and_sample_and_no_libtorch()
    {
        Assert.True(packed.Pack.ExitCode == 0, "dotnet pack: " + Describe(packed.Pack));
        using var zip = ZipFile.OpenRead(packed.Package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var expected in new[] { "README.md", "LICENSE", "lib/net10.0/SpinalNet.dll",
                     "lib/net10.0/SpinalNet.xml", "buildTransitive/SpinalNet.targets",
                     "buildTransitive/WeakenAnchorOnlySymbolVersions.cs",
                     "data/mnist-sample/train-images-idx3-ubyte.gz", "data/mnist-sample/t10k-labels-idx1-ubyte.gz",
                     "data/mnist-sample/README.md" })
            Assert.Contains(expected, entries);
        Assert.DoesNotContain(entries, e => e.EndsWith(".onnx"));

        using (var docs = new StreamReader(zip.GetEntry("lib/net10.0/SpinalNet.xml")!.Open()))
        {
            var members = XDocument.Load(docs).Descendants("member").Select(m => (string)m.Attribute("name")!).ToList();
            var undocumented = typeof(SpinalNet.Layers.SpinalLayer).Assembly.GetExportedTypes()
                .Select(t => "T:" + t.FullName!.Replace('+', '.')).Except(members).ToList();
            Assert.Empty(undocumented);   // every public type has a summary
            Assert.True(members.Count > 450, $"only {members.Count} documented members");
        }

        var metadata = Metadata(zip);
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal("SpinalNet", Field("id"));
        Assert.Equal(packed.Version, Field("version"));
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.StartsWith("https://", Field("projectUrl"));
        Assert.Contains("spinalnet", Field("tags"));
        Assert.Contains("Spinal layer", Field("description"));
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.StartsWith("https://", (string)repository.Attribute("url")!);
        // The core takes TorchSharp with no backend and managed packages only: no ONNX Runtime, charts, SkiaSharp, MPI,
        // pretrained files or console UI (docs/platform.md §7.6).
        var dependencies = Dependencies(metadata).Keys.ToHashSet();
        Assert.Superset(new HashSet<string> { "TorchSharp", "TorchSharp.PyBridge", "System.Numerics.Tensors",
            "StbImageSharp", "StbImageWriteSharp" }, dependencies);
        foreach (var heavy in new[] { "Microsoft.ML.OnnxRuntime", "ScottPlot", "SkiaSharp", "MPI.NET",
                     "Microsoft.ML.DnnImageFeaturizer.ResNet18", "Spectre.Console", "OnnxSharp", "TorchVision" })
            Assert.DoesNotContain(dependencies, d => d.StartsWith(heavy, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(dependencies, d => d.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase)
                                                 || d.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase));

        using var symbols = ZipFile.OpenRead(packed.Symbols);
        Assert.Contains("lib/net10.0/SpinalNet.pdb", symbols.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void Every_optional_package_has_readme_docs_licence_and_the_core_at_its_own_version()
    {
        Assert.True(packed.Pack.ExitCode == 0, "dotnet pack: " + Describe(packed.Pack));
        var expected = new Dictionary<string, string[]>
        {
            ["SpinalNet.Onnx"] = ["Microsoft.ML.OnnxRuntime", "OnnxSharp"],
            ["SpinalNet.Pretrained"] = ["SpinalNet.Onnx", "Microsoft.ML.DnnImageFeaturizer.ResNet18"],
            ["SpinalNet.Distributed"] = ["MPI.NET"],
            ["SpinalNet.Charts"] = ["ScottPlot", "SkiaSharp"],
            ["SpinalNet.Runs"] = ["SpinalNet.Onnx", "SpinalNet.Pretrained", "SpinalNet.Distributed", "SpinalNet.Charts"],
            ["SpinalNet.ML"] = ["SpinalNet.Onnx", "SpinalNet.Pretrained", "Microsoft.ML", "Microsoft.ML.OnnxTransformer",
                "Microsoft.ML.ImageAnalytics", "SkiaSharp.NativeAssets.Linux.NoDependencies"],
        };
        foreach (var (package, dependsOn) in expected)
        {
            using var zip = ZipFile.OpenRead(packed.PackageOf(package));
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            foreach (var file in new[] { "README.md", "LICENSE", $"lib/net10.0/{package}.dll", $"lib/net10.0/{package}.xml" })
                Assert.True(entries.Contains(file), $"{package} lacks {file}");
            Assert.DoesNotContain(entries, e => e.EndsWith(".onnx"));   // the ResNet-18 files come through their package
            var metadata = Metadata(zip);
            Assert.Equal(packed.Version, metadata.Elements().Single(e => e.Name.LocalName == "version").Value);
            var dependencies = Dependencies(metadata);
            // The core directly, or through SpinalNet.Onnx (SpinalNet.Pretrained), at this very version.
            var core = dependencies.GetValueOrDefault("SpinalNet") ?? dependencies.GetValueOrDefault("SpinalNet.Onnx");
            Assert.True(core == packed.Version, $"{package} depends on the core at {core ?? "no version"}");
            foreach (var dependency in dependsOn) Assert.True(dependencies.ContainsKey(dependency), $"{package}: no {dependency}");
        }
    }

    [Fact]
    public void An_app_made_from_scratch_builds_and_trains_a_step_on_this_machine()
    {
        AssertBuilt();
        var run = RunProgram(packed.Output("Consumer"), "Consumer.dll");
        Assert.True(run.ExitCode == 0, Describe(run));
        var m = Regex.Match(run.Stdout, @"trained a step: loss (\d+\.\d+) -> (\d+\.\d+); fallback copy: False");
        Assert.True(m.Success, run.Stdout);
        Assert.True(double.Parse(m.Groups[2].Value) < double.Parse(m.Groups[1].Value), run.Stdout);
        string sample = Path.Combine(packed.Output("Consumer"), "data", "mnist-sample");
        Assert.True(File.Exists(Path.Combine(sample, "train-images-idx3-ubyte.gz")), "no sample beside the app");
        Assert.False(Directory.Exists(Path.Combine(packed.Output("Consumer"), "DnnImageModels")),
            "the core alone brought the offline ResNet-18");
    }

    // The floor: TorchSharp and its CPU backend alone, measured in the same build (Debug, linux-x64 backend). The core
    // adds its managed dependencies (TorchSharp.PyBridge, Razorvine.Pickle, System.Numerics.Tensors, stb) and the
    // embedded sample, 1.6 MB; the issue's goal is at most 25 MB more. Measured: docs/platform.md §7.6.
    [Fact]
    public void A_layer_only_app_is_at_most_25_MB_larger_than_TorchSharp_alone()
    {
        AssertBuilt();
        long layer = PackedLibrary.SizeOf(packed.Output("Consumer")), floor = PackedLibrary.SizeOf(packed.Output("TorchSharpAlone"));
        Assert.True(layer - floor <= 25_000_000, $"layer-only app {layer:N0} bytes, TorchSharp alone {floor:N0}");
        var natives = Directory.GetDirectories(Path.Combine(packed.Output("Consumer"), "runtimes")).Select(Path.GetFileName)
            .Except(Directory.GetDirectories(Path.Combine(packed.Output("TorchSharpAlone"), "runtimes")).Select(Path.GetFileName));
        Assert.Empty(natives);   // no platform's natives beyond TorchSharp's own
    }

    [Fact]
    public void The_app_publishes_and_the_published_app_trains_a_step()
    {
        AssertBuilt();
        string folder = Path.Combine(packed.Root, "published");
        var publish = packed.Dotnet(packed.Consumers, "publish", "Consumer/Consumer.csproj", "-o", folder);
        Assert.True(publish.ExitCode == 0, Describe(publish));
        var run = RunProgram(folder, "Consumer.dll");
        Assert.True(run.ExitCode == 0, Describe(run));
        Assert.Contains("fallback copy: False", run.Stdout);
    }

    // Each optional package alone, built, run, published and its publish run: the core's buildTransitive targets reach
    // it through the core (the sample beside it; torch loading on Debian 12 for the ONNX one, which exports a network).
    [Theory]
    [InlineData("SpinalNet.Onnx")]
    [InlineData("SpinalNet.Pretrained")]
    [InlineData("SpinalNet.Distributed")]
    [InlineData("SpinalNet.Charts")]
    [InlineData("SpinalNet.Runs")]
    [InlineData("SpinalNet.ML")]
    public void A_consumer_of_an_optional_package_alone_builds_runs_and_publishes(string package)
    {
        AssertBuilt();
        string name = PackedLibrary.ConsumerName(package), said = PackedLibrary.OptionalConsumers[package];
        var run = RunProgram(packed.Output(name), name + ".dll");
        Assert.True(run.ExitCode == 0, Describe(run));
        Assert.Contains(said, run.Stdout);
        Assert.True(File.Exists(Path.Combine(packed.Output(name), "data", "mnist-sample", "t10k-images-idx3-ubyte.gz")),
            $"{package}: the core's targets did not copy the sample");
        // SpinalNet.ML's image trainer starts from resnet18-cntk's weights (docs/mlnet.md §15.8): the files come along.
        Assert.Equal(package is "SpinalNet.Pretrained" or "SpinalNet.Runs" or "SpinalNet.ML",
            File.Exists(Path.Combine(packed.Output(name), "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx")));
        string folder = Path.Combine(packed.Root, "published-" + name);
        var publish = packed.Dotnet(packed.Consumers, "publish", $"{name}/{name}.csproj", "-o", folder);
        Assert.True(publish.ExitCode == 0, Describe(publish));
        var published = RunProgram(folder, name + ".dll");
        Assert.True(published.ExitCode == 0, Describe(published));
        Assert.Contains(said, published.Stdout);
    }

    [Fact]
    public void A_test_project_made_from_scratch_passes()
    {
        AssertBuilt();
        var test = packed.Dotnet(packed.Consumers, "test", "Consumer.Tests/Consumer.Tests.csproj", "--no-build");
        Assert.True(test.ExitCode == 0, Describe(test));
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+1", test.Stdout);
    }

    [Fact]
    public void The_spinal_head_example_trains()
    {
        AssertBuilt();
        var run = RunProgram(packed.Output("SpinalHead"), "SpinalHead.dll");
        Assert.True(run.ExitCode == 0, Describe(run));
        var m = Regex.Match(run.Stdout,
            @"logits 256x10; loss (\d+\.\d+) -> (\d+\.\d+) in 50 steps; train accuracy (\d+\.\d) ?%");
        Assert.True(m.Success, run.Stdout);
        Assert.True(double.Parse(m.Groups[2].Value) < double.Parse(m.Groups[1].Value) / 10, run.Stdout);
        Assert.True(double.Parse(m.Groups[3].Value) >= 90, run.Stdout);
    }

    [Fact]
    public void The_custom_cnn_example_learns_the_embedded_digits()
    {
        AssertBuilt();
        var run = RunProgram(packed.Output("CustomCnn"), "CustomCnn.dll");
        Assert.True(run.ExitCode == 0, Describe(run));
        Assert.Contains("parameters 13,098, multiplications", run.Stdout);
        var m = Regex.Match(run.Stdout, @"epoch 2: train loss \d+\.\d+, test accuracy (\d+\.\d+) ?%");
        Assert.True(m.Success, run.Stdout);
        Assert.True(double.Parse(m.Groups[1].Value) >= 90, run.Stdout);
    }
}

/// <summary>What ties the examples and the READMEs to the package (no pack needed).</summary>
public class PackageFacts
{
    /// <summary>The NuGet cache of this machine, where every package but SpinalNet already is.</summary>
    public static string MachineCache => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
        ? cache
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public static string ExamplesFolder => Path.Combine(ArchitectureTests.RepositoryRoot, "examples");
    public static readonly string[] Examples = ["SpinalHead", "CustomCnn"];

    /// <summary>A property of Directory.Build.props.</summary>
    public static string Property(string name) =>
        XDocument.Load(Path.Combine(ArchitectureTests.RepositoryRoot, "Directory.Build.props"))
            .Descendants(name).Single().Value;

    /// <summary>The packages' version, from its one place.</summary>
    public static string Version => Property("Version");

    /// <summary>The version of a package the core references (src/SpinalNet/SpinalNet.csproj).</summary>
    public static string CoreVersionOf(string package) =>
        (string)XDocument.Load(Path.Combine(ArchitectureTests.RepositoryRoot, "src", "SpinalNet", "SpinalNet.csproj"))
            .Descendants("PackageReference").Single(r => (string?)r.Attribute("Include") == package)
            .Attribute("Version")!;

    public static string TestProjectVersionOf(string package) =>
        (string)XDocument.Load(Path.Combine(ArchitectureTests.RepositoryRoot, "tests", "SpinalNet.Tests",
                "SpinalNet.Tests.csproj"))
            .Descendants("PackageReference").Single(r => (string?)r.Attribute("Include") == package)
            .Attribute("Version")!;

    public static string SpinalNetReference(string version) =>
        $"""<PackageReference Include="SpinalNet" Version="{version}" />""";

    [Fact]
    public void Examples_reference_the_current_version_and_a_backend()
    {
        foreach (var example in Examples)
        {
            string project = File.ReadAllText(Path.Combine(ExamplesFolder, example, example + ".csproj"));
            Assert.Contains(SpinalNetReference(Version), project);
            Assert.Contains($"""Include="libtorch-cpu-linux-x64" Version="{Property("LibTorchCpuVersion")}""", project);
            Assert.DoesNotContain("ProjectReference", project);
        }
    }

    /// <summary>Code lines of the ```csharp blocks of a Markdown file, without comments and indentation.</summary>
    static List<List<string>> Snippets(string markdown) =>
        Regex.Matches(File.ReadAllText(markdown), @"```csharp\n(.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value.Split('\n').Select(Code).Where(l => l.Length > 0).ToList()).ToList();

    static string Code(string line) => Regex.Replace(line, @"\s*//.*$", "").Trim();

    static HashSet<string> CodeOf(string example) =>
        File.ReadAllLines(Path.Combine(ExamplesFolder, example, "Program.cs")).Select(Code).ToHashSet();

    [Fact]
    public void The_readmes_snippets_are_code_of_the_examples()
    {
        string root = ArchitectureTests.RepositoryRoot;
        var head = CodeOf("SpinalHead");
        var cnn = CodeOf("CustomCnn");
        var snippets = Snippets(Path.Combine(root, "README.md"))
            .Concat(Snippets(Path.Combine(root, "src", "SpinalNet", "README.md")))
            .Where(s => s.Any(l => l.Contains("new SpinalLayer"))).ToList();
        Assert.True(snippets.Count >= 3, $"{snippets.Count} Spinal snippets found");
        foreach (var snippet in snippets)
        {
            var example = snippet.Any(l => l.Contains("Trainer.Train")) ? cnn : head;
            foreach (var line in snippet) Assert.Contains(line, example);
        }
    }
}
