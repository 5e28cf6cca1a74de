// Deployment through ONNX end to end: a trained mnist-cnn Spinal run exports as ONNX, passes the ONNX checker, and
// `predict --onnx` / `evaluate --onnx` print what `predict --run` / `evaluate --weights` print; the standalone example
// (ONNX Runtime alone, no TorchSharp) prints the same predictions; bad .onnx files are one-line errors.
using System.Reflection;
using SpinalNet.Interop;
using SpinalNet.Models;
using SpinalNet.Onnx;
using SpinalNet.Runs;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public sealed class OnnxDeploymentTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static string ExampleProgram()
    {
        var configuration = typeof(OnnxDeploymentTests).Assembly
            .GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var path = Path.Combine(ArchitectureTests.RepositoryRoot, "examples", "onnx-classifier", "bin", configuration,
            "net10.0", "onnx-classifier.dll");
        Assert.True(File.Exists(path), $"{path} was not built (the test project builds it)");
        return path;
    }

    [SkippableFact]
    public void Trained_run_exports_and_predicts_the_same_through_onnx_runtime()
    {
        var data = temp.Folder("data");
        CliRunner.WriteSampleSlice(data, train: 1000, test: 300);
        var run = temp.Combine("run");
        var train = CliRunner.Run("train", "--model", "mnist-cnn", "--head", "spinal", "--epochs", "1", "--data", data,
            "--out", run, "--threads", "2", "--seed", "3", "--quiet");
        Assert.True(train.ExitCode == 0, train.Stderr);

        var export = CliRunner.Run("export", "--run", run, "--format", "onnx");
        Assert.True(export.ExitCode == 0, export.Stderr);
        var onnx = Path.Combine(run, "model.onnx");
        Assert.Equal($"model written to {onnx}\n", export.Stdout);
        var metadata = OnnxFile.Metadata(OnnxFile.Read(onnx).Model);
        Assert.Equal("[1,28,28]", metadata["input_shape"]);
        Assert.Equal("[0.1307]", metadata["mean"]);
        Assert.Equal("[0.3081]", metadata["std"]);
        Assert.Equal("gray", metadata["channel_order"]);
        Assert.Equal("log_softmax", metadata["output"]);
        Assert.Equal("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]", metadata["classes"]);

        var digits = SpinalNet.Data.MnistFamily.Load(data, SpinalNet.Data.MnistVariant.Mnist, SpinalNet.Data.Split.Test);
        var files = Enumerable.Range(0, 6).Select(i =>
        {
            var file = temp.Combine($"digit{i}.png");
            File.WriteAllBytes(file, SpinalNet.Data.ImageCodec.Encode(digits.ReadImage(i)));
            return file;
        }).ToArray();
        var byRun = CliRunner.Run(["predict", "--run", run, .. files]);
        var byOnnx = CliRunner.Run(["predict", "--onnx", onnx, .. files]);
        Assert.True(byRun.ExitCode == 0 && byOnnx.ExitCode == 0, byRun.Stderr + byOnnx.Stderr);
        Assert.Equal(6, byRun.Stdout.Trim().Split('\n').Length);
        Assert.Equal(byRun.Stdout, byOnnx.Stdout);
        CliTests.AssertOneLineError(CliRunner.Run("predict", "--onnx", onnx, "--run", run, files[0]), "without --run");

        // The example serves the file with ONNX Runtime alone and prints the same lines.
        var example = CliRunner.RunProgram(ExampleProgram(), [onnx, .. files]);
        Assert.True(example.ExitCode == 0, example.Stderr);
        Assert.Equal(byOnnx.Stdout, example.Stdout);

        var evaluated = CliRunner.Run("evaluate", "--model", "mnist-cnn", "--head", "spinal", "--weights",
            Path.Combine(run, "model.safetensors"), "--data", data);
        var evaluatedOnnx = CliRunner.Run("evaluate", "--onnx", onnx, "--data", data);
        Assert.True(evaluated.ExitCode == 0 && evaluatedOnnx.ExitCode == 0, evaluated.Stderr + evaluatedOnnx.Stderr);
        Assert.Equal(evaluated.Stdout, evaluatedOnnx.Stdout);
        Assert.Contains("/300)", evaluatedOnnx.Stdout);

        // Last, so that a machine without python3-onnx runs all of the above before the test says Skip.
        var (ok, checker) = OnnxChecker.Check([onnx]);
        Assert.True(ok, checker);
    }

    [Fact]
    public void Example_references_no_torchsharp()
    {
        var folder = Path.GetDirectoryName(ExampleProgram())!;
        Assert.Empty(Directory.GetFiles(folder, "*Torch*", SearchOption.AllDirectories));
        var deps = File.ReadAllText(Path.Combine(folder, "onnx-classifier.deps.json"));
        Assert.DoesNotContain("TorchSharp", deps);
        Assert.DoesNotContain("SpinalNet", deps);
    }

    /// <summary>An exported model of a run folder (untrained weights: what matters is the file).</summary>
    string ExportedModel()
    {
        var run = new RunDirectory(temp.Combine("run"));
        run.WriteConfig(Recipes.DefaultsFor("mnist-cnn"));
        using (var model = ModelCatalog.Get("mnist-cnn").Create(HeadKind.Spinal, 5))
            WeightsFile.Save(model, run.File(RunDirectory.WeightsFile));
        return TrainedModel.ExportOnnxRun(run.Path);
    }

    public static TheoryData<string> BadFiles => new() { "truncated", "random", "empty", "no-metadata", "missing" };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_onnx_file_is_a_one_line_error(string kind)
    {
        var good = File.ReadAllBytes(ExportedModel());
        var path = temp.Combine($"{kind}.onnx");
        switch (kind)
        {
            case "truncated": File.WriteAllBytes(path, good[..(good.Length * 2 / 3)]); break;
            case "random": File.WriteAllBytes(path, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray()); break;
            case "empty": File.WriteAllBytes(path, []); break;
            case "no-metadata":
                using (var layer = new SpinalNet.Layers.SpinalLayer(new(8, 2, 2, 3))) OnnxExport.Write(layer, [8], path);
                break;
        }
        var image = temp.Combine("digit.png");
        File.WriteAllBytes(image, SpinalNet.Data.ImageCodec.Encode(new SpinalNet.Data.Image(1, 28, 28)));
        CliTests.AssertOneLineError(CliRunner.Run("predict", "--onnx", path, image), path);
        if (kind is "truncated" or "no-metadata")
            CliTests.AssertOneLineError(CliRunner.Run("evaluate", "--onnx", path), path);
        var example = CliRunner.RunProgram(ExampleProgram(), path, image);
        Assert.NotEqual(0, example.ExitCode);
        Assert.Single(example.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Library_prediction_through_onnx_matches_torchsharp_on_a_resized_rgb_image()
    {
        var onnx = ExportedModel();
        var image = temp.Combine("colour.png");
        manual_seed(1);
        var picture = new SpinalNet.Data.Image(3, 40, 33);
        rand(picture.Data.Length).data<float>().CopyTo(picture.Data, 0);
        File.WriteAllBytes(image, SpinalNet.Data.ImageCodec.Encode(picture));
        using var trained = TrainedModel.Open(Path.GetDirectoryName(onnx));
        using var served = OnnxClassifier.Open(onnx);
        var expected = trained.Predict([image], 10).Single().Top;
        var actual = served.Predict([image], 10).Single().Top;
        Assert.Equal(expected.Select(c => c.Class), actual.Select(c => c.Class));
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First.Probability - p.Second.Probability) < 1e-6));
        Assert.Equal(trained.ClassNames, served.Card.ClassNames);
    }
}
