// One training step of a head alone (forward, backward) on a batch of 64 feature vectors of the MNIST CNN (N = 320):
// the Spinal head (docs/networks.md §2.1: k = 2, w = 8, L = 6) against the default 320→50→10 head. The paper's cost
// claim is about multiplications (8,480 vs 16,500); this shows what they cost in time on a CPU.
using BenchmarkDotNet.Attributes;
using SpinalNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Bench;

public class HeadBenchmark
{
    nn.Module<Tensor, Tensor> head = null!;
    Tensor features = null!, labels = null!;

    [Params(HeadKind.Spinal, HeadKind.Fc)]
    public HeadKind Head { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        torch.manual_seed(0);
        var config = new MnistCnnConfig();
        head = Head == HeadKind.Spinal ? new Layers.SpinalLayer(config.SpinalHead) : new Layers.FullyConnectedHead(config.DefaultHead);
        features = torch.randn(64, MnistCnnConfig.Features).requires_grad_();
        labels = torch.randint(0, 10, [64]);
    }

    [Benchmark(Description = "head forward + backward, batch 64", OperationsPerInvoke = 100)]
    public void Step()
    {
        for (int i = 0; i < 100; i++)
        {
            using var scope = torch.NewDisposeScope();
            nn.functional.cross_entropy(head.call(features), labels).backward();
        }
    }
}
