// `-- onnx-fidelity`: every catalogue network at its paper size, both heads, exported to ONNX and run by ONNX Runtime
// against TorchSharp on random inputs at batch 1 and 7 (docs/deployment.md §8.4): the largest difference, the largest
// output, the file size. Weights are the seeded initialisation with perturbed batch-norm statistics.
using SpinalNet.Models;
using SpinalNet.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace SpinalNet.Bench;

public static class OnnxFidelity
{
    public static void Run()
    {
        torch.set_num_threads(2);
        Console.WriteLine("| network | head | max abs difference | max abs output | file size (bytes) |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var spec in ModelCatalog.All)
            foreach (var head in new[] { HeadKind.Spinal, HeadKind.Fc })
            {
                using var model = spec.Create(head, 0);
                using (torch.no_grad())
                    foreach (var bn in model.modules().OfType<TorchSharp.Modules.BatchNorm>())
                    {
                        bn.running_mean!.copy_(torch.randn(bn.running_mean.shape) * 0.2);
                        bn.running_var!.copy_(torch.rand(bn.running_var.shape) + 0.5);
                    }
                model.eval();
                var path = Path.Combine(Path.GetTempPath(), $"fidelity-{spec.Name}-{head.Id()}.onnx");
                OnnxExport.Write(model, spec.InputShape, path);
                using var session = OnnxSession.Open(path, threads: 2);
                double difference = 0, scale = 0;
                foreach (var batch in new long[] { 1, 7 })
                {
                    using var scope = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    var x = torch.randn([batch, .. spec.InputShape]);
                    var expected = model.call(x);
                    difference = Math.Max(difference, expected.sub(session.Forward(x)).abs().max().item<float>());
                    scale = Math.Max(scale, expected.abs().max().item<float>());
                }
                Console.WriteLine($"| {spec.Name} | {head.Id()} | {difference:G3} | {scale:G3} | {new FileInfo(path).Length:N0} |");
                File.Delete(path);
            }
    }
}
