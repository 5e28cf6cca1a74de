// ONNX export of every network the library builds (small widths for the big ones, the same structure): ONNX Runtime's
// outputs equal TorchSharp's at batch 1 and 7 on random inputs, with non-trivial batch-norm statistics; the files pass
// the ONNX checker (Debian's python3-onnx; skipped, saying so, where it is missing) and a structural check; the weights
// load back bit-identically.
using System.Diagnostics;
using Onnx;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Onnx;
using SpinalNet.Regression;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SpinalNet.Tests;

public class OnnxExportTests(ITestOutputHelper log)
{
    /// <summary>A small network of each catalogue name (the paper's structure, widths divided down).</summary>
    internal static ClassifierNetwork Small(string name, HeadKind head)
    {
        var spec = ModelCatalog.Get(name);
        manual_seed(7);
        NetworkChoice Narrow(int width) => spec.With(head, s => s with { Width = width });
        if (name.StartsWith("arch2")) return Arch2.Create(Narrow(4));
        if (name.Contains("-vgg"))
        {
            int depth = int.Parse(name.Split("-vgg")[1].Split('-')[0]);
            return CifarVgg.Create(Narrow(6), new CifarVggConfig(depth, 12,
                VggFeatures.ForDepth(depth).Select(c => c / 32).ToArray()));
        }
        if (name.Contains("-resnet"))
            return CifarResNet.Create(Narrow(6), new CifarResNetConfig(name.EndsWith("18") ? CifarResNetConfig.ResNet18
                : CifarResNetConfig.ResNet34, 2));
        if (name.StartsWith("vgg5"))
            return Vgg5.Create(Narrow(4), new Vgg5Config(InteropFixtureTests.Vgg5Blocks, 6));
        if (name.StartsWith("cifar"))
            return CifarCnn.Create(Narrow(6), new CifarCnnConfig(InteropFixtureTests.CnnChannels, [12, 10]));
        return spec.Create(head, 7);
    }

    public static TheoryData<string, HeadKind> Catalogue()
    {
        var data = new TheoryData<string, HeadKind>();
        foreach (var spec in ModelCatalog.All.Where(s => s.ImageNet is null))
            foreach (var head in new[] { HeadKind.Spinal, HeadKind.Fc }) data.Add(spec.Name, head);
        return data;
    }

    /// <summary>The ImageNet backbones' module kinds, at their real widths on tiny inputs: BasicBlock and the global
    /// pool (resnet18), Bottleneck with groups (resnext50_32x4d), AlexNet's features and an adaptive pool from 1×1 up to
    /// 6×6 (alexnet at 64 px) or equal (224 px); VGG-bn's features are the CIFAR VGG's.</summary>
    [Theory]
    [InlineData("resnet18", HeadKind.Spinal, 64)]
    [InlineData("resnet18-cntk", HeadKind.Fc, 32)]
    [InlineData("resnext50_32x4d", HeadKind.Spinal, 32)]
    [InlineData("alexnet", HeadKind.Spinal, 64)]
    [InlineData("alexnet", HeadKind.Spinal, 224)]
    // The newer backbones (docs/transfer.md §11.4): dense blocks' Concat and AveragePool, EfficientNet's SiLU and
    // squeeze-excitation, MobileNetV3's Hardswish / Hardsigmoid (and its Hardswish classifier), ConvNeXt's LayerNorm2d,
    // channels-last Linear maps and layer scale, ViT's class token, position embeddings and self-attention.
    [InlineData("densenet121", HeadKind.Spinal, 32)]
    [InlineData("efficientnet_b0", HeadKind.Fc, 32)]
    [InlineData("mobilenet_v3_large", HeadKind.Fc, 32)]
    [InlineData("mobilenet_v3_small", HeadKind.Spinal, 32)]
    [InlineData("convnext_tiny", HeadKind.Fc, 32)]
    [InlineData("vit_b_32", HeadKind.Spinal, 224)]
    public void ImageNet_network_runs_in_onnx_runtime_as_in_torchsharp(string name, HeadKind head, int side)
    {
        using var model = ModelCatalog.Get(name).Create(head, 7, classes: 5);
        var (difference, scale, _) = ExportAndCompare($"{name}-{head.Id()}-{side}", model, [3, side, side]);
        Assert.True(difference <= 1e-4 * Math.Max(1, scale), $"{name}: max difference {difference} (scale {scale})");
    }

    /// <summary>Spinal layers beyond the catalogue's: wrap-round splits (Gather), shared weights, other block maps,
    /// batch norm and every activation, L = 1, no output layer.</summary>
    public static readonly Dictionary<string, SpinalConfig> SpinalCases = new()
    {
        ["wrap-k3-n10"] = new(10, 4, 5, 3, Splits: 3),
        ["odd-n5-k2"] = new(5, 3, 4, 2),
        ["shared-bn-tanh"] = new(12, 4, 5, 3, SharedWeights: true, BatchNorm: true, Activation: Activation.Tanh),
        ["blocks-leaky"] = new(8, 5, 6, 1, Activation: Activation.LeakyRelu, LayerBlocks: [0, 1, 2, 3, 2, 3]),
        ["gelu-dropout"] = new(9, 4, 3, 2, Splits: 4, Activation: Activation.Gelu, Dropout: 0.3),
        ["sigmoid-one-layer"] = new(6, 4, 1, 2, Activation: Activation.Sigmoid),
        ["identity-no-output"] = new(7, 3, 3, 0, Splits: 3, Activation: Activation.Identity),
    };

    public static TheoryData<string> SpinalNames => new(SpinalCases.Keys);

    public static TheoryData<string> RegressionNames => new(RegressionNetworks.All.Select(n => n.Name));

    /// <summary>Running statistics away from 0 and 1, so the graph's batch norms are tested, not skipped.</summary>
    static void PerturbBatchNorms(nn.Module model)
    {
        using var noGrad = no_grad();
        var random = new Random(3);
        foreach (var m in model.modules().OfType<TorchSharp.Modules.BatchNorm>())
        {
            m.running_mean!.copy_(randn(m.running_mean.shape) * 0.2);
            m.running_var!.copy_(rand(m.running_var.shape) + 0.5);
            m.weight!.copy_(rand(m.weight.shape) + 0.5);
            m.bias!.copy_(randn(m.bias.shape) * 0.1);
        }
    }

    static readonly string Folder = Path.Combine(Path.GetTempPath(), "spinalnet-onnx-tests");

    /// <summary>Exports, then compares ONNX Runtime with TorchSharp at batch 1 and 7; returns the largest difference
    /// and the largest output magnitude.</summary>
    (double Difference, double Scale, string Path) ExportAndCompare(string name, nn.Module<Tensor, Tensor> model,
        long[] sample)
    {
        PerturbBatchNorms(model);
        model.eval();
        var path = Path.Combine(Folder, name + ".onnx");
        OnnxExport.Write(model, sample, path, new Dictionary<string, string> { ["test"] = name });
        StructuralCheck(OnnxFile.Read(path).Model);
        using var session = OnnxSession.Open(path, threads: 1);
        double difference = 0, scale = 0;
        foreach (var batch in new long[] { 1, 7 })
        {
            manual_seed(batch);
            using var x = randn([batch, .. sample]);
            using var noGrad = no_grad();
            using var expected = model.call(x);
            using var actual = session.Forward(x);
            Assert.Equal(expected.shape, actual.shape);
            difference = Math.Max(difference, expected.sub(actual).abs().max().item<float>());
            scale = Math.Max(scale, expected.abs().max().item<float>());
        }
        log.WriteLine($"{name}: max |ONNX Runtime − TorchSharp| = {difference:G3} (outputs up to {scale:G3}), " +
                      $"{new FileInfo(path).Length:N0} bytes");
        return (difference, scale, path);
    }

    [Theory]
    [MemberData(nameof(Catalogue))]
    public void Catalogue_network_runs_in_onnx_runtime_as_in_torchsharp(string name, HeadKind head)
    {
        using var model = Small(name, head);
        var (difference, scale, _) = ExportAndCompare($"{name}-{head.Id()}", model, ModelCatalog.Get(name).InputShape);
        bool deep = name.Contains("vgg") || name.Contains("resnet");
        Assert.True(deep ? difference <= 1e-4 * Math.Max(1, scale) : difference <= 1e-5,
            $"{name} ({head.Id()}): max difference {difference} (scale {scale})");
    }

    [Theory]
    [MemberData(nameof(SpinalNames))]
    public void Spinal_layer_cases_run_in_onnx_runtime_as_in_torchsharp(string name)
    {
        var config = SpinalCases[name];
        manual_seed(11);
        using var layer = new SpinalLayer(config);
        var (difference, _, path) = ExportAndCompare("spinal-" + name, layer, [config.InputWidth]);
        Assert.True(difference <= 1e-5, $"{name}: max difference {difference}");
        var ops = OnnxFile.Read(path).Model.Graph.Node.Select(n => n.OpType).ToHashSet();
        bool wraps = Enumerable.Range(0, config.Layers)
            .Any(i => config.InputIndex(i, 0) + config.SplitWidth > config.InputWidth);
        Assert.Equal(wraps, ops.Contains("Gather"));
        Assert.Contains("Gemm", ops);
    }

    [Theory]
    [MemberData(nameof(RegressionNames))]
    public void Regression_network_runs_in_onnx_runtime_as_in_torchsharp(string name)
    {
        manual_seed(5);
        using var network = RegressionNetworks.All.Single(n => n.Name == name).Create();
        var (difference, _, path) = ExportAndCompare(name, network, [SyntheticRegression.Inputs]);
        Assert.True(difference <= 1e-5, $"{name}: max difference {difference}");
        // Shared blocks read one set of initializers: Gemm nodes outnumber the distinct weights they read.
        var gemms = OnnxFile.Read(path).Model.Graph.Node.Where(n => n.OpType == "Gemm").ToList();
        Assert.Equal(name == "regression-fc" ? 3 : 7, gemms.Count);
        Assert.Equal(name == "regression-spinal-script" ? 5 : gemms.Count, gemms.Select(n => n.Input[1]).Distinct().Count());
    }

    [SkippableFact]
    public void Exported_files_pass_the_onnx_checker()
    {
        OnnxChecker.Require();
        var files = new List<string>();
        foreach (var (name, head) in new[] { ("mnist-cnn", HeadKind.Spinal), ("arch2-mnist", HeadKind.Spinal),
                     ("cifar10-resnet18", HeadKind.Spinal), ("vgg5", HeadKind.Fc), ("cifar100-vgg11-bn", HeadKind.Fc) })
        {
            using var model = Small(name, head);
            var path = Path.Combine(Folder, $"checker-{name}-{head.Id()}.onnx");
            OnnxExport.Write(model, ModelCatalog.Get(name).InputShape, path);
            files.Add(path);
        }
        foreach (var name in SpinalCases.Keys)
        {
            using var layer = new SpinalLayer(SpinalCases[name]);
            files.Add(Path.Combine(Folder, $"checker-spinal-{name}.onnx"));
            OnnxExport.Write(layer, [SpinalCases[name].InputWidth], files[^1]);
        }
        using (var network = RegressionNetworks.All.Single(n => n.Name == "regression-spinal-script").Create())
        {
            files.Add(Path.Combine(Folder, "checker-regression.onnx"));
            OnnxExport.Write(network, [SyntheticRegression.Inputs], files[^1]);
        }
        var (ok, output) = OnnxChecker.Check(files);
        log.WriteLine(output);
        Assert.True(ok, output);
    }

    /// <summary>Graphs of the newer backbones (docs/transfer.md §11.4) pass onnx.checker with shape inference.</summary>
    [SkippableFact]
    public void Newer_backbones_pass_the_onnx_checker()
    {
        OnnxChecker.Require();
        var files = new List<string>();
        // ConvNeXt's and ViT's graphs (111 MB, 350 MB) run in ONNX Runtime above; here the smaller ones.
        foreach (var (name, head, side) in new[] { ("densenet121", HeadKind.Fc, 32), ("efficientnet_b0", HeadKind.Spinal, 32),
                     ("mobilenet_v3_small", HeadKind.Fc, 32) })
        {
            using var model = ModelCatalog.Get(name).Create(head, 7, classes: 5);
            files.Add(Path.Combine(Folder, $"checker-{name}-{head.Id()}.onnx"));
            OnnxExport.Write(model, [3, side, side], files[^1]);
        }
        var (ok, output) = OnnxChecker.Check(files);
        log.WriteLine(output);
        foreach (var file in files) File.Delete(file);
        Assert.True(ok, output);
    }

    [Theory]
    [InlineData("mnist-cnn", HeadKind.Spinal)]
    [InlineData("vgg5", HeadKind.Spinal)]
    [InlineData("cifar10-resnet18", HeadKind.Fc)]
    [InlineData("arch2-fashion", HeadKind.Spinal)]
    public void Exported_weights_load_back_bit_identically(string name, HeadKind head)
    {
        using var source = Small(name, head);
        PerturbBatchNorms(source);
        var path = Path.Combine(Folder, $"roundtrip-{name}.onnx");
        OnnxExport.Write(source, ModelCatalog.Get(name).InputShape, path);
        manual_seed(99);
        using var copy = Small(name, head);
        OnnxFile.LoadWeights(copy, path, name);
        var theirs = copy.state_dict();
        foreach (var (key, value) in source.state_dict())
            Assert.True(value.shape.SequenceEqual(theirs[key].shape) && value.eq(theirs[key]).all().item<bool>(),
                $"{key} differs after the round trip");
    }

    [Fact]
    public void Weights_of_another_network_are_refused_naming_the_key()
    {
        using var mnist = Small("mnist-cnn", HeadKind.Spinal);
        var path = Path.Combine(Folder, "refused.onnx");
        OnnxExport.Write(mnist, [1, 28, 28], path);
        using var other = Small("mnist-cnn", HeadKind.Fc);
        var error = Assert.Throws<InvalidDataException>(() => OnnxFile.LoadWeights(other, path, "mnist-cnn (fc head)"));
        Assert.Contains("head.", error.Message);
    }

    [Fact]
    public void A_module_the_writer_does_not_know_is_named()
    {
        using var model = nn.Sequential(("fc", nn.Linear(4, 3)), ("odd", nn.Softplus()));
        var error = Assert.Throws<InvalidOperationException>(() => OnnxExport.ToModel(model, [4]));
        Assert.Equal("ONNX export: module 'odd' is a Softplus, which the ONNX writer does not know", error.Message);
    }

    /// <summary>What the checker verifies that matters here, without Python: one opset-13 import, every node input
    /// produced before use, initializers unique and exactly named, a symbolic batch dimension.</summary>
    internal static void StructuralCheck(ModelProto model)
    {
        Assert.Equal(OnnxExport.Opset, model.OpsetImport.Single().Version);
        var graph = model.Graph;
        var defined = graph.Initializer.Select(i => i.Name).ToList();
        Assert.Equal(defined.Count, defined.Distinct().Count());
        var known = defined.Concat(graph.Input.Select(i => i.Name)).ToHashSet();
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input) Assert.True(known.Contains(input), $"{node.Name} reads undefined '{input}'");
            foreach (var output in node.Output) Assert.True(known.Add(output), $"'{output}' is produced twice");
        }
        Assert.Equal([OnnxExport.InputName], graph.Input.Select(i => i.Name));
        Assert.Equal([OnnxExport.OutputName], graph.Output.Select(i => i.Name));
        Assert.Equal(OnnxExport.BatchDimension, graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(OnnxExport.BatchDimension, graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
    }
}

/// <summary>onnx.checker.check_model (full check, with shape inference) through Debian's python3-onnx. Where that is
/// missing the calling test (a [SkippableFact]) is skipped, saying what to install, never passed unchecked; the
/// structural check above needs no Python.</summary>
static class OnnxChecker
{
    const string Python = "/usr/bin/python3";

    /// <summary>Why the checker cannot run here (what to install), or null where it can; asked once.</summary>
    static readonly Lazy<string?> Missing = new(() =>
    {
        const string install = "apt-get install python3-onnx; .ci/run does";
        if (!File.Exists(Python)) return $"{Python} is missing: onnx.checker not run ({install})";
        var (exitCode, output) = RunPython("-c", "import onnx");
        return exitCode == 0 ? null : $"{Python} cannot import onnx: onnx.checker not run ({install}): {output.Trim()}";
    });

    /// <summary>Skips the calling test where the checker cannot run.</summary>
    public static void Require() => Skip.If(Missing.Value is not null, Missing.Value);

    public static (bool Ok, string Output) Check(IEnumerable<string> files)
    {
        Require();
        var (exitCode, output) = RunPython(["-c", "import sys, onnx\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(" +
            "onnx.load(f), full_check=True)\n    print('ok', f)", .. files]);
        return (exitCode == 0, output);
    }

    static (int ExitCode, string Output) RunPython(params string[] args)
    {
        var start = new ProcessStartInfo(Python)
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd() + stderr.Result;
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
