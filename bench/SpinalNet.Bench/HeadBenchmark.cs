// One training step of a head alone (forward, backward, SGD step with momentum) on a batch of random feature vectors,
// at the sizes of docs/performance.md §9.4: (N, w, L) = (320, 8, 6), the MNIST CNN's head (docs/networks.md §2.1),
// (256, 128, 4), (2048, 512, 4) and (25088, 1024, 4), the size of a VGG's flattened features, at batch 64 and 256.
// Paths: the Spinal layer's plain path (its reference implementation), its fused path (forced, whatever forward would
// pick), and the conventional head it
// replaces: at N = 320 the MNIST CNN's default head (320 -> 50 -> 10, dropout 0.5 before the output layer),
// elsewhere N -> L·w -> 10 (as many hidden neurons as the Spinal head has).
using BenchmarkDotNet.Attributes;
using SpinalNet.Layers;
using SpinalNet.Models;
using SpinalNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Bench;

public enum HeadPath { Plain, Fused, Default }

public class HeadBenchmark
{
    nn.Module<Tensor, Tensor> head = null!;
    Tensor features = null!, labels = null!;
    TorchSharp.Modules.OptimizerHelper optimizer = null!;

    [Params("320,8,6", "256,128,4", "2048,512,4", "25088,1024,4")]
    public string Size { get; set; } = "";

    [Params(64, 256)]
    public int Batch { get; set; }

    [Params(HeadPath.Plain, HeadPath.Fused, HeadPath.Default)]
    public HeadPath Path { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        torch.manual_seed(0);
        var (n, w, l) = Size.Split(',').Select(int.Parse).ToArray() switch { var v => (v[0], v[1], v[2]) };
        head = Path switch
        {
            HeadPath.Default when n == MnistCnn.Features => new FullyConnectedHead(MnistCnn.DefaultHead(10)),
            HeadPath.Default => new FullyConnectedHead(new FullyConnectedConfig(n, [l * w], 10, [0, 0.5])),
            _ => new SpinalLayer(new SpinalConfig(n, w, l, 10)) { PreferFused = false },
        };
        head.train();
        features = torch.randn(Batch, n).requires_grad_();
        labels = torch.randint(0, 10, [Batch]);
        optimizer = new FusedSgd(head.parameters().ToList(), 0.01, 0.5, 0);   // the library's SGD
    }

    [Benchmark(Description = "head training step")]
    public void Step()
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var logits = Path == HeadPath.Fused ? ((SpinalLayer)head).ForwardFused(features) : head.call(features);
        nn.functional.cross_entropy(logits, labels).backward();
        optimizer.step();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        head.Dispose();
        features.Dispose();
        labels.Dispose();
    }
}
